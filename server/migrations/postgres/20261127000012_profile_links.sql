-- Agents' decisions about two profiles that share an email or phone: the same person
-- ('linked': each shows the other's tickets and history) or not ('dismissed': no longer
-- suggested). Kept in both directions; deleting the pair undoes the decision. Profiles
-- are never merged: each shopper still reaches only their own conversations.
CREATE TABLE profile_links (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    other_id TEXT NOT NULL REFERENCES customers (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('linked', 'dismissed')),
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (customer_id, other_id)
);
