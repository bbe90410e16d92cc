//! The inbox workflow over the `conversations`, `ticket_reads` and `ticket_events`
//! tables: views and their counts, assigning, snoozing and waking, closing, and the
//! per-agent unread state. Every change that agents should see in the thread records a
//! [`TicketEvent`] in the same transaction.

use protocol::{
    inbox::{
        InboxPage, InboxView, PageCursor, Scope, SortOrder, TicketEvent, TicketEventKind,
        ViewCounts, PAGE_SIZE,
    },
    TicketStatus, TicketSummary,
};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::{
    summaries::{SummaryRow, SUMMARY_SELECT},
    Store, StoreError,
};
use crate::ids::{new_id, now_ms};

/// The job that wakes a snoozed ticket; its payload is a [`WakeUp`].
pub const WAKE_TICKET_JOB: &str = "wake_ticket";

/// What a wake-up job names: the ticket, and the snooze it ends (a later snooze of the
/// same ticket has its own job, so this one then does nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WakeUp {
    pub conversation_id: String,
    pub until: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("ticket not found")]
    NotFound,
    #[error("this ticket is closed")]
    Closed,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WorkflowError {
    fn from(error: sqlx::Error) -> Self {
        WorkflowError::Store(StoreError::Database(error))
    }
}

/// Who ends a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closer {
    Agent {
        name: String,
    },
    /// The shopper may only end their own conversation.
    Shopper {
        customer_id: String,
    },
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    conversation_id: String,
    actor_name: Option<String>,
    kind: String,
    at: i64,
}

impl TryFrom<EventRow> for TicketEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let kind = serde_json::from_str(&row.kind)
            .map_err(|error| StoreError::Corrupt(format!("ticket event {}: {error}", row.id)))?;
        Ok(TicketEvent {
            id: row.id,
            conversation_id: row.conversation_id,
            actor_name: row.actor_name,
            kind,
            at: row.at,
        })
    }
}

/// Records an event inside the caller's transaction.
pub(super) async fn record_event_in(
    connection: &mut AnyConnection,
    conversation_id: &str,
    actor_name: Option<&str>,
    kind: TicketEventKind,
    at: i64,
) -> Result<TicketEvent, StoreError> {
    let event = TicketEvent {
        id: new_id(),
        conversation_id: conversation_id.to_owned(),
        actor_name: actor_name.map(str::to_owned),
        kind,
        at,
    };
    let kind_json = serde_json::to_string(&event.kind)
        .map_err(|error| StoreError::Corrupt(format!("ticket event: {error}")))?;
    sqlx::query(
        "INSERT INTO ticket_events (id, conversation_id, actor_name, kind, at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&event.id)
    .bind(conversation_id)
    .bind(actor_name)
    .bind(kind_json)
    .bind(at)
    .execute(&mut *connection)
    .await?;
    Ok(event)
}

/// The status of a ticket, locked for the rest of the transaction on PostgreSQL.
async fn status_for_update(
    connection: &mut AnyConnection,
    conversation_id: &str,
) -> Result<TicketStatus, WorkflowError> {
    // A no-op update takes the row lock on PostgreSQL (SQLite has one writer anyway).
    let row: Option<(String,)> =
        sqlx::query_as("UPDATE conversations SET status = status WHERE id = $1 RETURNING status")
            .bind(conversation_id)
            .fetch_optional(&mut *connection)
            .await?;
    let (status,) = row.ok_or(WorkflowError::NotFound)?;
    TicketStatus::parse(&status)
        .ok_or_else(|| WorkflowError::Store(StoreError::Corrupt(format!("status {status:?}"))))
}

/// The `ORDER BY` and the "after the cursor" condition of a sort order. Matches
/// [`InboxView::sort_key`]: the key ascending, then the id ascending. `$4` is the
/// cursor's column value (the activity key is the negated time).
fn order_of(sort: SortOrder) -> (&'static str, &'static str) {
    match sort {
        SortOrder::Activity => (
            "c.last_activity_at DESC, c.id",
            "(c.last_activity_at < $4 OR (c.last_activity_at = $4 AND c.id > $5))",
        ),
        SortOrder::Waiting => (
            "COALESCE(c.waiting_since, 9223372036854775807), c.id",
            "(COALESCE(c.waiting_since, 9223372036854775807) > $4
              OR (COALESCE(c.waiting_since, 9223372036854775807) = $4 AND c.id > $5))",
        ),
    }
}

impl Store {
    /// One page of a view for `agent_id`, with the agent's counts.
    pub async fn inbox_page(
        &self,
        agent_id: &str,
        view: &InboxView,
        after: Option<&PageCursor>,
    ) -> Result<InboxPage, StoreError> {
        let scope = match view.scope {
            Scope::Mine => "c.assignee_id = $1",
            Scope::Unassigned => "c.assignee_id IS NULL",
            Scope::All => "$1 = $1",
        };
        let (order, after_cursor) = order_of(view.sort);
        let cursor = if after.is_some() {
            after_cursor
        } else {
            "$4 = $4 AND $5 = $5"
        };
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "{SUMMARY_SELECT} WHERE c.status = $2 AND {scope} AND {cursor}
             ORDER BY {order} LIMIT $3"
        ))
        .bind(agent_id)
        .bind(view.status.as_str())
        .bind(PAGE_SIZE as i64 + 1)
        .bind(after.map_or(0, |cursor| match view.sort {
            SortOrder::Activity => -cursor.key,
            SortOrder::Waiting => cursor.key,
        }))
        .bind(after.map_or("", |cursor| cursor.id.as_str()))
        .fetch_all(&self.reader)
        .await?;
        let mut tickets = rows
            .into_iter()
            .map(TicketSummary::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if tickets.len() > PAGE_SIZE {
            tickets.truncate(PAGE_SIZE);
            tickets.last().map(|last| {
                let (key, id) = view.sort_key(last);
                PageCursor { key, id }
            })
        } else {
            None
        };
        // The first page brings the counts; later pages only more tickets.
        let counts = match after {
            None => self.view_counts(agent_id).await?,
            Some(_) => ViewCounts::default(),
        };
        Ok(InboxPage {
            tickets,
            counts,
            next,
            // Settings live above the store; the caller fills in the merchant's.
            waiting_alerts: Default::default(),
        })
    }

    /// The agent's counts per status and scope, their unread tickets, and the chats the
    /// AI agent is answering.
    pub async fn view_counts(&self, agent_id: &str) -> Result<ViewCounts, StoreError> {
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.status,
                CAST(SUM(CASE WHEN c.assignee_id = $1 THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END) AS BIGINT),
                CAST(COUNT(*) AS BIGINT),
                CAST(SUM(CASE WHEN c.last_shopper_seq > COALESCE(r.last_read_seq, 0)
                    THEN 1 ELSE 0 END) AS BIGINT)
             FROM conversations c
             LEFT JOIN ticket_reads r ON r.conversation_id = c.id AND r.agent_id = $1
             WHERE c.status IN ('open', 'snoozed', 'ai')
             GROUP BY c.status",
        )
        .bind(agent_id)
        .fetch_all(&self.reader)
        .await?;
        let mut counts = ViewCounts::default();
        for (status, mine, unassigned, all, unread) in rows {
            let scopes = protocol::inbox::ScopeCounts {
                mine,
                unassigned,
                all,
            };
            match status.as_str() {
                "open" => counts.open = scopes,
                "snoozed" => counts.snoozed = scopes,
                // Chats the AI agent answers stay quiet: counted, never unread.
                _ => {
                    counts.ai = all;
                    continue;
                }
            }
            counts.unread += unread;
        }
        Ok(counts)
    }

    /// The events of a ticket, oldest first.
    pub async fn ticket_events(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<TicketEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, conversation_id, actor_name, kind, at FROM ticket_events
             WHERE conversation_id = $1 ORDER BY at, id",
        )
        .bind(conversation_id)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(TicketEvent::try_from).collect()
    }

    /// One event by id (for other nodes, which receive only ids).
    pub async fn ticket_event(&self, id: &str) -> Result<Option<TicketEvent>, StoreError> {
        let row: Option<EventRow> = sqlx::query_as(
            "SELECT id, conversation_id, actor_name, kind, at FROM ticket_events WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(TicketEvent::try_from).transpose()
    }

    /// Assigns the ticket to `assignee_id` (an active team member), or unassigns it
    /// with `None`. `None` is returned when nothing changed.
    pub async fn assign_ticket(
        &self,
        conversation_id: &str,
        actor_name: &str,
        assignee_id: Option<&str>,
    ) -> Result<Option<TicketEvent>, WorkflowError> {
        let mut tx = self.writer.begin().await?;
        if status_for_update(&mut tx, conversation_id).await? == TicketStatus::Closed {
            return Err(WorkflowError::Closed);
        }
        let assignee_name = match assignee_id {
            Some(id) => {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT name FROM agents WHERE id = $1 AND deactivated_at IS NULL",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let (name,) = row.ok_or_else(|| {
                    WorkflowError::Invalid(
                        "That person is not an active member of the team.".into(),
                    )
                })?;
                Some(name)
            }
            None => None,
        };
        let changed = sqlx::query(
            "UPDATE conversations SET assignee_id = $1
             WHERE id = $2 AND ((assignee_id IS NULL AND $1 IS NOT NULL)
                OR (assignee_id IS NOT NULL AND $1 IS NULL) OR assignee_id <> $1)",
        )
        .bind(assignee_id)
        .bind(conversation_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let kind = match assignee_name {
            Some(assignee_name) => TicketEventKind::Assigned {
                assignee_name,
                by_reply: false,
            },
            None => TicketEventKind::Unassigned,
        };
        let event =
            record_event_in(&mut tx, conversation_id, Some(actor_name), kind, now_ms()).await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// Snoozes an open (or re-snoozes a snoozed) ticket until `until` (checked by the
    /// caller), and schedules the wake-up in the same transaction.
    pub async fn snooze_ticket(
        &self,
        conversation_id: &str,
        actor_name: &str,
        until: i64,
    ) -> Result<TicketEvent, WorkflowError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        if status_for_update(&mut tx, conversation_id).await? == TicketStatus::Closed {
            return Err(WorkflowError::Closed);
        }
        sqlx::query(
            "UPDATE conversations SET status = 'snoozed', snoozed_until = $1 WHERE id = $2",
        )
        .bind(until)
        .bind(conversation_id)
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::to_string(&WakeUp {
            conversation_id: conversation_id.to_owned(),
            until,
        })
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        super::jobs::enqueue_in(&mut tx, WAKE_TICKET_JOB, &payload, until).await?;
        let event = record_event_in(
            &mut tx,
            conversation_id,
            Some(actor_name),
            TicketEventKind::Snoozed { until },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Wakes a snoozed ticket: when its snooze `until` ran out (the job), or at once
    /// by an agent (`until` is `None`). `None` when it was not snoozed (any more), or
    /// was snoozed again to another time.
    pub async fn wake_ticket(
        &self,
        conversation_id: &str,
        actor_name: Option<&str>,
        until: Option<i64>,
    ) -> Result<Option<TicketEvent>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE conversations SET status = 'open', snoozed_until = NULL
             WHERE id = $1 AND status = 'snoozed' AND ($2 IS NULL OR snoozed_until = $2)",
        )
        .bind(conversation_id)
        .bind(until)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let event = record_event_in(
            &mut tx,
            conversation_id,
            actor_name,
            TicketEventKind::Woken { by_shopper: false },
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// Ends a conversation for good. `None` when it had already ended.
    pub async fn close_ticket(
        &self,
        conversation_id: &str,
        by: &Closer,
    ) -> Result<Option<TicketEvent>, WorkflowError> {
        let mut tx = self.writer.begin().await?;
        let owner: Option<(String, String)> =
            sqlx::query_as("SELECT customer_id, channel FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(&mut *tx)
                .await?;
        match (&owner, by) {
            (None, _) => return Err(WorkflowError::NotFound),
            // A shopper ends their own web chats only; an SMS ticket is the team's to close.
            (Some((owner, channel)), Closer::Shopper { customer_id })
                if owner != customer_id || channel != "chat" =>
            {
                return Err(WorkflowError::NotFound)
            }
            _ => {}
        }
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE conversations SET status = 'closed', closed_at = $1, waiting_since = NULL,
                snoozed_until = NULL
             WHERE id = $2 AND status <> 'closed'",
        )
        .bind(now)
        .bind(conversation_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let (actor, by_shopper) = match by {
            Closer::Agent { name } => (Some(name.as_str()), false),
            Closer::Shopper { .. } => (None, true),
        };
        let event = record_event_in(
            &mut tx,
            conversation_id,
            actor,
            TicketEventKind::Closed { by_shopper },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// Brings the unread dot back for this agent: read up to just before the latest
    /// shopper message.
    pub async fn mark_unread(
        &self,
        agent_id: &str,
        conversation_id: &str,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "INSERT INTO ticket_reads (agent_id, conversation_id, last_read_seq)
             SELECT $1, id, CASE WHEN last_shopper_seq > 0 THEN last_shopper_seq - 1 ELSE 0 END
             FROM conversations WHERE id = $2
             ON CONFLICT (agent_id, conversation_id) DO UPDATE
               SET last_read_seq = excluded.last_read_seq",
        )
        .bind(agent_id)
        .bind(conversation_id)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(changed > 0)
    }
}
