-- Shopify webhooks seen, by their X-Shopify-Webhook-Id: a delivery Shopify repeats is
-- processed once. The payload itself travels in the `shopify_webhook` job.
CREATE TABLE shopify_webhooks (
    webhook_id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
