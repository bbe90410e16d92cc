-- Ticket search: full-text vectors of message bodies and of customer names and emails,
-- indexed with GIN. Text is split on anything not a letter or digit first (so an email
-- address is searchable by its parts), the same rule as SQLite's unicode61 tokenizer
-- and the query builder. Stored vectors also give the planner word statistics (after
-- ANALYZE), so it can choose between the GIN index (rare words) and the newest-first
-- time index (common words).
--
-- A message's vector is filled by a background task, in batches, after the message is
-- stored (any node may do it: rows are claimed with SKIP LOCKED), so indexing never
-- slows a message down.
ALTER TABLE messages ADD COLUMN search_vector tsvector;
CREATE INDEX messages_search ON messages USING GIN (search_vector);
CREATE INDEX messages_by_time ON messages (created_at);
CREATE INDEX messages_unindexed ON messages (created_at) WHERE search_vector IS NULL;

-- Customers change rarely: the database keeps their vector.
ALTER TABLE customers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
    (to_tsvector('simple', regexp_replace(name || ' ' || email, '[^[:alnum:]]+', ' ', 'g'))) STORED;
CREATE INDEX customers_search ON customers USING GIN (search_vector);
