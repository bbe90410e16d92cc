//! The `jobs` table: background work that must happen exactly once, across every node,
//! even if a node dies (notification emails today).
//!
//! A node claims the oldest due job by taking a lease on it (`locked_until`) in one
//! statement; on PostgreSQL the candidate row is picked `FOR UPDATE SKIP LOCKED`, so
//! two nodes never claim the same job, and on SQLite the single writer serialises
//! claims. A job whose node died mid-run becomes claimable again when its lease ends.

use sqlx::AnyConnection;

use super::{Backend, Store, StoreError};
use crate::ids::{new_id, now_ms};

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    /// When it was due; `now - run_at` at claim time is the job lag.
    pub run_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobState {
    pub attempts: i64,
    pub finished_at: Option<i64>,
    /// How it went, once finished ("sent to 2", "failed: ...").
    pub outcome: Option<String>,
    pub last_error: Option<String>,
}

/// Adds a job inside the caller's transaction: it commits (or not) with the change
/// that asked for it.
pub(super) async fn enqueue_in(
    connection: &mut AnyConnection,
    kind: &str,
    payload: &str,
    run_at: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, run_at, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(kind)
    .bind(payload)
    .bind(run_at)
    .bind(now_ms())
    .execute(&mut *connection)
    .await?;
    Ok(id)
}

impl Store {
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        run_at: i64,
    ) -> Result<String, StoreError> {
        let mut connection = self.writer.acquire().await?;
        Ok(enqueue_in(&mut connection, kind, payload, run_at).await?)
    }

    /// Leases the oldest due job for `lease_ms`, if any.
    pub async fn claim_job(&self, lease_ms: i64) -> Result<Option<Job>, StoreError> {
        let now = now_ms();
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        Ok(sqlx::query_as(&format!(
            "UPDATE jobs SET locked_until = $1, attempts = attempts + 1
             WHERE id = (
                SELECT id FROM jobs
                WHERE finished_at IS NULL AND run_at <= $2
                    AND (locked_until IS NULL OR locked_until <= $2)
                ORDER BY run_at LIMIT 1 {lock})
             RETURNING id, kind, payload, run_at, attempts"
        ))
        .bind(now + lease_ms)
        .bind(now)
        .fetch_optional(&self.writer)
        .await?)
    }

    /// Marks a job done, with a word on how it went ("sent to 2", "skipped: ...").
    pub async fn finish_job(&self, id: &str, outcome: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET finished_at = $1, outcome = $2, locked_until = NULL WHERE id = $3",
        )
        .bind(now_ms())
        .bind(outcome)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Releases a failed attempt to run again at `retry_at`.
    pub async fn retry_job(&self, id: &str, error: &str, retry_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET run_at = $1, last_error = $2, locked_until = NULL WHERE id = $3",
        )
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// When the next unfinished job is due (or its lease ends), to sleep until then.
    pub async fn next_job_at(&self) -> Result<Option<i64>, StoreError> {
        let (next,): (Option<i64>,) = sqlx::query_as(
            "SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > run_at
                        THEN locked_until ELSE run_at END)
             FROM jobs WHERE finished_at IS NULL",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(next)
    }

    /// A job's state, for tests and operators.
    pub async fn job_state(&self, id: &str) -> Result<Option<JobState>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT attempts, finished_at, outcome, last_error FROM jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Whether this job already delivered to `recipient` (an earlier attempt).
    pub async fn email_sent(&self, job_id: &str, recipient: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT sent_at FROM email_sends WHERE job_id = $1 AND recipient = $2")
                .bind(job_id)
                .bind(recipient)
                .fetch_optional(&self.writer)
                .await?;
        Ok(row.is_some())
    }

    pub async fn record_email_sent(&self, job_id: &str, recipient: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO email_sends (job_id, recipient, sent_at) VALUES ($1, $2, $3)
             ON CONFLICT (job_id, recipient) DO NOTHING",
        )
        .bind(job_id)
        .bind(recipient)
        .bind(now_ms())
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    #[tokio::test]
    async fn a_due_job_is_claimed_once_until_its_lease_ends() {
        let (store, _dir) = temp_store().await;
        let id = store
            .enqueue_job("test", "{}", now_ms() - 10)
            .await
            .expect("enqueue");
        let claimed = store.claim_job(60_000).await.expect("claim").expect("due");
        assert_eq!((claimed.id.as_str(), claimed.attempts), (id.as_str(), 1));
        assert!(store.claim_job(60_000).await.expect("claim").is_none());
        store
            .retry_job(&id, "smtp down", now_ms() - 1)
            .await
            .expect("retry");
        let again = store
            .claim_job(60_000)
            .await
            .expect("claim")
            .expect("due again");
        assert_eq!(again.attempts, 2);
        store.finish_job(&id, "sent to 1").await.expect("finish");
        assert!(store.claim_job(60_000).await.expect("claim").is_none());
        let state = store.job_state(&id).await.expect("state").expect("job");
        assert_eq!(state.attempts, 2);
        assert!(state.finished_at.is_some());
        assert_eq!(state.outcome.as_deref(), Some("sent to 1"));
        assert_eq!(state.last_error.as_deref(), Some("smtp down"));
    }

    #[tokio::test]
    async fn an_expired_lease_makes_the_job_claimable_again() {
        let (store, _dir) = temp_store().await;
        store
            .enqueue_job("test", "{}", now_ms() - 10)
            .await
            .expect("enqueue");
        // A node that claimed it with a lease already over (it died mid-run).
        assert!(store.claim_job(-1).await.expect("claim").is_some());
        assert!(store.claim_job(60_000).await.expect("claim").is_some());
    }

    #[tokio::test]
    async fn concurrent_workers_claim_each_job_exactly_once() {
        let (store, _dir) = temp_store().await;
        let mut enqueued = Vec::new();
        for _ in 0..40 {
            enqueued.push(
                store
                    .enqueue_job("test", "{}", now_ms() - 10)
                    .await
                    .expect("enqueue"),
            );
        }
        // Eight workers race (on PostgreSQL, over separate connections).
        let workers = (0..8).map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut claimed = Vec::new();
                while let Some(job) = store.claim_job(60_000).await.expect("claim") {
                    claimed.push(job.id);
                }
                claimed
            })
        });
        let mut claimed: Vec<String> = Vec::new();
        for worker in workers {
            claimed.extend(worker.await.expect("worker"));
        }
        claimed.sort();
        enqueued.sort();
        assert_eq!(claimed, enqueued, "every job claimed, none twice");
    }

    #[tokio::test]
    async fn future_jobs_wait_and_say_when() {
        let (store, _dir) = temp_store().await;
        let at = now_ms() + 60_000;
        store.enqueue_job("test", "{}", at).await.expect("enqueue");
        assert!(store.claim_job(60_000).await.expect("claim").is_none());
        assert_eq!(store.next_job_at().await.expect("next"), Some(at));
    }
}
