//! The merchant's settings as they cross the wire: edited in the helpdesk's Settings
//! pages, stored by the server, and (the storefront-facing part) sent to widgets.

use serde::{Deserialize, Serialize};

/// The longest welcome message, in characters.
pub const MAX_WELCOME_CHARS: usize = 500;
/// The longest away message, in characters.
pub const MAX_AWAY_CHARS: usize = 1000;
/// How long the previous identity secret keeps working after a rotation.
pub const SECRET_GRACE_HOURS: i64 = 24;
pub const MAX_STORE_NAME_CHARS: usize = 80;
/// Longest waiting-time threshold, in minutes (a day).
pub const MAX_WAIT_ALERT_MINUTES: u32 = 1440;
pub const MAX_URL_CHARS: usize = 500;
pub const MAX_ORIGINS: usize = 20;
pub const MAX_FAQ_QUESTION_CHARS: usize = 200;
pub const MAX_FAQ_ANSWER_CHARS: usize = 2000;
pub const MAX_FAQS: usize = 50;
pub const MAX_ARTICLES: usize = 200;
pub const MAX_ARTICLE_TITLE_CHARS: usize = 120;
pub const MAX_ARTICLE_BODY_CHARS: usize = 20_000;

/// Who sees the Chat tab.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    /// Everyone sees the tab; only logged-in customers can start a chat.
    #[default]
    AllUsers,
    /// The tab is hidden from visitors who are not logged in.
    LoggedInUsers,
}

impl LoginStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginStatus::AllUsers => "all_users",
            LoginStatus::LoggedInUsers => "logged_in_users",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all_users" => Some(LoginStatus::AllUsers),
            "logged_in_users" => Some(LoginStatus::LoggedInUsers),
            _ => None,
        }
    }
}

/// Settings → Web Chat.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WebChatSettings {
    pub enabled: bool,
    pub login_status: LoginStatus,
    /// Plain text, the first thing a shopper reads in the chat.
    pub welcome_message: String,
}

impl Default for WebChatSettings {
    fn default() -> Self {
        WebChatSettings {
            enabled: true,
            login_status: LoginStatus::AllUsers,
            welcome_message: "Hi there! What do you need help with today?".to_owned(),
        }
    }
}

/// Which bottom corner the launcher sits in.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum LauncherPosition {
    #[default]
    BottomRight,
    BottomLeft,
}

impl LauncherPosition {
    pub fn as_str(self) -> &'static str {
        match self {
            LauncherPosition::BottomRight => "bottom_right",
            LauncherPosition::BottomLeft => "bottom_left",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "bottom_right" => Some(LauncherPosition::BottomRight),
            "bottom_left" => Some(LauncherPosition::BottomLeft),
            _ => None,
        }
    }
}

/// Settings → General.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct GeneralSettings {
    pub store_name: String,
    /// `#rrggbb`.
    pub brand_color: String,
    pub launcher_position: LauncherPosition,
    /// Storefront origins (`https://shop.example`) allowed to embed the widget.
    pub allowed_origins: Vec<String>,
    /// Shown to the shopper before their first message; empty when not set.
    pub privacy_policy_url: String,
    pub terms_of_service_url: String,
    /// When the inbox turns a shopper's wait amber, then red.
    #[serde(default)]
    pub waiting_alerts: WaitingAlerts,
}

/// Minutes a shopper may wait for a reply before the inbox shows it amber (`warn`) and
/// red (`alert`): every 3 to 5 minutes is the check-in rhythm live chat calls for.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitingAlerts {
    pub warn_minutes: u32,
    pub alert_minutes: u32,
}

impl Default for WaitingAlerts {
    fn default() -> Self {
        WaitingAlerts {
            warn_minutes: 3,
            alert_minutes: 5,
        }
    }
}

/// How long a shopper has been waiting, as the inbox colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitLevel {
    Fine,
    Warn,
    Alert,
}

impl WaitingAlerts {
    pub fn level(&self, waited_ms: i64) -> WaitLevel {
        let minutes = waited_ms / 60_000;
        if minutes >= i64::from(self.alert_minutes) {
            WaitLevel::Alert
        } else if minutes >= i64::from(self.warn_minutes) {
            WaitLevel::Warn
        } else {
            WaitLevel::Fine
        }
    }
}

impl Default for GeneralSettings {
    fn default() -> Self {
        GeneralSettings {
            store_name: "Demo Store".to_owned(),
            brand_color: "#3b5bdb".to_owned(),
            launcher_position: LauncherPosition::BottomRight,
            allowed_origins: Vec::new(),
            privacy_policy_url: String::new(),
            terms_of_service_url: String::new(),
            waiting_alerts: WaitingAlerts::default(),
        }
    }
}

/// Settings → Business hours.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct BusinessHours {
    /// Off: the team is always available (no away messages).
    pub enabled: bool,
    /// IANA zone, e.g. "America/Sao_Paulo".
    pub time_zone: String,
    pub weekly: Vec<WeeklyRange>,
    pub exceptions: Vec<DateException>,
    pub away_message: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WeeklyRange {
    /// 1 = Monday ... 7 = Sunday.
    pub weekday: u8,
    pub range: TimeRange,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TimeRange {
    /// "HH:MM" wall-clock time in the shop's zone, 00:00..=23:59.
    pub opens: String,
    /// "HH:MM"; "24:00" is midnight at the end of the day. Earlier than `opens` means
    /// the range runs past midnight into the next day.
    pub closes: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DateException {
    /// "YYYY-MM-DD" in the shop's zone.
    pub date: String,
    /// Empty: closed that day. Otherwise these replace the weekly ranges starting that day.
    pub ranges: Vec<TimeRange>,
    /// Shown to merchants only ("Christmas").
    pub label: String,
}

/// A question and its answer, as the helpdesk manages it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub published: bool,
    /// How many times shoppers opened it.
    pub opened: i64,
    /// How many of those still asked for a person afterwards.
    pub still_needed_help: i64,
}

/// What the FAQ form submits (create or edit).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct FaqInput {
    pub question: String,
    pub answer: String,
    pub published: bool,
}

/// A published FAQ, as the widget shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PublicFaq {
    pub id: String,
    pub question: String,
    pub answer: String,
}

/// Whether the team is available, as a widget shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Availability {
    pub open_now: bool,
    /// When the team is next available (epoch ms), when closed; `None` if not scheduled.
    pub next_open_at: Option<i64>,
}

/// The storefront-facing settings, sent with the widget session and pushed live to
/// open widgets when a merchant changes them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WidgetSettings {
    /// Counts the merchant's changes. A widget names the version it holds when its socket
    /// (re)connects and is sent the current settings only if they changed meanwhile.
    pub version: i64,
    pub chat_enabled: bool,
    pub login_status: LoginStatus,
    pub store_name: String,
    pub welcome_message: String,
    pub brand_color: String,
    pub launcher_position: LauncherPosition,
    pub privacy_policy_url: Option<String>,
    pub terms_of_service_url: Option<String>,
    pub faqs: Vec<PublicFaq>,
    pub availability: Availability,
    /// The AI agent answers new chats first (the widget offers "Talk to a person").
    #[serde(default)]
    pub ai_agent: bool,
}

/// What the loader reads before it draws the launcher (small, cacheable).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LauncherSettings {
    pub chat_enabled: bool,
    pub login_status: LoginStatus,
    pub brand_color: String,
    pub launcher_position: LauncherPosition,
}

/// A shopper's interaction with an FAQ, recorded for the deflection counts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaqEventKind {
    Opened,
    /// "I still need help" after reading this FAQ.
    StillNeededHelp,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FaqEvent {
    pub faq_id: String,
    pub kind: FaqEventKind,
}

/// One problem with a submitted form, keyed by its field.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An agent's role: owners and admins manage settings and the team.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Admin,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Agent => "Agent",
        }
    }

    /// Whether this role may change settings and manage the team.
    pub fn manages(self) -> bool {
        self >= Role::Admin
    }

    /// Whether someone with this role may change `target`'s role to `to`, or (with
    /// `to == None`) deactivate or reactivate them. Only owners touch owners.
    pub fn may_change(self, target: Role, to: Option<Role>) -> bool {
        let touches_owner = target == Role::Owner || to == Some(Role::Owner);
        self.manages() && (!touches_owner || self == Role::Owner)
    }
}

/// A member of the team, as Settings → Team lists them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
}

/// An invitation not yet accepted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PendingInvite {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
}

/// The team page: members and pending invitations.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub members: Vec<TeamMember>,
    pub invites: Vec<PendingInvite>,
}

/// Trimmed text, or an error when empty (if required) or longer than `max` characters.
fn bounded_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(FieldError::new(field, format!("{label} cannot be empty.")));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("{label} must be at most {max} characters."),
        ));
    }
    value.to_owned()
}

/// An absolute `http(s)://` URL with a host and no spaces; empty stays empty.
pub fn check_link_url(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    if value.chars().count() > MAX_URL_CHARS {
        return Err(format!("Use a URL of at most {MAX_URL_CHARS} characters."));
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("Use a full http:// or https:// address.")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let valid = !host.is_empty()
        && !host.contains('@')
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if valid {
        Ok(value.to_owned())
    } else {
        Err("Use a full http:// or https:// address.".to_owned())
    }
}

/// A storefront origin: `scheme://host[:port]`, no path, lower-cased, no trailing slash.
pub fn check_origin(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("{value:?} is not an origin like https://shop.example"))?;
    if rest.is_empty()
        || rest.contains(['/', '?', '#', '@'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "{value:?} is not an origin like https://shop.example"
        ));
    }
    Ok(trimmed.to_ascii_lowercase())
}

impl WebChatSettings {
    /// Trimmed and checked; every problem is reported, keyed by field.
    pub fn validated(&self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let welcome_message = bounded_text(
            &mut errors,
            "welcome_message",
            "The welcome message",
            &self.welcome_message,
            MAX_WELCOME_CHARS,
            true,
        );
        if errors.is_empty() {
            Ok(WebChatSettings {
                welcome_message,
                ..self.clone()
            })
        } else {
            Err(errors)
        }
    }
}

impl GeneralSettings {
    pub fn validated(&self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let store_name = bounded_text(
            &mut errors,
            "store_name",
            "The store name",
            &self.store_name,
            MAX_STORE_NAME_CHARS,
            true,
        );
        let brand_color = self.brand_color.trim().to_ascii_lowercase();
        let is_hex_colour = brand_color.len() == 7
            && brand_color.starts_with('#')
            && brand_color[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !is_hex_colour {
            errors.push(FieldError::new("brand_color", "Use a colour like #3b5bdb."));
        }
        let mut allowed_origins: Vec<String> = Vec::new();
        for origin in self.allowed_origins.iter().filter(|o| !o.trim().is_empty()) {
            match check_origin(origin) {
                Ok(origin) if !allowed_origins.contains(&origin) => allowed_origins.push(origin),
                Ok(_) => {}
                Err(message) => errors.push(FieldError::new("allowed_origins", message)),
            }
        }
        if allowed_origins.len() > MAX_ORIGINS {
            errors.push(FieldError::new(
                "allowed_origins",
                format!("List at most {MAX_ORIGINS} origins."),
            ));
        }
        let mut link = |field: &str, value: &str| match check_link_url(value) {
            Ok(url) => url,
            Err(message) => {
                errors.push(FieldError::new(field, message));
                String::new()
            }
        };
        let privacy_policy_url = link("privacy_policy_url", &self.privacy_policy_url);
        let terms_of_service_url = link("terms_of_service_url", &self.terms_of_service_url);
        let alerts = self.waiting_alerts;
        if !(1..=MAX_WAIT_ALERT_MINUTES).contains(&alerts.warn_minutes) {
            errors.push(FieldError::new(
                "waiting_alerts.warn_minutes",
                format!("Use 1 to {MAX_WAIT_ALERT_MINUTES} minutes."),
            ));
        }
        if !(1..=MAX_WAIT_ALERT_MINUTES).contains(&alerts.alert_minutes) {
            errors.push(FieldError::new(
                "waiting_alerts.alert_minutes",
                format!("Use 1 to {MAX_WAIT_ALERT_MINUTES} minutes."),
            ));
        } else if alerts.alert_minutes <= alerts.warn_minutes {
            errors.push(FieldError::new(
                "waiting_alerts.alert_minutes",
                "Make red come after amber.",
            ));
        }
        if errors.is_empty() {
            Ok(GeneralSettings {
                store_name,
                brand_color,
                launcher_position: self.launcher_position,
                allowed_origins,
                privacy_policy_url,
                terms_of_service_url,
                waiting_alerts: alerts,
            })
        } else {
            Err(errors)
        }
    }
}

impl FaqInput {
    pub fn validated(&self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let question = bounded_text(
            &mut errors,
            "question",
            "The question",
            &self.question,
            MAX_FAQ_QUESTION_CHARS,
            true,
        );
        let answer = bounded_text(
            &mut errors,
            "answer",
            "The answer",
            &self.answer,
            MAX_FAQ_ANSWER_CHARS,
            true,
        );
        if errors.is_empty() {
            Ok(FaqInput {
                question,
                answer,
                published: self.published,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_touch_owners() {
        assert!(Role::Owner.may_change(Role::Admin, Some(Role::Owner)));
        assert!(Role::Admin.may_change(Role::Agent, Some(Role::Admin)));
        assert!(Role::Admin.may_change(Role::Agent, None));
        assert!(!Role::Admin.may_change(Role::Owner, None));
        assert!(!Role::Admin.may_change(Role::Agent, Some(Role::Owner)));
        assert!(!Role::Agent.may_change(Role::Agent, None));
    }

    #[test]
    fn links_must_be_absolute_http_urls() {
        assert_eq!(check_link_url(" "), Ok(String::new()));
        assert_eq!(
            check_link_url("https://shop.example/policies/privacy"),
            Ok("https://shop.example/policies/privacy".to_owned())
        );
        assert!(check_link_url("javascript:alert(1)").is_err());
        assert!(check_link_url("ftp://shop.example").is_err());
        assert!(check_link_url("https://").is_err());
        assert!(check_link_url("https://shop.example/a b").is_err());
        assert!(check_link_url(&format!("https://x.example/{}", "a".repeat(600))).is_err());
    }

    #[test]
    fn general_settings_report_every_bad_field() {
        let errors = GeneralSettings {
            store_name: " ".into(),
            brand_color: "blue".into(),
            allowed_origins: vec!["https://shop.example/path".into()],
            privacy_policy_url: "javascript:x".into(),
            ..GeneralSettings::default()
        }
        .validated()
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "store_name",
                "brand_color",
                "allowed_origins",
                "privacy_policy_url"
            ]
        );
    }

    #[test]
    fn general_settings_are_cleaned() {
        let cleaned = GeneralSettings {
            store_name: " Acme ".into(),
            brand_color: "#AABBCC".into(),
            allowed_origins: vec![
                "https://Shop.example/".into(),
                "https://shop.example".into(),
                "".into(),
            ],
            ..GeneralSettings::default()
        }
        .validated()
        .expect("valid");
        assert_eq!(cleaned.store_name, "Acme");
        assert_eq!(cleaned.brand_color, "#aabbcc");
        assert_eq!(cleaned.allowed_origins, vec!["https://shop.example"]);
    }

    #[test]
    fn welcome_and_faq_texts_are_bounded() {
        let long = "x".repeat(MAX_WELCOME_CHARS + 1);
        let web_chat = WebChatSettings {
            welcome_message: long,
            ..WebChatSettings::default()
        };
        assert_eq!(
            web_chat.validated().expect_err("too long")[0].field,
            "welcome_message"
        );
        let faq = FaqInput {
            question: "Where is my order?".into(),
            answer: String::new(),
            published: true,
        };
        assert_eq!(
            faq.validated().expect_err("empty answer")[0].field,
            "answer"
        );
    }

    #[test]
    fn ai_agent_settings_are_checked_and_secrets_kept_only_for_the_same_account() {
        let zendesk = |subdomain: &str, token: &str| HandoffTarget::Zendesk {
            subdomain: subdomain.into(),
            email: "help@shop.example".into(),
            api_token: token.into(),
        };
        let stored = zendesk("juniper", "secret-1");
        assert_eq!(
            zendesk("https://Juniper.zendesk.com/agent", "").keeping_secret_of(&stored),
            zendesk("https://Juniper.zendesk.com/agent", "secret-1")
        );
        assert_eq!(
            zendesk("other", "").keeping_secret_of(&stored),
            zendesk("other", ""),
            "another account never gets this one's token"
        );
        assert_eq!(stored.without_secret(), zendesk("juniper", ""));

        let settings = AiAgentSettings {
            enabled: true,
            handoff: zendesk("https://Juniper.zendesk.com/agent", "secret-1"),
            unhelpful_limit: 2,
            caution: AnswerCaution::Careful,
        };
        let valid = settings.validated().expect("valid");
        assert_eq!(valid.handoff, zendesk("juniper", "secret-1"));
        assert_eq!(valid.caution, AnswerCaution::Careful);
        // Settings saved before the choice existed read as the default.
        let older: AiAgentSettings = serde_json::from_str(
            r#"{"enabled":true,"handoff":{"type":"helpdesk"},"unhelpful_limit":2}"#,
        )
        .expect("older settings");
        assert_eq!(older.caution, AnswerCaution::Balanced);
        let bad = AiAgentSettings {
            handoff: zendesk("not a name!", ""),
            unhelpful_limit: 0,
            ..settings
        };
        let fields: Vec<String> = bad
            .validated()
            .expect_err("invalid")
            .into_iter()
            .map(|error| error.field)
            .collect();
        assert_eq!(
            fields,
            ["unhelpful_limit", "zendesk_subdomain", "zendesk_token"]
        );
        assert_eq!(parse_subdomain("evil.com"), None);
        assert_eq!(parse_subdomain(" Shop-1 ").as_deref(), Some("shop-1"));
    }
}

/// A knowledge article the AI agent answers from (shipping, returns, sizing ...).
/// Paragraphs (blank-line separated) are what it quotes, so each should be about one
/// thing; a lead-in ("Return shipping: ...") helps it find the right one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KnowledgeArticle {
    pub id: String,
    pub title: String,
    pub body: String,
    pub published: bool,
    pub updated_at: i64,
}

/// What the merchant edits of an article.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KnowledgeArticleInput {
    pub title: String,
    pub body: String,
    pub published: bool,
}

/// The longest custom handoff message, in characters.
pub const MAX_HANDOFF_MESSAGE_CHARS: usize = 1000;
/// The most "No" answers in a row a merchant may let the AI agent take.
pub const MAX_UNHELPFUL_LIMIT: u8 = 5;

/// Settings → AI agent: whether it answers web chats first, and where it hands off.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AiAgentSettings {
    pub enabled: bool,
    pub handoff: HandoffTarget,
    /// "No, that didn't help" answers in one chat before it hands off (1 to 5).
    pub unhelpful_limit: u8,
    /// How sure it must be of an answer before it gives it. Settings saved before
    /// there was a choice read as the default.
    #[serde(default)]
    pub caution: AnswerCaution,
}

impl Default for AiAgentSettings {
    fn default() -> Self {
        AiAgentSettings {
            enabled: false,
            handoff: HandoffTarget::Helpdesk,
            unhelpful_limit: 2,
            caution: AnswerCaution::default(),
        }
    }
}

/// How sure the AI agent must be before it answers rather than hands off: the
/// merchant's trade between wrong answers and chats left for the team.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum AnswerCaution {
    /// Answers only when very sure: the fewest wrong answers, the most handoffs.
    Careful,
    #[default]
    Balanced,
    /// Answers more on its own, and is wrong more often.
    Eager,
}

/// Where the AI agent passes a conversation it cannot resolve. The secrets are never
/// sent back to the browser: the page gets them empty, and saving an empty secret for
/// the same service keeps the stored one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HandoffTarget {
    /// A ticket in this helpdesk; the chat goes on live with the team.
    Helpdesk,
    /// `https://{subdomain}.zendesk.com`, an agent's email and an API token.
    Zendesk {
        subdomain: String,
        email: String,
        api_token: String,
    },
    /// `https://{domain}.gorgias.com`, a user's email and an API key.
    Gorgias {
        domain: String,
        username: String,
        api_key: String,
    },
    /// The merchant's own words ("Email us at ..."); the chat ends.
    CustomMessage { message: String },
}

impl HandoffTarget {
    /// The name the merchant knows it by.
    pub fn label(&self) -> &'static str {
        match self {
            HandoffTarget::Helpdesk => "Helpdesk",
            HandoffTarget::Zendesk { .. } => "Zendesk",
            HandoffTarget::Gorgias { .. } => "Gorgias",
            HandoffTarget::CustomMessage { .. } => "Custom message",
        }
    }

    /// The stored secret of a service (empty for the others).
    pub fn secret(&self) -> &str {
        match self {
            HandoffTarget::Zendesk { api_token, .. } => api_token,
            HandoffTarget::Gorgias { api_key, .. } => api_key,
            _ => "",
        }
    }

    /// The same target with its secret left out, for the browser.
    pub fn without_secret(&self) -> HandoffTarget {
        let mut target = self.clone();
        match &mut target {
            HandoffTarget::Zendesk { api_token, .. } => api_token.clear(),
            HandoffTarget::Gorgias { api_key, .. } => api_key.clear(),
            _ => {}
        }
        target
    }

    /// Fills an empty secret from `stored` when both name the same service account.
    pub fn keeping_secret_of(mut self, stored: &HandoffTarget) -> HandoffTarget {
        match (&mut self, stored) {
            (
                HandoffTarget::Zendesk {
                    subdomain,
                    api_token,
                    ..
                },
                HandoffTarget::Zendesk {
                    subdomain: was,
                    api_token: kept,
                    ..
                },
            ) if api_token.is_empty() && first_label(subdomain) == first_label(was) => {
                kept.clone_into(api_token);
            }
            (
                HandoffTarget::Gorgias {
                    domain, api_key, ..
                },
                HandoffTarget::Gorgias {
                    domain: was,
                    api_key: kept,
                    ..
                },
            ) if api_key.is_empty() && first_label(domain) == first_label(was) => {
                kept.clone_into(api_key);
            }
            _ => {}
        }
        self
    }
}

/// A Zendesk or Gorgias account name, the subdomain before `.zendesk.com` or
/// `.gorgias.com`: letters, digits and inner dashes only, so a setting can never point
/// our requests at another host. `None` when it is not one.
pub fn parse_subdomain(name: &str) -> Option<String> {
    let name = name.trim().to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 63
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then_some(name)
}

/// What the form's subdomain field names: people paste the whole address
/// (`https://shop.zendesk.com/agent`), so its first label is taken.
fn first_label(value: &str) -> String {
    let value = value.trim().to_ascii_lowercase();
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .unwrap_or(&value);
    host.split(['.', '/']).next().unwrap_or_default().to_owned()
}

fn check_subdomain(errors: &mut Vec<FieldError>, field: &str, value: &str) -> String {
    let value = value.trim();
    parse_subdomain(&first_label(value)).unwrap_or_else(|| {
        errors.push(FieldError::new(
            field,
            "Use your account's subdomain: letters, digits and dashes.",
        ));
        value.to_owned()
    })
}

fn check_email(errors: &mut Vec<FieldError>, field: &str, value: &str) -> String {
    let value = value.trim();
    let valid = value.len() <= 254
        && value
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        errors.push(FieldError::new(field, "Enter an email address."));
    }
    value.to_owned()
}

fn check_secret(errors: &mut Vec<FieldError>, field: &str, value: &str, label: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, format!("Enter the {label}.")));
    } else if value.len() > 200 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.push(FieldError::new(
            field,
            format!("That does not look like an {label}."),
        ));
    }
    value.to_owned()
}

impl AiAgentSettings {
    /// The settings trimmed and checked (secrets already filled from the stored ones).
    pub fn validated(&self) -> Result<AiAgentSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=MAX_UNHELPFUL_LIMIT).contains(&self.unhelpful_limit) {
            errors.push(FieldError::new(
                "unhelpful_limit",
                format!("Choose 1 to {MAX_UNHELPFUL_LIMIT} answers."),
            ));
        }
        let handoff = match &self.handoff {
            HandoffTarget::Helpdesk => HandoffTarget::Helpdesk,
            HandoffTarget::Zendesk {
                subdomain,
                email,
                api_token,
            } => HandoffTarget::Zendesk {
                subdomain: check_subdomain(&mut errors, "zendesk_subdomain", subdomain),
                email: check_email(&mut errors, "zendesk_email", email),
                api_token: check_secret(&mut errors, "zendesk_token", api_token, "API token"),
            },
            HandoffTarget::Gorgias {
                domain,
                username,
                api_key,
            } => HandoffTarget::Gorgias {
                domain: check_subdomain(&mut errors, "gorgias_domain", domain),
                username: check_email(&mut errors, "gorgias_username", username),
                api_key: check_secret(&mut errors, "gorgias_key", api_key, "API key"),
            },
            HandoffTarget::CustomMessage { message } => HandoffTarget::CustomMessage {
                message: bounded_text(
                    &mut errors,
                    "custom_message",
                    "The message",
                    message,
                    MAX_HANDOFF_MESSAGE_CHARS,
                    true,
                ),
            },
        };
        if errors.is_empty() {
            Ok(AiAgentSettings {
                enabled: self.enabled,
                handoff,
                unhelpful_limit: self.unhelpful_limit,
                caution: self.caution,
            })
        } else {
            Err(errors)
        }
    }
}

/// How the AI agent has done, for Settings.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AiAgentStats {
    /// Answers it gave.
    pub answers: i64,
    /// "Yes, that answered my question".
    pub helpful: i64,
    /// "No".
    pub unhelpful: i64,
    /// Conversations it passed on.
    pub handoffs: i64,
}

/// Settings → AI agent: what it answers from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AiKnowledgeSummary {
    pub faqs_published: usize,
    pub articles: Vec<KnowledgeArticle>,
    pub products: i64,
    /// When products last arrived (an import or a Shopify webhook), epoch ms.
    pub products_updated_at: Option<i64>,
    /// The model that writes answers (`SHOPDESK_AI_MODEL`); none: passages are quoted.
    pub model: Option<String>,
    /// What it does in the chat, secrets left out.
    pub settings: AiAgentSettings,
    /// A Zendesk token or Gorgias key is stored (the form shows it as kept).
    pub secret_saved: bool,
    pub stats: AiAgentStats,
}

/// What the AI agent would do with a question, for the merchant trying it in Settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum AiTrial {
    Answer {
        /// Shown to shoppers as "From: …".
        source_title: String,
        text: String,
        /// How sure the AI agent is that the passage answers the question: it answers
        /// only above its threshold.
        confidence_percent: u8,
        /// The model that wrote `text` from the passages; none: `text` is the passage.
        written_by: Option<String>,
    },
    Handoff {
        reason: String,
    },
}

/// The largest products.json the Settings page imports at once.
pub const MAX_PRODUCTS_IMPORT_BYTES: usize = 2 * 1024 * 1024;
