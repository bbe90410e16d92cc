-- Merchant settings, FAQs, team invites, and the background job queue.
-- The same statements on both backends (flags are BIGINT 0/1, as portable SQL).

-- Settings sections, each a JSON document saved whole by its Settings page;
-- NULL until first saved (the defaults apply). settings_version counts changes.
ALTER TABLE shop ADD COLUMN web_chat TEXT;
ALTER TABLE shop ADD COLUMN general TEXT;
ALTER TABLE shop ADD COLUMN business_hours TEXT;
ALTER TABLE shop ADD COLUMN previous_identity_secret TEXT;
ALTER TABLE shop ADD COLUMN previous_secret_expires_at BIGINT;
ALTER TABLE shop ADD COLUMN secret_rotated_at BIGINT;
ALTER TABLE shop ADD COLUMN settings_version BIGINT NOT NULL DEFAULT 0;

ALTER TABLE agents ADD COLUMN deactivated_at BIGINT;
ALTER TABLE agents ADD COLUMN notify_new_tickets BIGINT NOT NULL DEFAULT 0;

-- Away messages say when the team is back.
ALTER TABLE messages ADD COLUMN back_at BIGINT;

CREATE TABLE faqs (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    published BIGINT NOT NULL,
    position BIGINT NOT NULL,
    opened_count BIGINT NOT NULL DEFAULT 0,
    still_needed_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Invitations to join the team; only a hash of the link's token is stored.
CREATE TABLE agent_invites (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    invited_by TEXT NOT NULL REFERENCES agents (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);

-- Background work (notification emails, ...). A node claims a due job by leasing it
-- (locked_until); exactly one node holds a lease at a time.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    last_error TEXT,
    finished_at BIGINT,
    outcome TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE finished_at IS NULL;

-- Which recipients a notification job already reached, so a retry skips them.
CREATE TABLE email_sends (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    recipient TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, recipient)
);
