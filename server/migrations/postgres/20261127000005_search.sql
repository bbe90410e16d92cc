-- Ticket search: full-text indexes over message bodies and customer names and emails.
-- Text is split on anything not a letter or digit before indexing (so an email address
-- is searchable by its parts), the same rule as SQLite's unicode61 tokenizer and the
-- query builder. Queries must repeat these expressions exactly to use the indexes.

CREATE INDEX messages_body_search ON messages
    USING GIN (to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g')));
CREATE INDEX messages_by_time ON messages (created_at);
CREATE INDEX customers_search ON customers
    USING GIN (to_tsvector('simple', regexp_replace(name || ' ' || email, '[^[:alnum:]]+', ' ', 'g')));
