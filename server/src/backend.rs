//! The server's side of the helpdesk's server functions: `app::api::ssr::Backend`
//! implemented over the store. Store failures are logged here, once, and reach the
//! helpdesk as a generic error.

use app::api::{ssr::Backend, AgentProfile, ApiError};
use protocol::{TicketSummary, TicketThread};

use crate::{
    agent_auth::session_cookie,
    state::AppState,
    store::{LoginError, StoreError},
};

fn internal(error: StoreError) -> ApiError {
    tracing::error!(error = %error, "helpdesk request failed in the store");
    ApiError::Internal
}

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        match error {
            LoginError::WrongCredentials => ApiError::Invalid("Wrong email or password.".into()),
            LoginError::OwnerExists => {
                ApiError::Invalid("This helpdesk is already set up. Log in instead.".into())
            }
            LoginError::Store(error) => internal(error),
        }
    }
}

#[async_trait::async_trait]
impl Backend for AppState {
    async fn create_owner(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<String, ApiError> {
        Ok(self.store.create_owner(name, email, password).await?)
    }

    async fn log_in(&self, email: &str, password: &str) -> Result<String, ApiError> {
        Ok(self.store.log_in(email, password).await?)
    }

    async fn log_out(&self, token: &str) -> Result<(), ApiError> {
        self.store.end_session(token).await.map_err(internal)
    }

    fn session_cookie(&self, token: Option<&str>) -> String {
        session_cookie(token, self.web.secure_cookies)
    }

    async fn list_tickets(&self, agent: &AgentProfile) -> Result<Vec<TicketSummary>, ApiError> {
        self.store.list_tickets(&agent.id).await.map_err(internal)
    }

    async fn ticket_thread(
        &self,
        agent: &AgentProfile,
        id: &str,
    ) -> Result<TicketThread, ApiError> {
        let messages = self.store.messages_after(id, 0).await.map_err(internal)?;
        // Opening a ticket reads it: mark what is about to be shown.
        if let Some(last) = messages.last() {
            self.store
                .mark_read(&agent.id, id, last.seq)
                .await
                .map_err(internal)?;
        }
        let ticket = self
            .store
            .ticket_summary(id, &agent.id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)?;
        Ok(TicketThread { ticket, messages })
    }

    async fn mark_read(&self, agent: &AgentProfile, id: &str, seq: i64) -> Result<(), ApiError> {
        self.store
            .mark_read(&agent.id, id, seq)
            .await
            .map_err(internal)
    }
}
