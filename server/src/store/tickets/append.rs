//! Storing one message: [`append_in`], the rules of [`Store::append_message`] run inside
//! the caller's transaction, as named steps in the order they touch the database.
//!
//! 1. [`stored_copy_in`]: a client id already stored for this sender returns that message.
//! 2. [`find_ticket_in`] and [`open_ticket_in`]: the sender's ticket, or a new web chat.
//! 3. [`channel_rules_in`]: what the ticket's channel refuses (an SMS reply to a profile
//!    that opted out, an image by SMS).
//! 4. [`advance_ticket_in`]: the next seq, under the ticket row's lock, with what the
//!    message changes (a shopper wakes a snoozed ticket, a reply assigns it).
//! 5. [`record_events_in`], [`insert_message_in`], then [`queue_follow_ups_in`]: the work
//!    that must commit with the message (an SMS to send, the AI agent's answer).
//!
//! A new channel or feature adds a step or a follow-up here, not a branch in the middle.
//!
//! [`Store::append_message`]: crate::store::Store::append_message

use protocol::{inbox::TicketEventKind, AiAnswer, AuthorKind, Channel, Message, TicketStatus};
use sqlx::AnyConnection;

use super::{
    parse_channel, preview_of, AppendError, Appended, MessageRow, NewMessage, Sender,
    AI_REPLY_GRACE_MS, AI_REPLY_JOB, MESSAGE_COLUMNS, NEW_TICKET_JOB,
};
use crate::ids::{new_id, now_ms};
use crate::store::{attachments, jobs, sms, workflow, StoreError};

/// The ticket a message goes to, as read (or made) for it.
struct Ticket {
    id: String,
    customer_id: String,
    status: String,
    assignee: Option<String>,
    channel: String,
}

type TicketRow = (String, String, String, Option<String>, String);

impl From<TicketRow> for Ticket {
    fn from((id, customer_id, status, assignee, channel): TicketRow) -> Self {
        Ticket {
            id,
            customer_id,
            status,
            assignee,
            channel,
        }
    }
}

/// What the message changes on its ticket besides seq, preview and activity.
struct TicketChange<'a> {
    /// A shopper writing to a snoozed ticket wakes it.
    wakes: bool,
    /// The AI agent is answering this ticket.
    ai_answering: bool,
    /// The replying agent, when the ticket was someone else's (or no one's).
    takes: Option<&'a String>,
}

impl<'a> TicketChange<'a> {
    fn of(new: &'a NewMessage, ticket: &Ticket) -> Self {
        TicketChange {
            wakes: matches!(new.sender, Sender::Shopper { .. })
                && ticket.status == TicketStatus::Snoozed.as_str(),
            ai_answering: ticket.status == TicketStatus::Ai.as_str(),
            takes: match &new.sender {
                Sender::Agent { agent_id, .. }
                    if ticket.assignee.as_deref() != Some(agent_id.as_str()) =>
                {
                    Some(agent_id)
                }
                _ => None,
            },
        }
    }
}

/// `resend_possible: false` skips looking for an earlier copy of the message: the
/// caller then relies on the unique index on (sender, client id), which refuses a copy,
/// and runs again with the look. That saves a round trip on every first send
/// (PostgreSQL), where resends are the rare case.
pub(in crate::store) async fn append_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    resend_possible: bool,
) -> Result<Appended, AppendError> {
    let sender_key = new.sender.key();
    if resend_possible {
        if let Some(copy) = stored_copy_in(connection, new, &sender_key).await? {
            return Ok(copy);
        }
    }
    let now = now_ms();
    let found = find_ticket_in(connection, new).await?;
    let (ticket, created_ticket) = open_ticket_in(connection, new, found, now).await?;
    let sends_sms = channel_rules_in(connection, new, &ticket).await?;
    let change = TicketChange::of(new, &ticket);
    let seq = advance_ticket_in(connection, new, &ticket, &change, now).await?;
    let events = record_events_in(connection, new, &ticket, &change, now).await?;
    let message =
        insert_message_in(connection, new, &sender_key, &ticket, seq, sends_sms, now).await?;
    let ai_answers =
        queue_follow_ups_in(connection, new, &ticket, &change, &message, sends_sms, now).await?;
    Ok(Appended {
        message,
        channel: parse_channel(&ticket.channel)?,
        customer_id: ticket.customer_id,
        duplicate: false,
        created_ticket,
        queued_jobs: (created_ticket && !new.ai_first) || sends_sms,
        events,
        ai_answers,
    })
}

/// The message this sender already stored under this client id, if any: a resend.
async fn stored_copy_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    sender_key: &str,
) -> Result<Option<Appended>, AppendError> {
    let existing: Option<MessageRow> = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.sender_key = $1 AND m.client_id = $2"
    ))
    .bind(sender_key)
    .bind(&new.client_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = existing else {
        return Ok(None);
    };
    let (customer_id, channel): (String, String) =
        sqlx::query_as("SELECT customer_id, channel FROM conversations WHERE id = $1")
            .bind(&row.conversation_id)
            .fetch_one(&mut *connection)
            .await?;
    let channel = parse_channel(&channel)?;
    if matches!(&new.sender, Sender::Shopper { channel: wrote_on, .. } if *wrote_on != channel) {
        // A widget naming a text's client id (or the reverse) learns nothing.
        return Err(AppendError::NotFound);
    }
    Ok(Some(Appended {
        message: row.try_into()?,
        customer_id,
        channel,
        duplicate: true,
        created_ticket: false,
        queued_jobs: false,
        events: Vec::new(),
        ai_answers: false,
    }))
}

/// The ticket the message names, if the sender may write to it; for a shopper's web chat
/// naming none, their open one.
async fn find_ticket_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
) -> Result<Option<TicketRow>, StoreError> {
    const COLUMNS: &str = "SELECT id, customer_id, status, assignee_id, channel FROM conversations";
    let found = match (&new.sender, new.conversation_id.as_deref()) {
        (
            Sender::Shopper {
                customer_id,
                channel,
                ..
            },
            Some(id),
        ) => {
            sqlx::query_as(&format!(
                "{COLUMNS} WHERE id = $1 AND customer_id = $2 AND channel = $3"
            ))
            .bind(id)
            .bind(customer_id)
            .bind(channel.as_str())
            .fetch_optional(&mut *connection)
            .await?
        }
        (
            Sender::Shopper {
                customer_id,
                channel: Channel::Chat,
                ..
            },
            None,
        ) => {
            sqlx::query_as(&format!(
                "{COLUMNS} WHERE customer_id = $1 AND channel = 'chat' AND status <> 'closed'"
            ))
            .bind(customer_id)
            .fetch_optional(&mut *connection)
            .await?
        }
        (Sender::Agent { .. } | Sender::System { .. } | Sender::Ai { .. }, Some(id)) => {
            sqlx::query_as(&format!("{COLUMNS} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *connection)
                .await?
        }
        (
            Sender::Shopper {
                channel: Channel::Sms,
                ..
            }
            | Sender::Agent { .. }
            | Sender::System { .. }
            | Sender::Ai { .. },
            None,
        ) => None,
    };
    Ok(found)
}

/// The found ticket unless it is closed, or a new web chat for a shopper who named
/// none (with its new-ticket email queued); whether it was made now.
async fn open_ticket_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    found: Option<TicketRow>,
    now: i64,
) -> Result<(Ticket, bool), AppendError> {
    match (found, &new.sender) {
        (Some((_, _, status, _, _)), _) if status == TicketStatus::Closed.as_str() => {
            Err(AppendError::Closed)
        }
        (Some(row), _) => Ok((row.into(), false)),
        (
            None,
            Sender::Shopper {
                customer_id,
                channel: Channel::Chat,
                ..
            },
        ) if new.conversation_id.is_none() => {
            let id = new_id();
            let status = if new.ai_first {
                TicketStatus::Ai
            } else {
                TicketStatus::Open
            };
            sqlx::query(
                "INSERT INTO conversations (id, customer_id, channel, status, assignee_id,
                    preview, last_seq, last_shopper_seq, last_activity_at, created_at)
                 VALUES ($1, $2, 'chat', $3, NULL, '', 0, 0, $4, $4)",
            )
            .bind(&id)
            .bind(customer_id)
            .bind(status.as_str())
            .bind(now)
            .execute(&mut *connection)
            .await?;
            // Committed with the ticket, so no new ticket goes unannounced. One the AI
            // agent answers is announced when it hands off.
            if !new.ai_first {
                jobs::enqueue_in(&mut *connection, NEW_TICKET_JOB, &id, now).await?;
            }
            let ticket = Ticket {
                id,
                customer_id: customer_id.clone(),
                status: status.as_str().to_owned(),
                assignee: None,
                channel: "chat".to_owned(),
            };
            Ok((ticket, true))
        }
        (None, _) => Err(AppendError::NotFound),
    }
}

/// What the ticket's channel refuses; whether the message goes out by SMS (an agent's
/// reply on an SMS ticket: text only, and not to a profile that opted out).
async fn channel_rules_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    ticket: &Ticket,
) -> Result<bool, AppendError> {
    let sends_sms = ticket.channel == "sms" && matches!(new.sender, Sender::Agent { .. });
    if sends_sms && !new.attachments.is_empty() {
        return Err(AppendError::TextOnly);
    }
    if sends_sms && sms::opted_out_in(connection, &ticket.customer_id).await? {
        return Err(AppendError::OptedOut);
    }
    Ok(sends_sms)
}

/// Takes the ticket's next seq and writes what the message changes on it.
///
/// Updating the ticket row first matters: on PostgreSQL that row lock orders concurrent
/// writers to one conversation, and the status check is redone under it (an ending that
/// committed meanwhile wins). Only what changes is written: SQLite rewrites every index
/// on a column an UPDATE sets, even to the same value. A shopper writing wakes a snoozed
/// ticket and starts (or continues) the wait; an agent replying ends it, and takes the
/// ticket if someone else held it.
async fn advance_ticket_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    ticket: &Ticket,
    change: &TicketChange<'_>,
    now: i64,
) -> Result<i64, AppendError> {
    let preview = if new.body.trim().is_empty() && !new.attachments.is_empty() {
        match new.attachments.len() {
            1 => "📷 Image".to_owned(),
            count => format!("📷 {count} images"),
        }
    } else {
        preview_of(&new.body)
    };
    let changes = match (&new.sender, change.wakes, change.takes) {
        (Sender::Shopper { .. }, true, _) => {
            ", last_shopper_seq = last_seq + 1, status = 'open', snoozed_until = NULL,
             waiting_since = COALESCE(waiting_since, $2)"
        }
        (Sender::Shopper { .. }, false, _) => {
            ", last_shopper_seq = last_seq + 1, waiting_since = COALESCE(waiting_since, $2)"
        }
        // An agent writing in a chat the AI agent is answering takes it over.
        (Sender::Agent { .. }, _, Some(_)) if change.ai_answering => {
            ", assignee_id = $4, waiting_since = NULL, status = 'open'"
        }
        (Sender::Agent { .. }, _, Some(_)) => ", assignee_id = $4, waiting_since = NULL",
        (Sender::Agent { .. }, _, None) if change.ai_answering => {
            ", waiting_since = NULL, status = 'open'"
        }
        (Sender::Agent { .. }, _, None) | (Sender::Ai { .. }, _, _) => ", waiting_since = NULL",
        (Sender::System { .. }, _, _) => "",
    };
    let sql = format!(
        "UPDATE conversations SET last_seq = last_seq + 1, preview = $1, last_activity_at = $2
            {changes}
         WHERE id = $3 AND status <> 'closed'
         RETURNING last_seq"
    );
    let mut update = sqlx::query_as(&sql)
        .bind(&preview)
        .bind(now)
        .bind(&ticket.id);
    if let Some(agent_id) = change.takes {
        update = update.bind(agent_id);
    }
    let next_seq: Option<(i64,)> = update.fetch_optional(&mut *connection).await?;
    next_seq.map(|(seq,)| seq).ok_or(AppendError::Closed)
}

/// The thread's lines for what the message did to the ticket (woke it, assigned it).
async fn record_events_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    ticket: &Ticket,
    change: &TicketChange<'_>,
    now: i64,
) -> Result<Vec<protocol::inbox::TicketEvent>, StoreError> {
    let mut events = Vec::new();
    if change.wakes {
        let kind = TicketEventKind::Woken { by_shopper: true };
        events.push(workflow::record_event_in(connection, &ticket.id, None, kind, now).await?);
    }
    if let (Some(_), Sender::Agent { name, .. }) = (change.takes, &new.sender) {
        let kind = TicketEventKind::Assigned {
            assignee_name: name.clone(),
            by_reply: true,
        };
        events
            .push(workflow::record_event_in(connection, &ticket.id, Some(name), kind, now).await?);
    }
    Ok(events)
}

/// The message row, with the sender's uploaded images claimed for it.
async fn insert_message_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    sender_key: &str,
    ticket: &Ticket,
    seq: i64,
    sends_sms: bool,
    now: i64,
) -> Result<Message, AppendError> {
    let claimed = attachments::claim_in(connection, &new.attachments, sender_key).await?;
    let attachments_json = if claimed.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(&claimed)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
        )
    };
    let message = Message {
        id: new_id(),
        conversation_id: ticket.id.clone(),
        seq,
        client_id: new.client_id.clone(),
        author_kind: new.sender.kind(),
        author_name: new.sender.name().to_owned(),
        body: new.body.clone(),
        created_at: now,
        back_at: new.back_at,
        attachments: claimed,
        delivery_status: sends_sms.then(|| "queued".to_owned()),
        ai: match &new.sender {
            Sender::Ai { source_title, .. } => Some(AiAnswer {
                source_title: source_title.clone(),
                helpful: None,
            }),
            _ => None,
        },
    };
    let ai_source = message.ai.as_ref().map(|ai| &ai.source_title);
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, sender_key, client_id, author_kind,
            author_name, body, created_at, back_at, attachments, ai_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&message.id)
    .bind(&ticket.id)
    .bind(seq)
    .bind(sender_key)
    .bind(&message.client_id)
    .bind(match message.author_kind {
        AuthorKind::Shopper => "shopper",
        AuthorKind::Agent => "agent",
        AuthorKind::System | AuthorKind::Ai => "system",
    })
    .bind(&message.author_name)
    .bind(&message.body)
    .bind(now)
    .bind(message.back_at)
    .bind(attachments_json)
    .bind(ai_source)
    .execute(&mut *connection)
    .await?;
    attachments::link_in(connection, &new.attachments, &message.id).await?;
    Ok(message)
}

/// Work that commits with the message, so none is lost with a node: the SMS that sends
/// an agent's reply, the AI agent's answer to a shopper's question (see its job).
/// Returns whether the AI agent should answer now.
async fn queue_follow_ups_in(
    connection: &mut AnyConnection,
    new: &NewMessage,
    ticket: &Ticket,
    change: &TicketChange<'_>,
    message: &Message,
    sends_sms: bool,
    now: i64,
) -> Result<bool, StoreError> {
    if sends_sms {
        sms::queue_send_in(connection, &message.id, now).await?;
    }
    let ai_answers = change.ai_answering && matches!(new.sender, Sender::Shopper { .. });
    if ai_answers {
        let payload = format!("{} {}", ticket.id, message.seq);
        jobs::enqueue_in(connection, AI_REPLY_JOB, &payload, now + AI_REPLY_GRACE_MS).await?;
    }
    Ok(ai_answers)
}
