//! Ticket actions as agents (and shoppers ending a chat) take them: the store change,
//! then the announcement to every node's sockets. The snooze wake-up job runs here too.

use protocol::inbox::TicketEvent;

use crate::{
    fanout::Fanout,
    ids::now_ms,
    state::AppState,
    store::{Closer, Store, StoreError, WakeUp, WorkflowError},
};

/// Assigns (or with `None` unassigns) a ticket.
pub async fn assign(
    state: &AppState,
    actor_name: &str,
    conversation_id: &str,
    assignee_id: Option<&str>,
) -> Result<(), WorkflowError> {
    let event = state
        .store
        .assign_ticket(conversation_id, actor_name, assignee_id)
        .await?;
    announce(
        &state.fanout,
        conversation_id,
        event.into_iter().collect(),
        None,
    )
    .await;
    Ok(())
}

/// Shortest and longest snooze accepted.
pub const MIN_SNOOZE_MS: i64 = 60 * 1000;
pub const MAX_SNOOZE_MS: i64 = 366 * 24 * 60 * 60 * 1000;

pub async fn snooze(
    state: &AppState,
    actor_name: &str,
    conversation_id: &str,
    until: i64,
) -> Result<(), WorkflowError> {
    let now = now_ms();
    if until < now + MIN_SNOOZE_MS {
        return Err(WorkflowError::Invalid(
            "Pick a time at least a minute from now.".into(),
        ));
    }
    if until > now + MAX_SNOOZE_MS {
        return Err(WorkflowError::Invalid("Snooze for at most a year.".into()));
    }
    let event = state
        .store
        .snooze_ticket(conversation_id, actor_name, until)
        .await?;
    // The wake-up job may be due sooner than the worker's next look at the queue.
    state.worker.wake();
    announce(&state.fanout, conversation_id, vec![event], None).await;
    Ok(())
}

/// Wakes a snoozed ticket now, on an agent's request.
pub async fn wake(
    state: &AppState,
    actor_name: &str,
    conversation_id: &str,
) -> Result<(), WorkflowError> {
    if state
        .store
        .conversation_customer(conversation_id)
        .await?
        .is_none()
    {
        return Err(WorkflowError::NotFound);
    }
    let event = state
        .store
        .wake_ticket(conversation_id, Some(actor_name), None)
        .await?;
    announce(
        &state.fanout,
        conversation_id,
        event.into_iter().collect(),
        None,
    )
    .await;
    Ok(())
}

/// Ends a conversation for good; the shopper's widgets are told.
pub async fn close(
    state: &AppState,
    conversation_id: &str,
    by: &Closer,
) -> Result<(), WorkflowError> {
    let Some(event) = state.store.close_ticket(conversation_id, by).await? else {
        return Ok(());
    };
    // The shopper's widgets hear of it only for a web chat.
    let customer_id = state.store.web_chat_shopper(conversation_id).await?;
    announce(
        &state.fanout,
        conversation_id,
        vec![event],
        customer_id.as_deref(),
    )
    .await;
    Ok(())
}

/// The `wake_ticket` job: ends the snooze it names, unless the ticket moved on.
pub async fn wake_when_due(
    store: &Store,
    fanout: &Fanout,
    wake: &WakeUp,
) -> Result<String, StoreError> {
    match store
        .wake_ticket(&wake.conversation_id, None, Some(wake.until))
        .await?
    {
        Some(event) => {
            announce(fanout, &wake.conversation_id, vec![event], None).await;
            Ok("woken".to_owned())
        }
        None => Ok("skipped: no longer snoozed until then".to_owned()),
    }
}

async fn announce(
    fanout: &Fanout,
    conversation_id: &str,
    events: Vec<TicketEvent>,
    ended_for: Option<&str>,
) {
    if events.is_empty() {
        return;
    }
    fanout
        .ticket_changed(conversation_id, &events, ended_for)
        .await;
}
