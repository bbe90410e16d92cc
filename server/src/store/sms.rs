//! SMS tickets in the store: the open SMS ticket of a profile, the profile's opt-out,
//! and each outgoing SMS's provider id and delivery state. Agent replies on SMS tickets
//! are queued (`sms_send` job) in the reply's own transaction (see `tickets::append_in`).

use sqlx::AnyConnection;

use super::{jobs::enqueue_in, Store, StoreError, NEW_TICKET_JOB};
use crate::ids::{new_id, now_ms};

/// The job that sends an agent's SMS reply; its payload is the message id.
pub const SMS_SEND_JOB: &str = "sms_send";

/// An agent's reply to send by SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    pub message_id: String,
    pub conversation_id: String,
    pub to: String,
    pub body: String,
    pub opted_out: bool,
    /// Set once the provider took it.
    pub provider_id: Option<String>,
}

/// How far an SMS got, in order: a later callback never moves it back.
fn status_rank(status: &str) -> Option<u8> {
    match status {
        "queued" | "accepted" | "scheduled" => Some(0),
        "sending" => Some(1),
        "sent" => Some(2),
        "delivered" | "undelivered" | "failed" => Some(3),
        _ => None,
    }
}

pub(super) async fn opted_out_in(
    connection: &mut AnyConnection,
    customer_id: &str,
) -> Result<bool, sqlx::Error> {
    let (opted_out,): (Option<i64>,) =
        sqlx::query_as("SELECT sms_opted_out_at FROM customers WHERE id = $1")
            .bind(customer_id)
            .fetch_one(&mut *connection)
            .await?;
    Ok(opted_out.is_some())
}

pub(super) async fn queue_send_in(
    connection: &mut AnyConnection,
    message_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET delivery_status = 'queued' WHERE id = $1")
        .bind(message_id)
        .execute(&mut *connection)
        .await?;
    enqueue_in(connection, SMS_SEND_JOB, message_id, now).await?;
    Ok(())
}

impl Store {
    /// The profile an SMS from `phone` belongs to: the one profile with that phone, or
    /// one keyed by the number (created). Several profiles with the number: the
    /// number's own profile, never a guess between them.
    pub async fn profile_for_phone(&self, phone: &str) -> Result<String, StoreError> {
        let found: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM customers WHERE phone = $1 ORDER BY created_at LIMIT 2")
                .bind(phone)
                .fetch_all(&self.reader)
                .await?;
        if let [(id,)] = found.as_slice() {
            return Ok(id.clone());
        }
        self.keyed_profile(&format!("phone:{phone}"), phone, "", Some(phone))
            .await
    }

    /// The profile's open SMS ticket, opened (and announced by the new-ticket job) when
    /// there is none; `true` when it was just opened.
    pub async fn open_sms_ticket(&self, customer_id: &str) -> Result<(String, bool), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let id = new_id();
        // The one-open-SMS-ticket index makes a concurrent opener's insert a no-op.
        let inserted = sqlx::query(
            "INSERT INTO conversations (id, customer_id, channel, status, assignee_id,
                preview, last_seq, last_shopper_seq, last_activity_at, created_at)
             SELECT $1, $2, 'sms', 'open', NULL, '', 0, 0, $3, $3
             WHERE NOT EXISTS (SELECT 1 FROM conversations
                               WHERE customer_id = $2 AND channel = 'sms' AND status <> 'closed')
             ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(customer_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            enqueue_in(&mut tx, NEW_TICKET_JOB, &id, now).await?;
        }
        let (open,): (String,) = sqlx::query_as(
            "SELECT id FROM conversations
             WHERE customer_id = $1 AND channel = 'sms' AND status <> 'closed'",
        )
        .bind(customer_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((open, inserted))
    }

    /// Records a STOP (`true`) or START (`false`) from the profile's phone.
    pub async fn set_sms_opt_out(
        &self,
        customer_id: &str,
        opted_out: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE customers SET sms_opted_out_at = $1, updated_at = $2 WHERE id = $3")
            .bind(opted_out.then(now_ms))
            .bind(now_ms())
            .bind(customer_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub async fn outgoing_sms(&self, message_id: &str) -> Result<Option<OutgoingSms>, StoreError> {
        type Row = (
            String,
            String,
            Option<String>,
            String,
            Option<i64>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT m.id, m.conversation_id, c.phone, m.body, c.sms_opted_out_at, m.provider_id
                 FROM messages m
                 JOIN conversations t ON t.id = m.conversation_id
                 JOIN customers c ON c.id = t.customer_id
                 WHERE m.id = $1 AND t.channel = 'sms'",
        )
        .bind(message_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.and_then(
            |(message_id, conversation_id, phone, body, opted_out_at, provider_id)| {
                Some(OutgoingSms {
                    message_id,
                    conversation_id,
                    to: phone?,
                    body,
                    opted_out: opted_out_at.is_some(),
                    provider_id,
                })
            },
        ))
    }

    /// Notes how an SMS reply went: the provider's id once it took it, and the state.
    pub async fn record_sms_sent(
        &self,
        message_id: &str,
        provider_id: Option<&str>,
        status: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE messages SET provider_id = COALESCE($1, provider_id), delivery_status = $2
             WHERE id = $3",
        )
        .bind(provider_id)
        .bind(status)
        .bind(message_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A provider's status callback: moves the message's state forward (never back);
    /// returns the message id when it changed.
    pub async fn record_sms_status(
        &self,
        provider_id: &str,
        status: &str,
    ) -> Result<Option<String>, StoreError> {
        let Some(rank) = status_rank(status) else {
            return Ok(None);
        };
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT id, delivery_status FROM messages WHERE provider_id = $1")
                .bind(provider_id)
                .fetch_optional(&self.reader)
                .await?;
        let Some((message_id, current)) = row else {
            return Ok(None);
        };
        if current
            .as_deref()
            .and_then(status_rank)
            .is_some_and(|held| held >= rank)
        {
            return Ok(None);
        }
        self.record_sms_sent(&message_id, None, status).await?;
        Ok(Some(message_id))
    }

    /// A message's SMS delivery state (`None` for web chat).
    pub async fn delivery_status(&self, message_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT delivery_status FROM messages WHERE id = $1")
                .bind(message_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.and_then(|(status,)| status))
    }
}

#[cfg(test)]
mod tests {
    use super::status_rank;

    #[test]
    fn states_only_move_forward() {
        assert!(status_rank("sent") > status_rank("queued"));
        assert!(status_rank("delivered") > status_rank("sent"));
        assert_eq!(status_rank("delivered"), status_rank("failed"));
        assert_eq!(status_rank("made-up"), None);
    }
}
