//! Group commit for SQLite: one task owns the write connection and stores every
//! message waiting in its queue in one transaction, with one fsync.
//!
//! SQLite with `synchronous=FULL` manages about 1,800 single-row commits per second on
//! these machines but about 18,700 rows per second at ten rows per commit: the fsync,
//! not the SQL, is the cost. Each message still gets its own savepoint, so one that
//! fails leaves the others in the batch intact, and each caller hears back only after
//! the commit that made its message durable.

use sqlx::{AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use super::{
    tickets::{append_in, AppendError, Appended, NewMessage},
    StoreError,
};

/// Messages waiting for the writer before senders wait for room (backpressure).
const QUEUE_CAPACITY: usize = 1024;
/// Most messages in one transaction, so one commit never holds many callers for long.
const MAX_BATCH: usize = 128;

struct Job {
    message: NewMessage,
    reply: oneshot::Sender<Result<Appended, AppendError>>,
}

/// The sending side; cloned into every [`super::Store`] handle.
#[derive(Clone, Debug)]
pub(super) struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").finish_non_exhaustive()
    }
}

impl GroupCommit {
    /// Starts the writer task on `pool` (a pool of one connection).
    pub(super) fn start(pool: AnyPool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(run_writer(pool, queue));
        GroupCommit { jobs }
    }

    pub(super) async fn append(&self, message: NewMessage) -> Result<Appended, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { message, reply })
            .await
            .map_err(|_| AppendError::Store(StoreError::WriterStopped))?;
        answer
            .await
            .map_err(|_| AppendError::Store(StoreError::WriterStopped))?
    }
}

/// Runs until every [`GroupCommit`] handle is dropped.
async fn run_writer(pool: AnyPool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let results = commit_batch(&pool, &batch).await;
        for (job, result) in batch.drain(..).zip(results) {
            // A caller that went away (socket closed) still had its message stored.
            let _ = job.reply.send(result);
        }
    }
}

/// Stores the batch in one transaction; one result per job, in order.
async fn commit_batch(pool: &AnyPool, batch: &[Job]) -> Vec<Result<Appended, AppendError>> {
    let failed_all = |error: &sqlx::Error| {
        batch
            .iter()
            .map(|_| Err(AppendError::Store(StoreError::Batch(error.to_string()))))
            .collect()
    };
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(error) => return failed_all(&error),
    };
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(error) = tx.execute("SAVEPOINT message").await {
            return failed_all(&error);
        }
        let result = append_in(&mut tx, &job.message, true).await;
        let close = match &result {
            Ok(_) => "RELEASE SAVEPOINT message",
            // Undo whatever part of this message was written; keep the others.
            Err(_) => "ROLLBACK TO SAVEPOINT message",
        };
        if let Err(error) = tx.execute(close).await {
            return failed_all(&error);
        }
        if result.is_err() {
            // ROLLBACK TO leaves the savepoint open; release it before the next one.
            if let Err(error) = tx.execute("RELEASE SAVEPOINT message").await {
                return failed_all(&error);
            }
        }
        results.push(result);
    }
    match tx.commit().await {
        Ok(()) => results,
        Err(error) => failed_all(&error),
    }
}
