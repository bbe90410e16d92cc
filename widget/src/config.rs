//! What the embed snippet tells the widget, as the loader passes it on.

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
}

fn default_login_url() -> String {
    "/account/login".to_owned()
}

impl WidgetConfig {
    /// `ws://` or `wss://` for the socket, from the API's scheme.
    pub fn socket_url(&self, token: &str) -> String {
        let base = self.api_base.trim_end_matches('/');
        let ws_base = match base.strip_prefix("https://") {
            Some(rest) => format!("wss://{rest}"),
            None => format!("ws://{}", base.trim_start_matches("http://")),
        };
        format!("{ws_base}/ws/widget?token={token}")
    }

    /// Where this shopper's token is kept in the storefront's localStorage.
    pub fn token_key(&self) -> Option<String> {
        self.customer_id
            .as_ref()
            .map(|id| format!("shopdesk:token:{id}"))
    }
}
