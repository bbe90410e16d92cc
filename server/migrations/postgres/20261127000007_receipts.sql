-- Read receipts: how far the shopper's widget has received, and seen, the conversation.
ALTER TABLE conversations ADD COLUMN shopper_delivered_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN shopper_seen_seq BIGINT NOT NULL DEFAULT 0;
