-- Shopper profiles (the helpdesk's sidebar) and their event history, and the agents'
-- reply macros.

ALTER TABLE customers ADD COLUMN phone TEXT;
-- "Lisbon, Portugal": as the store knows it.
ALTER TABLE customers ADD COLUMN location TEXT;
-- When the shopper became the store's customer (the store's date, not ours).
ALTER TABLE customers ADD COLUMN customer_since BIGINT;
ALTER TABLE customers ADD COLUMN orders_count BIGINT NOT NULL DEFAULT 0;
-- In the currency's minor unit (cents).
ALTER TABLE customers ADD COLUMN total_spent_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE customers ADD COLUMN last_order_number TEXT;

-- What the shopper did: placed and fulfilled orders, emails received and opened ...
CREATE TABLE profile_events (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    -- "Placed Order", "Received Email", ...
    metric TEXT NOT NULL,
    -- The sentence the timeline shows ("Placed order #1001, 2 items, $84.00").
    summary TEXT NOT NULL,
    -- The event's own fields, as JSON.
    properties TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    -- Where it came from: 'shopify', 'api', 'demo'.
    source TEXT NOT NULL,
    -- The sender's id for the event: the same id twice records it once.
    unique_id TEXT UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX profile_events_timeline ON profile_events (customer_id, occurred_at DESC, id DESC);

-- Canned replies with {{variables}} filled from the shopper's profile.
CREATE TABLE macros (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
