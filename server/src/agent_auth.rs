//! Agent authentication for the helpdesk: the session cookie, the page guard that
//! sends visitors to first-run or log-in, and the same-origin check that protects
//! every cookie-authenticated request against CSRF and cross-site WebSocket hijacking.

use app::api::{ssr::CurrentAgent, AgentProfile};
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use crate::{state::AppState, store::AgentRecord};

pub const SESSION_COOKIE: &str = "shopdesk_session";

impl From<AgentRecord> for AgentProfile {
    fn from(agent: AgentRecord) -> Self {
        AgentProfile {
            id: agent.id,
            name: agent.name,
            email: agent.email,
            role: agent.role,
        }
    }
}

impl From<AgentProfile> for AgentRecord {
    fn from(agent: AgentProfile) -> Self {
        AgentRecord {
            id: agent.id,
            name: agent.name,
            email: agent.email,
            role: agent.role,
        }
    }
}

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// The `Set-Cookie` value holding `token` (or clearing the cookie).
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
            crate::store::SESSION_TTL_MS / 1000
        ),
        None => format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}"),
    }
}

/// Resolves the session cookie to an agent and stores a [`CurrentAgent`] in the request.
pub async fn load_agent(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut current = CurrentAgent::default();
    if let Some(token) = session_token(request.headers()) {
        match state.store.agent_for_session(&token).await {
            Ok(Some(agent)) => {
                current.agent = Some(agent.into());
                current.session_token = Some(token);
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(error = %error, "session lookup failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    request.extensions_mut().insert(current);
    next.run(request).await
}

/// Sends page requests where they belong: first-run until an owner exists, log-in
/// until a session exists, and the inbox once logged in.
pub async fn guard_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_page = request.method() == Method::GET
        && (path == "/setup"
            || path == "/login"
            || path == "/inbox"
            || path.starts_with("/inbox/")
            || path == "/settings"
            || path.starts_with("/settings/"));
    if !is_page {
        return next.run(request).await;
    }
    let logged_in = request
        .extensions()
        .get::<CurrentAgent>()
        .is_some_and(|current| current.agent.is_some());
    let has_agents = match state.store.has_agents().await {
        Ok(has_agents) => has_agents,
        Err(error) => {
            tracing::error!(error = %error, "agent lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let destination = match (path, has_agents, logged_in) {
        (_, false, _) if path != "/setup" => Some("/setup"),
        ("/setup", true, true) | ("/login", _, true) => Some("/inbox"),
        ("/setup", true, false) => Some("/login"),
        (_, true, false) if path != "/login" => Some("/login"),
        _ => None,
    };
    match destination {
        Some(to) => Redirect::to(to).into_response(),
        None => next.run(request).await,
    }
}

/// Whether a browser request comes from our own pages. Browsers send `Origin` on
/// every POST and WebSocket handshake; it must name the host the request went to.
/// Requests with no browser headers at all (curl, tests) cannot carry a victim's
/// cookies from another site, so they pass.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|origin| origin.split_once("://"))
            .map(|(_, rest)| rest);
        return origin_host.is_some() && origin_host == host;
    }
    match headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
    {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

/// Refuses state-changing requests that another site made with our cookies.
pub async fn check_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !is_same_origin(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "theme=dark; shopdesk_session=abc123; other=1")]);
        assert_eq!(session_token(&map).as_deref(), Some("abc123"));
        assert_eq!(session_token(&headers(&[("cookie", "theme=dark")])), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let cookie = session_cookie(Some("tok"), true);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(cookie.ends_with("; Secure"));
        assert!(session_cookie(None, false).contains("Max-Age=0"));
    }

    #[test]
    fn only_our_own_origin_passes() {
        assert!(is_same_origin(&headers(&[
            ("host", "chat.example"),
            ("origin", "https://chat.example")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "chat.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("host", "chat.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_same_origin(&headers(&[("host", "chat.example")])));
    }
}
