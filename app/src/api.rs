//! The helpdesk's server functions: its whole HTTP API. Each one is thin: it finds the
//! logged-in agent, validates its input, and calls the [`ssr::Backend`] the server provides.

use leptos::prelude::*;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use protocol::{TicketSummary, TicketThread};
use serde::{Deserialize, Serialize};

/// What a server function can fail with, as the helpdesk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("Please log in again.")]
    Unauthorized,
    #[error("{0}")]
    Invalid(String),
    #[error("That ticket does not exist.")]
    NotFound,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Cannot reach the server. Check your connection and try again.")]
    Network,
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Request(_) => ApiError::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                ApiError::Invalid("Some fields are missing or malformed.".into())
            }
            _ => ApiError::Internal,
        }
    }
}

/// The logged-in agent, as the helpdesk shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
}

/// Shortest password accepted for an agent account.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks the first-run form; returns the cleaned name and email.
pub fn validate_owner_form(
    name: &str,
    email: &str,
    password: &str,
) -> Result<(String, String), ApiError> {
    let name = name.trim();
    let email = email.trim().to_ascii_lowercase();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::Invalid(
            "Enter your name (up to 100 characters).".into(),
        ));
    }
    let looks_like_email = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if !looks_like_email {
        return Err(ApiError::Invalid("Enter a valid email address.".into()));
    }
    let length = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=200).contains(&length) {
        return Err(ApiError::Invalid(format!(
            "Use a password of at least {MIN_PASSWORD_CHARS} characters."
        )));
    }
    Ok((name.to_owned(), email))
}

/// First run: creates the owner account and logs it in.
#[server(endpoint = "create_owner")]
pub async fn create_owner(name: String, email: String, password: String) -> Result<(), ApiError> {
    let backend = ssr::backend()?;
    let (name, email) = validate_owner_form(&name, &email, &password)?;
    let token = backend.create_owner(&name, &email, &password).await?;
    ssr::set_cookie(&backend.session_cookie(Some(&token)));
    leptos_axum::redirect("/inbox");
    Ok(())
}

#[server(endpoint = "log_in")]
pub async fn log_in(email: String, password: String) -> Result<(), ApiError> {
    let backend = ssr::backend()?;
    let email = email.trim().to_ascii_lowercase();
    if email.is_empty() || password.is_empty() || password.len() > 200 {
        return Err(ApiError::Invalid("Enter your email and password.".into()));
    }
    let token = backend.log_in(&email, &password).await?;
    ssr::set_cookie(&backend.session_cookie(Some(&token)));
    leptos_axum::redirect("/inbox");
    Ok(())
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), ApiError> {
    let backend = ssr::backend()?;
    if let Some(token) = ssr::current().await?.session_token {
        backend.log_out(&token).await?;
    }
    ssr::set_cookie(&backend.session_cookie(None));
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "current_agent")]
pub async fn current_agent() -> Result<AgentProfile, ApiError> {
    ssr::agent().await
}

/// The inbox: every ticket, newest activity first, with this agent's read state.
#[server(endpoint = "list_tickets")]
pub async fn list_tickets() -> Result<Vec<TicketSummary>, ApiError> {
    let agent = ssr::agent().await?;
    ssr::backend()?.list_tickets(&agent).await
}

/// One ticket and its thread; opening it marks it read for this agent.
#[server(endpoint = "load_ticket")]
pub async fn load_ticket(id: String) -> Result<TicketThread, ApiError> {
    let agent = ssr::agent().await?;
    ssr::backend()?.ticket_thread(&agent, &id).await
}

/// Marks the ticket read up to `seq` for this agent.
#[server(endpoint = "mark_read")]
pub async fn mark_read(id: String, seq: i64) -> Result<(), ApiError> {
    let agent = ssr::agent().await?;
    ssr::backend()?.mark_read(&agent, &id, seq).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The seam between the server functions and the server's domain code.

    use std::sync::Arc;

    use axum::{http::header::SET_COOKIE, http::HeaderValue, Extension};
    use leptos::prelude::*;
    use protocol::{TicketSummary, TicketThread};

    use super::{AgentProfile, ApiError};

    /// What the server functions need from the server. The server implements it and
    /// provides an `Arc<dyn Backend>` as context to rendering and to server functions.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn create_owner(
            &self,
            name: &str,
            email: &str,
            password: &str,
        ) -> Result<String, ApiError>;
        async fn log_in(&self, email: &str, password: &str) -> Result<String, ApiError>;
        async fn log_out(&self, token: &str) -> Result<(), ApiError>;
        /// The `Set-Cookie` value that stores (or, with `None`, clears) a session token.
        fn session_cookie(&self, token: Option<&str>) -> String;
        async fn list_tickets(&self, agent: &AgentProfile) -> Result<Vec<TicketSummary>, ApiError>;
        async fn ticket_thread(
            &self,
            agent: &AgentProfile,
            id: &str,
        ) -> Result<TicketThread, ApiError>;
        async fn mark_read(&self, agent: &AgentProfile, id: &str, seq: i64)
            -> Result<(), ApiError>;
    }

    pub type SharedBackend = Arc<dyn Backend>;

    /// Who sent the request, resolved from the session cookie by the server's middleware
    /// and stored in the request's extensions.
    #[derive(Debug, Clone, Default)]
    pub struct CurrentAgent {
        pub agent: Option<AgentProfile>,
        pub session_token: Option<String>,
    }

    pub fn backend() -> Result<SharedBackend, ApiError> {
        use_context::<SharedBackend>().ok_or(ApiError::Internal)
    }

    pub async fn current() -> Result<CurrentAgent, ApiError> {
        let Extension(current) = leptos_axum::extract::<Extension<CurrentAgent>>()
            .await
            .map_err(|_| ApiError::Internal)?;
        Ok(current)
    }

    /// The logged-in agent, or `Unauthorized`.
    pub async fn agent() -> Result<AgentProfile, ApiError> {
        current().await?.agent.ok_or(ApiError::Unauthorized)
    }

    pub fn set_cookie(cookie: &str) {
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(cookie),
        ) {
            response.append_header(SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_form_is_validated_and_cleaned() {
        assert_eq!(
            validate_owner_form(" Olga ", "Olga@Shop.Example", "long enough pw"),
            Ok(("Olga".into(), "olga@shop.example".into()))
        );
        assert!(validate_owner_form("", "olga@shop.example", "long enough pw").is_err());
        assert!(validate_owner_form("Olga", "not-an-email", "long enough pw").is_err());
        assert!(validate_owner_form("Olga", "olga@shop.example", "short").is_err());
    }
}
