//! The `shop` table: the one row holding the store's settings and identity secret.
//!
//! Each Settings page saves its own section (a JSON document) whole, so two admins
//! editing different pages never overwrite each other. `settings_version` counts changes.

use protocol::settings::{AiAgentSettings, BusinessHours, GeneralSettings, WebChatSettings};
use serde::{de::DeserializeOwned, Serialize};

use super::{Store, StoreError};
use crate::ids::{new_token, now_ms};

/// Everything the `shop` row holds, sections parsed (defaults where never saved).
#[derive(Debug, Clone)]
pub struct ShopRecord {
    pub web_chat: WebChatSettings,
    pub general: GeneralSettings,
    pub hours: BusinessHours,
    /// Settings → AI agent, with its handoff secret (never sent to a browser).
    pub ai_agent: AiAgentSettings,
    pub identity_secret: String,
    /// The secret before the last rotation, accepted until the instant beside it.
    pub previous_secret: Option<(String, i64)>,
    pub secret_rotated_at: Option<i64>,
    pub version: i64,
}

impl ShopRecord {
    /// The secrets a shopper's identity signature may be made with right now.
    pub fn identity_secrets(&self, now: i64) -> impl Iterator<Item = &str> {
        let previous = self
            .previous_secret
            .as_ref()
            .filter(|(_, until)| *until > now)
            .map(|(secret, _)| secret.as_str());
        std::iter::once(self.identity_secret.as_str()).chain(previous)
    }
}

#[derive(sqlx::FromRow)]
struct ShopRow {
    name: String,
    welcome_message: String,
    identity_secret: String,
    web_chat: Option<String>,
    general: Option<String>,
    business_hours: Option<String>,
    ai_agent: Option<String>,
    previous_identity_secret: Option<String>,
    previous_secret_expires_at: Option<i64>,
    secret_rotated_at: Option<i64>,
    settings_version: i64,
}

/// A saved section, or `fallback` when it was never saved.
fn section<T: DeserializeOwned>(
    json: Option<String>,
    name: &str,
    fallback: impl FnOnce() -> T,
) -> Result<T, StoreError> {
    match json {
        Some(json) => serde_json::from_str(&json)
            .map_err(|error| StoreError::Corrupt(format!("shop.{name}: {error}"))),
        None => Ok(fallback()),
    }
}

impl TryFrom<ShopRow> for ShopRecord {
    type Error = StoreError;

    fn try_from(row: ShopRow) -> Result<Self, StoreError> {
        let welcome = row.welcome_message;
        let name = row.name;
        Ok(ShopRecord {
            web_chat: section(row.web_chat, "web_chat", || WebChatSettings {
                welcome_message: welcome,
                ..WebChatSettings::default()
            })?,
            general: section(row.general, "general", || GeneralSettings {
                store_name: name,
                ..GeneralSettings::default()
            })?,
            hours: section(row.business_hours, "business_hours", || {
                BusinessHours {
                time_zone: "UTC".to_owned(),
                away_message: "Thanks for your message! Our team is away right now; we'll reply as soon as we're back.".to_owned(),
                ..BusinessHours::default()
            }
            })?,
            ai_agent: section(row.ai_agent, "ai_agent", AiAgentSettings::default)?,
            identity_secret: row.identity_secret,
            previous_secret: row
                .previous_identity_secret
                .zip(row.previous_secret_expires_at),
            secret_rotated_at: row.secret_rotated_at,
            version: row.settings_version,
        })
    }
}

/// The settings sections, by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    WebChat,
    General,
    BusinessHours,
    AiAgent,
}

impl Section {
    fn column(self) -> &'static str {
        match self {
            Section::WebChat => "web_chat",
            Section::General => "general",
            Section::BusinessHours => "business_hours",
            Section::AiAgent => "ai_agent",
        }
    }
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
            sqlx::query(
                "UPDATE shop SET identity_secret = $1, previous_identity_secret = NULL,
                    previous_secret_expires_at = NULL
                 WHERE id = 1 AND identity_secret <> $1",
            )
            .bind(secret)
            .execute(&self.writer)
            .await?;
        }
        self.shop().await
    }

    pub async fn shop(&self) -> Result<ShopRecord, StoreError> {
        let row: ShopRow = sqlx::query_as(
            "SELECT name, welcome_message, identity_secret, web_chat, general, business_hours,
                ai_agent, previous_identity_secret, previous_secret_expires_at, secret_rotated_at,
                settings_version
             FROM shop WHERE id = 1",
        )
        .fetch_one(&self.reader)
        .await?;
        row.try_into()
    }

    /// Saves one settings section (already validated) and counts the change.
    pub async fn save_section<T: Serialize>(
        &self,
        section: Section,
        value: &T,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(value)
            .map_err(|error| StoreError::Corrupt(format!("settings to JSON: {error}")))?;
        sqlx::query(&format!(
            "UPDATE shop SET {} = $1, settings_version = settings_version + 1 WHERE id = 1",
            section.column()
        ))
        .bind(json)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Replaces the identity secret; the old one stays valid for `grace_ms`.
    /// Returns the new secret (shown to the merchant once).
    pub async fn rotate_identity_secret(&self, grace_ms: i64) -> Result<String, StoreError> {
        let secret = new_token();
        let now = now_ms();
        sqlx::query(
            "UPDATE shop SET previous_identity_secret = identity_secret,
                previous_secret_expires_at = $1, identity_secret = $2, secret_rotated_at = $3,
                settings_version = settings_version + 1
             WHERE id = 1",
        )
        .bind(now + grace_ms)
        .bind(&secret)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(secret)
    }
}
