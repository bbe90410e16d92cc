//! HTTP errors of the JSON endpoints, mapped to responses in one place. Internal
//! failures are logged here, once, and reach the client only as a generic message.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::store::{FaqError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    /// Refused for the reason given (a wrong signature, say).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    /// Asked too often: `what` ("messages", "chat sessions") and when to try again.
    #[error("too many {what} from here; try again in {} s", .wait.seconds())]
    TooMany {
        what: &'static str,
        wait: crate::limits::TooFast,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FaqError> for ApiError {
    fn from(error: FaqError) -> Self {
        match error {
            FaqError::NotFound => ApiError::NotFound,
            FaqError::TooMany => ApiError::BadRequest(error.to_string()),
            FaqError::Store(error) => ApiError::Store(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            ApiError::BadRequest(detail) => (StatusCode::BAD_REQUEST, detail.clone()),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, self.to_string()),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, self.to_string()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, self.to_string()),
            ApiError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, self.to_string()),
            ApiError::Store(error) => {
                tracing::error!(error = %error, "request failed in the store");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily unavailable, please retry".to_owned(),
                )
            }
        };
        let mut response = (status, Json(json!({ "error": message }))).into_response();
        if let ApiError::TooMany { wait, .. } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait.seconds()));
        }
        response
    }
}
