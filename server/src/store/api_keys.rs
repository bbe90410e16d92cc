//! Private API keys (`api_keys`): created with a random secret that is returned once and
//! stored only as a hash, listed without it, revoked for good.

use protocol::api_keys::{ApiKey, CreatedApiKey, API_KEY_PREFIX};

use super::{Store, StoreError};
use crate::ids::{hash_token, new_id, new_token, now_ms};

type KeyRow = (String, String, String, i64, String, Option<i64>);

fn key_of((id, name, hint, created_at, created_by, last_used_at): KeyRow) -> ApiKey {
    ApiKey {
        id,
        name,
        hint,
        created_at,
        created_by,
        last_used_at,
    }
}

impl Store {
    pub async fn create_api_key(
        &self,
        name: &str,
        created_by: &str,
    ) -> Result<CreatedApiKey, StoreError> {
        let secret = format!("{API_KEY_PREFIX}{}", new_token());
        let key = ApiKey {
            id: new_id(),
            name: name.to_owned(),
            hint: format!("{}…", &secret[..API_KEY_PREFIX.len() + 6]),
            created_at: now_ms(),
            created_by: created_by.to_owned(),
            last_used_at: None,
        };
        sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, hint, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(hash_token(&secret))
        .bind(&key.hint)
        .bind(&key.created_by)
        .bind(key.created_at)
        .execute(&self.writer)
        .await?;
        Ok(CreatedApiKey { key, secret })
    }

    /// The keys not revoked, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT id, name, hint, created_at, created_by, last_used_at FROM api_keys
             WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(key_of).collect())
    }

    /// Revokes a key for good; `false` when there is no such live key.
    pub async fn revoke_api_key(&self, id: &str) -> Result<bool, StoreError> {
        let revoked =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now_ms())
                .bind(id)
                .execute(&self.writer)
                .await?
                .rows_affected();
        Ok(revoked == 1)
    }

    /// The live key with this secret (and notes its use), if any.
    pub async fn api_key_for_secret(&self, secret: &str) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<KeyRow> = sqlx::query_as(
            "UPDATE api_keys SET last_used_at = $1 WHERE key_hash = $2 AND revoked_at IS NULL
             RETURNING id, name, hint, created_at, created_by, last_used_at",
        )
        .bind(now_ms())
        .bind(hash_token(secret))
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(key_of))
    }
}
