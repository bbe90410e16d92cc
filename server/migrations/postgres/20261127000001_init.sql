-- The walking skeleton's schema, PostgreSQL edition: the same tables, columns and
-- constraints as migrations/sqlite, so one set of SQL serves both backends.

-- The shop this server serves (one row).
CREATE TABLE shop (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    welcome_message TEXT NOT NULL,
    identity_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    created_at BIGINT NOT NULL
);

-- Agent log-in sessions; only a hash of the cookie's token is stored.
CREATE TABLE agent_sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Shoppers, keyed by the store's customer id.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Widget bearer tokens; only a hash is stored.
CREATE TABLE widget_sessions (
    token_hash TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Tickets. A conversation is one ticket; `last_seq` numbers its messages.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('chat', 'sms')),
    status TEXT NOT NULL CHECK (status IN ('open', 'snoozed', 'closed')),
    assignee_id TEXT REFERENCES agents (id),
    preview TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    last_shopper_seq BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX conversations_by_activity ON conversations (last_activity_at DESC);
CREATE INDEX conversations_by_customer ON conversations (customer_id, status);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq BIGINT NOT NULL,
    -- 'shopper:<customer id>' or 'agent:<agent id>': who may re-send this client id.
    sender_key TEXT NOT NULL,
    client_id TEXT NOT NULL,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('shopper', 'agent', 'system')),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (sender_key, client_id)
);

-- How far each agent has read each ticket (the unread dot).
CREATE TABLE ticket_reads (
    agent_id TEXT NOT NULL REFERENCES agents (id),
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    last_read_seq BIGINT NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);
