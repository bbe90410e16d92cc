//! A ticket as the inbox lists it: the one query and row every list reads (views,
//! search results, a profile's other tickets, a single ticket).

use protocol::{Channel, TicketStatus, TicketSummary};

use super::StoreError;

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    id: String,
    customer_name: String,
    customer_email: String,
    details_verified: i64,
    channel: String,
    status: String,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    preview: String,
    last_activity_at: i64,
    last_seq: i64,
    last_shopper_seq: i64,
    read_seq: Option<i64>,
    waiting_since: Option<i64>,
    snoozed_until: Option<i64>,
    shopper_delivered_seq: i64,
    shopper_seen_seq: i64,
}

impl TryFrom<SummaryRow> for TicketSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(TicketSummary {
            channel: Channel::parse(&row.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("channel {:?}", row.channel)))?,
            status: TicketStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {:?}", row.status)))?,
            id: row.id,
            customer_name: row.customer_name,
            customer_email: row.customer_email,
            customer_verified: row.details_verified != 0,
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name,
            preview: row.preview,
            last_activity_at: row.last_activity_at,
            last_seq: row.last_seq,
            last_shopper_seq: row.last_shopper_seq,
            read_seq: row.read_seq,
            waiting_since: row.waiting_since,
            snoozed_until: row.snoozed_until,
            shopper_delivered_seq: row.shopper_delivered_seq,
            shopper_seen_seq: row.shopper_seen_seq,
        })
    }
}

/// `$1` is the agent whose read state is wanted ('' for none).
pub(super) const SUMMARY_SELECT: &str =
    "SELECT c.id, cu.name AS customer_name, cu.email AS customer_email, cu.details_verified,
        c.channel, c.status, c.assignee_id, a.name AS assignee_name, c.preview,
        c.last_activity_at, c.last_seq, c.last_shopper_seq, r.last_read_seq AS read_seq,
        c.waiting_since, c.snoozed_until, c.shopper_delivered_seq, c.shopper_seen_seq
     FROM conversations c
     JOIN customers cu ON cu.id = c.customer_id
     LEFT JOIN agents a ON a.id = c.assignee_id
     LEFT JOIN ticket_reads r ON r.conversation_id = c.id AND r.agent_id = $1";
