//! The helpdesk's server functions: its whole HTTP API. Each one is thin: it finds the
//! logged-in agent, validates its input, and calls the [`ssr::Backend`] the server provides.

use leptos::prelude::*;
use leptos::server_fn::{
    codec::{Json, JsonEncoding},
    error::{FromServerFnError, ServerFnErrorErr},
};
use protocol::{
    api_keys::{ApiKey, CreatedApiKey},
    inbox::{InboxPage, InboxView, PageCursor, ViewCounts},
    profile::{EventCursor, Macro, MacroInput, ProfileEventsPage, TicketProfile},
    search::SearchHit,
    settings::{
        AiAgentSettings, AiKnowledgeSummary, AiTrial, BusinessHours, Faq, FaqInput, FieldError,
        GeneralSettings, KnowledgeArticle, KnowledgeArticleInput, Role, Team, WebChatSettings,
    },
    TicketThread,
};
use serde::{Deserialize, Serialize};

/// What a server function can fail with, as the helpdesk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("Please log in again.")]
    Unauthorized,
    #[error("{0}")]
    Invalid(String),
    #[error("That does not exist (any more).")]
    NotFound,
    #[error("Only owners and admins can change this.")]
    Forbidden,
    /// Form fields with problems; the form shows each beside its field.
    #[error("Please correct the highlighted fields.")]
    Fields(Vec<FieldError>),
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
            // A form body that is empty or does not decode (`log_in`, `mark_read`, …):
            // the caller's mistake, so a 400 on the server, never a 500.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                let error = ApiError::Invalid("Some fields are missing or malformed.".into());
                #[cfg(feature = "ssr")]
                ssr::set_status(&error);
                error
            }
            // On the server, a request body that is not the JSON the function takes
            // ("unknown variant `reckless`"): the caller's mistake, said back to it.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(problem) => {
                let error = ApiError::Invalid(format!("The request is malformed: {problem}"));
                ssr::set_status(&error);
                error
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

impl ApiError {
    /// Every message for exactly `field`, joined, when the error is about form fields.
    /// List items have their own keys (`weekly[2]`), apart from the list's (`weekly`).
    pub fn field(&self, field: &str) -> Option<String> {
        let ApiError::Fields(errors) = self else {
            return None;
        };
        let messages: Vec<&str> = errors
            .iter()
            .filter(|error| error.field == field)
            .map(|error| error.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::Fields(errors)
    }
}

impl AgentProfile {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Agent)
    }
}

/// Settings → General, with the identity secret's state (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralPage {
    pub settings: GeneralSettings,
    /// Set by `SHOPDESK_IDENTITY_SECRET`: rotated by the server's operator, not here.
    pub secret_from_config: bool,
    pub secret_rotated_at: Option<i64>,
    /// The previous secret still works until then.
    pub previous_secret_valid_until: Option<i64>,
    /// Where the widget script is served, for the embed snippet.
    pub widget_script_url: String,
    /// Storefront origins the server's configuration allows besides these settings
    /// (`SHOPDESK_ALLOWED_ORIGINS`, or the demo storefront's), shown read-only.
    #[serde(default)]
    pub configured_origins: Vec<String>,
}

/// Settings → Business hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursPage {
    pub hours: BusinessHours,
    pub time_zones: Vec<String>,
    pub open_now: bool,
    pub next_open_at: Option<i64>,
}

/// Settings → Notifications, for the agent who asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub new_ticket_emails: bool,
    pub email: String,
    /// `None` when the server has no SMTP configured: nothing can be sent.
    pub sender: Option<String>,
}

/// A new invitation: the link to share (shown once) and whether it was emailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLink {
    pub link: String,
    pub emailed: bool,
    /// The link stops working then (epoch ms).
    pub expires_at: i64,
}

/// What an invitation link offers, for the accept page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDetails {
    pub email: String,
    pub role: Role,
    pub store_name: String,
}

/// Someone a ticket can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: String,
    pub name: String,
}

/// A change an agent makes to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketAction {
    /// To this team member, or to nobody.
    Assign(Option<String>),
    /// Until this time (epoch ms).
    Snooze(i64),
    Wake,
    Close,
    MarkUnread,
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
    if !looks_like_email(&email) {
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
    ssr::respond(
        async move {
            let backend = ssr::backend()?;
            let (name, email) = validate_owner_form(&name, &email, &password)?;
            let token = backend.create_owner(&name, &email, &password).await?;
            ssr::set_cookie(&backend.session_cookie(Some(&token)));
            leptos_axum::redirect("/inbox");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "log_in")]
pub async fn log_in(email: String, password: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
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
        .await,
    )
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let backend = ssr::backend()?;
            if let Some(token) = ssr::current().await?.session_token {
                backend.log_out(&token).await?;
            }
            ssr::set_cookie(&backend.session_cookie(None));
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "current_agent")]
pub async fn current_agent() -> Result<AgentProfile, ApiError> {
    ssr::respond(async move { ssr::agent().await }.await)
}

/// One page of an inbox view, with this agent's counts and read state.
#[server(endpoint = "inbox/tickets", input = Json)]
pub async fn load_inbox(view: InboxView, after: Option<PageCursor>) -> Result<InboxPage, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.inbox_page(&agent, view, after).await
        }
        .await,
    )
}

/// Tickets whose messages, or whose shopper's name or email, match `query`; best first.
#[server(endpoint = "inbox/search", input = Json)]
pub async fn search_tickets(query: String) -> Result<Vec<SearchHit>, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.search(&agent, &query).await
        }
        .await,
    )
}

/// This agent's inbox counts (refreshed after live changes).
#[server(endpoint = "inbox/counts", input = Json)]
pub async fn inbox_counts() -> Result<ViewCounts, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.inbox_counts(&agent).await
        }
        .await,
    )
}

/// The team members a ticket can be assigned to.
#[server(endpoint = "inbox/assignees", input = Json)]
pub async fn assignees() -> Result<Vec<Assignee>, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.assignees().await
        }
        .await,
    )
}

/// Assigns the ticket to `assignee_id`, or unassigns it with `None`.
#[server(endpoint = "inbox/assign", input = Json)]
pub async fn assign_ticket(id: String, assignee_id: Option<String>) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            let action = TicketAction::Assign(assignee_id);
            ssr::backend()?.ticket_action(&agent, &id, action).await
        }
        .await,
    )
}

/// Hides the ticket from Open until `until` (epoch ms), or until the shopper writes.
#[server(endpoint = "inbox/snooze", input = Json)]
pub async fn snooze_ticket(id: String, until: i64) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            let action = TicketAction::Snooze(until);
            ssr::backend()?.ticket_action(&agent, &id, action).await
        }
        .await,
    )
}

/// Ends a snooze now.
#[server(endpoint = "inbox/wake", input = Json)]
pub async fn wake_ticket(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?
                .ticket_action(&agent, &id, TicketAction::Wake)
                .await
        }
        .await,
    )
}

/// Closes the ticket for good (a web chat cannot be reopened: the shopper's next
/// message starts a new ticket).
#[server(endpoint = "inbox/close", input = Json)]
pub async fn close_ticket(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?
                .ticket_action(&agent, &id, TicketAction::Close)
                .await
        }
        .await,
    )
}

/// Brings the unread dot back for this agent.
#[server(endpoint = "inbox/mark_unread", input = Json)]
pub async fn mark_unread(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?
                .ticket_action(&agent, &id, TicketAction::MarkUnread)
                .await
        }
        .await,
    )
}

/// One ticket and its thread; opening it marks it read for this agent.
#[server(endpoint = "load_ticket")]
pub async fn load_ticket(id: String) -> Result<TicketThread, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.ticket_thread(&agent, &id).await
        }
        .await,
    )
}

/// Marks the ticket read up to `seq` for this agent.
#[server(endpoint = "mark_read")]
pub async fn mark_read(id: String, seq: i64) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.mark_read(&agent, &id, seq).await
        }
        .await,
    )
}

// ---- Settings (reading: any agent; changing: owners and admins) ----

#[server(endpoint = "settings/web_chat", input = Json)]
pub async fn get_web_chat() -> Result<WebChatSettings, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.web_chat().await
        }
        .await,
    )
}

#[server(endpoint = "settings/save_web_chat", input = Json)]
pub async fn save_web_chat(settings: WebChatSettings) -> Result<WebChatSettings, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let settings = settings.validated()?;
            ssr::backend()?.save_web_chat(settings).await
        }
        .await,
    )
}

#[server(endpoint = "settings/general", input = Json)]
pub async fn get_general() -> Result<GeneralPage, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.general_page().await
        }
        .await,
    )
}

#[server(endpoint = "settings/save_general", input = Json)]
pub async fn save_general(settings: GeneralSettings) -> Result<GeneralPage, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let settings = settings.validated()?;
            ssr::backend()?.save_general(settings).await
        }
        .await,
    )
}

/// Replaces the identity secret; returns the new one, shown this once.
#[server(endpoint = "settings/rotate_secret", input = Json)]
pub async fn rotate_identity_secret() -> Result<String, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.rotate_identity_secret().await
        }
        .await,
    )
}

/// The shopper behind a ticket: profile summary, other live tickets, first page of events.
#[server(endpoint = "inbox/profile", input = Json)]
pub async fn load_profile(id: String) -> Result<TicketProfile, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.ticket_profile(&agent, &id).await
        }
        .await,
    )
}

/// An agent's decision about a suggested profile: the same person (`Some(true)`), not
/// (`Some(false)`), or undo the earlier decision (`None`).
#[server(endpoint = "inbox/decide_profiles", input = Json)]
pub async fn decide_profiles(
    customer_id: String,
    other_id: String,
    same_person: Option<bool>,
) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?
                .decide_profiles(&agent, &customer_id, &other_id, same_person)
                .await
        }
        .await,
    )
}

/// More of a profile's timeline.
#[server(endpoint = "inbox/profile_events", input = Json)]
pub async fn profile_events(
    customer_id: String,
    after: EventCursor,
) -> Result<ProfileEventsPage, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.profile_events(&customer_id, after).await
        }
        .await,
    )
}

/// The team's reply macros (any agent uses them; owners and admins manage them).
#[server(endpoint = "macros", input = Json)]
pub async fn list_macros() -> Result<Vec<Macro>, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.macros().await
        }
        .await,
    )
}

#[server(endpoint = "settings/create_macro", input = Json)]
pub async fn create_macro(input: MacroInput) -> Result<Macro, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let input = input.validated()?;
            ssr::backend()?.create_macro(input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/update_macro", input = Json)]
pub async fn update_macro(id: String, input: MacroInput) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let input = input.validated()?;
            ssr::backend()?.update_macro(&id, input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/delete_macro", input = Json)]
pub async fn delete_macro(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.delete_macro(&id).await
        }
        .await,
    )
}

/// The private API keys (owners and admins only: they grant write access to profiles).
#[server(endpoint = "settings/api_keys", input = Json)]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.api_keys().await
        }
        .await,
    )
}

/// A new key; its secret is in the answer and nowhere else, ever.
#[server(endpoint = "settings/create_api_key", input = Json)]
pub async fn create_api_key(name: String) -> Result<CreatedApiKey, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::admin().await?;
            let name = protocol::api_keys::validated_key_name(&name)?;
            ssr::backend()?.create_api_key(&name, &agent.name).await
        }
        .await,
    )
}

#[server(endpoint = "settings/revoke_api_key", input = Json)]
pub async fn revoke_api_key(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.revoke_api_key(&id).await
        }
        .await,
    )
}

#[server(endpoint = "settings/faqs", input = Json)]
pub async fn list_faqs() -> Result<Vec<Faq>, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.faqs().await
        }
        .await,
    )
}

#[server(endpoint = "settings/create_faq", input = Json)]
pub async fn create_faq(input: FaqInput) -> Result<Faq, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let input = input.validated()?;
            ssr::backend()?.create_faq(input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/update_faq", input = Json)]
pub async fn update_faq(id: String, input: FaqInput) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            let input = input.validated()?;
            ssr::backend()?.update_faq(&id, input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/delete_faq", input = Json)]
pub async fn delete_faq(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.delete_faq(&id).await
        }
        .await,
    )
}

/// Puts every FAQ in the order of `ids`.
#[server(endpoint = "settings/reorder_faqs", input = Json)]
pub async fn reorder_faqs(ids: Vec<String>) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.reorder_faqs(ids).await
        }
        .await,
    )
}

#[server(endpoint = "settings/ai_knowledge", input = Json)]
pub async fn ai_knowledge() -> Result<AiKnowledgeSummary, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.ai_knowledge().await
        }
        .await,
    )
}

/// Saves Settings → AI agent: on or off, the handoff target, the unhelpful limit. An
/// empty Zendesk token or Gorgias key keeps the stored one for the same account.
#[server(endpoint = "settings/save_ai_agent", input = Json)]
pub async fn save_ai_agent(settings: AiAgentSettings) -> Result<AiKnowledgeSummary, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.save_ai_agent(settings).await
        }
        .await,
    )
}

#[server(endpoint = "settings/create_article", input = Json)]
pub async fn create_article(input: KnowledgeArticleInput) -> Result<KnowledgeArticle, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.create_article(input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/update_article", input = Json)]
pub async fn update_article(
    id: String,
    input: KnowledgeArticleInput,
) -> Result<KnowledgeArticle, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.update_article(&id, input).await
        }
        .await,
    )
}

#[server(endpoint = "settings/delete_article", input = Json)]
pub async fn delete_article(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.delete_article(&id).await
        }
        .await,
    )
}

/// Imports a Shopify `products.json` export (its text); returns how many products changed.
#[server(endpoint = "settings/import_products", input = Json)]
pub async fn import_products(json: String) -> Result<usize, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.import_products(&json).await
        }
        .await,
    )
}

/// What the AI agent would answer to `question`, from the knowledge as it is now.
#[server(endpoint = "settings/try_ai", input = Json)]
pub async fn try_ai(question: String) -> Result<AiTrial, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.try_ai(&question).await
        }
        .await,
    )
}

#[server(endpoint = "settings/business_hours", input = Json)]
pub async fn get_business_hours() -> Result<HoursPage, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.hours_page().await
        }
        .await,
    )
}

#[server(endpoint = "settings/save_business_hours", input = Json)]
pub async fn save_business_hours(hours: BusinessHours) -> Result<HoursPage, ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.save_hours(hours).await
        }
        .await,
    )
}

#[server(endpoint = "settings/team", input = Json)]
pub async fn get_team() -> Result<Team, ApiError> {
    ssr::respond(
        async move {
            ssr::agent().await?;
            ssr::backend()?.team().await
        }
        .await,
    )
}

#[server(endpoint = "settings/invite", input = Json)]
pub async fn invite_agent(email: String, role: Role) -> Result<InviteLink, ApiError> {
    ssr::respond(
        async move {
            let admin = ssr::admin().await?;
            let email = email.trim().to_ascii_lowercase();
            if !looks_like_email(&email) {
                return Err(ApiError::Fields(vec![FieldError::new(
                    "email",
                    "Enter a valid email address.",
                )]));
            }
            if !admin.role().may_change(role, Some(role)) || role == Role::Owner {
                return Err(ApiError::Fields(vec![FieldError::new(
                    "role",
                    "Invite as admin or agent.",
                )]));
            }
            ssr::backend()?.invite(&admin, &email, role).await
        }
        .await,
    )
}

#[server(endpoint = "settings/revoke_invite", input = Json)]
pub async fn revoke_invite(id: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            ssr::admin().await?;
            ssr::backend()?.revoke_invite(&id).await
        }
        .await,
    )
}

#[server(endpoint = "settings/set_role", input = Json)]
pub async fn set_agent_role(id: String, role: Role) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let admin = ssr::admin().await?;
            if admin.id == id {
                return Err(ApiError::Invalid("You cannot change your own role.".into()));
            }
            ssr::backend()?.set_role(&admin, &id, role).await
        }
        .await,
    )
}

#[server(endpoint = "settings/set_active", input = Json)]
pub async fn set_agent_active(id: String, active: bool) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let admin = ssr::admin().await?;
            if admin.id == id {
                return Err(ApiError::Invalid("You cannot deactivate yourself.".into()));
            }
            ssr::backend()?.set_active(&admin, &id, active).await
        }
        .await,
    )
}

#[server(endpoint = "settings/notifications", input = Json)]
pub async fn get_notifications() -> Result<NotificationsPage, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?.notifications(&agent).await
        }
        .await,
    )
}

/// Every agent sets their own notifications.
#[server(endpoint = "settings/save_notifications", input = Json)]
pub async fn save_notifications(new_ticket_emails: bool) -> Result<NotificationsPage, ApiError> {
    ssr::respond(
        async move {
            let agent = ssr::agent().await?;
            ssr::backend()?
                .set_notifications(&agent, new_ticket_emails)
                .await
        }
        .await,
    )
}

#[server(endpoint = "load_invite", input = Json)]
pub async fn load_invite(token: String) -> Result<InviteDetails, ApiError> {
    ssr::respond(
        async move {
            if token.is_empty() || token.len() > 128 {
                return Err(ApiError::NotFound);
            }
            ssr::backend()?.invite_details(&token).await
        }
        .await,
    )
}

/// Joins the team through an invitation link, and logs in.
#[server(endpoint = "accept_invite")]
pub async fn accept_invite(token: String, name: String, password: String) -> Result<(), ApiError> {
    ssr::respond(
        async move {
            let backend = ssr::backend()?;
            let details = backend.invite_details(&token).await?;
            let (name, _) = validate_owner_form(&name, &details.email, &password)?;
            let session = backend.accept_invite(&token, &name, &password).await?;
            ssr::set_cookie(&backend.session_cookie(Some(&session)));
            leptos_axum::redirect("/inbox");
            Ok(())
        }
        .await,
    )
}

/// A plausible email address (the mail server has the last word).
pub fn looks_like_email(email: &str) -> bool {
    email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The seam between the server functions and the server's domain code.

    use std::sync::Arc;

    use axum::{http::header::SET_COOKIE, http::HeaderValue, Extension};
    use leptos::prelude::*;
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

    use super::{
        AgentProfile, ApiError, Assignee, GeneralPage, HoursPage, InviteDetails, InviteLink,
        NotificationsPage, TicketAction,
    };

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
        async fn inbox_page(
            &self,
            agent: &AgentProfile,
            view: InboxView,
            after: Option<PageCursor>,
        ) -> Result<InboxPage, ApiError>;
        async fn inbox_counts(&self, agent: &AgentProfile) -> Result<ViewCounts, ApiError>;
        async fn search(
            &self,
            agent: &AgentProfile,
            query: &str,
        ) -> Result<Vec<SearchHit>, ApiError>;
        async fn assignees(&self) -> Result<Vec<Assignee>, ApiError>;
        async fn ticket_profile(
            &self,
            agent: &AgentProfile,
            id: &str,
        ) -> Result<TicketProfile, ApiError>;
        async fn decide_profiles(
            &self,
            agent: &AgentProfile,
            customer_id: &str,
            other_id: &str,
            same_person: Option<bool>,
        ) -> Result<(), ApiError>;
        async fn profile_events(
            &self,
            customer_id: &str,
            after: EventCursor,
        ) -> Result<ProfileEventsPage, ApiError>;
        async fn api_keys(&self) -> Result<Vec<ApiKey>, ApiError>;
        async fn create_api_key(
            &self,
            name: &str,
            created_by: &str,
        ) -> Result<CreatedApiKey, ApiError>;
        async fn revoke_api_key(&self, id: &str) -> Result<(), ApiError>;
        async fn macros(&self) -> Result<Vec<Macro>, ApiError>;
        async fn create_macro(&self, input: MacroInput) -> Result<Macro, ApiError>;
        async fn update_macro(&self, id: &str, input: MacroInput) -> Result<(), ApiError>;
        async fn delete_macro(&self, id: &str) -> Result<(), ApiError>;
        async fn ticket_action(
            &self,
            agent: &AgentProfile,
            id: &str,
            action: TicketAction,
        ) -> Result<(), ApiError>;
        async fn ticket_thread(
            &self,
            agent: &AgentProfile,
            id: &str,
        ) -> Result<TicketThread, ApiError>;
        async fn mark_read(&self, agent: &AgentProfile, id: &str, seq: i64)
            -> Result<(), ApiError>;

        // Settings: inputs arrive validated, and the caller checked the role.
        async fn web_chat(&self) -> Result<WebChatSettings, ApiError>;
        async fn save_web_chat(
            &self,
            settings: WebChatSettings,
        ) -> Result<WebChatSettings, ApiError>;
        async fn general_page(&self) -> Result<GeneralPage, ApiError>;
        async fn save_general(&self, settings: GeneralSettings) -> Result<GeneralPage, ApiError>;
        async fn rotate_identity_secret(&self) -> Result<String, ApiError>;
        async fn faqs(&self) -> Result<Vec<Faq>, ApiError>;
        async fn create_faq(&self, input: FaqInput) -> Result<Faq, ApiError>;
        async fn update_faq(&self, id: &str, input: FaqInput) -> Result<(), ApiError>;
        async fn delete_faq(&self, id: &str) -> Result<(), ApiError>;
        async fn reorder_faqs(&self, ids: Vec<String>) -> Result<(), ApiError>;
        async fn ai_knowledge(&self) -> Result<AiKnowledgeSummary, ApiError>;
        async fn save_ai_agent(
            &self,
            settings: AiAgentSettings,
        ) -> Result<AiKnowledgeSummary, ApiError>;
        async fn create_article(
            &self,
            input: KnowledgeArticleInput,
        ) -> Result<KnowledgeArticle, ApiError>;
        async fn update_article(
            &self,
            id: &str,
            input: KnowledgeArticleInput,
        ) -> Result<KnowledgeArticle, ApiError>;
        async fn delete_article(&self, id: &str) -> Result<(), ApiError>;
        async fn import_products(&self, json: &str) -> Result<usize, ApiError>;
        async fn try_ai(&self, question: &str) -> Result<AiTrial, ApiError>;
        async fn hours_page(&self) -> Result<HoursPage, ApiError>;
        /// Validates too: time zones and schedules need the server's zone database.
        async fn save_hours(&self, hours: BusinessHours) -> Result<HoursPage, ApiError>;
        async fn team(&self) -> Result<Team, ApiError>;
        async fn invite(
            &self,
            by: &AgentProfile,
            email: &str,
            role: Role,
        ) -> Result<InviteLink, ApiError>;
        async fn revoke_invite(&self, id: &str) -> Result<(), ApiError>;
        /// Checks `by` may make the change (only owners touch owners).
        async fn set_role(&self, by: &AgentProfile, id: &str, role: Role) -> Result<(), ApiError>;
        async fn set_active(
            &self,
            by: &AgentProfile,
            id: &str,
            active: bool,
        ) -> Result<(), ApiError>;
        async fn notifications(&self, agent: &AgentProfile) -> Result<NotificationsPage, ApiError>;
        async fn set_notifications(
            &self,
            agent: &AgentProfile,
            new_ticket_emails: bool,
        ) -> Result<NotificationsPage, ApiError>;
        async fn invite_details(&self, token: &str) -> Result<InviteDetails, ApiError>;
        async fn accept_invite(
            &self,
            token: &str,
            name: &str,
            password: &str,
        ) -> Result<String, ApiError>;
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

    /// The logged-in agent if they are an owner or admin, or `Forbidden`.
    pub async fn admin() -> Result<AgentProfile, ApiError> {
        let agent = agent().await?;
        if agent.role().manages() {
            Ok(agent)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Passes a server function's result on, giving errors their HTTP status (400 for
    /// bad input, 401, 403, 404; 500 only for our own failures).
    pub fn respond<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(error) = &result {
            set_status(error);
        }
        result
    }

    /// Gives the response the HTTP status of `error`.
    pub fn set_status(error: &ApiError) {
        use axum::http::StatusCode;
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(match error {
                ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
                ApiError::Invalid(_) | ApiError::Fields(_) => StatusCode::BAD_REQUEST,
                ApiError::Forbidden => StatusCode::FORBIDDEN,
                ApiError::NotFound => StatusCode::NOT_FOUND,
                ApiError::Internal | ApiError::Network => StatusCode::INTERNAL_SERVER_ERROR,
            });
        }
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
    fn field_messages_are_exact_and_joined() {
        let error = ApiError::Fields(vec![
            FieldError::new("weekly[2]", "Bad range."),
            FieldError::new("weekly", "Too many."),
            FieldError::new("weekly[2]", "Again."),
        ]);
        assert_eq!(error.field("weekly").as_deref(), Some("Too many."));
        assert_eq!(
            error.field("weekly[2]").as_deref(),
            Some("Bad range. Again.")
        );
        assert_eq!(error.field("weekly[0]"), None);
    }

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
