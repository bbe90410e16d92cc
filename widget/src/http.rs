//! HTTP calls to the chat server (`fetch`, cross-origin): a few lines over the browser's
//! own API, where a client crate would add its own weight to every storefront page.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why a call failed, in words a shopper can read.
#[derive(Debug)]
pub enum HttpError {
    /// No answer at all (offline, server down, CORS refused).
    Unreachable,
    /// The server answered with an error status, and its message when it gave one.
    Refused { message: Option<String> },
    /// The answer was not what we expected.
    Unreadable,
}

/// The server's error body: `{"error": "..."}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// A request body: JSON, or a file sent as it is (with its own type).
pub enum Body<'a, T: Serialize> {
    Json(&'a T),
    File(&'a web_sys::File),
}

/// POSTs `body` to `url` (with a bearer token when given) and reads a JSON answer.
pub async fn post<T: Serialize, R: DeserializeOwned>(
    url: &str,
    bearer: Option<&str>,
    body: Body<'_, T>,
) -> Result<R, HttpError> {
    let text = fetch(url, "POST", bearer, Some(body)).await?;
    serde_json::from_str(&text).map_err(|_| HttpError::Unreadable)
}

/// GETs `url` with a bearer token and reads a JSON answer.
pub async fn get<R: DeserializeOwned>(url: &str, bearer: &str) -> Result<R, HttpError> {
    let text = fetch(url, "GET", Some(bearer), None::<Body<'_, ()>>).await?;
    serde_json::from_str(&text).map_err(|_| HttpError::Unreadable)
}

/// POSTs and ignores the answer's body (for counts that may be lost).
pub async fn post_quietly<T: Serialize>(url: &str, body: &T) {
    let _ = fetch(url, "POST", None, Some(Body::Json(body))).await;
}

async fn fetch<T: Serialize>(
    url: &str,
    method: &str,
    bearer: Option<&str>,
    body: Option<Body<'_, T>>,
) -> Result<String, HttpError> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| HttpError::Unreachable)?;
    if let Some(token) = bearer {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    match body {
        None => {}
        Some(Body::Json(value)) => {
            let json = serde_json::to_string(value).map_err(|_| HttpError::Unreadable)?;
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&json));
        }
        Some(Body::File(file)) => {
            let _ = headers.set("Content-Type", &file.type_());
            init.set_body(file);
        }
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| HttpError::Unreachable)?;
    let window = web_sys::window().ok_or(HttpError::Unreachable)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| HttpError::Unreachable)?
        .dyn_into()
        .map_err(|_| HttpError::Unreachable)?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string()),
        Err(_) => None,
    };
    if response.ok() {
        text.ok_or(HttpError::Unreadable)
    } else {
        let message = text
            .and_then(|text| serde_json::from_str::<ErrorBody>(&text).ok())
            .map(|body| body.error);
        Err(HttpError::Refused { message })
    }
}
