//! What every handler shares: the store, the hub, and the web settings fixed at start-up.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tokio::sync::watch;

use crate::{
    ai::agent::AiAgent,
    config::Secret,
    fanout::Fanout,
    limits::Limiters,
    listener::{client_address, PeerAddr},
    settings::Settings,
    store::Store,
    worker::Worker,
};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Announces committed changes to sockets on this node and the others.
    pub fanout: Fanout,
    pub web: Arc<WebSettings>,
    /// The merchant's settings, kept current on every node.
    pub settings: Settings,
    /// Runs background jobs; holds the mailer when SMTP is configured.
    pub worker: Worker,
    /// Answers web chats first when the merchant turned it on.
    pub ai: AiAgent,
    pub leptos: LeptosOptions,
    /// Flips to `true` when the server starts shutting down; sockets close on it.
    pub shutdown: watch::Receiver<bool>,
    /// How much one visitor may ask of this node.
    pub limits: Limiters,
}

#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The origin this server is reached at, e.g. `https://chat.example`.
    pub public_url: String,
    /// Storefront origins allowed to call the widget API and open widget sockets.
    pub allowed_origins: Vec<String>,
    /// Mark cookies `Secure` (when served over https).
    pub secure_cookies: bool,
    /// Bearer token for `/metrics` from other hosts.
    pub metrics_token: Option<Secret>,
    /// The identity secret comes from `SHOPDESK_IDENTITY_SECRET` (so it cannot be rotated
    /// from the helpdesk).
    pub identity_secret_configured: bool,
    /// Verifies Shopify's webhook signatures (`SHOPDESK_SHOPIFY_WEBHOOK_SECRET`).
    pub shopify_webhook_secret: Option<Secret>,
    /// The SMS provider account (its auth token signs the SMS webhooks).
    pub sms: Option<crate::config::SmsConfig>,
    /// The header a reverse proxy names the client's address in, if there is one.
    pub client_ip_header: Option<String>,
}

impl WebSettings {
    pub fn allows_storefront(&self, origin: &str) -> bool {
        origin_listed(&self.allowed_origins, origin)
    }
}

/// Whether `origin` is in `list` (origins compare case-insensitively).
pub fn origin_listed(list: &[String], origin: &str) -> bool {
    list.iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(origin))
}

impl AppState {
    /// Whether a storefront at `origin` may use the widget API: configured at start-up,
    /// or listed by the merchant in Settings → General.
    pub fn allows_storefront(&self, origin: &str) -> bool {
        self.web.allows_storefront(origin) || self.settings.current().lists_origin(origin)
    }
}

impl AppState {
    /// The client a request comes from (see [`client_address`]).
    pub fn client_of(&self, peer: PeerAddr, headers: &axum::http::HeaderMap) -> std::net::IpAddr {
        client_address(peer, headers, self.web.client_ip_header.as_deref())
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
