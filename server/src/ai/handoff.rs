//! Handing an AI conversation to another helpdesk: a ticket created through Zendesk's
//! or Gorgias's REST API, with the shopper as requester and the conversation so far.
//! Each call returns the external ticket's id, or why it failed and whether trying
//! again may help; the caller retries in the background and, in the end, falls back
//! to a ticket in our own inbox.

use serde_json::{json, Value};

use super::reply::{send_json, ReplyError};
use crate::config::Secret;

/// One message of the conversation being handed off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    pub from_shopper: bool,
    /// "Ana Souza", "AI assistant".
    pub author: String,
    pub body: String,
    /// Epoch ms.
    pub at: i64,
}

/// What a handoff carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub shopper_name: String,
    /// Zendesk and Gorgias reach the shopper by email: without one they are no target.
    pub shopper_email: Option<String>,
    pub subject: String,
    /// Why the AI agent handed off, for the team.
    pub reason: String,
    pub lines: Vec<TranscriptLine>,
}

impl Transcript {
    /// The conversation as plain text, oldest first, under the reason.
    pub fn text(&self) -> String {
        let mut text = format!("Handed off by the AI assistant: {}\n\n", self.reason);
        for line in &self.lines {
            let at = crate::ids::rfc3339(line.at);
            text.push_str(&format!("{} ({at}):\n{}\n\n", line.author, line.body));
        }
        text.trim_end().to_owned()
    }

    /// The shopper's email, which `service` needs to reply.
    fn email_for(&self, service: &'static str) -> Result<&str, HandoffError> {
        self.shopper_email
            .as_deref()
            .ok_or(HandoffError::NoEmail(service))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("the shopper has no email address, which {0} needs to reply")]
    NoEmail(&'static str),
    #[error("{0} could not be reached: {1}")]
    Unreachable(&'static str, String),
    #[error("{service} refused the ticket ({status}): {detail}")]
    Refused {
        service: &'static str,
        status: u16,
        detail: String,
    },
    #[error("{0} answered without a ticket id")]
    NoTicketId(&'static str),
    #[error("{0} is not set up right: {1}")]
    Misconfigured(&'static str, String),
}

impl HandoffError {
    /// Whether the same request may succeed later (the service was down or busy).
    pub fn is_transient(&self) -> bool {
        match self {
            HandoffError::Unreachable(..) => true,
            HandoffError::Refused { status, .. } => *status == 429 || *status >= 500,
            HandoffError::NoEmail(_)
            | HandoffError::NoTicketId(_)
            | HandoffError::Misconfigured(..) => false,
        }
    }
}

/// A Zendesk account: `https://{subdomain}.zendesk.com`, an agent's email and API token.
#[derive(Debug, Clone)]
pub struct Zendesk {
    account: Account,
}

/// A Gorgias account: `https://{domain}.gorgias.com`, a user's email and API key.
#[derive(Debug, Clone)]
pub struct Gorgias {
    account: Account,
}

/// Where a service is and how we sign in to it (HTTP basic auth).
#[derive(Debug, Clone)]
struct Account {
    base_url: String,
    user: String,
    secret: Secret,
}

impl Account {
    fn at(mut self, base_url: &str) -> Self {
        self.base_url = base_url.trim_end_matches('/').to_owned();
        self
    }

    /// POSTs `body` to `path`; the JSON reply, or why there is none.
    async fn post(
        &self,
        service: &'static str,
        http: &reqwest::Client,
        path: &str,
        body: &Value,
    ) -> Result<Value, HandoffError> {
        let request = http
            .post(format!("{}{path}", self.base_url))
            .basic_auth(&self.user, Some(self.secret.expose()))
            .json(body);
        send_json(request).await.map_err(|error| match error {
            ReplyError::Unreachable(reason) => HandoffError::Unreachable(service, reason),
            ReplyError::Refused { status, detail } => HandoffError::Refused {
                service,
                status,
                detail,
            },
            ReplyError::NotJson => HandoffError::NoTicketId(service),
        })
    }
}

/// A subdomain as both services allow it, so a setting cannot point requests elsewhere.
fn checked_subdomain(name: &str) -> Result<String, String> {
    protocol::settings::parse_subdomain(name).ok_or_else(|| {
        format!(
            "{:?} is not a subdomain (letters, digits and dashes)",
            name.trim()
        )
    })
}

impl Zendesk {
    pub fn new(subdomain: &str, email: &str, api_token: Secret) -> Result<Self, String> {
        let subdomain = checked_subdomain(subdomain)?;
        Ok(Zendesk {
            account: Account {
                base_url: format!("https://{subdomain}.zendesk.com"),
                user: format!("{}/token", email.trim()),
                secret: api_token,
            },
        })
    }

    /// The same account at another address (a local fake, in tests).
    pub fn at(self, base_url: &str) -> Self {
        Zendesk {
            account: self.account.at(base_url),
        }
    }

    /// Creates the ticket (`POST /api/v2/tickets.json`, basic auth `{email}/token`), the
    /// shopper as requester and the transcript as its first comment; returns its id.
    pub async fn create_ticket(
        &self,
        http: &reqwest::Client,
        transcript: &Transcript,
    ) -> Result<String, HandoffError> {
        const SERVICE: &str = "Zendesk";
        let email = transcript.email_for(SERVICE)?;
        let body = json!({
            "ticket": {
                "subject": transcript.subject,
                "comment": { "body": transcript.text(), "public": false },
                "requester": { "name": transcript.shopper_name, "email": email },
                "tags": ["shopdesk", "ai_handoff"],
            }
        });
        let reply = self
            .account
            .post(SERVICE, http, "/api/v2/tickets.json", &body)
            .await?;
        reply
            .pointer("/ticket/id")
            .and_then(id_text)
            .ok_or(HandoffError::NoTicketId(SERVICE))
    }
}

impl Gorgias {
    pub fn new(domain: &str, username: &str, api_key: Secret) -> Result<Self, String> {
        let domain = checked_subdomain(domain)?;
        Ok(Gorgias {
            account: Account {
                base_url: format!("https://{domain}.gorgias.com"),
                user: username.trim().to_owned(),
                secret: api_key,
            },
        })
    }

    /// The same account at another address (a local fake, in tests).
    pub fn at(self, base_url: &str) -> Self {
        Gorgias {
            account: self.account.at(base_url),
        }
    }

    /// Creates the ticket (`POST /api/tickets`, basic auth with the API key): the
    /// shopper as customer, one message per line of the conversation (the shopper's as
    /// received from them, the assistant's as sent by the API user), on the `api`
    /// channel so Gorgias sends nothing to the shopper itself; returns its id.
    pub async fn create_ticket(
        &self,
        http: &reqwest::Client,
        transcript: &Transcript,
    ) -> Result<String, HandoffError> {
        const SERVICE: &str = "Gorgias";
        let email = transcript.email_for(SERVICE)?;
        let reason = TranscriptLine {
            from_shopper: false,
            author: "AI assistant".into(),
            body: format!("Handed off by the AI assistant: {}", transcript.reason),
            at: transcript.lines.last().map_or(0, |line| line.at),
        };
        let messages: Vec<Value> = transcript
            .lines
            .iter()
            .chain(std::iter::once(&reason))
            .map(|line| {
                let sender = if line.from_shopper {
                    email
                } else {
                    self.account.user.as_str()
                };
                json!({
                    "channel": "api",
                    "via": "api",
                    "from_agent": !line.from_shopper,
                    "sender": { "email": sender },
                    "body_text": line.body,
                    "created_datetime": crate::ids::rfc3339(line.at),
                })
            })
            .collect();
        let body = json!({
            "customer": { "email": email, "name": transcript.shopper_name },
            "channel": "api",
            "via": "api",
            "subject": transcript.subject,
            "messages": messages,
            "tags": [{ "name": "ai-handoff" }],
        });
        let reply = self
            .account
            .post(SERVICE, http, "/api/tickets", &body)
            .await?;
        reply
            .get("id")
            .and_then(id_text)
            .ok_or(HandoffError::NoTicketId(SERVICE))
    }
}

/// A JSON id (number or string) as text.
fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::Number(number) => Some(number.to_string()),
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_subdomains_are_accepted() {
        assert!(Zendesk::new("juniper-pine", "a@b.c", Secret::new("t")).is_ok());
        for bad in ["", "evil.com/x", "a@b", "-x", "x y"] {
            assert!(
                Gorgias::new(bad, "a@b.c", Secret::new("k")).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_outages_are_worth_retrying() {
        let refused = |status| HandoffError::Refused {
            service: "Zendesk",
            status,
            detail: String::new(),
        };
        assert!(refused(503).is_transient());
        assert!(refused(429).is_transient());
        assert!(!refused(422).is_transient());
        assert!(!HandoffError::NoEmail("Zendesk").is_transient());
    }
}
