//! Images: uploads from agents (`POST /api/uploads`, session cookie, same origin) and
//! from shoppers (`POST /api/widget/uploads`, widget bearer token, allowed storefronts),
//! and serving them (`GET /files/{id}`).
//!
//! The request body is the file itself. Its type is read from its bytes and its size
//! from its header (`images::inspect`) before anything is stored. An upload belongs to
//! its uploader until they send it in a message. Files are served to whoever holds the
//! link: the id is 128 random bits (an `<img>` cannot send a bearer token, and the
//! widget lives on another origin than the server), never as anything but an image.

use app::api::ssr::CurrentAgent;
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use protocol::attachments::Attachment;

use crate::{error::ApiError, images, state::AppState};

/// Largest request body the upload routes read (the image limit, plus slack so an
/// oversize image gets its own clear error rather than a bare 413).
pub const UPLOAD_BODY_LIMIT: usize = protocol::attachments::MAX_IMAGE_BYTES + 64 * 1024;

async fn store(
    state: &AppState,
    owner_key: &str,
    body: &[u8],
) -> Result<Json<Attachment>, ApiError> {
    let info = images::inspect(body).map_err(|error| ApiError::BadRequest(error.to_string()))?;
    Ok(Json(
        state.store.store_upload(owner_key, &info, body).await?,
    ))
}

/// `POST /api/uploads`: an agent's image (cross-site posts are refused by the
/// helpdesk's `check_origin` layer before this runs).
pub async fn agent_upload(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentAgent>,
    body: Bytes,
) -> Result<Json<Attachment>, ApiError> {
    let agent = current.agent.ok_or(ApiError::Unauthorized)?;
    store(&state, &format!("agent:{}", agent.id), &body).await
}

/// `POST /api/widget/uploads`: a shopper's image, with `Authorization: Bearer <token>`.
pub async fn shopper_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Attachment>, ApiError> {
    let customer = crate::widget_api::bearer_shopper(&state, &headers).await?;
    state
        .limits
        .uploads
        .check(&customer.id)
        .map_err(|wait| ApiError::TooMany {
            what: "images",
            wait,
        })?;
    store(&state, &format!("shopper:{}", customer.id), &body).await
}

/// `GET /files/{id}`: an uploaded image.
pub async fn serve_file(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id.len() > 64 || !id.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
        return Err(ApiError::NotFound);
    }
    let (content_type, bytes) = state
        .store
        .attachment_file(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let content_type = HeaderValue::from_str(&content_type).map_err(|_| ApiError::NotFound)?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            // Never anything but the image it is, never a page of its own.
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline"),
            ),
            // Uploads never change: the browser keeps them.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            ),
            // Storefronts on other origins show them in <img> tags.
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("cross-origin"),
            ),
        ],
        bytes,
    )
        .into_response())
}
