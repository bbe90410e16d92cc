//! The widget's HTTP API, called cross-origin from storefronts: the launcher's settings,
//! opening a widget session, and FAQ deflection counts. CORS answers only the allowed
//! storefront origins (see `startup`).

use axum::{
    extract::{ConnectInfo, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::IntoResponse,
    Json,
};
use protocol::{
    hub::{PastChat, ShopperOrder},
    settings::{FaqEvent, LauncherSettings},
    ConversationView, Shopper, WidgetSession, WidgetSessionRequest,
};

use crate::{
    error::ApiError,
    identity::{self, Signed},
    ids::now_ms,
    listener::PeerAddr,
    state::AppState,
    store::{fallback_name, CustomerRecord},
};

const MAX_CUSTOMER_ID: usize = 64;
const MAX_NAME: usize = 100;
const MAX_EMAIL: usize = 254;
const MAX_SIGNATURE: usize = 128;

/// Trimmed optional text, refused when longer than `max` characters.
fn bounded(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) if value.chars().count() > max => Err(ApiError::BadRequest(format!(
            "{field} is longer than {max} characters"
        ))),
        Some(value) => Ok(Some(value.to_owned())),
        None => Ok(None),
    }
}

/// `POST /api/widget/session`: checks the theme's signature of the customer id. A
/// valid one gives the shopper a bearer token and their open conversation; a missing
/// or wrong one gives an anonymous session (no token) that can read settings only.
pub async fn create_widget_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<PeerAddr>,
    headers: HeaderMap,
    Json(request): Json<WidgetSessionRequest>,
) -> Result<Json<WidgetSession>, ApiError> {
    let client = state.client_of(peer, &headers);
    state
        .limits
        .sessions
        .check(&client)
        .map_err(|wait| ApiError::TooMany {
            what: "chat sessions",
            wait,
        })?;
    let customer_id = bounded(
        request.customer_id.as_deref(),
        "customer_id",
        MAX_CUSTOMER_ID,
    )?;
    let name = bounded(request.name.as_deref(), "name", MAX_NAME)?;
    let email = bounded(request.email.as_deref(), "email", MAX_EMAIL)?;
    let signature = bounded(request.signature.as_deref(), "signature", MAX_SIGNATURE)?;
    let held_token = bounded(request.token.as_deref(), "token", MAX_SIGNATURE)?;

    let settings = state.settings.current();
    let now = now_ms();
    let mut session = WidgetSession {
        token: None,
        shopper: None,
        settings: settings.widget_settings(now),
        conversation: None,
    };
    let (Some(customer_id), Some(signature)) = (customer_id, signature) else {
        return Ok(Json(session));
    };
    // Checked against the fields exactly as the page sent them: the theme signed those.
    let signed = settings
        .shop
        .identity_secrets(now)
        .map(|secret| {
            identity::check(
                secret,
                request.customer_id.as_deref().unwrap_or_default(),
                request.email.as_deref().unwrap_or_default(),
                request.name.as_deref().unwrap_or_default(),
                &signature,
            )
        })
        .max()
        .unwrap_or(Signed::No);
    if signed == Signed::No {
        tracing::info!("widget identity signature rejected; visitor treated as anonymous");
        return Ok(Json(session));
    }

    let email = email.unwrap_or_default();
    let name = name.unwrap_or_else(|| fallback_name(&email));
    let customer = state
        .store
        .upsert_widget_customer(&customer_id, &name, &email, signed == Signed::Details)
        .await?;
    let reusable = match held_token {
        Some(token) => state
            .store
            .customer_for_widget_token(&token)
            .await?
            .filter(|holder| holder.id == customer.id)
            .map(|_| token),
        None => None,
    };
    let token = match reusable {
        Some(token) => token,
        None => state.store.start_widget_session(&customer.id).await?,
    };
    session.conversation = state.store.open_chat_of(&customer.id).await?;
    session.token = Some(token);
    session.shopper = Some(Shopper {
        name: customer.name,
        email: customer.email,
    });
    Ok(Json(session))
}

/// `GET /api/widget/config`: what the loader needs to draw (or not draw) the launcher.
/// Cached briefly by browsers, so a change reaches every page within a minute.
pub async fn get_launcher_settings(State(state): State<AppState>) -> impl IntoResponse {
    let launcher: LauncherSettings = state.settings.current().launcher();
    (
        [(header::CACHE_CONTROL, "public, max-age=60")],
        Json(launcher),
    )
}

/// `POST /api/widget/faq-events`: a shopper opened an FAQ, or still needed help after it.
pub async fn record_faq_event(
    State(state): State<AppState>,
    Json(event): Json<FaqEvent>,
) -> Result<StatusCode, ApiError> {
    if event.faq_id.is_empty() || event.faq_id.len() > 64 {
        return Err(ApiError::BadRequest("faq_id is not an FAQ id".into()));
    }
    state
        .store
        .record_faq_event(&event.faq_id, event.kind)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The shopper a request's `Authorization: Bearer <widget token>` belongs to.
pub async fn bearer_shopper(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CustomerRecord, ApiError> {
    let token = identity::bearer_token(headers).ok_or(ApiError::Unauthorized)?;
    state
        .store
        .customer_for_widget_token(token)
        .await?
        .ok_or(ApiError::Unauthorized)
}

/// Answers that belong to one shopper: never kept by shared caches.
const PRIVATE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "private, no-store")];

/// `GET /api/widget/history`: the shopper's ended chats, the latest first.
pub async fn list_past_chats(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let shopper = bearer_shopper(&state, &headers).await?;
    let chats: Vec<PastChat> = state.store.past_chats_of(&shopper.id).await?;
    Ok((PRIVATE, Json(chats)))
}

/// `GET /api/widget/history/{id}`: one of the shopper's ended chats, read-only.
pub async fn get_past_chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let shopper = bearer_shopper(&state, &headers).await?;
    if id.len() > 64 {
        return Err(ApiError::NotFound);
    }
    let chat: ConversationView = state
        .store
        .past_chat_of(&shopper.id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((PRIVATE, Json(chat)))
}

/// `GET /api/widget/orders`: the shopper's latest orders, as the store sent them.
pub async fn list_orders(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let shopper = bearer_shopper(&state, &headers).await?;
    let orders: Vec<ShopperOrder> = state.store.orders_of(&shopper.id).await?;
    Ok((PRIVATE, Json(orders)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_refused_and_blank_ones_dropped() {
        assert!(matches!(
            bounded(Some(&"x".repeat(65)), "customer_id", MAX_CUSTOMER_ID),
            Err(ApiError::BadRequest(_))
        ));
        assert_eq!(bounded(Some("  "), "name", MAX_NAME).expect("ok"), None);
        assert_eq!(
            bounded(Some(" Ana "), "name", MAX_NAME)
                .expect("ok")
                .as_deref(),
            Some("Ana")
        );
    }
}
