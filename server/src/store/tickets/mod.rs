//! The `conversations`, `messages` and `ticket_reads` tables: tickets and their threads.
//!
//! [`Store::append_message`] is the one way a message enters the database. It runs in
//! one transaction that enforces the ticket rules: a shopper writes only to their own
//! conversation, the first message creates the ticket, an ended conversation takes
//! nothing more, a reply assigns the ticket to the replying agent, and a client id
//! already stored for the same sender returns the stored message instead of a copy. Its
//! steps, in order, are in [`append`].

mod append;

use protocol::{
    inbox::TicketEvent, AiAnswer, AuthorKind, Channel, ConversationView, Message, TicketStatus,
    TicketSummary,
};

pub(super) use append::append_in;

use super::{
    summaries::{SummaryRow, SUMMARY_SELECT},
    Store, StoreError,
};

/// Characters of the latest message kept for the inbox row.
const PREVIEW_CHARS: usize = 140;

/// Who is writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// A shopper writing on one channel: a widget writes only to web chats, a text only
    /// to SMS tickets, whichever conversation id it names.
    Shopper {
        customer_id: String,
        name: String,
        channel: Channel,
    },
    Agent {
        agent_id: String,
        name: String,
    },
    /// The product itself (away messages); writes only to an existing conversation.
    System {
        name: String,
    },
    /// The AI agent answering from `source_title`; writes only to an existing conversation.
    Ai {
        name: String,
        source_title: String,
    },
}

impl Sender {
    /// The namespace of this sender's client ids.
    fn key(&self) -> String {
        match self {
            Sender::Shopper { customer_id, .. } => format!("shopper:{customer_id}"),
            Sender::Agent { agent_id, .. } => format!("agent:{agent_id}"),
            Sender::System { .. } => "system".to_owned(),
            Sender::Ai { .. } => "ai".to_owned(),
        }
    }

    fn kind(&self) -> AuthorKind {
        match self {
            Sender::Shopper { .. } => AuthorKind::Shopper,
            Sender::Agent { .. } => AuthorKind::Agent,
            Sender::System { .. } => AuthorKind::System,
            Sender::Ai { .. } => AuthorKind::Ai,
        }
    }

    fn name(&self) -> &str {
        match self {
            Sender::Shopper { name, .. }
            | Sender::Agent { name, .. }
            | Sender::System { name }
            | Sender::Ai { name, .. } => name,
        }
    }
}

/// A message to store; text already validated by the caller.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub sender: Sender,
    /// `None` lets a shopper write to their open chat (created if there is none).
    pub conversation_id: Option<String>,
    pub client_id: String,
    pub body: String,
    /// For an away message: when the team is next available.
    pub back_at: Option<i64>,
    /// Ids of images the sender uploaded, to send with the message.
    pub attachments: Vec<String>,
    /// A shopper's first message of a web chat: the AI agent answers the new ticket first.
    pub ai_first: bool,
}

/// The job that emails opted-in agents about a new ticket; its payload is the ticket id.
pub const NEW_TICKET_JOB: &str = "new_ticket_email";
/// The job that makes sure the AI agent answers a shopper's message; its payload is
/// `{conversation id} {seq}`. Due a little after the message: the node that stored it
/// answers at once, and the job only acts if that answer never came (the node died).
pub const AI_REPLY_JOB: &str = "ai_reply";
/// How long after a shopper's message [`AI_REPLY_JOB`] checks it was answered.
pub const AI_REPLY_GRACE_MS: i64 = 30_000;

/// A stored message and what changed.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    /// The shopper the conversation belongs to.
    pub customer_id: String,
    /// The conversation's channel: only a web chat's messages reach the shopper's widgets.
    pub channel: Channel,
    /// The client id was already stored: `message` is the original, nothing changed.
    pub duplicate: bool,
    /// This message opened a new ticket.
    pub created_ticket: bool,
    /// This message queued background work (the new-ticket email, an SMS to send):
    /// the worker should look now.
    pub queued_jobs: bool,
    /// What it did to the ticket besides (woke it, assigned it), for the thread.
    pub events: Vec<TicketEvent>,
    /// A shopper wrote to a ticket the AI agent is answering: it should answer now.
    pub ai_answers: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("conversation not found")]
    NotFound,
    /// An image is not the sender's, is unknown, or was already sent.
    #[error("that image cannot be sent (upload it again)")]
    Attachment,
    #[error("conversation has ended")]
    Closed,
    /// An SMS reply to a shopper who texted STOP.
    #[error(
        "this shopper opted out of SMS (they texted STOP); they can text START to opt back in"
    )]
    OptedOut,
    #[error("SMS replies are text only: remove the images")]
    TextOnly,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<super::attachments::ClaimError> for AppendError {
    fn from(error: super::attachments::ClaimError) -> Self {
        match error {
            super::attachments::ClaimError::Refused => AppendError::Attachment,
            super::attachments::ClaimError::Store(error) => error.into(),
        }
    }
}

impl From<sqlx::Error> for AppendError {
    fn from(error: sqlx::Error) -> Self {
        AppendError::Store(StoreError::Database(error))
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    conversation_id: String,
    seq: i64,
    client_id: String,
    author_kind: String,
    author_name: String,
    body: String,
    created_at: i64,
    back_at: Option<i64>,
    attachments: Option<String>,
    delivery_status: Option<String>,
    ai_source: Option<String>,
    ai_helpful: Option<i64>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        // AI answers are stored as automated messages with a source (the column's
        // CHECK predates the AI agent).
        let author_kind = match (row.author_kind.as_str(), &row.ai_source) {
            ("system", Some(_)) => AuthorKind::Ai,
            ("shopper", _) => AuthorKind::Shopper,
            ("agent", _) => AuthorKind::Agent,
            ("system", None) => AuthorKind::System,
            (other, _) => return Err(StoreError::Corrupt(format!("author kind {other:?}"))),
        };
        let attachments = match &row.attachments {
            Some(json) => serde_json::from_str(json).map_err(|error| {
                StoreError::Corrupt(format!("attachments of {}: {error}", row.id))
            })?,
            None => Vec::new(),
        };
        Ok(Message {
            id: row.id,
            conversation_id: row.conversation_id,
            seq: row.seq,
            client_id: row.client_id,
            author_kind,
            author_name: row.author_name,
            body: row.body,
            created_at: row.created_at,
            back_at: row.back_at,
            delivery_status: row.delivery_status,
            attachments,
            ai: row.ai_source.map(|source_title| AiAnswer {
                source_title,
                helpful: row.ai_helpful.map(|helpful| helpful != 0),
            }),
        })
    }
}

const MESSAGE_COLUMNS: &str =
    "m.id, m.conversation_id, m.seq, m.client_id, m.author_kind, m.author_name, m.body, m.created_at,
     m.back_at, m.attachments, m.delivery_status, m.ai_source, m.ai_helpful";

fn parse_channel(text: &str) -> Result<Channel, StoreError> {
    Channel::parse(text).ok_or_else(|| StoreError::Corrupt(format!("channel {text:?}")))
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if database.is_unique_violation())
}

/// The inbox row text: whitespace collapsed, cut at a character boundary.
fn preview_of(body: &str) -> String {
    let collapsed = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

impl Store {
    /// Stores a message (see the module docs for the rules), committed before it returns.
    ///
    /// On SQLite the message joins the group-commit queue (`writer.rs`): one transaction
    /// and one fsync for every message waiting, instead of one each.
    ///
    /// With concurrent writers (PostgreSQL), two requests can race past the checks: the
    /// same client id sent twice at once, or two first messages opening a chat. The unique
    /// indexes refuse the loser, which then runs again and finds the winner's row.
    pub async fn append_message(&self, new: NewMessage) -> Result<Appended, AppendError> {
        if let Some(queue) = &self.group_commit {
            return queue.append(new).await;
        }
        let mut attempt = 1;
        loop {
            let result = async {
                let mut tx = self.writer.begin().await?;
                // The first try assumes a new message; a resend fails on the unique
                // index and is found by the retry.
                let appended = append_in(&mut tx, &new, attempt > 1).await?;
                tx.commit().await?;
                Ok(appended)
            }
            .await;
            match result {
                Ok(appended) => return Ok(appended),
                // Refused on the unchecked first try: it may be a resend of a message
                // stored before (whose ticket has closed since, say), so look again.
                Err(_) if attempt == 1 => attempt += 1,
                Err(AppendError::Store(StoreError::Database(error)))
                    if attempt < 3 && is_unique_violation(&error) =>
                {
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// One ticket; `agent_id` empty gives a summary without read state (for broadcasts).
    pub async fn ticket_summary(
        &self,
        conversation_id: &str,
        agent_id: &str,
    ) -> Result<Option<TicketSummary>, StoreError> {
        let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE c.id = $2"))
            .bind(agent_id)
            .bind(conversation_id)
            .fetch_optional(&self.reader)
            .await?;
        let mut summary = row.map(TicketSummary::try_from).transpose()?;
        if agent_id.is_empty() {
            if let Some(summary) = summary.as_mut() {
                summary.read_seq = None;
            }
        }
        Ok(summary)
    }

    /// Messages of a conversation with a seq above `after_seq`, in order.
    pub async fn messages_after(
        &self,
        conversation_id: &str,
        after_seq: i64,
    ) -> Result<Vec<Message>, StoreError> {
        let rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq"
        ))
        .bind(conversation_id)
        .bind(after_seq)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(Message::try_from).collect()
    }

    /// One message by its place in a conversation.
    pub async fn message_at(
        &self,
        conversation_id: &str,
        seq: i64,
    ) -> Result<Option<Message>, StoreError> {
        let row: Option<MessageRow> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.seq = $2"
        ))
        .bind(conversation_id)
        .bind(seq)
        .fetch_optional(&self.reader)
        .await?;
        row.map(Message::try_from).transpose()
    }

    /// The shopper a conversation belongs to.
    pub async fn conversation_customer(
        &self,
        conversation_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT customer_id FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(|(customer_id,)| customer_id))
    }

    /// The shopper whose widget shows conversation `id`: its owner when it is a web
    /// chat. `None` for an SMS ticket (its thread stays on the shopper's phone) and for
    /// an unknown id.
    pub async fn web_chat_shopper(
        &self,
        conversation_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT customer_id FROM conversations WHERE id = $1 AND channel = 'chat'",
        )
        .bind(conversation_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|(customer_id,)| customer_id))
    }

    /// The id of the shopper's live (not ended) web chat, if any.
    pub async fn open_chat_id(&self, customer_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM conversations
             WHERE customer_id = $1 AND channel = 'chat' AND status <> 'closed'",
        )
        .bind(customer_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|(id,)| id))
    }

    /// The shopper's live (not ended) web chat, with its messages.
    pub async fn open_chat_of(
        &self,
        customer_id: &str,
    ) -> Result<Option<ConversationView>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, status FROM conversations
             WHERE customer_id = $1 AND channel = 'chat' AND status <> 'closed'
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(customer_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some((id, status)) = row else {
            return Ok(None);
        };
        let status = TicketStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?;
        let messages = self.messages_after(&id, 0).await?;
        Ok(Some(ConversationView {
            id,
            status,
            messages,
        }))
    }

    /// Records how far the shopper's widget received (`delivered`) and saw (`seen`)
    /// their conversation. Never moves backwards, never past the last message, and
    /// only for the conversation's own shopper. Returns `(delivered, seen)` when
    /// either moved.
    pub async fn record_receipt(
        &self,
        conversation_id: &str,
        customer_id: &str,
        delivered: i64,
        seen: i64,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        // Seeing a message means it was delivered too.
        let delivered = delivered.max(seen);
        let row: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE conversations SET
                shopper_delivered_seq = CASE WHEN $1 > shopper_delivered_seq
                    THEN CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END
                    ELSE shopper_delivered_seq END,
                shopper_seen_seq = CASE WHEN $2 > shopper_seen_seq
                    THEN CASE WHEN $2 < last_seq THEN $2 ELSE last_seq END
                    ELSE shopper_seen_seq END
             WHERE id = $3 AND customer_id = $4 AND channel = 'chat'
               AND ($1 > shopper_delivered_seq OR $2 > shopper_seen_seq)
             RETURNING shopper_delivered_seq, shopper_seen_seq",
        )
        .bind(delivered)
        .bind(seen)
        .bind(conversation_id)
        .bind(customer_id)
        .fetch_optional(&self.writer)
        .await?;
        Ok(row)
    }

    /// Records that the agent has read the ticket up to `seq` (never moves backwards).
    pub async fn mark_read(
        &self,
        agent_id: &str,
        conversation_id: &str,
        seq: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ticket_reads (agent_id, conversation_id, last_read_seq)
             SELECT $1, id, CASE WHEN $3 < last_seq THEN $3 ELSE last_seq END
             FROM conversations WHERE id = $2
             ON CONFLICT (agent_id, conversation_id) DO UPDATE
               SET last_read_seq = CASE
                 WHEN excluded.last_read_seq > ticket_reads.last_read_seq
                 THEN excluded.last_read_seq ELSE ticket_reads.last_read_seq END",
        )
        .bind(agent_id)
        .bind(conversation_id)
        .bind(seq)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_support::temp_store, Closer};
    use protocol::inbox::InboxView;

    fn agent_closer() -> Closer {
        Closer::Agent {
            name: "Olga".to_owned(),
        }
    }

    fn shopper(customer_id: &str) -> Sender {
        Sender::Shopper {
            customer_id: customer_id.to_owned(),
            name: "Ana".to_owned(),
            channel: Channel::Chat,
        }
    }

    async fn setup() -> (Store, tempfile::TempDir, String, String) {
        let (store, dir) = temp_store().await;
        let ana = store
            .upsert_customer("7001", "Ana", "ana@example.com")
            .await
            .expect("ana");
        let ben = store
            .upsert_customer("7002", "Ben", "ben@example.com")
            .await
            .expect("ben");
        (store, dir, ana.id, ben.id)
    }

    fn send(sender: &Sender, conversation_id: Option<&str>, client_id: &str) -> NewMessage {
        NewMessage {
            sender: sender.clone(),
            conversation_id: conversation_id.map(str::to_owned),
            client_id: client_id.to_owned(),
            body: "Where is my order?".to_owned(),
            back_at: None,
            attachments: Vec::new(),
            ai_first: false,
        }
    }

    #[tokio::test]
    async fn first_shopper_message_creates_a_ticket_and_the_next_continues_it() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let first = store
            .append_message(send(&sender, None, "c1"))
            .await
            .expect("first");
        let second = store
            .append_message(send(&sender, None, "c2"))
            .await
            .expect("second");
        assert_eq!(first.message.seq, 1);
        assert_eq!(second.message.seq, 2);
        assert_eq!(
            first.message.conversation_id,
            second.message.conversation_id
        );
        let tickets = store
            .inbox_page("", &InboxView::default(), None)
            .await
            .expect("list")
            .tickets;
        assert_eq!(tickets.len(), 1);
        assert_eq!(tickets[0].last_shopper_seq, 2);
        assert_eq!(tickets[0].preview, "Where is my order?");
    }

    #[tokio::test]
    async fn a_repeated_client_id_is_stored_once_and_returns_the_original() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let first = store
            .append_message(send(&sender, None, "same"))
            .await
            .expect("first");
        let again = store
            .append_message(send(&sender, None, "same"))
            .await
            .expect("again");
        assert!(!first.duplicate);
        assert!(again.duplicate);
        assert_eq!(first.message, again.message);
        let messages = store
            .messages_after(&first.message.conversation_id, 0)
            .await
            .expect("messages");
        assert_eq!(messages.len(), 1);
    }

    #[tokio::test]
    async fn a_resend_after_the_ticket_closed_still_returns_the_original() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let first = store
            .append_message(send(&sender, None, "late-ack"))
            .await
            .expect("first");
        let conversation = first.message.conversation_id.clone();
        store
            .close_ticket(&conversation, &agent_closer())
            .await
            .expect("closed");
        // The shopper never saw the ack and sends the same message again.
        let again = store
            .append_message(send(&sender, Some(&conversation), "late-ack"))
            .await
            .expect("the original, not a refusal");
        assert!(again.duplicate);
        assert_eq!(again.message, first.message);
        // A new message to the closed ticket is still refused.
        assert!(matches!(
            store
                .append_message(send(&sender, Some(&conversation), "new"))
                .await,
            Err(AppendError::Closed)
        ));
    }

    #[tokio::test]
    async fn a_shopper_cannot_write_to_another_shoppers_conversation() {
        let (store, _dir, ana, ben) = setup().await;
        let anas = store
            .append_message(send(&shopper(&ana), None, "a1"))
            .await
            .expect("ana writes");
        let conversation = anas.message.conversation_id.clone();
        let intrusion = store
            .append_message(send(&shopper(&ben), Some(&conversation), "b1"))
            .await;
        assert!(matches!(intrusion, Err(AppendError::NotFound)));
        let messages = store
            .messages_after(&conversation, 0)
            .await
            .expect("messages");
        assert_eq!(messages.len(), 1);
    }

    #[tokio::test]
    async fn an_ended_conversation_refuses_messages_and_the_next_one_is_a_new_ticket() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let first = store
            .append_message(send(&sender, None, "a1"))
            .await
            .expect("first");
        let conversation = first.message.conversation_id.clone();
        store
            .close_ticket(&conversation, &agent_closer())
            .await
            .expect("close");
        let refused = store
            .append_message(send(&sender, Some(&conversation), "a2"))
            .await;
        assert!(matches!(refused, Err(AppendError::Closed)));
        let agent = Sender::Agent {
            agent_id: "nobody".to_owned(),
            name: "Olga".to_owned(),
        };
        let agent_refused = store
            .append_message(send(&agent, Some(&conversation), "o1"))
            .await;
        assert!(matches!(agent_refused, Err(AppendError::Closed)));
        let next = store
            .append_message(send(&sender, None, "a3"))
            .await
            .expect("new chat");
        assert_ne!(next.message.conversation_id, conversation);
        assert_eq!(next.message.seq, 1);
    }

    #[tokio::test]
    async fn an_agent_reply_assigns_the_ticket_and_read_state_tracks_the_dot() {
        let (store, _dir, ana, _) = setup().await;
        let token = store
            .create_owner("Olga", "olga@shop.example", "correct horse battery")
            .await
            .expect("owner");
        let olga = store
            .agent_for_session(&token)
            .await
            .expect("query")
            .expect("agent");
        let first = store
            .append_message(send(&shopper(&ana), None, "a1"))
            .await
            .expect("shopper");
        let conversation = first.message.conversation_id.clone();
        let unread = store
            .ticket_summary(&conversation, &olga.id)
            .await
            .expect("query")
            .expect("ticket");
        assert!(unread.is_unread());
        assert_eq!(unread.assignee_id, None);
        let agent = Sender::Agent {
            agent_id: olga.id.clone(),
            name: olga.name.clone(),
        };
        store
            .append_message(send(&agent, Some(&conversation), "o1"))
            .await
            .expect("reply");
        store
            .mark_read(&olga.id, &conversation, 99)
            .await
            .expect("read");
        let read = store
            .ticket_summary(&conversation, &olga.id)
            .await
            .expect("query")
            .expect("ticket");
        assert_eq!(read.assignee_name.as_deref(), Some("Olga"));
        assert_eq!(
            read.read_seq,
            Some(2),
            "read state is capped at the last seq"
        );
        assert!(!read.is_unread());
    }

    #[tokio::test]
    async fn concurrent_first_messages_share_one_ticket_with_distinct_seqs() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let sends = (0..8).map(|index| {
            let (store, sender) = (store.clone(), sender.clone());
            tokio::spawn(async move {
                let client_id = format!("c{index}");
                store
                    .append_message(send(&sender, None, &client_id))
                    .await
                    .expect("stored")
                    .message
            })
        });
        let mut stored = Vec::new();
        for send in sends.collect::<Vec<_>>() {
            stored.push(send.await.expect("task"));
        }
        let conversation = &stored[0].conversation_id;
        assert!(stored.iter().all(|m| &m.conversation_id == conversation));
        let mut seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn the_same_client_id_sent_concurrently_is_stored_once() {
        let (store, _dir, ana, _) = setup().await;
        let sender = shopper(&ana);
        let first = store
            .append_message(send(&sender, None, "opening"))
            .await
            .expect("ticket exists");
        let conversation = first.message.conversation_id.clone();
        let sends = (0..8).map(|_| {
            let (store, sender, conversation) =
                (store.clone(), sender.clone(), conversation.clone());
            tokio::spawn(async move {
                store
                    .append_message(send(&sender, Some(&conversation), "same"))
                    .await
                    .expect("stored or returned")
                    .message
            })
        });
        let mut returned = Vec::new();
        for send in sends.collect::<Vec<_>>() {
            returned.push(send.await.expect("task"));
        }
        assert!(returned.iter().all(|message| message == &returned[0]));
        let messages = store
            .messages_after(&conversation, 0)
            .await
            .expect("messages");
        assert_eq!(messages.len(), 2);
    }

    #[tokio::test]
    async fn a_refused_message_does_not_spoil_the_others_stored_with_it() {
        let (store, _dir, ana, ben) = setup().await;
        let closed = store
            .append_message(send(&shopper(&ana), None, "a1"))
            .await
            .expect("ana's chat");
        store
            .close_ticket(&closed.message.conversation_id, &agent_closer())
            .await
            .expect("close");
        // Sent together, so on SQLite they share one group commit.
        let refused = tokio::spawn({
            let (store, conversation) = (store.clone(), closed.message.conversation_id.clone());
            let sender = shopper(&ana);
            async move {
                store
                    .append_message(send(&sender, Some(&conversation), "a2"))
                    .await
            }
        });
        let accepted: Vec<_> = (0..4)
            .map(|index| {
                let (store, sender) = (store.clone(), shopper(&ben));
                tokio::spawn(async move {
                    store
                        .append_message(send(&sender, None, &format!("b{index}")))
                        .await
                })
            })
            .collect();
        assert!(matches!(
            refused.await.expect("task"),
            Err(AppendError::Closed)
        ));
        let mut conversation = None;
        for task in accepted {
            let appended = task.await.expect("task").expect("stored");
            conversation = Some(appended.message.conversation_id);
        }
        let stored = store
            .messages_after(&conversation.expect("ben's chat"), 0)
            .await
            .expect("messages");
        assert_eq!(stored.len(), 4);
        let ana_stored = store
            .messages_after(&closed.message.conversation_id, 0)
            .await
            .expect("messages");
        assert_eq!(ana_stored.len(), 1);
    }

    #[test]
    fn previews_collapse_whitespace_and_cut_long_text() {
        assert_eq!(preview_of("  hello \n\n world "), "hello world");
        let long = "é".repeat(300);
        let preview = preview_of(&long);
        assert_eq!(preview.chars().count(), PREVIEW_CHARS + 1);
        assert!(preview.ends_with('…'));
    }
}
