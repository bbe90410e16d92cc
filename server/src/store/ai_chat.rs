//! The AI agent's side of a ticket: handing it off (to the team here, another helpdesk,
//! or the merchant's closing message), the shopper's Yes/No on its answers, and the
//! counts Settings shows. Each change records its ticket event in the same transaction.

use protocol::{
    inbox::{TicketEvent, TicketEventKind},
    settings::AiAgentStats,
    Message, TicketStatus,
};
use serde::{Deserialize, Serialize};

use super::{
    jobs::enqueue_in,
    tickets::{append_in, AppendError, NewMessage, NEW_TICKET_JOB},
    workflow::record_event_in,
    Store, StoreError,
};
use crate::ids::now_ms;

/// The job that creates the ticket in Zendesk or Gorgias; its payload is an
/// [`ExternalHandoff`] (the target is read from the settings when it runs).
pub const AI_HANDOFF_JOB: &str = "ai_handoff";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalHandoff {
    pub conversation_id: String,
    /// Why the AI agent handed off, for the other team.
    pub reason: String,
}

/// `external_ticket` while the job creating the other helpdesk's ticket is pending:
/// the AI agent stops answering, and the ticket stays out of the team's views.
pub const HANDOFF_PENDING: &str = "pending";

/// Where a conversation goes when the AI agent hands it off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffTo {
    /// The team here: the ticket opens in the inbox and the chat goes on live.
    Helpdesk,
    /// Another helpdesk, by the [`AI_HANDOFF_JOB`]; the ticket stays with the AI agent
    /// (silent) until the job has created it there.
    External,
    /// The merchant's closing message: the chat ends.
    Ended,
}

/// A handoff that happened (a second one for the same ticket does nothing).
#[derive(Debug, Clone)]
pub struct HandedOff {
    pub customer_id: String,
    pub event: Option<TicketEvent>,
    /// The note to the shopper, stored with the handoff (`None`: it was there already).
    pub note: Option<Message>,
    /// Jobs were queued (the new-ticket email, the external handoff): wake the worker.
    pub queued_jobs: bool,
}

/// What the shopper's Yes/No did.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub conversation_id: String,
    pub event: TicketEvent,
    /// "No" answers since the last "Yes" in this conversation.
    pub unhelpful_in_a_row: i64,
    /// The ticket is still the AI agent's to answer.
    pub ai_answering: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// Not an AI answer in one of this shopper's conversations.
    #[error("that answer was not found")]
    NotFound,
    #[error("you already said whether that answer helped")]
    AlreadyGiven,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FeedbackError {
    fn from(error: sqlx::Error) -> Self {
        FeedbackError::Store(StoreError::Database(error))
    }
}

impl Store {
    /// Hands a ticket the AI agent is answering to `to`, with `reason` for the team and
    /// `note` for the shopper, in one transaction: the note is stored before any job the
    /// handoff queues can end the chat. `None` when it was no longer the AI agent's
    /// (handed off already, taken over by an agent, or ended).
    pub async fn hand_off(
        &self,
        conversation_id: &str,
        to: &HandoffTo,
        reason: &str,
        note: &NewMessage,
    ) -> Result<Option<HandedOff>, StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        // Only a ticket still the AI agent's changes (the update also locks its row).
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE conversations SET waiting_since = NULL
             WHERE id = $1 AND status = 'ai' AND external_ticket IS NULL
             RETURNING customer_id",
        )
        .bind(conversation_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((customer_id,)) = row else {
            return Ok(None);
        };
        let note = match append_in(&mut tx, note, true).await {
            Ok(appended) => (!appended.duplicate).then_some(appended.message),
            Err(AppendError::Store(error)) => return Err(error),
            Err(refused) => return Err(StoreError::Corrupt(format!("handoff note: {refused}"))),
        };
        // The shopper waits for a person from now (or, ended, for nobody).
        let update = match to {
            HandoffTo::Helpdesk => sqlx::query(
                "UPDATE conversations SET status = 'open', waiting_since = $2 WHERE id = $1",
            )
            .bind(conversation_id)
            .bind(now),
            HandoffTo::External => {
                sqlx::query("UPDATE conversations SET external_ticket = $2 WHERE id = $1")
                    .bind(conversation_id)
                    .bind(HANDOFF_PENDING)
            }
            HandoffTo::Ended => sqlx::query(
                "UPDATE conversations SET status = 'closed', closed_at = $2 WHERE id = $1",
            )
            .bind(conversation_id)
            .bind(now),
        };
        update.execute(&mut *tx).await?;
        let (event, queued_jobs) = match to {
            HandoffTo::Helpdesk => {
                let kind = TicketEventKind::HandedOff {
                    to: "Helpdesk".into(),
                    reason: reason.to_owned(),
                    external_id: None,
                };
                let event = record_event_in(&mut tx, conversation_id, None, kind, now).await?;
                enqueue_in(&mut tx, NEW_TICKET_JOB, conversation_id, now).await?;
                (Some(event), true)
            }
            HandoffTo::External => {
                let payload = serde_json::to_string(&ExternalHandoff {
                    conversation_id: conversation_id.to_owned(),
                    reason: reason.to_owned(),
                })
                .map_err(|error| StoreError::Corrupt(format!("handoff job: {error}")))?;
                enqueue_in(&mut tx, AI_HANDOFF_JOB, &payload, now).await?;
                (None, true)
            }
            HandoffTo::Ended => {
                let kind = TicketEventKind::HandedOff {
                    to: "Custom message".into(),
                    reason: reason.to_owned(),
                    external_id: None,
                };
                let event = record_event_in(&mut tx, conversation_id, None, kind, now).await?;
                (Some(event), false)
            }
        };
        tx.commit().await?;
        Ok(Some(HandedOff {
            customer_id,
            event,
            note,
            queued_jobs,
        }))
    }

    /// The other helpdesk created its ticket: record its id and end the chat here.
    pub async fn handed_off_externally(
        &self,
        conversation_id: &str,
        service: &str,
        external_id: &str,
        reason: &str,
    ) -> Result<Option<TicketEvent>, StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE conversations SET external_ticket = $1, status = 'closed', closed_at = $2,
                waiting_since = NULL
             WHERE id = $3 AND external_ticket = $4",
        )
        .bind(format!("{service} {external_id}"))
        .bind(now)
        .bind(conversation_id)
        .bind(HANDOFF_PENDING)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let kind = TicketEventKind::HandedOff {
            to: service.to_owned(),
            reason: reason.to_owned(),
            external_id: Some(external_id.to_owned()),
        };
        let event = record_event_in(&mut tx, conversation_id, None, kind, now).await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// The other helpdesk kept refusing: the ticket opens in our inbox instead, with a
    /// note saying why, so the handoff is never lost.
    pub async fn external_handoff_failed(
        &self,
        conversation_id: &str,
        service: &str,
        error: &str,
    ) -> Result<Option<TicketEvent>, StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE conversations SET external_ticket = NULL, status = 'open', waiting_since = $1
             WHERE id = $2 AND external_ticket = $3 AND status = 'ai'",
        )
        .bind(now)
        .bind(conversation_id)
        .bind(HANDOFF_PENDING)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let kind = TicketEventKind::HandoffFailed {
            to: service.to_owned(),
            error: error.to_owned(),
        };
        let event = record_event_in(&mut tx, conversation_id, None, kind, now).await?;
        enqueue_in(&mut tx, NEW_TICKET_JOB, conversation_id, now).await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// The chats the AI agent is answering (no handoff under way), oldest activity first.
    pub async fn ai_answered_chats(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM conversations WHERE status = 'ai' AND external_ticket IS NULL
             ORDER BY last_activity_at, id",
        )
        .fetch_all(&self.writer)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Whether the AI agent should answer in this conversation now: the ticket is its
    /// own and no handoff is under way.
    pub async fn ai_answering(&self, conversation_id: &str) -> Result<bool, StoreError> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT status, external_ticket FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(&self.writer)
                .await?;
        Ok(matches!(row, Some((status, None)) if status == TicketStatus::Ai.as_str()))
    }

    /// Records the shopper's Yes/No on an AI answer in one of their conversations, once.
    pub async fn record_ai_feedback(
        &self,
        customer_id: &str,
        message_id: &str,
        helpful: bool,
    ) -> Result<Feedback, FeedbackError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT m.conversation_id, m.ai_helpful FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             WHERE m.id = $1 AND m.ai_source IS NOT NULL AND c.customer_id = $2",
        )
        .bind(message_id)
        .bind(customer_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (conversation_id, given) = row.ok_or(FeedbackError::NotFound)?;
        if given.is_some() {
            return Err(FeedbackError::AlreadyGiven);
        }
        sqlx::query("UPDATE messages SET ai_helpful = $1 WHERE id = $2")
            .bind(i64::from(helpful))
            .bind(message_id)
            .execute(&mut *tx)
            .await?;
        let (unhelpful_in_a_row, status, external): (i64, String, Option<String>) = sqlx::query_as(
            "UPDATE conversations
                 SET ai_unhelpful = CASE WHEN $1 = 1 THEN 0 ELSE ai_unhelpful + 1 END
                 WHERE id = $2
                 RETURNING ai_unhelpful, status, external_ticket",
        )
        .bind(i64::from(helpful))
        .bind(&conversation_id)
        .fetch_one(&mut *tx)
        .await?;
        let kind = TicketEventKind::AiFeedback { helpful };
        let event = record_event_in(&mut tx, &conversation_id, None, kind, now).await?;
        tx.commit().await?;
        Ok(Feedback {
            conversation_id,
            event,
            unhelpful_in_a_row,
            ai_answering: status == TicketStatus::Ai.as_str() && external.is_none(),
        })
    }

    /// How the AI agent has done, over all time.
    pub async fn ai_stats(&self) -> Result<AiAgentStats, StoreError> {
        let (answers, helpful, unhelpful): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*),
                SUM(CASE WHEN ai_helpful = 1 THEN 1 ELSE 0 END),
                SUM(CASE WHEN ai_helpful = 0 THEN 1 ELSE 0 END)
             FROM messages WHERE ai_source IS NOT NULL",
        )
        .fetch_one(&self.reader)
        .await?;
        // Counted by the event: a ticket handed to Zendesk shows the handoff once, done.
        let (handoffs,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM ticket_events
             WHERE kind LIKE '{\"type\":\"handed_off\"%' OR kind LIKE '{\"type\":\"handoff_failed\"%'",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(AiAgentStats {
            answers,
            helpful: helpful.unwrap_or(0),
            unhelpful: unhelpful.unwrap_or(0),
            handoffs,
        })
    }

    /// The conversation's external ticket ("Zendesk 123"), when it was handed to one.
    pub async fn external_ticket(
        &self,
        conversation_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT external_ticket FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.and_then(|(ticket,)| ticket))
    }
}
