-- The inbox workflow: waiting timers, snoozing, and the ticket events shown in threads.

-- Since when the shopper has waited for a reply (NULL: nobody is waiting).
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;
-- A snoozed ticket wakes up then (a `wake_ticket` job does it).
ALTER TABLE conversations ADD COLUMN snoozed_until BIGINT;
CREATE INDEX conversations_by_view ON conversations (status, assignee_id, last_activity_at DESC);
CREATE INDEX conversations_by_waiting ON conversations (status, waiting_since);

-- Assignments, snoozes, wake-ups and closings, for the agents' view of a thread.
CREATE TABLE ticket_events (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    actor_name TEXT,
    -- The event as JSON (protocol::inbox::TicketEventKind).
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ticket_events_by_conversation ON ticket_events (conversation_id, at);
