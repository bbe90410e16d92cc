-- The inbox workflow: waiting timers, snoozing, and the ticket events shown in threads.

-- Since when the shopper has waited for a reply (NULL: nobody is waiting).
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;
-- A snoozed ticket wakes up then (a `wake_ticket` job does it).
ALTER TABLE conversations ADD COLUMN snoozed_until BIGINT;
-- The inbox views, in their order (latest activity first, then id), so a first page
-- reads 50 index entries, not every open ticket. Every message moves its ticket in
-- these, and each index a message touches costs it write time (the bench showed it):
-- they replace the plain activity index, and the counts make do without one.
DROP INDEX conversations_by_activity;
CREATE INDEX conversations_by_status ON conversations (status, last_activity_at DESC, id);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id, status, last_activity_at DESC, id);

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
