//! Persistence: the one place that owns the database and its tables.
//!
//! SQLite in WAL mode with `synchronous=FULL`, so a committed message survives a crash
//! or power loss before we acknowledge it. All writes go through a pool of exactly one
//! connection: SQLite allows one writer at a time anyway, and a single writer never
//! meets `SQLITE_BUSY` from a deferred transaction upgrading to a write. Reads use their
//! own small pool and run beside the writer thanks to WAL.
//!
//! The SQL is written for PostgreSQL too (`$1` placeholders, epoch-millisecond
//! integers, text ids). Each submodule owns a group of tables.

mod agents;
mod customers;
mod shop;
mod tickets;

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use agents::{AgentRecord, LoginError, SESSION_TTL_MS};
pub use customers::CustomerRecord;
pub use shop::ShopRecord;
pub use tickets::{AppendError, Appended, NewMessage, Sender};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("password hashing failed")]
    PasswordHash,
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// Handle to the database; cheap to clone (two pools inside).
#[derive(Clone, Debug)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) `data_dir/shopdesk.db` and applies migrations.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(data_dir.join("shopdesk.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Store { writer, reader })
    }

    /// Closes both pools, waiting for queries in flight.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;

    /// A fresh store in its own temporary directory (kept alive by the returned guard).
    pub async fn temp_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).await.expect("store opens");
        (store, dir)
    }
}
