//! How the helpdesk's server-rendered pages are answered: with their security headers,
//! and always rendered to their end.
//!
//! - **Headers.** A page's Content-Security-Policy allows only scripts carrying the
//!   nonce Leptos puts on the scripts it writes (and what they load), so text that
//!   slipped into the HTML could not run; no site may frame the helpdesk; links to
//!   shoppers' URLs do not leak ticket addresses in `Referer`; pages are never stored
//!   by the browser (no Back into a signed-out session or a spent log-in form).
//! - **Rendered to the end.** A page streams: its shell first, then each part that
//!   waited for data. When the browser leaves mid-stream (a reload, a quick click),
//!   dropping the stream disposes the page's reactive owner while tasks of the same
//!   render still run on other threads, and they then read disposed values and panic.
//!   So each page renders in a task of its own and its stream is read to its end,
//!   whether or not anyone still listens.

use std::time::Duration;

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderName, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use leptos::prelude::use_context;
use tokio::sync::{mpsc, oneshot};

/// How often the reader yields between chunks (see `render_to_end`).
const SETTLING_YIELDS: usize = 8;

/// How long a render whose reader left may still run before it is dropped anyway.
const ORPHANED_RENDER_LIMIT: Duration = Duration::from_secs(60);

/// The page's Content-Security-Policy: scripts only with this response's `nonce`
/// (`strict-dynamic` lets the bundle they import load), WebAssembly compiled, the
/// live socket to this host.
pub fn content_security_policy(nonce: &str, host: Option<&str>) -> String {
    let sockets = host
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(|host| format!(" ws://{host} wss://{host}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called in every page render's context (after Leptos made the nonce): sets the page's
/// policy on its response.
pub fn provide_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let host = use_context::<axum::http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .map(str::to_owned)
    });
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce, host.as_deref())) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// Whether an answer is a page (not a file, a server function's data or a redirect).
fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Headers every helpdesk answer carries (pages, server functions, its files).
pub async fn helpdesk_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    // A page holds a workspace's tickets, or a form whose moment has passed: never kept
    // by the browser or a proxy, so Back after logging out fetches it (and is sent to
    // log in), and Back from the inbox to the log-in form finds the agent signed in.
    if is_html(headers) && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Renders a page to its end even when the browser stops listening: the render runs
/// in a task of its own, so it is not cancelled with the request (a browser may leave
/// before the first byte), and its stream is read to the end.
pub async fn render_to_end(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_page_request =
        request.method() == Method::GET && !path.starts_with("/api/") && !path.starts_with("/ws/");
    if !is_page_request {
        return next.run(request).await;
    }
    let (answer, answered) = oneshot::channel();
    tokio::spawn(async move {
        let response = next.run(request).await;
        if !is_html(response.headers()) {
            let _ = answer.send(response);
            return;
        }
        let (parts, body) = response.into_parts();
        // A few chunks of room: the render runs ahead of a slow reader by that much.
        let (sender, mut receiver) = mpsc::channel(8);
        let streamed = Body::from_stream(futures_util::stream::poll_fn(move |context| {
            receiver.poll_recv(context)
        }));
        let mut listening = answer.send(Response::from_parts(parts, streamed)).is_ok();
        let mut chunks = body.into_data_stream();
        let drained = tokio::time::timeout(ORPHANED_RENDER_LIMIT, async {
            while let Some(chunk) = chunks.next().await {
                if listening && sender.send(chunk).await.is_err() {
                    listening = false;
                }
                // Let the render's own tasks that this chunk woke (a Suspense re-checking
                // its data) run before the stream is asked for more: after the last
                // chunk, asking disposes the render, and a task still running on another
                // thread then reads disposed values. Leptos 0.8 does not wait for them
                // (leptos-rs/leptos#3595); this shrinks that window to nearly nothing.
                for _ in 0..SETTLING_YIELDS {
                    tokio::task::yield_now().await;
                }
            }
        });
        if drained.await.is_err() {
            tracing::warn!("a page render outlived its reader by a minute and was dropped");
        }
    });
    match answered.await {
        Ok(response) => response,
        // The render task panicked before answering (and the panic is in the log).
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_refuses_framing() {
        let policy = content_security_policy("abc123", Some("chat.example:3000"));
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("ws://chat.example:3000 wss://chat.example:3000"));
        assert!(!policy.contains(" 'unsafe-eval'"), "only wasm-unsafe-eval");
    }

    #[test]
    fn a_strange_host_header_does_not_reach_the_policy() {
        let policy = content_security_policy("n", Some("evil; script-src *"));
        assert!(!policy.contains("evil"));
    }
}
