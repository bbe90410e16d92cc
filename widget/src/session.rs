//! Opening a widget session: the signed identity in, a bearer token and the open
//! conversation out. The token is kept in the storefront's localStorage (first-party
//! to the shop), since third-party cookies cannot be relied on.

use protocol::{WidgetSession, WidgetSessionRequest};

use crate::{
    config::WidgetConfig,
    http::{self, HttpError},
    i18n::Text,
};

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

pub async fn open_session(
    config: &WidgetConfig,
    t: &'static Text,
) -> Result<WidgetSession, String> {
    let request = WidgetSessionRequest {
        customer_id: config.customer_id.clone(),
        name: config.customer_name.clone(),
        email: config.customer_email.clone(),
        signature: config.signature.clone(),
        token: stored_token(config),
    };
    let url = config.api_url("/api/widget/session");
    let session: WidgetSession = http::post(&url, None, http::Body::Json(&request))
        .await
        .map_err(|error| match error {
            HttpError::Unreachable => t.unreachable.to_owned(),
            HttpError::Refused { .. } | HttpError::Unreadable => t.unavailable.to_owned(),
        })?;
    if let Some(token) = &session.token {
        store_token(config, token);
    }
    Ok(session)
}
