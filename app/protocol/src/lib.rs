//! Wire types shared by the server, the helpdesk and the widget.
//!
//! Everything that crosses the network between the three is defined here once, so
//! a change to the protocol is a compile error on every side that must follow it.
//! Timestamps are integer epoch milliseconds; ids are opaque strings.

use serde::{Deserialize, Serialize};

pub mod api_keys;
pub mod attachments;
#[cfg(feature = "browser")]
pub mod browser;
pub mod hub;
pub mod inbox;
pub mod profile;
pub mod search;
pub mod settings;
pub mod thread;

/// The longest message body anyone may send, in characters.
pub const MAX_BODY_CHARS: usize = 5000;
/// The longest client-generated message id, in bytes.
pub const MAX_CLIENT_ID_LEN: usize = 64;

/// Who wrote a message.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    Shopper,
    Agent,
    /// Automated messages written by the product itself (welcome, away, handoff notes).
    System,
    /// The AI agent's answers, from the store's own knowledge (see [`AiAnswer`]).
    Ai,
}

/// What an AI agent's answer carries besides its text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AiAnswer {
    /// The knowledge it came from, shown as "From: Returns policy".
    pub source_title: String,
    /// The shopper's "Did that answer your question?": `None` until they say.
    #[serde(default)]
    pub helpful: Option<bool>,
}

/// One message of a conversation, as stored and numbered by the server.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// Strictly increasing within the conversation, starting at 1; clients resume from it.
    pub seq: i64,
    /// The id the sending client generated; re-sending it returns this message.
    pub client_id: String,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
    /// On an automated away message: when the team is next available (epoch ms), for
    /// each reader to show in their own time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_at: Option<i64>,
    /// Images sent with the message (the body may then be empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<attachments::Attachment>,
    /// An agent's reply on an SMS ticket: how far the SMS got, as the provider said
    /// (`queued`, `sent`, `delivered`, `undelivered`, `failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_status: Option<String>,
    /// On the AI agent's answers: the source, and the shopper's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<AiAnswer>,
}

/// Which channel a ticket came in on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chat,
    Sms,
}

/// Where a ticket is in its life.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// The AI agent is answering; the team sees it only in the AI view until it hands off.
    Ai,
    Open,
    Snoozed,
    Closed,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Ai => "ai",
            TicketStatus::Open => "open",
            TicketStatus::Snoozed => "snoozed",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ai" => Some(TicketStatus::Ai),
            "open" => Some(TicketStatus::Open),
            "snoozed" => Some(TicketStatus::Snoozed),
            "closed" => Some(TicketStatus::Closed),
            _ => None,
        }
    }
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "chat" => Some(Channel::Chat),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A ticket as the inbox lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: String,
    pub customer_name: String,
    pub customer_email: String,
    /// Whether the store vouches for the name and email (Shopify, or a theme signature
    /// covering them); otherwise they are only what the storefront page claimed.
    #[serde(default = "vouched")]
    pub customer_verified: bool,
    pub channel: Channel,
    pub status: TicketStatus,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    /// The start of the latest message, for the list row.
    pub preview: String,
    pub last_activity_at: i64,
    pub last_seq: i64,
    /// The seq of the latest message the shopper wrote; above `read_seq` means unread.
    pub last_shopper_seq: i64,
    /// How far the agent who asked has read; live updates carry `None` (the client keeps its own).
    pub read_seq: Option<i64>,
    /// Since when the shopper has waited for a reply (their oldest unanswered message).
    #[serde(default)]
    pub waiting_since: Option<i64>,
    /// A snoozed ticket wakes up then.
    #[serde(default)]
    pub snoozed_until: Option<i64>,
    /// The shopper's widget received the messages up to this seq (read receipts).
    #[serde(default)]
    pub shopper_delivered_seq: i64,
    /// The shopper saw the messages up to this seq, in an open drawer, in a visible tab.
    #[serde(default)]
    pub shopper_seen_seq: i64,
}

fn vouched() -> bool {
    true
}

impl TicketSummary {
    /// Whether the ticket holds shopper messages this agent has not read.
    pub fn is_unread(&self) -> bool {
        self.last_shopper_seq > self.read_seq.unwrap_or(0)
    }
}

/// A ticket with its whole thread, as the ticket view shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketThread {
    pub ticket: TicketSummary,
    pub messages: Vec<Message>,
    /// Assignments, snoozes, closing: shown between the messages by time.
    pub events: Vec<inbox::TicketEvent>,
}

/// What the widget sends to open a session: the identity the theme signed.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct WidgetSessionRequest {
    /// The store's customer id, when the shopper is logged in to the store.
    pub customer_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// Hex HMAC-SHA256 of `customer_id` with the shop's identity secret.
    pub signature: Option<String>,
    /// A token this widget already holds; reused when it belongs to the same customer.
    pub token: Option<String>,
}

/// The shopper a widget session belongs to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Shopper {
    pub name: String,
    pub email: String,
}

/// What the widget needs to draw the Chat tab.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WidgetSession {
    /// Bearer token for the API and the socket; `None` for an anonymous visitor.
    pub token: Option<String>,
    pub shopper: Option<Shopper>,
    pub settings: settings::WidgetSettings,
    /// The shopper's open conversation, if any, with its messages so far.
    pub conversation: Option<ConversationView>,
}

/// A shopper's conversation as the widget shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ConversationView {
    pub id: String,
    pub status: TicketStatus,
    pub messages: Vec<Message>,
}

/// Frames a client sends over its socket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ClientFrame {
    /// Post a message. A shopper may leave `conversation_id` out: the message goes to
    /// their open conversation, which is created by the first message.
    Send {
        conversation_id: Option<String>,
        client_id: String,
        body: String,
        /// Ids of images uploaded by the sender (`/api/uploads`), sent with the message.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<String>,
    },
    /// Ask for every message of a conversation after `after_seq` (catch-up after a gap).
    Resume {
        conversation_id: String,
        after_seq: i64,
    },
    /// The shopper ends their chat for good (shoppers only).
    EndChat { conversation_id: String },
    /// The sender is typing in a conversation (a shopper may leave out their open chat).
    /// Sent at most every few seconds while typing; receivers show it for a while.
    Typing { conversation_id: Option<String> },
    /// An agent has this ticket open (`None`: none any more). Repeated as a heartbeat.
    Viewing { conversation_id: Option<String> },
    /// The shopper's widget received messages up to `seq` (shoppers only).
    Delivered { conversation_id: String, seq: i64 },
    /// The shopper saw messages up to `seq`: open drawer, visible tab (shoppers only).
    Seen { conversation_id: String, seq: i64 },
    /// The shopper's "Did that answer your question?" on an AI answer (shoppers only).
    AiFeedback { message_id: String, helpful: bool },
    /// The shopper chose "Talk to a person" while the AI agent answers (shoppers only).
    TalkToPerson { conversation_id: String },
}

/// Someone doing something live in a conversation (typing, viewing).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub kind: AuthorKind,
    /// The agent's id; empty for a shopper.
    pub id: String,
    pub name: String,
}

/// How long a typing indicator shows after its last frame, in ms.
pub const TYPING_SHOWS_MS: i64 = 6_000;
/// How often a client repeats `Typing` while the person keeps typing, in ms.
pub const TYPING_REPEAT_MS: i64 = 3_000;
/// How often an agent's `Viewing` heartbeat repeats, and how long it counts, in ms.
pub const VIEWING_REPEAT_MS: i64 = 20_000;
pub const VIEWING_COUNTS_MS: i64 = 45_000;

/// Why the server refused a frame.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The body or client id is empty, too long or malformed.
    Invalid,
    /// The conversation does not exist or is not yours.
    NotFound,
    /// The conversation has ended; start a new one.
    Closed,
    /// Anonymous visitors cannot start a chat.
    LoginRequired,
    /// The merchant has switched the chat off.
    ChatDisabled,
    /// The server could not store it; retry later.
    Unavailable,
    /// Sent too fast: nothing was stored; send it again after `retry_after_ms`.
    RateLimited { retry_after_ms: u64 },
}

/// Frames the server sends over a socket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ServerFrame {
    /// The message with this client id is stored (committed) as `message`.
    Ack { client_id: String, message: Message },
    /// The message with this client id was refused and will never be stored as sent.
    Rejected {
        client_id: String,
        reason: RejectReason,
        detail: String,
    },
    /// A message was added to a conversation you can see.
    Message { message: Message },
    /// A ticket changed (agents only).
    Ticket { ticket: TicketSummary },
    /// Something happened to a ticket: assigned, snoozed, closed ... (agents only).
    TicketEvent { event: inbox::TicketEvent },
    /// The conversation has ended (closed by an agent, or by the shopper elsewhere);
    /// the next message starts a new one.
    Ended { conversation_id: String },
    /// Someone is typing in a conversation you can see.
    Typing {
        conversation_id: String,
        who: Participant,
    },
    /// An agent opened (or left, with `None`) a ticket (agents only).
    Viewing {
        conversation_id: Option<String>,
        who: Participant,
    },
    /// How far the shopper's widget has received and seen the conversation (agents only).
    Receipt {
        conversation_id: String,
        delivered_seq: i64,
        seen_seq: i64,
    },
    /// A resume request named a conversation you cannot see.
    ResumeRefused { conversation_id: String },
    /// You fell behind the live stream; fetch what you missed by `Resume`.
    Resync,
    /// The merchant changed the storefront settings (widgets only).
    Settings { settings: settings::WidgetSettings },
    /// The AI agent passed the conversation on: "Talk to a person" no longer applies.
    HandedOff { conversation_id: String },
}

/// The frames a shopper's socket receives: [`ServerFrame`] as the widget reads it, with
/// the same wire form. Agent-only frames never reach a shopper, and leaving them out
/// here keeps their decoders out of the storefront bundle.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ShopperFrame {
    Ack {
        client_id: String,
        message: Message,
    },
    Rejected {
        client_id: String,
        reason: RejectReason,
        detail: String,
    },
    Message {
        message: Message,
    },
    Ended {
        conversation_id: String,
    },
    Typing {
        conversation_id: String,
        who: Participant,
    },
    ResumeRefused {
        conversation_id: String,
    },
    Resync,
    Settings {
        settings: settings::WidgetSettings,
    },
    HandedOff {
        conversation_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_by_their_kind() {
        // Externally tagged: decoding needs no buffering, which keeps the bundles small.
        let frame: ClientFrame = serde_json::from_str(
            r#"{"send":{"conversation_id":null,"client_id":"c1","body":"hi"}}"#,
        )
        .expect("valid frame");
        assert_eq!(
            frame,
            ClientFrame::Send {
                conversation_id: None,
                client_id: "c1".into(),
                body: "hi".into(),
                attachments: Vec::new(),
            }
        );
    }

    #[test]
    fn shoppers_read_the_frames_they_are_sent() {
        let message = Message {
            id: "m1".into(),
            conversation_id: "c1".into(),
            seq: 1,
            client_id: "k1".into(),
            author_kind: AuthorKind::Agent,
            author_name: "Ana".into(),
            body: "Hello".into(),
            created_at: 5,
            back_at: None,
            attachments: Vec::new(),
            delivery_status: None,
            ai: None,
        };
        let who = Participant {
            kind: AuthorKind::Agent,
            id: "a1".into(),
            name: "Ana".into(),
        };
        let pairs = [
            (
                ServerFrame::Ack {
                    client_id: "k1".into(),
                    message: message.clone(),
                },
                ShopperFrame::Ack {
                    client_id: "k1".into(),
                    message: message.clone(),
                },
            ),
            (
                ServerFrame::Message {
                    message: message.clone(),
                },
                ShopperFrame::Message { message },
            ),
            (
                ServerFrame::Rejected {
                    client_id: "k2".into(),
                    reason: RejectReason::Closed,
                    detail: "ended".into(),
                },
                ShopperFrame::Rejected {
                    client_id: "k2".into(),
                    reason: RejectReason::Closed,
                    detail: "ended".into(),
                },
            ),
            (
                ServerFrame::Ended {
                    conversation_id: "c1".into(),
                },
                ShopperFrame::Ended {
                    conversation_id: "c1".into(),
                },
            ),
            (
                ServerFrame::Typing {
                    conversation_id: "c1".into(),
                    who: who.clone(),
                },
                ShopperFrame::Typing {
                    conversation_id: "c1".into(),
                    who,
                },
            ),
            (
                ServerFrame::ResumeRefused {
                    conversation_id: "c1".into(),
                },
                ShopperFrame::ResumeRefused {
                    conversation_id: "c1".into(),
                },
            ),
            (ServerFrame::Resync, ShopperFrame::Resync),
            (
                ServerFrame::HandedOff {
                    conversation_id: "c1".into(),
                },
                ShopperFrame::HandedOff {
                    conversation_id: "c1".into(),
                },
            ),
        ];
        for (sent, read) in pairs {
            let text = serde_json::to_string(&sent).expect("serializes");
            assert_eq!(
                serde_json::from_str::<ShopperFrame>(&text).expect("a shopper frame"),
                read
            );
        }
    }

    #[test]
    fn unread_compares_shopper_seq_with_read_seq() {
        let mut ticket = TicketSummary {
            id: "t".into(),
            customer_name: "Ana".into(),
            customer_email: String::new(),
            customer_verified: true,
            channel: Channel::Chat,
            status: TicketStatus::Open,
            assignee_id: None,
            assignee_name: None,
            preview: String::new(),
            last_activity_at: 0,
            last_seq: 3,
            last_shopper_seq: 2,
            read_seq: None,
            waiting_since: None,
            snoozed_until: None,
            shopper_delivered_seq: 0,
            shopper_seen_seq: 0,
        };
        assert!(ticket.is_unread());
        ticket.read_seq = Some(2);
        assert!(!ticket.is_unread());
    }
}
