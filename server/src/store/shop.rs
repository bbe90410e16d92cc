//! The `shop` table: the store's name, welcome message and identity secret.

use super::{Store, StoreError};
use crate::ids::{new_token, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShopRecord {
    pub name: String,
    pub welcome_message: String,
    pub identity_secret: String,
}

const DEFAULT_WELCOME: &str = "Hi there! What do you need help with today?";

impl Store {
    /// The shop row, created on first start with `name` and a fresh identity secret.
    /// A configured secret replaces the stored one (the environment wins).
    pub async fn ensure_shop(
        &self,
        name: &str,
        configured_secret: Option<&str>,
    ) -> Result<ShopRecord, StoreError> {
        sqlx::query(
            "INSERT INTO shop (id, name, welcome_message, identity_secret, created_at)
             VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(name)
        .bind(DEFAULT_WELCOME)
        .bind(configured_secret.map_or_else(new_token, str::to_owned))
        .bind(now_ms())
        .execute(&self.writer)
        .await?;
        if let Some(secret) = configured_secret {
            sqlx::query("UPDATE shop SET identity_secret = $1 WHERE id = 1")
                .bind(secret)
                .execute(&self.writer)
                .await?;
        }
        self.shop().await
    }

    pub async fn shop(&self) -> Result<ShopRecord, StoreError> {
        Ok(
            sqlx::query_as("SELECT name, welcome_message, identity_secret FROM shop WHERE id = 1")
                .fetch_one(&self.reader)
                .await?,
        )
    }
}
