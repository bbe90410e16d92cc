//! What the embed snippet tells the widget, as the loader passes it on.

use protocol::settings::LauncherPosition;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WidgetConfig {
    /// The chat server's origin (`https://chat.example`), taken from the script's src.
    pub api_base: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub signature: Option<String>,
    /// Where "Log in" sends an anonymous visitor (the store's customer login page).
    #[serde(default = "default_login_url")]
    pub login_url: String,
    /// BCP 47 tag for dates ("en-GB"): the tag's `data-locale`, or the page's `lang`.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// The launcher's look as the loader drew it, so the drawer matches before its
    /// session arrives (`#rrggbb`; `None` when the launcher settings were unavailable).
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub position: LauncherPosition,
}

fn default_login_url() -> String {
    "/account/login".to_owned()
}

fn default_locale() -> String {
    "en".to_owned()
}

impl WidgetConfig {
    /// `ws://` or `wss://` for the socket, from the API's scheme.
    /// The socket's address, naming the settings version the drawer holds.
    pub fn socket_url(&self, token: &str, settings_version: i64) -> String {
        let base = self.api_base.trim_end_matches('/');
        let ws_base = match base.strip_prefix("https://") {
            Some(rest) => format!("wss://{rest}"),
            None => format!("ws://{}", base.trim_start_matches("http://")),
        };
        format!("{ws_base}/ws/widget?token={token}&settings_version={settings_version}")
    }

    /// An endpoint of the chat server's HTTP API (`path` starts with `/`).
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base.trim_end_matches('/'))
    }

    /// Where this shopper's token is kept in the storefront's localStorage.
    pub fn token_key(&self) -> Option<String> {
        self.customer_id
            .as_ref()
            .map(|id| format!("shopdesk:token:{id}"))
    }
}
