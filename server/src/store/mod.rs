//! Persistence: the one place that owns the database and its tables.
//!
//! Two backends behind one set of SQL, through sqlx's `Any` driver:
//! - **SQLite** (default, embedded): WAL mode with `synchronous=FULL`, so a committed
//!   message survives a crash or power loss before we acknowledge it. All writes go
//!   through a pool of exactly one connection: SQLite allows one writer at a time
//!   anyway, and a single writer never meets `SQLITE_BUSY` from a deferred transaction
//!   upgrading to a write. Reads use their own small read-only pool beside it (WAL).
//! - **PostgreSQL** (`DATABASE_URL=postgres://...`, for several nodes): one pool for
//!   reads and writes; concurrent writers are serialised per conversation by row locks
//!   (see `tickets.rs`).
//!
//! The SQL is portable: `$1` placeholders, epoch-millisecond `BIGINT`s, text ids, `CASE`
//! instead of two-argument `MIN`/`MAX`, `ON CONFLICT` upserts, `RETURNING`. Each backend
//! has its own add-only migrations (`migrations/sqlite`, `migrations/postgres`) that
//! build the same schema. Each submodule owns a group of tables.

mod agents;
mod ai_chat;
mod api_keys;
mod attachments;
mod customers;
mod faqs;
mod hub;
mod jobs;
mod knowledge;
mod links;
mod macros;
mod profiles;
#[cfg(test)]
mod schema_parity;
mod search;
mod shop;
mod shopify;
mod sms;
mod summaries;
mod team;
mod tickets;
mod workflow;
mod writer;

use std::{path::Path, time::Duration};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
    AnyPool, ConnectOptions, Executor,
};

pub use agents::{AgentRecord, LoginError, SESSION_TTL_MS};
pub use ai_chat::{ExternalHandoff, Feedback, FeedbackError, HandedOff, HandoffTo, AI_HANDOFF_JOB};
pub use customers::{fallback_name, CustomerRecord};
pub use faqs::FaqError;
pub use jobs::{Job, JobState};
pub use knowledge::KnowledgeError;
pub use links::Verdict;
pub use macros::MacroError;
pub use profiles::{
    NewProfileEvent, PlacedOrder, ProfileDetails, ProfileIdentifiers, ProfileLookupError,
};
pub use search::{SearchError, SEARCH_RESULTS};
pub use shop::{Section, ShopRecord};
pub use shopify::{ShopifyDelivery, SHOPIFY_WEBHOOK_JOB};
pub use sms::{OutgoingSms, SMS_SEND_JOB};
pub use team::{InviteRecord, TeamError, INVITE_TTL_MS};
pub use tickets::{
    AppendError, Appended, NewMessage, Sender, AI_REPLY_GRACE_MS, AI_REPLY_JOB, NEW_TICKET_JOB,
};
pub use workflow::{Closer, WakeUp, WorkflowError, WAKE_TICKET_JOB};

/// Which database engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

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
    #[error("the database writer has stopped")]
    WriterStopped,
    #[error("the batch holding this message failed: {0}")]
    Batch(String),
}

/// Handle to the database; cheap to clone (pools inside).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
    /// SQLite only: messages are stored by one task that batches commits.
    group_commit: Option<writer::GroupCommit>,
}

/// The schema, per backend, embedded once in the binary.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Connections one node writes through on PostgreSQL. More concurrent writers than
/// the database has cores to run them only adds waiting: on the 2-core bench machine
/// (database, server and load on the same cores) 4 gave a delivery p99 of 6.6–8.8x the
/// floor in three runs, 8 gave 10.7–14.8x, at the same throughput.
const POSTGRES_WRITERS: u32 = 4;

/// Per-connection SQLite settings. `journal_mode` is stored in the file (set by the
/// writer); the others hold per connection.
const SQLITE_WRITER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
const SQLITE_READER_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;";
const SQLITE_MIGRATION_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000;";

impl Store {
    /// Opens (creating if needed) the SQLite database `data_dir/shopdesk.db`, migrated.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let dir = std::fs::canonicalize(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let url =
            |mode: &str| format!("sqlite://{}?mode={mode}", dir.join("shopdesk.db").display());
        let sqlite_pool = |max: u32, pragmas: &'static str| {
            AnyPoolOptions::new()
                .max_connections(max)
                .after_connect(move |connection, _| {
                    Box::pin(async move {
                        connection.execute(pragmas).await?;
                        Ok(())
                    })
                })
        };
        // Migrations run on their own connection with foreign keys off: SQLite rebuilds
        // a table to change a constraint, and dropping the old one would otherwise trip
        // the references to it. The references are checked once the schema is current.
        let migrator = sqlite_pool(1, SQLITE_MIGRATION_PRAGMAS)
            .connect_with(quiet(&url("rwc"))?)
            .await?;
        SQLITE_MIGRATIONS.run(&migrator).await?;
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&migrator)
                .await?;
        if let Some((table,)) = broken.first() {
            return Err(StoreError::Corrupt(format!(
                "after migrating, rows of {table} refer to rows that do not exist"
            )));
        }
        migrator.close().await;
        let writer = sqlite_pool(1, SQLITE_WRITER_PRAGMAS)
            .connect_with(quiet(&url("rwc"))?)
            .await?;
        let reader = sqlite_pool(4, SQLITE_READER_PRAGMAS)
            .connect_with(quiet(&url("ro"))?)
            .await?;
        Ok(Store {
            backend: Backend::Sqlite,
            group_commit: Some(writer::GroupCommit::start(writer.clone())),
            writer,
            reader,
        })
    }

    /// Connects to the PostgreSQL database at `url` and migrates it.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        // Two pools, as on SQLite: a storm of reads (a thousand widgets reconnecting
        // after a deploy) must not make messages wait for a connection to be stored.
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10))
        };
        let writer = pool(POSTGRES_WRITERS).connect_with(quiet(url)?).await?;
        POSTGRES_MIGRATIONS.run(&writer).await?;
        let reader = pool(16).connect_with(quiet(url)?).await?;
        Ok(Store {
            backend: Backend::Postgres,
            writer,
            reader,
            group_commit: None,
        })
    }

    /// Opens the database `DATABASE_URL` names if set (PostgreSQL), else SQLite in `data_dir`.
    pub async fn open_configured(
        database_url: Option<&str>,
        data_dir: &Path,
    ) -> Result<Store, StoreError> {
        match database_url {
            Some(url) => Self::connect(url).await,
            None => Self::open(data_dir).await,
        }
    }

    /// Whether the database answers and has every migration this build knows applied.
    pub async fn check_ready(&self) -> Result<bool, StoreError> {
        let known = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.migrations.len(),
            Backend::Postgres => POSTGRES_MIGRATIONS.migrations.len(),
        };
        let (applied,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.reader)
                .await?;
        Ok(usize::try_from(applied).is_ok_and(|applied| applied >= known))
    }

    /// Sends a PostgreSQL notification (after the change it announces has committed).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), StoreError> {
        // `pg_notify` returns `void`, which the Any driver cannot decode: select a constant.
        sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(channel)
            .bind(payload)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// `(pool, connections open, connections idle)` for each pool, for metrics.
    pub fn pool_use(&self) -> Vec<(&'static str, u32, usize)> {
        match self.backend {
            Backend::Sqlite => vec![
                ("writer", self.writer.size(), self.writer.num_idle()),
                ("reader", self.reader.size(), self.reader.num_idle()),
            ],
            Backend::Postgres => vec![
                ("writer", self.writer.size(), self.writer.num_idle()),
                ("reader", self.reader.size(), self.reader.num_idle()),
            ],
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pools, waiting for queries in flight.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// Creates an empty database on the PostgreSQL server that `admin_url` points at (a URL
/// ending in `/<database>`, no query string) and returns the new database's URL. Tests
/// and benches use it to get a fresh database each.
pub async fn create_scratch_database(admin_url: &str) -> Result<String, StoreError> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let (server, _) = admin_url
        .rsplit_once('/')
        .ok_or_else(|| StoreError::Corrupt(format!("not a database URL: {admin_url}")))?;
    let name = format!("scratch_{}", crate::ids::new_id());
    let mut admin = sqlx::AnyConnection::connect_with(&quiet(admin_url)?).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    Ok(format!("{server}/{name}"))
}

/// Connection options with statement logging off: queries are not worth an `info` line
/// each, and their parameters would include tokens' hashes.
fn quiet(url: &str) -> Result<AnyConnectOptions, StoreError> {
    let options: AnyConnectOptions = url.parse()?;
    Ok(options.disable_statement_logging())
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;

    /// A fresh, empty store: SQLite in a temporary directory (kept alive by the returned
    /// guard), or a new PostgreSQL database when `SHOPDESK_TEST_PG_URL` names a server.
    pub async fn temp_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = match std::env::var("SHOPDESK_TEST_PG_URL") {
            Ok(admin_url) => {
                let url = super::create_scratch_database(&admin_url)
                    .await
                    .expect("scratch database");
                Store::connect(&url).await.expect("store connects")
            }
            Err(_) => Store::open(dir.path()).await.expect("store opens"),
        };
        (store, dir)
    }
}
