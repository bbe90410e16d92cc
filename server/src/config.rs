//! Server configuration, read once at start-up from `SHOPDESK_*` environment variables.
//!
//! Every setting has a default that runs the product on one machine with no set-up;
//! the README lists them. Secrets are wrapped in [`Secret`] so they never reach a log.

use std::{fmt, net::SocketAddr, path::PathBuf};

/// A value that must never be printed (identity secrets, tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("SMS needs SHOPDESK_SMS_ACCOUNT_SID, SHOPDESK_SMS_AUTH_TOKEN and SHOPDESK_SMS_FROM together")]
    PartialSms,
    #[error("the AI model needs SHOPDESK_AI_URL, SHOPDESK_AI_MODEL and SHOPDESK_AI_KEY together")]
    PartialAiModel,
    #[error("SHOPDESK_AI_URL must be an http(s) URL, such as https://api.openai.com/v1")]
    BadAiUrl,
    #[error("{name} must be a socket address like 127.0.0.1:3000, got {value:?}")]
    BadAddress { name: &'static str, value: String },
    #[error("{name} must be an http(s) origin like https://shop.example, got {value:?}")]
    BadOrigin { name: &'static str, value: String },
    #[error("SHOPDESK_IDENTITY_SECRET must be at least 16 characters")]
    ShortSecret,
    #[error("SHOPDESK_SMTP_URL must start with smtp:// or smtps://")]
    BadSmtpUrl,
    #[error("SHOPDESK_SMTP_FROM (the notification emails' From address) must be set with SHOPDESK_SMTP_URL")]
    MissingSmtpFrom,
    #[error("{name} must be a rate like 20/60s (20 at once, 20 a minute), or off; got {value:?}")]
    BadRate { name: &'static str, value: String },
    #[error("{name} must be a positive number, or off; got {value:?}")]
    BadCount { name: &'static str, value: String },
    #[error("DATABASE_URL must start with postgres:// (leave it unset for SQLite in the data directory)")]
    BadDatabaseUrl,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the helpdesk, the API and the widget files are served.
    pub addr: SocketAddr,
    /// Where the demo storefront is served (another origin); `None` turns it off.
    pub demo_addr: Option<SocketAddr>,
    /// Holds the SQLite database.
    pub data_dir: PathBuf,
    /// A PostgreSQL database to use instead of SQLite (`postgres://...`).
    pub database_url: Option<Secret>,
    /// Holds the built front-ends (`pkg/` for the helpdesk, `widget/` for the widget).
    pub site_root: PathBuf,
    /// The origin agents and storefronts reach this server at; derived from `addr` when unset.
    pub public_url: Option<String>,
    /// Storefront origins allowed to use the widget API; the demo's origin is added when empty.
    pub allowed_origins: Vec<String>,
    /// The shop's identity secret; generated and stored on first start when unset.
    pub identity_secret: Option<Secret>,
    /// The shop's name, used when the database is created.
    pub store_name: String,
    /// Bearer token for `/metrics` from other hosts (loopback needs none).
    pub metrics_token: Option<Secret>,
    /// SMTP server for notification emails (`smtp://user:pass@host:587?tls=required`).
    pub smtp_url: Option<Secret>,
    /// The From address of notification emails.
    pub smtp_from: Option<String>,
    /// The Shopify app's client secret, which signs its webhooks; none: webhooks refused.
    pub shopify_webhook_secret: Option<Secret>,
    /// The SMS provider account; none: no SMS channel.
    pub sms: Option<SmsConfig>,
    /// A model that writes the AI agent's answers; none: it quotes passages.
    pub ai_model: Option<AiModelConfig>,
    /// Zendesk's and Gorgias's addresses when not their public ones (a proxy, or a
    /// local fake in tests): `SHOPDESK_ZENDESK_URL`, `SHOPDESK_GORGIAS_URL`.
    pub handoff_urls: crate::ai::agent::ServiceUrls,
    /// How much one visitor may ask (`SHOPDESK_LIMIT_*`; see `limits`).
    pub limits: crate::limits::Limits,
    /// A header the reverse proxy in front sets to the client's address
    /// (`SHOPDESK_CLIENT_IP_HEADER`, e.g. `X-Forwarded-For`): the per-address limits then
    /// count clients, not the proxy. Unset: the connection's own peer address.
    pub client_ip_header: Option<String>,
}

/// An OpenAI-compatible chat-completions endpoint for the AI agent's answers.
#[derive(Debug, Clone)]
pub struct AiModelConfig {
    /// The API's base URL, e.g. `https://api.openai.com/v1`.
    pub url: String,
    pub model: String,
    pub api_key: Secret,
}

/// An SMS provider account with a Twilio-style REST API and webhooks.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    pub account_sid: String,
    /// Authenticates our API calls and signs the provider's webhooks.
    pub auth_token: Secret,
    /// The number SMS replies are sent from (E.164).
    pub from: String,
    /// The REST API's base URL (`https://api.twilio.com`, or a compatible provider).
    pub api_base: String,
}

impl Config {
    /// Defaults for one machine: helpdesk on 127.0.0.1:3000, demo storefront on :3001.
    pub fn local_defaults() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            demo_addr: Some(SocketAddr::from(([127, 0, 0, 1], 3001))),
            data_dir: PathBuf::from("data"),
            database_url: None,
            site_root: PathBuf::from("target/site"),
            public_url: None,
            allowed_origins: Vec::new(),
            identity_secret: None,
            store_name: "Demo Store".to_owned(),
            metrics_token: None,
            smtp_url: None,
            smtp_from: None,
            shopify_webhook_secret: None,
            sms: None,
            ai_model: None,
            handoff_urls: crate::ai::agent::ServiceUrls::default(),
            limits: crate::limits::Limits::default(),
            client_ip_header: None,
        }
    }

    /// Reads `SHOPDESK_*` variables over [`Config::local_defaults`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Self::local_defaults();
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(value) = get("SHOPDESK_ADDR") {
            config.addr = parse_addr("SHOPDESK_ADDR", &value)?;
        }
        if let Some(value) = get("SHOPDESK_DEMO_ADDR") {
            config.demo_addr = match value.as_str() {
                "off" => None,
                _ => Some(parse_addr("SHOPDESK_DEMO_ADDR", &value)?),
            };
        }
        if let Some(value) = get("SHOPDESK_DATA_DIR") {
            config.data_dir = PathBuf::from(value);
        }
        if let Some(value) = get("DATABASE_URL") {
            if !(value.starts_with("postgres://") || value.starts_with("postgresql://")) {
                return Err(ConfigError::BadDatabaseUrl);
            }
            // It may hold a password: kept as a secret.
            config.database_url = Some(Secret::new(value));
        }
        if let Some(value) = get("SHOPDESK_SITE_ROOT") {
            config.site_root = PathBuf::from(value);
        }
        if let Some(value) = get("SHOPDESK_PUBLIC_URL") {
            config.public_url = Some(parse_origin("SHOPDESK_PUBLIC_URL", &value)?);
        }
        if let Some(value) = get("SHOPDESK_ALLOWED_ORIGINS") {
            config.allowed_origins = value
                .split(',')
                .map(str::trim)
                .filter(|origin| !origin.is_empty())
                .map(|origin| parse_origin("SHOPDESK_ALLOWED_ORIGINS", origin))
                .collect::<Result<_, _>>()?;
        }
        if let Some(value) = get("SHOPDESK_IDENTITY_SECRET") {
            if value.len() < 16 {
                return Err(ConfigError::ShortSecret);
            }
            config.identity_secret = Some(Secret::new(value));
        }
        if let Some(value) = get("SHOPDESK_METRICS_TOKEN") {
            config.metrics_token = Some(Secret::new(value));
        }
        if let Some(value) = get("SHOPDESK_SMTP_URL") {
            if !(value.starts_with("smtp://") || value.starts_with("smtps://")) {
                return Err(ConfigError::BadSmtpUrl);
            }
            config.smtp_url = Some(Secret::new(value));
        }
        config.smtp_from = get("SHOPDESK_SMTP_FROM");
        if config.smtp_url.is_some() && config.smtp_from.is_none() {
            return Err(ConfigError::MissingSmtpFrom);
        }
        config.shopify_webhook_secret = get("SHOPDESK_SHOPIFY_WEBHOOK_SECRET").map(Secret::new);
        config.sms = match (
            get("SHOPDESK_SMS_ACCOUNT_SID"),
            get("SHOPDESK_SMS_AUTH_TOKEN"),
            get("SHOPDESK_SMS_FROM"),
        ) {
            (Some(account_sid), Some(auth_token), Some(from)) => Some(SmsConfig {
                account_sid,
                auth_token: Secret::new(auth_token),
                from,
                api_base: get("SHOPDESK_SMS_API_BASE")
                    .unwrap_or_else(|| "https://api.twilio.com".to_owned()),
            }),
            (None, None, None) => None,
            _ => return Err(ConfigError::PartialSms),
        };
        config.ai_model = match (
            get("SHOPDESK_AI_URL"),
            get("SHOPDESK_AI_MODEL"),
            get("SHOPDESK_AI_KEY"),
        ) {
            (Some(url), Some(model), Some(api_key)) => {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(ConfigError::BadAiUrl);
                }
                Some(AiModelConfig {
                    url,
                    model,
                    api_key: Secret::new(api_key),
                })
            }
            (None, None, None) => None,
            _ => return Err(ConfigError::PartialAiModel),
        };
        config.handoff_urls = crate::ai::agent::ServiceUrls {
            zendesk: get("SHOPDESK_ZENDESK_URL"),
            gorgias: get("SHOPDESK_GORGIAS_URL"),
        };
        if let Some(value) = get("SHOPDESK_STORE_NAME") {
            config.store_name = value;
        }
        let limits = &mut config.limits;
        for (name, slot) in [
            (
                "SHOPDESK_LIMIT_SOCKET_MESSAGES",
                &mut limits.socket_messages,
            ),
            (
                "SHOPDESK_LIMIT_SHOPPER_MESSAGES",
                &mut limits.shopper_messages,
            ),
            (
                "SHOPDESK_LIMIT_SESSIONS_PER_ADDRESS",
                &mut limits.sessions_per_address,
            ),
            (
                "SHOPDESK_LIMIT_SHOPPER_UPLOADS",
                &mut limits.shopper_uploads,
            ),
        ] {
            if let Some(value) = get(name) {
                *slot = match value.trim() {
                    "off" => None,
                    text => Some(
                        crate::limits::Rate::parse(text).ok_or(ConfigError::BadRate {
                            name,
                            value: value.clone(),
                        })?,
                    ),
                };
            }
        }
        if let Some(value) = get("SHOPDESK_LIMIT_SOCKETS_PER_ADDRESS") {
            limits.sockets_per_address = match value.trim() {
                "off" => None,
                text => Some(text.parse().ok().filter(|n| *n > 0).ok_or(
                    ConfigError::BadCount {
                        name: "SHOPDESK_LIMIT_SOCKETS_PER_ADDRESS",
                        value: value.clone(),
                    },
                )?),
            };
        }
        config.client_ip_header =
            get("SHOPDESK_CLIENT_IP_HEADER").map(|name| name.trim().to_owned());
        Ok(config)
    }
}

fn parse_addr(name: &'static str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.parse().map_err(|_| ConfigError::BadAddress {
        name,
        value: value.to_owned(),
    })
}

/// Accepts `scheme://host[:port]` with no path, and returns it without a trailing slash
/// (the same rule as origins a merchant enters in Settings).
pub fn parse_origin(name: &'static str, value: &str) -> Result<String, ConfigError> {
    protocol::settings::check_origin(value).map_err(|_| ConfigError::BadOrigin {
        name,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_locally_with_a_demo_storefront() {
        let config = Config::from_lookup(|_| None).expect("defaults are valid");
        assert_eq!(config.addr.port(), 3000);
        assert_eq!(config.demo_addr.map(|addr| addr.port()), Some(3001));
        assert_eq!(config.data_dir, PathBuf::from("data"));
    }

    #[test]
    fn origins_are_validated_and_normalised() {
        let config = Config::from_lookup(|name| {
            (name == "SHOPDESK_ALLOWED_ORIGINS")
                .then(|| "https://Shop.example/, http://localhost:8080".to_owned())
        })
        .expect("valid origins");
        assert_eq!(
            config.allowed_origins,
            vec!["https://shop.example", "http://localhost:8080"]
        );
        let error = Config::from_lookup(|name| {
            (name == "SHOPDESK_ALLOWED_ORIGINS").then(|| "shop.example/path".to_owned())
        });
        assert!(matches!(error, Err(ConfigError::BadOrigin { .. })));
    }

    #[test]
    fn the_ai_model_is_set_up_whole_or_not_at_all() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let config = Config::from_lookup(env(&[
            ("SHOPDESK_AI_URL", "https://api.openai.com/v1"),
            ("SHOPDESK_AI_MODEL", "gpt-4o-mini"),
            ("SHOPDESK_AI_KEY", "sk-test"),
        ]))
        .expect("complete");
        let model = config.ai_model.expect("model");
        assert_eq!(
            (model.url.as_str(), model.model.as_str()),
            ("https://api.openai.com/v1", "gpt-4o-mini")
        );
        assert!(matches!(
            Config::from_lookup(env(&[("SHOPDESK_AI_MODEL", "gpt-4o-mini")])),
            Err(ConfigError::PartialAiModel)
        ));
        assert!(matches!(
            Config::from_lookup(env(&[
                ("SHOPDESK_AI_URL", "api.openai.com"),
                ("SHOPDESK_AI_MODEL", "m"),
                ("SHOPDESK_AI_KEY", "k"),
            ])),
            Err(ConfigError::BadAiUrl)
        ));
    }

    #[test]
    fn limits_read_as_rates_or_off() {
        let config = Config::from_lookup(|name| match name {
            "SHOPDESK_LIMIT_SHOPPER_MESSAGES" => Some("5/10s".to_owned()),
            "SHOPDESK_LIMIT_SOCKETS_PER_ADDRESS" => Some("off".to_owned()),
            _ => None,
        })
        .expect("valid limits");
        assert_eq!(
            config.limits.shopper_messages,
            Some(crate::limits::Rate::new(5, 10))
        );
        assert_eq!(config.limits.sockets_per_address, None);
        assert_eq!(
            config.limits.socket_messages,
            crate::limits::Limits::default().socket_messages
        );
        assert!(matches!(
            Config::from_lookup(|name| {
                (name == "SHOPDESK_LIMIT_SOCKET_MESSAGES").then(|| "lots".to_owned())
            }),
            Err(ConfigError::BadRate { .. })
        ));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("super-secret-value");
        assert!(!format!("{secret:?}").contains("super"));
    }
}
