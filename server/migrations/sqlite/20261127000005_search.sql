-- Ticket search: full-text indexes over message bodies and customer names and emails.
-- FTS5 external-content tables (the text lives once, in the real tables), kept in step
-- by triggers. The default unicode61 tokenizer splits on anything not a letter or digit,
-- the same rule the PostgreSQL indexes and the query builder use.

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content = 'messages', content_rowid = 'rowid');
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
END;

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
