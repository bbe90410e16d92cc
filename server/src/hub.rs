//! The live-event hub: who hears about what, and the channels that carry it.
//!
//! Sockets subscribe to one [`Topic`] each: every agent socket to [`Topic::Inbox`],
//! every widget socket to its shopper's [`Topic::Shopper`]. [`audiences`] is the single
//! place that decides which topics an event goes to. Each topic is a bounded
//! `broadcast` channel: a socket that falls more than [`TOPIC_CAPACITY`] events
//! behind is told to resync from the database instead of slowing everyone down.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use protocol::{inbox::TicketEvent, settings::WidgetSettings, Message, ServerFrame, TicketSummary};
use tokio::sync::broadcast;

/// Events a slow socket may fall behind before it must catch up from the database.
pub const TOPIC_CAPACITY: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Every agent of the shop.
    Inbox,
    /// One shopper's widgets (all their tabs and devices).
    Shopper(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message was stored in a conversation of `customer_id`.
    Message {
        customer_id: String,
        message: Message,
    },
    /// A ticket's summary changed (agents only: it names assignees and read state).
    Ticket(TicketSummary),
    /// Something happened to a ticket (agents only).
    TicketEvent(TicketEvent),
    /// A conversation of `customer_id` ended; their widgets show it read-only.
    Ended {
        customer_id: String,
        conversation_id: String,
    },
    /// A passing signal nobody stores (typing, viewing, receipts): `frame` as is, to
    /// the agents and/or one shopper's widgets.
    Live {
        to_agents: bool,
        to_shopper: Option<String>,
        frame: ServerFrame,
    },
    /// Events may have been missed (a node lost its cross-node feed): catch up from the
    /// database. Sent to every topic by [`Hub::resync_everyone`].
    Resync,
    /// The storefront settings changed. Sent to every shopper by [`Hub::tell_every_shopper`].
    Settings(WidgetSettings),
}

/// Who receives an event.
pub fn audiences(event: &Event) -> Vec<Topic> {
    match event {
        Event::Message { customer_id, .. } => {
            vec![Topic::Inbox, Topic::Shopper(customer_id.clone())]
        }
        Event::Ticket(_) | Event::TicketEvent(_) => vec![Topic::Inbox],
        Event::Ended { customer_id, .. } => vec![Topic::Shopper(customer_id.clone())],
        Event::Live {
            to_agents,
            to_shopper,
            ..
        } => {
            let agents = to_agents.then_some(Topic::Inbox);
            let shopper = to_shopper.clone().map(Topic::Shopper);
            agents.into_iter().chain(shopper).collect()
        }
        Event::Resync | Event::Settings(_) => Vec::new(),
    }
}

#[derive(Debug, Default, Clone)]
pub struct Hub {
    /// A std mutex: it is held only to look up or insert a sender, never across an await.
    topics: Arc<Mutex<HashMap<Topic, broadcast::Sender<Arc<Event>>>>>,
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts receiving `topic`'s events. Subscribe before reading the database for
    /// catch-up, so nothing published in between is missed (the client drops repeats).
    pub fn subscribe(&self, topic: Topic) -> broadcast::Receiver<Arc<Event>> {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        topics
            .entry(topic)
            .or_insert_with(|| broadcast::channel(TOPIC_CAPACITY).0)
            .subscribe()
    }

    /// Sends the event to every current subscriber of its audiences.
    pub fn publish(&self, event: Event) {
        let event = Arc::new(event);
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for topic in audiences(&event) {
            if let Some(sender) = topics.get(&topic) {
                if sender.send(Arc::clone(&event)).is_err() {
                    // Nobody listens any more: forget the topic so the map stays small.
                    topics.remove(&topic);
                }
            }
        }
    }

    /// Tells every socket on this node to catch up from the database.
    pub fn resync_everyone(&self) {
        let event = Arc::new(Event::Resync);
        let topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for sender in topics.values() {
            let _ = sender.send(Arc::clone(&event));
        }
    }

    /// Sends `event` to every shopper's widgets on this node.
    pub fn tell_every_shopper(&self, event: Event) {
        let event = Arc::new(event);
        let topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (topic, sender) in topics.iter() {
            if matches!(topic, Topic::Shopper(_)) {
                let _ = sender.send(Arc::clone(&event));
            }
        }
    }

    /// Number of topics with a channel, for tests and metrics.
    pub fn topic_count(&self) -> usize {
        self.topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::AuthorKind;

    fn message_event(customer_id: &str) -> Event {
        Event::Message {
            customer_id: customer_id.to_owned(),
            message: Message {
                id: "m1".into(),
                conversation_id: "c1".into(),
                seq: 1,
                client_id: "x".into(),
                author_kind: AuthorKind::Shopper,
                author_name: "Ana".into(),
                body: "hi".into(),
                created_at: 0,
                back_at: None,
                attachments: Vec::new(),
                delivery_status: None,
                ai: None,
            },
        }
    }

    #[test]
    fn messages_reach_agents_and_only_their_own_shopper() {
        assert_eq!(
            audiences(&message_event("ana")),
            vec![Topic::Inbox, Topic::Shopper("ana".into())]
        );
    }

    #[tokio::test]
    async fn a_shopper_never_receives_another_shoppers_events() {
        let hub = Hub::new();
        let mut ana = hub.subscribe(Topic::Shopper("ana".into()));
        let mut ben = hub.subscribe(Topic::Shopper("ben".into()));
        let mut inbox = hub.subscribe(Topic::Inbox);
        hub.publish(message_event("ana"));
        assert_eq!(*ana.recv().await.expect("ana hears"), message_event("ana"));
        assert_eq!(
            *inbox.recv().await.expect("agents hear"),
            message_event("ana")
        );
        assert!(matches!(
            ben.try_recv(),
            Err(broadcast::error::TryRecvError::Empty)
        ));
    }

    #[tokio::test]
    async fn resync_reaches_every_socket() {
        let hub = Hub::new();
        let mut ana = hub.subscribe(Topic::Shopper("ana".into()));
        let mut inbox = hub.subscribe(Topic::Inbox);
        hub.resync_everyone();
        assert_eq!(*ana.recv().await.expect("ana"), Event::Resync);
        assert_eq!(*inbox.recv().await.expect("inbox"), Event::Resync);
    }

    #[test]
    fn topics_without_listeners_are_dropped() {
        let hub = Hub::new();
        drop(hub.subscribe(Topic::Shopper("ana".into())));
        assert_eq!(hub.topic_count(), 1);
        hub.publish(message_event("ana"));
        assert_eq!(hub.topic_count(), 0);
    }
}
