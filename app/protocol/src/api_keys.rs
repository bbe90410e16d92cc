//! Private API keys: a merchant's own systems record profile events with them
//! (`POST /api/events`). Created and revoked in Settings → API keys; the secret is shown
//! once, at creation, and only its hash is stored.

use serde::{Deserialize, Serialize};

use crate::settings::FieldError;

pub const MAX_API_KEY_NAME_CHARS: usize = 60;
/// Every key starts with this, so a leaked one is easy to recognise in a scan.
pub const API_KEY_PREFIX: &str = "sdk_";

/// A key as Settings lists it (never its secret).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The secret's first characters ("sdk_3f9a…"), to tell keys apart.
    pub hint: String,
    pub created_at: i64,
    pub created_by: String,
    pub last_used_at: Option<i64>,
}

/// A key just created, with its secret: the only time it is shown.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

/// A key's name, trimmed, or why it cannot be used.
pub fn validated_key_name(name: &str) -> Result<String, Vec<FieldError>> {
    let name = name.trim();
    if name.is_empty() {
        Err(vec![FieldError::new(
            "name",
            "Name the key after what uses it.",
        )])
    } else if name.chars().count() > MAX_API_KEY_NAME_CHARS {
        Err(vec![FieldError::new(
            "name",
            format!("Use at most {MAX_API_KEY_NAME_CHARS} characters."),
        )])
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_trimmed_and_bounded() {
        assert_eq!(
            validated_key_name("  Email platform ").expect("ok"),
            "Email platform"
        );
        assert_eq!(validated_key_name(" ").expect_err("empty")[0].field, "name");
        assert!(validated_key_name(&"x".repeat(MAX_API_KEY_NAME_CHARS + 1)).is_err());
    }
}
