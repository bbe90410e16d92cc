-- Ticket search: full-text indexes over message bodies and customer names and emails.
-- FTS5 external-content tables: the text lives once, in the real tables. The default
-- unicode61 tokenizer splits on anything not a letter or digit, the same rule the
-- PostgreSQL indexes and the query builder use.
--
-- Messages are indexed by a background task, in batches, after they are stored (the
-- `search_progress` row says how far), so indexing never slows a message down. Messages
-- are never edited or deleted; if they ever are, the index must follow them.
CREATE VIRTUAL TABLE messages_fts USING fts5(body, content = 'messages', content_rowid = 'rowid');
CREATE TABLE search_progress (
    name TEXT PRIMARY KEY,
    last_rowid BIGINT NOT NULL
);
INSERT INTO search_progress (name, last_rowid) VALUES ('messages', 0);

-- Customers change rarely: triggers keep their index in step.
CREATE VIRTUAL TABLE customers_fts USING fts5(name, email, content = 'customers', content_rowid = 'rowid');
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, email ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO customers_fts (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
