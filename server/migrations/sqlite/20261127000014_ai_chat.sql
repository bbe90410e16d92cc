-- The AI agent in the web chat.
--
-- A ticket the AI agent is still answering has status 'ai' (the team sees it only in
-- the AI view until it hands off). SQLite cannot change a CHECK constraint in place, so
-- the table is rebuilt as its documentation says: a new table, the rows copied, the old
-- one dropped, the new one renamed. Migrations run with foreign keys off for this (see
-- `Store::open`), and are checked after.
CREATE TABLE conversations_new (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('chat', 'sms')),
    status TEXT NOT NULL CHECK (status IN ('ai', 'open', 'snoozed', 'closed')),
    assignee_id TEXT REFERENCES agents (id),
    preview TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    last_shopper_seq BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    waiting_since BIGINT,
    snoozed_until BIGINT,
    shopper_delivered_seq BIGINT NOT NULL DEFAULT 0,
    shopper_seen_seq BIGINT NOT NULL DEFAULT 0,
    -- "No, that didn't help" answers since the shopper's last "Yes".
    ai_unhelpful BIGINT NOT NULL DEFAULT 0,
    -- Where the AI agent handed off to another helpdesk: 'Zendesk 123', 'Gorgias 456'.
    external_ticket TEXT
);
INSERT INTO conversations_new (id, customer_id, channel, status, assignee_id, preview, last_seq,
        last_shopper_seq, last_activity_at, created_at, closed_at, waiting_since, snoozed_until,
        shopper_delivered_seq, shopper_seen_seq)
    SELECT id, customer_id, channel, status, assignee_id, preview, last_seq,
        last_shopper_seq, last_activity_at, created_at, closed_at, waiting_since, snoozed_until,
        shopper_delivered_seq, shopper_seen_seq
    FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_new RENAME TO conversations;
CREATE INDEX conversations_by_customer ON conversations (customer_id, status);
CREATE UNIQUE INDEX one_open_chat_per_customer ON conversations (customer_id)
    WHERE channel = 'chat' AND status <> 'closed';
CREATE UNIQUE INDEX one_open_sms_per_customer ON conversations (customer_id)
    WHERE channel = 'sms' AND status <> 'closed';
CREATE INDEX conversations_by_status ON conversations (status, last_activity_at DESC, id);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id, status, last_activity_at DESC, id);

-- An AI answer is stored as an automated ('system') message with its source set (the
-- author_kind CHECK predates the AI agent), and the shopper's verdict: 1 helped, 0 not.
ALTER TABLE messages ADD COLUMN ai_source TEXT;
ALTER TABLE messages ADD COLUMN ai_helpful BIGINT;

-- Settings → AI agent (JSON, like the other sections).
ALTER TABLE shop ADD COLUMN ai_agent TEXT;
