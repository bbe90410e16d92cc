//! Sending a request to another service (Zendesk, Gorgias, a model endpoint) and
//! reading its JSON reply, or why there is none.

use serde_json::Value;

/// Why a service gave no usable reply.
#[derive(Debug)]
pub(super) enum ReplyError {
    Unreachable(String),
    /// An error status, with the start of the service's own explanation (which never
    /// holds our credentials).
    Refused {
        status: u16,
        detail: String,
    },
    NotJson,
}

/// Characters of a refusal's body kept for the error.
const DETAIL_CHARS: usize = 300;

pub(super) async fn send_json(request: reqwest::RequestBuilder) -> Result<Value, ReplyError> {
    let response = request
        .send()
        .await
        .map_err(|error| ReplyError::Unreachable(error.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|error| ReplyError::Unreachable(error.to_string()))?;
    if !status.is_success() {
        return Err(ReplyError::Refused {
            status: status.as_u16(),
            detail: text.chars().take(DETAIL_CHARS).collect(),
        });
    }
    serde_json::from_str(&text).map_err(|_| ReplyError::NotJson)
}
