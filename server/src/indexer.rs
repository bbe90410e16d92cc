//! The search indexer every node runs: it adds newly stored messages to the search
//! index in batches, a moment after they are stored, so indexing never sits in a
//! message's own transaction (see the search migrations). Search results therefore lag
//! new messages by about [`PAUSE`].

use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

/// Messages indexed per transaction.
const BATCH: i64 = 2_000;
/// Wait between looks when there was nothing (more) to index.
const PAUSE: Duration = Duration::from_millis(250);

pub fn spawn(store: Store, mut shutdown: watch::Receiver<bool>) {
    tokio::spawn(async move {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let done = match store.index_messages(BATCH).await {
                Ok(count) => count,
                Err(error) => {
                    tracing::warn!(error = %error, "search indexing failed; will retry");
                    0
                }
            };
            // A full batch means more are waiting: go on at once.
            if done < BATCH as u64 {
                tokio::select! {
                    _ = tokio::time::sleep(PAUSE) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    });
}
