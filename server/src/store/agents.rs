//! The `agents` and `agent_sessions` tables: helpdesk accounts and their log-in sessions.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

use super::{Backend, Store, StoreError};
use crate::ids::{hash_token, new_id, new_token, now_ms};

/// How long an agent stays logged in.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgentRecord {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("an owner already exists")]
    OwnerExists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    pub async fn has_agents(&self) -> Result<bool, StoreError> {
        let any: Option<(String,)> = sqlx::query_as("SELECT id FROM agents LIMIT 1")
            .fetch_optional(&self.reader)
            .await?;
        Ok(any.is_some())
    }

    /// Creates the first account, as owner, and logs it in. Refused once any agent exists,
    /// atomically: two racing first-run forms cannot both create an owner.
    pub async fn create_owner(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<String, LoginError> {
        let hash = hash_password(password.to_owned()).await?;
        let id = new_id();
        let mut tx = self.writer.begin().await.map_err(StoreError::from)?;
        if self.backend == Backend::Postgres {
            // Concurrent writers exist there: make "no agent yet" hold until commit.
            sqlx::query("LOCK TABLE agents IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        }
        let inserted = sqlx::query(
            "INSERT INTO agents (id, email, name, password_hash, role, created_at)
             SELECT $1, $2, $3, $4, 'owner', $5
             WHERE NOT EXISTS (SELECT 1 FROM agents)",
        )
        .bind(&id)
        .bind(email)
        .bind(name)
        .bind(hash)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if inserted.rows_affected() == 0 {
            return Err(LoginError::OwnerExists);
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.start_session(&id).await?)
    }

    /// Checks the password and returns a new session token.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<String, LoginError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, password_hash FROM agents WHERE email = $1 AND deactivated_at IS NULL",
        )
        .bind(email)
        .fetch_optional(&self.reader)
        .await
        .map_err(StoreError::from)?;
        // Verify against a dummy hash when the email is unknown, so timing does not
        // reveal which emails have accounts.
        let (id, hash) = row.unwrap_or_else(|| (String::new(), dummy_hash().to_owned()));
        let valid = verify_password(password.to_owned(), hash).await?;
        if !valid || id.is_empty() {
            return Err(LoginError::WrongCredentials);
        }
        Ok(self.start_session(&id).await?)
    }

    pub(super) async fn start_session(&self, agent_id: &str) -> Result<String, StoreError> {
        let token = new_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_token(&token))
        .bind(agent_id)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(&self.writer)
        .await?;
        Ok(token)
    }

    /// The agent a session token belongs to, if the session is live.
    pub async fn agent_for_session(&self, token: &str) -> Result<Option<AgentRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.email, a.name, a.role FROM agent_sessions s
             JOIN agents a ON a.id = s.agent_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.deactivated_at IS NULL",
        )
        .bind(hash_token(token))
        .bind(now_ms())
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM agent_sessions WHERE token_hash = $1")
            .bind(hash_token(token))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub async fn agent(&self, id: &str) -> Result<Option<AgentRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, email, name, role FROM agents WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.reader)
                .await?,
        )
    }
}

/// Argon2 is deliberately slow: run it off the async workers.
pub(super) async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|_| StoreError::PasswordHash)
    })
    .await
    .map_err(|_| StoreError::PasswordHash)?
}

async fn verify_password(password: String, hash: String) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|_| StoreError::PasswordHash)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|_| StoreError::PasswordHash)?
}

/// A valid argon2 hash of a random password, for constant-time failures.
fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wXJ0/0b2Qjv0aW8d1Gz2Z0M0f2j9l3b1Zy1n0Yw4mC8"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    #[tokio::test]
    async fn only_one_owner_is_ever_created_by_first_run() {
        let (store, _dir) = temp_store().await;
        assert!(!store.has_agents().await.expect("query"));
        store
            .create_owner("Olga", "olga@shop.example", "correct horse battery")
            .await
            .expect("first owner");
        let second = store
            .create_owner("Mallory", "mallory@evil.example", "another password")
            .await;
        assert!(matches!(second, Err(LoginError::OwnerExists)));
        assert!(store.has_agents().await.expect("query"));
    }

    #[tokio::test]
    async fn log_in_checks_the_password_and_sessions_resolve_to_the_agent() {
        let (store, _dir) = temp_store().await;
        store
            .create_owner("Olga", "olga@shop.example", "correct horse battery")
            .await
            .expect("owner");
        let wrong = store.log_in("olga@shop.example", "wrong password").await;
        assert!(matches!(wrong, Err(LoginError::WrongCredentials)));
        let unknown = store.log_in("nobody@shop.example", "whatever").await;
        assert!(matches!(unknown, Err(LoginError::WrongCredentials)));
        let token = store
            .log_in("olga@shop.example", "correct horse battery")
            .await
            .expect("logs in");
        let agent = store
            .agent_for_session(&token)
            .await
            .expect("query")
            .expect("live session");
        assert_eq!(agent.email, "olga@shop.example");
        assert_eq!(agent.role, "owner");
        store.end_session(&token).await.expect("log out");
        assert!(store
            .agent_for_session(&token)
            .await
            .expect("query")
            .is_none());
    }
}
