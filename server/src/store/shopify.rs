//! Shopify webhook deliveries: each is recorded once by its `X-Shopify-Webhook-Id` and
//! queued as a `shopify_webhook` job in the same transaction, so the receiver can answer
//! at once and a delivery Shopify repeats changes nothing.

use serde::{Deserialize, Serialize};

use super::{jobs::enqueue_in, Store, StoreError};
use crate::ids::now_ms;

/// The job that processes a delivery (see `crate::shopify::process`).
pub const SHOPIFY_WEBHOOK_JOB: &str = "shopify_webhook";

/// A verified delivery, as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopifyDelivery {
    pub webhook_id: String,
    pub topic: String,
    /// The raw JSON body Shopify signed.
    pub body: String,
}

impl Store {
    /// Records `delivery` and queues its processing; `false` when this webhook id was
    /// seen before (and nothing changed).
    pub async fn accept_shopify_webhook(
        &self,
        delivery: &ShopifyDelivery,
    ) -> Result<bool, StoreError> {
        let payload = serde_json::to_string(delivery)
            .map_err(|error| StoreError::Corrupt(format!("webhook payload: {error}")))?;
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO shopify_webhooks (webhook_id, topic, received_at) VALUES ($1, $2, $3)
             ON CONFLICT (webhook_id) DO NOTHING",
        )
        .bind(&delivery.webhook_id)
        .bind(&delivery.topic)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            enqueue_in(&mut tx, SHOPIFY_WEBHOOK_JOB, &payload, now).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    /// How many jobs of `kind` are not finished yet.
    pub async fn unfinished_jobs(&self, kind: &str) -> Result<i64, StoreError> {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND finished_at IS NULL")
                .bind(kind)
                .fetch_one(&self.reader)
                .await?;
        Ok(count)
    }
}
