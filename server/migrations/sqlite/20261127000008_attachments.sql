-- Images sent in messages. The bytes live in the database (one place to back up, and
-- every node can serve them); messages keep a JSON copy of their images' metadata so
-- threads load without a join.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    -- Who uploaded it ('shopper:<customer id>' or 'agent:<agent id>'): only they can
    -- send it, once.
    owner_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    message_id TEXT REFERENCES messages (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_unsent ON attachments (owner_key, message_id);
ALTER TABLE messages ADD COLUMN attachments TEXT;
