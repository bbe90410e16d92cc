//! Posting and catching up on messages: input parsed at the edge, stored, then announced.
//!
//! Both the widget socket and the agent socket come through here, so the rules and the
//! order "commit, then publish, then acknowledge" live in one place.

use protocol::{
    attachments::MAX_ATTACHMENTS, Channel, Message, RejectReason, MAX_BODY_CHARS, MAX_CLIENT_ID_LEN,
};

use crate::{
    fanout::Fanout,
    ids::now_ms,
    settings::Loaded,
    state::AppState,
    store::{AgentRecord, AppendError, CustomerRecord, NewMessage, Sender, Store, StoreError},
    telemetry,
};

/// A message body: trimmed, non-empty, at most [`MAX_BODY_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    /// A message's text; it may be empty only when images go with it.
    pub fn parse(text: &str, with_images: bool) -> Result<Self, PostError> {
        let trimmed = text.trim();
        if trimmed.is_empty() && !with_images {
            return Err(PostError::Invalid("message is empty".into()));
        }
        if trimmed.chars().count() > MAX_BODY_CHARS {
            return Err(PostError::Invalid(format!(
                "message is longer than {MAX_BODY_CHARS} characters"
            )));
        }
        Ok(MessageBody(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client-generated message id: 1 to 64 characters of `[A-Za-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(text: &str) -> Result<Self, PostError> {
        let valid = !text.is_empty()
            && text.len() <= MAX_CLIENT_ID_LEN
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if valid {
            Ok(ClientId(text.to_owned()))
        } else {
            Err(PostError::Invalid(format!(
                "client id must be 1 to {MAX_CLIENT_ID_LEN} letters, digits, '-' or '_'"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("{0}")]
    Invalid(String),
    #[error("conversation not found")]
    NotFound,
    #[error("this conversation has ended; start a new chat")]
    Closed,
    #[error("the chat is switched off")]
    ChatDisabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AppendError> for PostError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::NotFound => PostError::NotFound,
            AppendError::Attachment | AppendError::OptedOut | AppendError::TextOnly => {
                PostError::Invalid(error.to_string())
            }
            AppendError::Closed => PostError::Closed,
            AppendError::Store(error) => PostError::Store(error),
        }
    }
}

impl PostError {
    /// The reason sent to the client; store failures say only "unavailable".
    pub fn reason(&self) -> RejectReason {
        match self {
            PostError::Invalid(_) => RejectReason::Invalid,
            PostError::NotFound => RejectReason::NotFound,
            PostError::Closed => RejectReason::Closed,
            PostError::ChatDisabled => RejectReason::ChatDisabled,
            PostError::Store(_) => RejectReason::Unavailable,
        }
    }

    /// Text safe to show the client.
    pub fn public_detail(&self) -> String {
        match self {
            PostError::Store(_) => "the message could not be stored; it will be retried".into(),
            other => other.to_string(),
        }
    }
}

/// Someone connected over a socket.
#[derive(Debug, Clone)]
pub enum Peer {
    Shopper(CustomerRecord),
    Agent(AgentRecord),
}

impl Peer {
    /// `"shopper"` or `"agent"`, for metric labels.
    pub fn kind(&self) -> &'static str {
        match self {
            Peer::Shopper(_) => "shopper",
            Peer::Agent(_) => "agent",
        }
    }

    fn sender(&self) -> Sender {
        match self {
            Peer::Shopper(customer) => Sender::Shopper {
                customer_id: customer.id.clone(),
                name: customer.name.clone(),
                channel: Channel::Chat,
            },
            Peer::Agent(agent) => Sender::Agent {
                agent_id: agent.id.clone(),
                name: agent.name.clone(),
            },
        }
    }
}

/// Validates, stores (committed on return) and announces a message. A shopper's
/// message outside business hours is answered by the away message (after, not before,
/// the shopper's own message is acknowledged).
pub async fn post_message(
    state: &AppState,
    peer: &Peer,
    conversation_id: Option<&str>,
    client_id: &str,
    body: &str,
    attachments: &[String],
) -> Result<Message, PostError> {
    let started = std::time::Instant::now();
    let client_id = ClientId::parse(client_id)?;
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(PostError::Invalid(format!(
            "send at most {MAX_ATTACHMENTS} images at once"
        )));
    }
    let body = MessageBody::parse(body, !attachments.is_empty())?;
    let settings = state.settings.current();
    let is_shopper = matches!(peer, Peer::Shopper(_));
    if is_shopper && !settings.shop.web_chat.enabled {
        return Err(PostError::ChatDisabled);
    }
    let appended = state
        .store
        .append_message(NewMessage {
            sender: peer.sender(),
            conversation_id: conversation_id.map(str::to_owned),
            client_id: client_id.as_str().to_owned(),
            body: body.as_str().to_owned(),
            back_at: None,
            attachments: attachments.to_vec(),
            ai_first: is_shopper && settings.shop.ai_agent.enabled,
        })
        .await?;
    // Announced again when it is a resend: the node that first stored it may have died
    // between its commit and its announcement, and a resend is the sender saying it
    // never heard back. Receivers drop what they already hold (by seq).
    state
        .fanout
        .message_stored(&appended.customer_id, appended.channel, &appended.message)
        .await;
    if appended.duplicate {
        // Its follow-ups were committed with it (jobs) or are keyed to it (the away message).
        if is_shopper {
            reply_if_away(state, &settings, &appended.message.conversation_id);
        }
        return Ok(appended.message);
    }
    telemetry::message_stored(peer.kind(), started.elapsed());
    if !appended.events.is_empty() {
        // Woken by the shopper, or assigned by the reply: shown in the agents' thread.
        state
            .fanout
            .ticket_changed(&appended.message.conversation_id, &appended.events, None)
            .await;
    }
    if appended.queued_jobs {
        state.worker.wake();
    }
    if appended.ai_answers {
        // After the shopper's ack, like the away message; the queued job covers a crash.
        let ai = state.ai.clone();
        let message = appended.message.clone();
        tokio::spawn(async move {
            if let Err(error) = ai.respond(&message.conversation_id, message.seq).await {
                tracing::warn!(%error, "the AI agent could not answer; its job will retry");
            }
        });
        return Ok(appended.message);
    }
    if is_shopper {
        reply_if_away(state, &settings, &appended.message.conversation_id);
    }
    Ok(appended.message)
}

/// Outside business hours, answers a shopper's message with the away message (in the
/// background: after, not before, the shopper's own message is acknowledged).
fn reply_if_away(state: &AppState, settings: &Loaded, conversation_id: &str) {
    let now = now_ms();
    if settings.schedule.is_open(now) {
        return;
    }
    let state = state.clone();
    let conversation_id = conversation_id.to_owned();
    let back_at = settings.schedule.next_open(now);
    let text = settings.shop.hours.away_message.clone();
    let name = settings.shop.general.store_name.clone();
    tokio::spawn(async move {
        send_away_message(&state, &conversation_id, &name, &text, back_at).await
    });
}

/// Posts the away message, once per conversation per closed period: its client id
/// names the conversation and the reopening time, so a second shopper message in the
/// same closed period finds it already stored.
async fn send_away_message(
    state: &AppState,
    conversation_id: &str,
    store_name: &str,
    text: &str,
    back_at: Option<i64>,
) {
    let client_id = format!(
        "away-{conversation_id}-{}",
        back_at.map_or_else(|| "unscheduled".to_owned(), |at| at.to_string())
    );
    let sender = Sender::System {
        name: store_name.to_owned(),
    };
    let posted = post_automated(
        &state.store,
        &state.fanout,
        sender,
        conversation_id,
        client_id,
        text.to_owned(),
        back_at,
    )
    .await;
    if let Err(error) = posted {
        tracing::warn!(error = %error, "away message could not be stored");
    }
}

/// Stores an automated message (away message, the AI agent's answers and notes) in an
/// existing conversation and announces it, once per `client_id`: a repeat, or a chat
/// that ended meanwhile, stores nothing.
pub async fn post_automated(
    store: &Store,
    fanout: &Fanout,
    sender: Sender,
    conversation_id: &str,
    client_id: String,
    body: String,
    back_at: Option<i64>,
) -> Result<(), AppendError> {
    let appended = store
        .append_message(NewMessage {
            sender,
            conversation_id: Some(conversation_id.to_owned()),
            client_id,
            body,
            back_at,
            attachments: Vec::new(),
            ai_first: false,
        })
        .await;
    match appended {
        // A repeat is announced again, as in `post_message`: its first announcement may
        // have died with the node that stored it.
        Ok(appended) => {
            fanout
                .message_stored(&appended.customer_id, appended.channel, &appended.message)
                .await;
            Ok(())
        }
        Err(AppendError::Closed) => Ok(()),
        Err(error) => Err(error),
    }
}

/// The messages after `after_seq` of a conversation the peer may read: any of the
/// shop's for an agent, only their own web chats for a shopper.
pub async fn catch_up(
    store: &Store,
    peer: &Peer,
    conversation_id: &str,
    after_seq: i64,
) -> Result<Vec<Message>, PostError> {
    let readable = match peer {
        Peer::Shopper(customer) => {
            store.web_chat_shopper(conversation_id).await?.as_deref() == Some(&customer.id)
        }
        Peer::Agent(_) => store
            .conversation_customer(conversation_id)
            .await?
            .is_some(),
    };
    if !readable {
        return Err(PostError::NotFound);
    }
    Ok(store.messages_after(conversation_id, after_seq).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(
            MessageBody::parse("  hi  ", false).expect("valid").as_str(),
            "hi"
        );
        assert!(matches!(
            MessageBody::parse(" \n ", false),
            Err(PostError::Invalid(_))
        ));
        assert!(
            MessageBody::parse("", true).is_ok(),
            "an image may go alone"
        );
        assert!(MessageBody::parse(&"a".repeat(MAX_BODY_CHARS), false).is_ok());
        assert!(matches!(
            MessageBody::parse(&"a".repeat(MAX_BODY_CHARS + 1), false),
            Err(PostError::Invalid(_))
        ));
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(ClientId::parse("0b7c2f1e-4f7a-4c1b-9e0e-7f5d9c1a2b3c").is_ok());
        assert!(ClientId::parse("").is_err());
        assert!(ClientId::parse("has space").is_err());
        assert!(ClientId::parse(&"x".repeat(MAX_CLIENT_ID_LEN + 1)).is_err());
    }
}
