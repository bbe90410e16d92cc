//! Opening a widget session: the signed identity in, a bearer token and the open
//! conversation out. The token is kept in the storefront's localStorage (first-party
//! to the shop), since third-party cookies cannot be relied on.

use gloo_net::http::Request;
use protocol::{WidgetSession, WidgetSessionRequest};

use crate::config::WidgetConfig;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn stored_token(config: &WidgetConfig) -> Option<String> {
    storage()?.get_item(&config.token_key()?).ok().flatten()
}

pub fn store_token(config: &WidgetConfig, token: &str) {
    if let (Some(storage), Some(key)) = (storage(), config.token_key()) {
        let _ = storage.set_item(&key, token);
    }
}

pub async fn open_session(config: &WidgetConfig) -> Result<WidgetSession, String> {
    let request = WidgetSessionRequest {
        customer_id: config.customer_id.clone(),
        name: config.customer_name.clone(),
        email: config.customer_email.clone(),
        signature: config.signature.clone(),
        token: stored_token(config),
    };
    let response = Request::post(&config.api_url("/api/widget/session"))
        .json(&request)
        .map_err(|error| error.to_string())?
        .send()
        .await
        .map_err(|_| "The chat is unreachable right now.".to_owned())?;
    if !response.ok() {
        return Err(format!("The chat is unavailable ({}).", response.status()));
    }
    let session: WidgetSession = response.json().await.map_err(|error| error.to_string())?;
    if let Some(token) = &session.token {
        store_token(config, token);
    }
    Ok(session)
}
