//! The live-event hub: who hears about what, and the channels that carry it.
//!
//! Sockets subscribe to one [`Topic`] each: every agent socket to [`Topic::Inbox`],
//! every widget socket to its shopper's [`Topic::Shopper`]. [`audiences`] is the single
//! place that decides which topics an event goes to. Each topic is a bounded
//! `broadcast` channel: a socket that falls more than its topic's capacity behind is
//! told to resync from the database instead of slowing everyone down.
//!
//! A topic lives exactly as long as its subscribers: the last [`Subscription`] to go
//! removes it, so the map holds the shoppers connected now, not every shopper ever seen.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use protocol::{
    inbox::TicketEvent, settings::WidgetSettings, Channel, Message, ServerFrame, TicketSummary,
};
use tokio::sync::broadcast::{self, error::RecvError};

/// Events an agent socket may fall behind before it must catch up from the database:
/// every ticket of the shop passes through the inbox topic.
pub const INBOX_CAPACITY: usize = 256;
/// The same for one shopper's widgets, which hear only their own chat. Each slot costs
/// about 40 bytes for as long as the shopper is connected; 256 made an idle widget
/// socket cost twice its budget. A burst past 16 (an AI answer, its note, receipts)
/// makes the widget catch up from the database, which it does anyway after a reconnect.
pub const SHOPPER_CAPACITY: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Every agent of the shop.
    Inbox,
    /// One shopper's widgets (all their tabs and devices).
    Shopper(String),
}

impl Topic {
    fn capacity(&self) -> usize {
        match self {
            Topic::Inbox => INBOX_CAPACITY,
            Topic::Shopper(_) => SHOPPER_CAPACITY,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message was stored in a conversation of `customer_id` on `channel`.
    Message {
        customer_id: String,
        channel: Channel,
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
        // The widget is the web chat: a shopper's SMS thread stays on their phone.
        Event::Message {
            customer_id,
            channel: Channel::Chat,
            ..
        } => vec![Topic::Inbox, Topic::Shopper(customer_id.clone())],
        Event::Message {
            channel: Channel::Sms,
            ..
        } => vec![Topic::Inbox],
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

type Topics = HashMap<Topic, broadcast::Sender<Arc<Event>>>;

#[derive(Debug, Default, Clone)]
pub struct Hub {
    /// A std mutex: it is held only to look up, insert or remove a sender, never across
    /// an await. Subscribing and unsubscribing both take it, so "the last subscriber
    /// left" and "a new one arrived" cannot interleave.
    topics: Arc<Mutex<Topics>>,
}

/// One socket's feed of its topic's events. Dropping it unsubscribes, and the last one
/// of a topic removes the topic.
#[derive(Debug)]
pub struct Subscription {
    /// `None` only while being dropped.
    receiver: Option<broadcast::Receiver<Arc<Event>>>,
    topic: Topic,
    topics: Arc<Mutex<Topics>>,
}

impl Subscription {
    /// The next event; `Lagged` when more than the topic's capacity were missed.
    pub async fn recv(&mut self) -> Result<Arc<Event>, RecvError> {
        match self.receiver.as_mut() {
            Some(receiver) => receiver.recv().await,
            None => Err(RecvError::Closed),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut topics = lock(&self.topics);
        // Dropped under the lock: a subscribe cannot slip in between the drop and the count.
        drop(self.receiver.take());
        if topics
            .get(&self.topic)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            topics.remove(&self.topic);
        }
    }
}

fn lock(topics: &Mutex<Topics>) -> MutexGuard<'_, Topics> {
    topics
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts receiving `topic`'s events. Subscribe before reading the database for
    /// catch-up, so nothing published in between is missed (the client drops repeats).
    pub fn subscribe(&self, topic: Topic) -> Subscription {
        let receiver = lock(&self.topics)
            .entry(topic.clone())
            .or_insert_with(|| broadcast::channel(topic.capacity()).0)
            .subscribe();
        Subscription {
            receiver: Some(receiver),
            topic,
            topics: Arc::clone(&self.topics),
        }
    }

    /// Sends the event to every current subscriber of its audiences.
    pub fn publish(&self, event: Event) {
        let event = Arc::new(event);
        let topics = lock(&self.topics);
        for topic in audiences(&event) {
            if let Some(sender) = topics.get(&topic) {
                // An error means nobody listens: the topic goes with its last subscriber.
                let _ = sender.send(Arc::clone(&event));
            }
        }
    }

    /// Tells every socket on this node to catch up from the database.
    pub fn resync_everyone(&self) {
        let event = Arc::new(Event::Resync);
        let topics = lock(&self.topics);
        for sender in topics.values() {
            let _ = sender.send(Arc::clone(&event));
        }
    }

    /// Sends `event` to every shopper's widgets on this node.
    pub fn tell_every_shopper(&self, event: Event) {
        let event = Arc::new(event);
        let topics = lock(&self.topics);
        for (topic, sender) in topics.iter() {
            if matches!(topic, Topic::Shopper(_)) {
                let _ = sender.send(Arc::clone(&event));
            }
        }
    }

    /// Number of topics with a channel, for tests and metrics.
    pub fn topic_count(&self) -> usize {
        lock(&self.topics).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::AuthorKind;

    fn message_event(customer_id: &str) -> Event {
        Event::Message {
            customer_id: customer_id.to_owned(),
            channel: Channel::Chat,
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

    #[test]
    fn a_shoppers_sms_thread_reaches_agents_only() {
        let Event::Message {
            customer_id,
            message,
            ..
        } = message_event("ana")
        else {
            unreachable!("a message event")
        };
        let texted = Event::Message {
            customer_id,
            channel: Channel::Sms,
            message,
        };
        assert_eq!(audiences(&texted), vec![Topic::Inbox]);
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
        // Ben's first event is his own: Ana's never reached him.
        hub.publish(message_event("ben"));
        assert_eq!(*ben.recv().await.expect("ben hears"), message_event("ben"));
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
    fn a_topic_goes_with_its_last_subscriber() {
        let hub = Hub::new();
        let first = hub.subscribe(Topic::Shopper("ana".into()));
        let second = hub.subscribe(Topic::Shopper("ana".into()));
        let agents = hub.subscribe(Topic::Inbox);
        assert_eq!(hub.topic_count(), 2);
        drop(first);
        assert_eq!(hub.topic_count(), 2, "ana's other tab still listens");
        drop(second);
        assert_eq!(
            hub.topic_count(),
            1,
            "nobody publishes for it to be forgotten"
        );
        drop(agents);
        assert_eq!(hub.topic_count(), 0);
    }

    #[tokio::test]
    async fn a_resubscribed_topic_hears_new_events() {
        let hub = Hub::new();
        drop(hub.subscribe(Topic::Shopper("ana".into())));
        let mut again = hub.subscribe(Topic::Shopper("ana".into()));
        hub.publish(message_event("ana"));
        assert_eq!(*again.recv().await.expect("heard"), message_event("ana"));
    }

    #[tokio::test]
    async fn a_shopper_far_behind_is_told_to_catch_up() {
        let hub = Hub::new();
        let mut ana = hub.subscribe(Topic::Shopper("ana".into()));
        for _ in 0..=SHOPPER_CAPACITY {
            hub.publish(message_event("ana"));
        }
        assert!(matches!(ana.recv().await, Err(RecvError::Lagged(_))));
    }
}
