//! The shopper's own history for the Customer Hub: their ended chats and their orders.
//! Every query is scoped to the customer the widget token belongs to.

use protocol::{
    hub::{PastChat, ShopperOrder, ORDERS_SHOWN, PAST_CHATS_SHOWN},
    ConversationView, TicketStatus,
};
use serde::Deserialize;

use super::{Store, StoreError};

/// The fields of a "Placed Order" event the drawer shows.
#[derive(Deserialize)]
struct OrderProperties {
    order_number: String,
    #[serde(default)]
    items: i64,
    total_minor: i64,
    currency: String,
}

impl Store {
    /// The customer's ended chats, the latest first.
    pub async fn past_chats_of(&self, customer_id: &str) -> Result<Vec<PastChat>, StoreError> {
        let rows: Vec<(String, i64, Option<i64>, i64, String, i64)> = sqlx::query_as(
            "SELECT id, created_at, closed_at, last_activity_at, preview, last_seq
             FROM conversations
             WHERE customer_id = $1 AND channel = 'chat' AND status = 'closed'
             ORDER BY last_activity_at DESC, id DESC LIMIT $2",
        )
        .bind(customer_id)
        .bind(PAST_CHATS_SHOWN as i64)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, started_at, closed_at, last_activity_at, preview, last_seq)| PastChat {
                    id,
                    started_at,
                    ended_at: closed_at.unwrap_or(last_activity_at),
                    preview,
                    message_count: last_seq,
                },
            )
            .collect())
    }

    /// One of the customer's ended chats with its messages; `None` when it is not
    /// theirs, not a chat, or not ended (the open one comes with the session).
    pub async fn past_chat_of(
        &self,
        customer_id: &str,
        conversation_id: &str,
    ) -> Result<Option<ConversationView>, StoreError> {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM conversations
             WHERE id = $1 AND customer_id = $2 AND channel = 'chat' AND status = 'closed'",
        )
        .bind(conversation_id)
        .bind(customer_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some((id,)) = found else {
            return Ok(None);
        };
        let messages = self.messages_after(&id, 0).await?;
        Ok(Some(ConversationView {
            id,
            status: TicketStatus::Closed,
            messages,
        }))
    }

    /// The customer's latest orders, from their profile's "Placed Order" events.
    pub async fn orders_of(&self, customer_id: &str) -> Result<Vec<ShopperOrder>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT properties, occurred_at FROM profile_events
             WHERE customer_id = $1 AND metric = 'Placed Order'
             ORDER BY occurred_at DESC, id DESC LIMIT $2",
        )
        .bind(customer_id)
        .bind(ORDERS_SHOWN as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(properties, placed_at)| {
                let order: OrderProperties = serde_json::from_str(&properties)
                    .map_err(|error| StoreError::Corrupt(format!("order event: {error}")))?;
                Ok(ShopperOrder {
                    number: order.order_number,
                    placed_at,
                    items: order.items,
                    total_minor: order.total_minor,
                    currency: order.currency,
                })
            })
            .collect()
    }
}
