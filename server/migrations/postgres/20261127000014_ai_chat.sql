-- The AI agent in the web chat (see the SQLite migration for what each column holds).
ALTER TABLE conversations DROP CONSTRAINT conversations_status_check;
ALTER TABLE conversations ADD CONSTRAINT conversations_status_check
    CHECK (status IN ('ai', 'open', 'snoozed', 'closed'));
ALTER TABLE conversations ADD COLUMN ai_unhelpful BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN external_ticket TEXT;

ALTER TABLE messages ADD COLUMN ai_source TEXT;
ALTER TABLE messages ADD COLUMN ai_helpful BIGINT;

ALTER TABLE shop ADD COLUMN ai_agent TEXT;
