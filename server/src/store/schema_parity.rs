//! The SQLite and PostgreSQL migrations must build the same schema: the same tables,
//! columns and indexes, except for the full-text search each does its own way. Nothing
//! else compares the two migration folders, so a column added to one only would pass
//! every test of the other backend.
//!
//! Runs in the PostgreSQL pass of `scripts/test` (it needs `SHOPDESK_TEST_PG_URL`).

use std::collections::BTreeSet;

use super::{create_scratch_database, Store};

/// Where the backends differ on purpose: SQLite's FTS5 tables and their progress row,
/// PostgreSQL's stored `tsvector` columns and their GIN and indexing-order indexes.
const SQLITE_ONLY: &[&str] = &[
    "table customers_fts",
    "table messages_fts",
    "table search_progress",
    "column search_progress.name",
    "column search_progress.last_rowid",
];
const POSTGRES_ONLY: &[&str] = &[
    "column customers.search_vector",
    "column messages.search_vector",
    "index customers_search",
    "index messages_search",
    "index messages_by_time",
    "index messages_unindexed",
];

/// "table t", "column t.c" and "index i" for everything the SQLite migrations made.
async fn sqlite_schema(store: &Store) -> BTreeSet<String> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx_%'",
    )
    .fetch_all(&store.reader)
    .await
    .expect("tables");
    let mut schema = BTreeSet::new();
    for (table,) in tables {
        // FTS5 keeps each index in shadow tables named after it.
        if ["_data", "_idx", "_content", "_docsize", "_config"]
            .iter()
            .any(|shadow| table.ends_with(shadow) && table.contains("_fts"))
        {
            continue;
        }
        // An FTS5 table's columns are its index's, not the schema's.
        if !table.ends_with("_fts") {
            let columns: Vec<(String,)> =
                sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&store.reader)
                    .await
                    .expect("columns");
            schema.extend(
                columns
                    .into_iter()
                    .map(|(c,)| format!("column {table}.{c}")),
            );
        }
        schema.insert(format!("table {table}"));
    }
    let indexes: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .fetch_all(&store.reader)
    .await
    .expect("indexes");
    schema.extend(indexes.into_iter().map(|(i,)| format!("index {i}")));
    schema
}

/// The same for PostgreSQL (primary keys and unique constraints make indexes there that
/// SQLite names `sqlite_autoindex_…`: those are left out on both sides).
async fn postgres_schema(store: &Store) -> BTreeSet<String> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c \
         JOIN information_schema.tables t USING (table_schema, table_name) \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
         AND c.table_name NOT LIKE '_sqlx_%'",
    )
    .fetch_all(&store.reader)
    .await
    .expect("columns");
    let mut schema = BTreeSet::new();
    for (table, column) in columns {
        schema.insert(format!("table {table}"));
        schema.insert(format!("column {table}.{column}"));
    }
    let indexes: Vec<(String,)> = sqlx::query_as(
        "SELECT i.indexname::text FROM pg_indexes i WHERE i.schemaname = 'public' \
         AND i.tablename NOT LIKE '_sqlx_%' AND NOT EXISTS ( \
             SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.contype IN ('p', 'u'))",
    )
    .fetch_all(&store.reader)
    .await
    .expect("indexes");
    schema.extend(indexes.into_iter().map(|(i,)| format!("index {i}")));
    schema
}

#[tokio::test]
async fn both_backends_build_the_same_tables_columns_and_indexes() {
    let Ok(admin_url) = std::env::var("SHOPDESK_TEST_PG_URL") else {
        eprintln!("skipped: SHOPDESK_TEST_PG_URL is not set (the PostgreSQL pass runs it)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = Store::open(dir.path()).await.expect("sqlite");
    let url = create_scratch_database(&admin_url).await.expect("scratch");
    let postgres = Store::connect(&url).await.expect("postgres");

    let mut on_sqlite = sqlite_schema(&sqlite).await;
    let mut on_postgres = postgres_schema(&postgres).await;
    for only in SQLITE_ONLY {
        assert!(
            on_sqlite.remove(*only),
            "{only} is no longer in SQLite: update SQLITE_ONLY"
        );
    }
    for only in POSTGRES_ONLY {
        assert!(
            on_postgres.remove(*only),
            "{only} is no longer in PostgreSQL: update POSTGRES_ONLY"
        );
    }
    let missing_on_postgres: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let missing_on_sqlite: Vec<_> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        missing_on_postgres.is_empty() && missing_on_sqlite.is_empty(),
        "the migrations differ:\n  only in SQLite: {missing_on_postgres:?}\n  only in PostgreSQL: {missing_on_sqlite:?}"
    );
    assert!(
        on_sqlite.len() > 50,
        "a schema was read: {}",
        on_sqlite.len()
    );
}
