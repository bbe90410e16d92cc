//! The team: listing agents, invitations (a link with a token and an expiry), role
//! changes, deactivation, and each agent's notification preference. Who may do what
//! is decided by the caller (`protocol::settings::Role`); this module keeps the data
//! consistent (one account per email, never deactivating the last owner).

use protocol::settings::{PendingInvite, Role, Team, TeamMember};

use super::{
    agents::{hash_password, LoginError},
    Store, StoreError,
};
use crate::ids::{hash_token, new_id, new_token, now_ms};

/// How long an invitation link works.
pub const INVITE_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TeamError {
    fn from(error: sqlx::Error) -> Self {
        TeamError::Store(error.into())
    }
}

/// An invitation found by its link's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub id: String,
    pub email: String,
    pub role: Role,
}

fn role_of(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("role {text:?}")))
}

impl Store {
    pub async fn team(&self) -> Result<Team, StoreError> {
        let members: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, email, role, deactivated_at FROM agents ORDER BY name, email",
        )
        .fetch_all(&self.reader)
        .await?;
        let invites: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT id, email, role, expires_at FROM agent_invites
             WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1
             ORDER BY created_at",
        )
        .bind(now_ms())
        .fetch_all(&self.reader)
        .await?;
        Ok(Team {
            members: members
                .into_iter()
                .map(|(id, name, email, role, deactivated_at)| {
                    Ok(TeamMember {
                        id,
                        name,
                        email,
                        role: role_of(&role)?,
                        active: deactivated_at.is_none(),
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            invites: invites
                .into_iter()
                .map(|(id, email, role, expires_at)| {
                    Ok(PendingInvite {
                        id,
                        email,
                        role: role_of(&role)?,
                        expires_at,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }

    /// Active team members as (id, name), by name: who tickets can be assigned to.
    pub async fn active_agents(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name FROM agents WHERE deactivated_at IS NULL ORDER BY name, id",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// A member's role and whether they are active, for permission checks.
    pub async fn member_role(&self, agent_id: &str) -> Result<Option<Role>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT role FROM agents WHERE id = $1")
            .bind(agent_id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|(role,)| role_of(&role)).transpose()
    }

    /// Creates an invitation; returns its id and the token for the link (shown once).
    pub async fn invite(
        &self,
        email: &str,
        role: Role,
        invited_by: &str,
    ) -> Result<(String, String), TeamError> {
        if role == Role::Owner {
            return Err(TeamError::Refused("Invite as admin or agent.".into()));
        }
        let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM agents WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.writer)
            .await?;
        if taken.is_some() {
            return Err(TeamError::Refused(
                "Someone on the team already uses this email.".into(),
            ));
        }
        let id = new_id();
        let token = new_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO agent_invites (id, token_hash, email, role, invited_by, created_at,
                expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(hash_token(&token))
        .bind(email)
        .bind(role.as_str())
        .bind(invited_by)
        .bind(now)
        .bind(now + INVITE_TTL_MS)
        .execute(&self.writer)
        .await?;
        Ok((id, token))
    }

    pub async fn revoke_invite(&self, id: &str) -> Result<(), TeamError> {
        let revoked = sqlx::query(
            "UPDATE agent_invites SET revoked_at = $1
             WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.writer)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(TeamError::NotFound);
        }
        Ok(())
    }

    /// The live invitation a link's token names (not expired, used or revoked).
    pub async fn invite_by_token(&self, token: &str) -> Result<Option<InviteRecord>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, email, role FROM agent_invites
             WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL
                AND expires_at > $2",
        )
        .bind(hash_token(token))
        .bind(now_ms())
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(id, email, role)| {
            Ok(InviteRecord {
                id,
                email,
                role: role_of(&role)?,
            })
        })
        .transpose()
    }

    /// Accepts an invitation: creates the account and logs it in. The invitation is
    /// used up in the same transaction, so a link works once.
    pub async fn accept_invite(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> Result<String, TeamError> {
        let invite = self
            .invite_by_token(token)
            .await?
            .ok_or(TeamError::NotFound)?;
        let hash = hash_password(password.to_owned()).await?;
        let id = new_id();
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let used = sqlx::query(
            "UPDATE agent_invites SET accepted_at = $1
             WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(&invite.id)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() == 0 {
            return Err(TeamError::NotFound);
        }
        let created = sqlx::query(
            "INSERT INTO agents (id, email, name, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&invite.email)
        .bind(name)
        .bind(hash)
        .bind(invite.role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await;
        match created {
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(TeamError::Refused(
                    "Someone on the team already uses this email.".into(),
                ))
            }
            other => {
                other?;
            }
        }
        tx.commit().await?;
        self.start_session(&id).await.map_err(TeamError::Store)
    }

    /// Changes a member's role; never leaves the team without an active owner.
    pub async fn set_role(&self, agent_id: &str, role: Role) -> Result<(), TeamError> {
        let mut tx = self.writer.begin().await?;
        let updated = sqlx::query("UPDATE agents SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(TeamError::NotFound);
        }
        require_an_owner(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deactivates (logging them out everywhere) or reactivates a member.
    pub async fn set_active(&self, agent_id: &str, active: bool) -> Result<(), TeamError> {
        let mut tx = self.writer.begin().await?;
        let updated = if active {
            sqlx::query("UPDATE agents SET deactivated_at = NULL WHERE id = $1")
                .bind(agent_id)
                .execute(&mut *tx)
                .await?
        } else {
            sqlx::query(
                "UPDATE agents SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL",
            )
            .bind(now_ms())
            .bind(agent_id)
            .execute(&mut *tx)
            .await?
        };
        if updated.rows_affected() == 0 {
            // Already in that state, or no such member.
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM agents WHERE id = $1")
                .bind(agent_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(TeamError::NotFound);
            }
        }
        if !active {
            sqlx::query("DELETE FROM agent_sessions WHERE agent_id = $1")
                .bind(agent_id)
                .execute(&mut *tx)
                .await?;
            require_an_owner(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_notify_new_tickets(&self, agent_id: &str, on: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE agents SET notify_new_tickets = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(agent_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub async fn notify_new_tickets(&self, agent_id: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT notify_new_tickets FROM agents WHERE id = $1")
                .bind(agent_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.is_some_and(|(on,)| on != 0))
    }

    /// `(agent id, name, email)` of every active agent who wants new-ticket emails.
    pub async fn new_ticket_recipients(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, email FROM agents
             WHERE notify_new_tickets = 1 AND deactivated_at IS NULL ORDER BY email",
        )
        .fetch_all(&self.reader)
        .await?)
    }
}

/// Refuses (by failing the transaction) a change that leaves no active owner.
async fn require_an_owner(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), TeamError> {
    let (owners,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM agents WHERE role = 'owner' AND deactivated_at IS NULL",
    )
    .fetch_one(&mut **tx)
    .await?;
    if owners == 0 {
        return Err(TeamError::Refused(
            "The team needs at least one active owner.".into(),
        ));
    }
    Ok(())
}

impl From<LoginError> for TeamError {
    fn from(error: LoginError) -> Self {
        match error {
            LoginError::Store(error) => TeamError::Store(error),
            other => TeamError::Refused(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    async fn with_owner() -> (Store, tempfile::TempDir, String) {
        let (store, dir) = temp_store().await;
        let token = store
            .create_owner("Olga", "olga@shop.example", "correct horse battery")
            .await
            .expect("owner");
        let owner = store
            .agent_for_session(&token)
            .await
            .expect("query")
            .expect("owner session");
        (store, dir, owner.id)
    }

    #[tokio::test]
    async fn an_invitation_link_works_once_and_creates_the_member() {
        let (store, _dir, owner) = with_owner().await;
        let (_, token) = store
            .invite("ivy@shop.example", Role::Agent, &owner)
            .await
            .expect("invite");
        assert_eq!(store.team().await.expect("team").invites.len(), 1);
        let session = store
            .accept_invite(&token, "Ivy", "another long password")
            .await
            .expect("accept");
        let ivy = store
            .agent_for_session(&session)
            .await
            .expect("query")
            .expect("logged in");
        assert_eq!(
            (ivy.email.as_str(), ivy.role.as_str()),
            ("ivy@shop.example", "agent")
        );
        let again = store
            .accept_invite(&token, "Eve", "another long password")
            .await;
        assert!(matches!(again, Err(TeamError::NotFound)));
        let team = store.team().await.expect("team");
        assert!(team.invites.is_empty());
        assert_eq!(team.members.len(), 2);
    }

    #[tokio::test]
    async fn deactivating_logs_out_and_the_last_owner_stays() {
        let (store, _dir, owner) = with_owner().await;
        let (_, token) = store
            .invite("ivy@shop.example", Role::Admin, &owner)
            .await
            .expect("invite");
        let session = store
            .accept_invite(&token, "Ivy", "another long password")
            .await
            .expect("accept");
        let ivy = store
            .agent_for_session(&session)
            .await
            .expect("query")
            .expect("ivy")
            .id;
        store.set_active(&ivy, false).await.expect("deactivate");
        assert!(store
            .agent_for_session(&session)
            .await
            .expect("q")
            .is_none());
        assert!(store
            .log_in("ivy@shop.example", "another long password")
            .await
            .is_err());
        assert!(matches!(
            store.set_active(&owner, false).await,
            Err(TeamError::Refused(_))
        ));
        assert!(matches!(
            store.set_role(&owner, Role::Agent).await,
            Err(TeamError::Refused(_))
        ));
        // Refused changes left the owner as they were.
        assert_eq!(
            store.member_role(&owner).await.expect("q"),
            Some(Role::Owner)
        );
        store.set_active(&ivy, true).await.expect("reactivate");
        assert!(store
            .log_in("ivy@shop.example", "another long password")
            .await
            .is_ok());
    }
}
