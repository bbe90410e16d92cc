-- SMS tickets: at most one open SMS ticket per profile (beside its web chat), the
-- profile's opt-out (STOP), and each SMS message's provider id and delivery state.
CREATE UNIQUE INDEX one_open_sms_per_customer ON conversations (customer_id)
    WHERE channel = 'sms' AND status <> 'closed';
ALTER TABLE customers ADD COLUMN sms_opted_out_at BIGINT;
-- 'queued', 'sent', 'delivered', 'undelivered', 'failed'; NULL for web chat.
ALTER TABLE messages ADD COLUMN delivery_status TEXT;
ALTER TABLE messages ADD COLUMN provider_id TEXT;
CREATE UNIQUE INDEX messages_by_provider_id ON messages (provider_id) WHERE provider_id IS NOT NULL;
