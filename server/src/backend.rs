//! The server's side of the helpdesk's server functions: `app::api::ssr::Backend`
//! implemented over the store. Store failures are logged here, once, and reach the
//! helpdesk as a generic error.

use app::api::{
    ssr::Backend, AgentProfile, ApiError, Assignee, GeneralPage, HoursPage, InviteDetails,
    InviteLink, NotificationsPage, TicketAction,
};
use protocol::{
    api_keys::{ApiKey, CreatedApiKey},
    inbox::{InboxPage, InboxView, PageCursor, ViewCounts},
    profile::{EventCursor, Macro, MacroInput, ProfileEventsPage, TicketProfile},
    search::SearchHit,
    settings::{
        AiAgentSettings, AiKnowledgeSummary, AiTrial, BusinessHours, Faq, FaqInput,
        GeneralSettings, KnowledgeArticle, KnowledgeArticleInput, Role, Team, WebChatSettings,
    },
    TicketThread,
};

use crate::{
    agent_auth::session_cookie,
    ai_settings, settings_api,
    state::AppState,
    store::{
        Closer, FaqError, KnowledgeError, LoginError, MacroError, SearchError, StoreError,
        TeamError, Verdict, WorkflowError,
    },
    workflow,
};

pub(crate) fn internal(error: StoreError) -> ApiError {
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

impl From<FaqError> for ApiError {
    fn from(error: FaqError) -> Self {
        match error {
            FaqError::NotFound => ApiError::NotFound,
            FaqError::TooMany => ApiError::Invalid(error.to_string()),
            FaqError::Store(error) => internal(error),
        }
    }
}

impl From<KnowledgeError> for ApiError {
    fn from(error: KnowledgeError) -> Self {
        match error {
            KnowledgeError::NotFound => ApiError::NotFound,
            KnowledgeError::Invalid(problem) => ApiError::Invalid(problem),
            KnowledgeError::Store(error) => internal(error),
        }
    }
}

impl From<WorkflowError> for ApiError {
    fn from(error: WorkflowError) -> Self {
        match error {
            WorkflowError::NotFound => ApiError::NotFound,
            WorkflowError::Closed => {
                ApiError::Invalid("This ticket is closed; it cannot change any more.".into())
            }
            WorkflowError::Invalid(reason) => ApiError::Invalid(reason),
            WorkflowError::Store(error) => internal(error),
        }
    }
}

impl From<MacroError> for ApiError {
    fn from(error: MacroError) -> Self {
        match error {
            MacroError::NotFound => ApiError::NotFound,
            MacroError::TooMany => ApiError::Invalid(error.to_string()),
            MacroError::Store(error) => internal(error),
        }
    }
}

impl From<TeamError> for ApiError {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::NotFound => ApiError::NotFound,
            TeamError::Refused(reason) => ApiError::Invalid(reason),
            TeamError::Store(error) => internal(error),
        }
    }
}

impl AppState {
    /// A team member's role, for checking who may change it.
    async fn role_of(&self, agent_id: &str) -> Result<Role, ApiError> {
        self.store
            .member_role(agent_id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)
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

    async fn inbox_page(
        &self,
        agent: &AgentProfile,
        view: InboxView,
        after: Option<PageCursor>,
    ) -> Result<InboxPage, ApiError> {
        let mut page = self
            .store
            .inbox_page(&agent.id, &view, after.as_ref())
            .await
            .map_err(internal)?;
        page.waiting_alerts = self.settings.current().shop.general.waiting_alerts;
        Ok(page)
    }

    async fn inbox_counts(&self, agent: &AgentProfile) -> Result<ViewCounts, ApiError> {
        self.store.view_counts(&agent.id).await.map_err(internal)
    }

    async fn search(&self, agent: &AgentProfile, query: &str) -> Result<Vec<SearchHit>, ApiError> {
        match self.store.search_tickets(&agent.id, query).await {
            Ok(hits) => Ok(hits),
            Err(SearchError::TooLong) => Err(ApiError::Invalid(SearchError::TooLong.to_string())),
            Err(SearchError::Store(error)) => Err(internal(error)),
        }
    }

    async fn ticket_profile(
        &self,
        agent: &AgentProfile,
        id: &str,
    ) -> Result<TicketProfile, ApiError> {
        let customer_id = self
            .store
            .conversation_customer(id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)?;
        let profile = self
            .store
            .customer_profile(&customer_id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)?;
        let other_tickets = self
            .store
            .other_live_tickets(&customer_id, id, &agent.id)
            .await
            .map_err(internal)?;
        let events = self
            .store
            .profile_events(&customer_id, None)
            .await
            .map_err(internal)?;
        let linked = self
            .store
            .linked_profiles(&customer_id)
            .await
            .map_err(internal)?;
        let suggestions = self
            .store
            .profile_suggestions(&customer_id)
            .await
            .map_err(internal)?;
        Ok(TicketProfile {
            profile,
            linked,
            suggestions,
            other_tickets,
            events,
            store_name: self.settings.current().shop.general.store_name.clone(),
        })
    }

    async fn decide_profiles(
        &self,
        agent: &AgentProfile,
        customer_id: &str,
        other_id: &str,
        same_person: Option<bool>,
    ) -> Result<(), ApiError> {
        let decided = match same_person {
            None => {
                self.store
                    .undo_profile_decision(customer_id, other_id)
                    .await
                    .map_err(internal)?;
                true
            }
            Some(same) => {
                let verdict = if same {
                    Verdict::SamePerson
                } else {
                    Verdict::NotTheSame
                };
                self.store
                    .decide_profiles(customer_id, other_id, verdict, &agent.name)
                    .await
                    .map_err(internal)?
            }
        };
        if decided {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    async fn profile_events(
        &self,
        customer_id: &str,
        after: EventCursor,
    ) -> Result<ProfileEventsPage, ApiError> {
        self.store
            .profile_events(customer_id, Some(&after))
            .await
            .map_err(internal)
    }

    async fn macros(&self) -> Result<Vec<Macro>, ApiError> {
        self.store.macros().await.map_err(internal)
    }

    async fn api_keys(&self) -> Result<Vec<ApiKey>, ApiError> {
        self.store.api_keys().await.map_err(internal)
    }

    async fn create_api_key(
        &self,
        name: &str,
        created_by: &str,
    ) -> Result<CreatedApiKey, ApiError> {
        self.store
            .create_api_key(name, created_by)
            .await
            .map_err(internal)
    }

    async fn revoke_api_key(&self, id: &str) -> Result<(), ApiError> {
        if self.store.revoke_api_key(id).await.map_err(internal)? {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    async fn create_macro(&self, input: MacroInput) -> Result<Macro, ApiError> {
        Ok(self.store.create_macro(&input).await?)
    }

    async fn update_macro(&self, id: &str, input: MacroInput) -> Result<(), ApiError> {
        Ok(self.store.update_macro(id, &input).await?)
    }

    async fn delete_macro(&self, id: &str) -> Result<(), ApiError> {
        Ok(self.store.delete_macro(id).await?)
    }

    async fn assignees(&self) -> Result<Vec<Assignee>, ApiError> {
        let agents = self.store.active_agents().await.map_err(internal)?;
        Ok(agents
            .into_iter()
            .map(|(id, name)| Assignee { id, name })
            .collect())
    }

    async fn ticket_action(
        &self,
        agent: &AgentProfile,
        id: &str,
        action: TicketAction,
    ) -> Result<(), ApiError> {
        let name = agent.name.as_str();
        match action {
            TicketAction::Assign(assignee) => {
                workflow::assign(self, name, id, assignee.as_deref()).await?
            }
            TicketAction::Snooze(until) => workflow::snooze(self, name, id, until).await?,
            TicketAction::Wake => workflow::wake(self, name, id).await?,
            TicketAction::Close => {
                let closer = Closer::Agent {
                    name: name.to_owned(),
                };
                workflow::close(self, id, &closer).await?
            }
            TicketAction::MarkUnread => {
                if !self
                    .store
                    .mark_unread(&agent.id, id)
                    .await
                    .map_err(internal)?
                {
                    return Err(ApiError::NotFound);
                }
            }
        }
        Ok(())
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
        let events = self.store.ticket_events(id).await.map_err(internal)?;
        Ok(TicketThread {
            ticket,
            messages,
            events,
        })
    }

    async fn mark_read(&self, agent: &AgentProfile, id: &str, seq: i64) -> Result<(), ApiError> {
        self.store
            .mark_read(&agent.id, id, seq)
            .await
            .map_err(internal)
    }

    async fn web_chat(&self) -> Result<WebChatSettings, ApiError> {
        Ok(self.settings.current().shop.web_chat.clone())
    }

    async fn save_web_chat(&self, settings: WebChatSettings) -> Result<WebChatSettings, ApiError> {
        settings_api::save_web_chat(self, settings).await
    }

    async fn general_page(&self) -> Result<GeneralPage, ApiError> {
        Ok(settings_api::general_page(self))
    }

    async fn save_general(&self, settings: GeneralSettings) -> Result<GeneralPage, ApiError> {
        settings_api::save_general(self, settings).await
    }

    async fn rotate_identity_secret(&self) -> Result<String, ApiError> {
        settings_api::rotate_identity_secret(self).await
    }

    async fn faqs(&self) -> Result<Vec<Faq>, ApiError> {
        self.store.faqs().await.map_err(internal)
    }

    async fn create_faq(&self, input: FaqInput) -> Result<Faq, ApiError> {
        let faq = self.store.create_faq(&input).await?;
        self.fanout.settings_changed().await;
        Ok(faq)
    }

    async fn update_faq(&self, id: &str, input: FaqInput) -> Result<(), ApiError> {
        self.store.update_faq(id, &input).await?;
        self.fanout.settings_changed().await;
        Ok(())
    }

    async fn delete_faq(&self, id: &str) -> Result<(), ApiError> {
        self.store.delete_faq(id).await?;
        self.fanout.settings_changed().await;
        Ok(())
    }

    async fn reorder_faqs(&self, ids: Vec<String>) -> Result<(), ApiError> {
        self.store.reorder_faqs(&ids).await?;
        self.fanout.settings_changed().await;
        Ok(())
    }

    async fn ai_knowledge(&self) -> Result<AiKnowledgeSummary, ApiError> {
        ai_settings::knowledge_summary(self).await.map_err(internal)
    }

    async fn save_ai_agent(
        &self,
        settings: AiAgentSettings,
    ) -> Result<AiKnowledgeSummary, ApiError> {
        ai_settings::save_ai_agent(self, settings).await
    }

    async fn create_article(
        &self,
        input: KnowledgeArticleInput,
    ) -> Result<KnowledgeArticle, ApiError> {
        Ok(self.store.create_knowledge_article(&input).await?)
    }

    async fn update_article(
        &self,
        id: &str,
        input: KnowledgeArticleInput,
    ) -> Result<KnowledgeArticle, ApiError> {
        Ok(self.store.update_knowledge_article(id, &input).await?)
    }

    async fn delete_article(&self, id: &str) -> Result<(), ApiError> {
        Ok(self.store.delete_knowledge_article(id).await?)
    }

    async fn import_products(&self, json: &str) -> Result<usize, ApiError> {
        ai_settings::import_products(&self.store, json).await
    }

    async fn try_ai(&self, question: &str) -> Result<AiTrial, ApiError> {
        ai_settings::try_question(self, question).await
    }

    async fn hours_page(&self) -> Result<HoursPage, ApiError> {
        Ok(settings_api::hours_page(self))
    }

    async fn save_hours(&self, hours: BusinessHours) -> Result<HoursPage, ApiError> {
        settings_api::save_hours(self, hours).await
    }

    async fn team(&self) -> Result<Team, ApiError> {
        self.store.team().await.map_err(internal)
    }

    async fn invite(
        &self,
        by: &AgentProfile,
        email: &str,
        role: Role,
    ) -> Result<InviteLink, ApiError> {
        settings_api::invite(self, by, email, role).await
    }

    async fn revoke_invite(&self, id: &str) -> Result<(), ApiError> {
        Ok(self.store.revoke_invite(id).await?)
    }

    async fn set_role(&self, by: &AgentProfile, id: &str, role: Role) -> Result<(), ApiError> {
        if !by.role().may_change(self.role_of(id).await?, Some(role)) {
            return Err(ApiError::Forbidden);
        }
        Ok(self.store.set_role(id, role).await?)
    }

    async fn set_active(&self, by: &AgentProfile, id: &str, active: bool) -> Result<(), ApiError> {
        if !by.role().may_change(self.role_of(id).await?, None) {
            return Err(ApiError::Forbidden);
        }
        Ok(self.store.set_active(id, active).await?)
    }

    async fn notifications(&self, agent: &AgentProfile) -> Result<NotificationsPage, ApiError> {
        settings_api::notifications_page(self, agent).await
    }

    async fn set_notifications(
        &self,
        agent: &AgentProfile,
        new_ticket_emails: bool,
    ) -> Result<NotificationsPage, ApiError> {
        self.store
            .set_notify_new_tickets(&agent.id, new_ticket_emails)
            .await
            .map_err(internal)?;
        settings_api::notifications_page(self, agent).await
    }

    async fn invite_details(&self, token: &str) -> Result<InviteDetails, ApiError> {
        let invite = self
            .store
            .invite_by_token(token)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)?;
        Ok(InviteDetails {
            email: invite.email,
            role: invite.role,
            store_name: self.settings.current().shop.general.store_name.clone(),
        })
    }

    async fn accept_invite(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> Result<String, ApiError> {
        Ok(self.store.accept_invite(token, name, password).await?)
    }
}
