//! Passing signals between the people in a conversation: who is typing, which agents
//! have a ticket open, and how far the shopper has received and seen it (read
//! receipts). Typing and viewing are not stored; receipts are (they survive reloads).
//! Every signal is checked like a message: a shopper only ever names their own chat.

use std::time::{Duration, Instant};

use protocol::{AuthorKind, Participant, ServerFrame, MAX_CLIENT_ID_LEN};

use crate::{chat::Peer, state::AppState, store::StoreError};

/// Typing and viewing frames closer together than this are dropped (clients repeat
/// them every few seconds; this only stops a flood).
const MIN_GAP: Duration = Duration::from_millis(500);

/// Per-socket memory of the last typing and viewing signals, for [`MIN_GAP`].
#[derive(Default)]
pub struct Throttle {
    typing: Option<Instant>,
    viewing: Option<Instant>,
}

impl Throttle {
    pub fn allow_typing(&mut self) -> bool {
        allow(&mut self.typing)
    }

    pub fn allow_viewing(&mut self) -> bool {
        allow(&mut self.viewing)
    }
}

/// Whether a signal last sent at `last` may pass now (and if so, records it).
fn allow(last: &mut Option<Instant>) -> bool {
    let now = Instant::now();
    if last.is_some_and(|last| now.duration_since(last) < MIN_GAP) {
        return false;
    }
    *last = Some(now);
    true
}

fn participant(peer: &Peer) -> Participant {
    match peer {
        Peer::Shopper(customer) => Participant {
            kind: AuthorKind::Shopper,
            id: String::new(),
            name: customer.name.clone(),
        },
        Peer::Agent(agent) => Participant {
            kind: AuthorKind::Agent,
            id: agent.id.clone(),
            name: agent.name.clone(),
        },
    }
}

/// The conversation a signal is about, if the peer may use it, with the shopper whose
/// widget shows it (none for an SMS ticket: nothing of it reaches the widget).
async fn conversation_for(
    state: &AppState,
    peer: &Peer,
    conversation_id: Option<&str>,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    match (peer, conversation_id) {
        (_, Some(id)) if id.len() > MAX_CLIENT_ID_LEN => Ok(None),
        (Peer::Shopper(customer), None) => Ok(state
            .store
            .open_chat_id(&customer.id)
            .await?
            .map(|id| (id, Some(customer.id.clone())))),
        (Peer::Shopper(customer), Some(id)) => {
            let shopper = state.store.web_chat_shopper(id).await?;
            Ok(
                (shopper.as_deref() == Some(customer.id.as_str()))
                    .then(|| (id.to_owned(), shopper)),
            )
        }
        (Peer::Agent(_), Some(id)) => {
            if state.store.conversation_customer(id).await?.is_none() {
                return Ok(None);
            }
            Ok(Some((
                id.to_owned(),
                state.store.web_chat_shopper(id).await?,
            )))
        }
        (Peer::Agent(_), None) => Ok(None),
    }
}

/// "Someone is typing": a shopper's reaches the agents; an agent's reaches the other
/// agents and the shopper.
pub async fn typing(
    state: &AppState,
    peer: &Peer,
    conversation_id: Option<&str>,
) -> Result<(), StoreError> {
    let Some((conversation_id, customer_id)) =
        conversation_for(state, peer, conversation_id).await?
    else {
        return Ok(());
    };
    let to_shopper = customer_id
        .as_deref()
        .filter(|_| matches!(peer, Peer::Agent(_)));
    let frame = ServerFrame::Typing {
        conversation_id,
        who: participant(peer),
    };
    state.fanout.live(true, to_shopper, frame).await;
    Ok(())
}

/// An agent opened (or left) a ticket: the other agents see who else is there.
pub async fn viewing(state: &AppState, peer: &Peer, conversation_id: Option<String>) {
    if !matches!(peer, Peer::Agent(_))
        || conversation_id
            .as_ref()
            .is_some_and(|id| id.len() > MAX_CLIENT_ID_LEN)
    {
        return;
    }
    let frame = ServerFrame::Viewing {
        conversation_id,
        who: participant(peer),
    };
    state.fanout.live(true, None, frame).await;
}

/// The shopper's widget received (`delivered`) or showed (`seen`) messages: stored,
/// then the agents are told.
pub async fn receipt(
    state: &AppState,
    peer: &Peer,
    conversation_id: &str,
    delivered: i64,
    seen: i64,
) -> Result<(), StoreError> {
    let Peer::Shopper(customer) = peer else {
        return Ok(());
    };
    if let Some((delivered_seq, seen_seq)) = state
        .store
        .record_receipt(conversation_id, &customer.id, delivered, seen)
        .await?
    {
        let frame = ServerFrame::Receipt {
            conversation_id: conversation_id.to_owned(),
            delivered_seq,
            seen_seq,
        };
        state.fanout.live(true, None, frame).await;
    }
    Ok(())
}
