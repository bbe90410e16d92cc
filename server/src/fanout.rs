//! Announcing committed changes to every socket that should hear of them, on every node.
//!
//! On one node (SQLite) that is the in-process [`Hub`]. On PostgreSQL, several stateless
//! nodes share one database: each announcement also goes out as a `NOTIFY` carrying only
//! ids (payloads are capped at 8000 bytes, and NOTIFY takes a cluster-wide lock at
//! commit, so it is sent after the message's own transaction, never inside it). Every
//! node runs one listener that loads what the ids name and publishes it to its own hub.
//! When a node's listening connection drops, notices may have been missed: once it is
//! back, every local socket is told to resync, and clients catch up from their last seq.

use std::{sync::Arc, time::Duration};

use protocol::{inbox::TicketEvent, Channel, Message, ServerFrame};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::{
    hub::{Event, Hub},
    ids::{new_token, now_ms},
    settings::Settings,
    store::{Backend, Store},
    telemetry,
};

/// The PostgreSQL notification channel all nodes listen on.
const CHANNEL: &str = "shopdesk_events";

/// What a notification carries: ids only; receivers load the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Notice {
    Message {
        node: String,
        conversation_id: String,
        seq: i64,
        customer_id: String,
        channel: Channel,
    },
    /// A ticket changed (assigned, snoozed, closed ...): reload its row and events.
    Ticket {
        node: String,
        conversation_id: String,
        event_ids: Vec<String>,
        /// Set when the conversation ended: that shopper's widgets are told.
        ended_for: Option<String>,
    },
    /// The merchant changed settings: reload them and tell the widgets.
    Settings { node: String },
    /// A passing signal (typing, viewing, receipts), carried whole: it is small and
    /// nothing stores it. Boxed: the frame type is much larger than the other notices.
    Live {
        node: String,
        to_agents: bool,
        to_shopper: Option<String>,
        frame: Box<ServerFrame>,
    },
}

/// A node's subscription to the other nodes' notices (PostgreSQL only).
pub struct CrossNodeFeed {
    listener: PgListener,
    /// To reconnect after the connection drops.
    url: String,
}

#[derive(Clone)]
pub struct Fanout {
    hub: Hub,
    store: Store,
    settings: Settings,
    /// Identifies this process among the nodes, so it skips its own notices.
    node: Arc<str>,
}

impl Fanout {
    pub fn new(hub: Hub, store: Store, settings: Settings) -> Self {
        Fanout {
            hub,
            store,
            settings,
            node: new_token()[..16].into(),
        }
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// A message was committed: tell its audiences here and on the other nodes, and
    /// refresh the ticket's inbox row everywhere. One notice covers both, since every
    /// NOTIFY takes a cluster-wide lock at commit.
    pub async fn message_stored(&self, customer_id: &str, channel: Channel, message: &Message) {
        self.hub.publish(Event::Message {
            customer_id: customer_id.to_owned(),
            channel,
            message: message.clone(),
        });
        self.publish_ticket(&message.conversation_id).await;
        self.notify(&Notice::Message {
            node: self.node.to_string(),
            conversation_id: message.conversation_id.clone(),
            seq: message.seq,
            customer_id: customer_id.to_owned(),
            channel,
        })
        .await;
    }

    /// A ticket changed outside a message (or besides one): tell the agents here and on
    /// the other nodes, with the thread events it recorded; `ended_for` names the
    /// shopper whose conversation just ended.
    pub async fn ticket_changed(
        &self,
        conversation_id: &str,
        events: &[TicketEvent],
        ended_for: Option<&str>,
    ) {
        self.publish_ticket_change(conversation_id, events.to_vec(), ended_for);
        self.publish_ticket(conversation_id).await;
        self.notify(&Notice::Ticket {
            node: self.node.to_string(),
            conversation_id: conversation_id.to_owned(),
            event_ids: events.iter().map(|event| event.id.clone()).collect(),
            ended_for: ended_for.map(str::to_owned),
        })
        .await;
    }

    fn publish_ticket_change(
        &self,
        conversation_id: &str,
        events: Vec<TicketEvent>,
        ended_for: Option<&str>,
    ) {
        for event in events {
            self.hub.publish(Event::TicketEvent(event));
        }
        if let Some(customer_id) = ended_for {
            self.hub.publish(Event::Ended {
                customer_id: customer_id.to_owned(),
                conversation_id: conversation_id.to_owned(),
            });
        }
    }

    /// Passes a live signal (typing, viewing, receipt) to its audience on every node.
    pub async fn live(&self, to_agents: bool, to_shopper: Option<&str>, frame: ServerFrame) {
        self.hub.publish(Event::Live {
            to_agents,
            to_shopper: to_shopper.map(str::to_owned),
            frame: frame.clone(),
        });
        self.notify(&Notice::Live {
            node: self.node.to_string(),
            to_agents,
            to_shopper: to_shopper.map(str::to_owned),
            frame: Box::new(frame),
        })
        .await;
    }

    /// The merchant saved a settings change: reload them here, tell this node's widgets,
    /// and have the other nodes do the same.
    pub async fn settings_changed(&self) {
        self.reload_settings().await;
        self.notify(&Notice::Settings {
            node: self.node.to_string(),
        })
        .await;
    }

    async fn reload_settings(&self) {
        match self.settings.reload().await {
            Ok(loaded) => self
                .hub
                .tell_every_shopper(Event::Settings(loaded.widget_settings(now_ms()))),
            Err(error) => tracing::error!(error = %error, "reloading settings failed"),
        }
    }

    async fn publish_ticket(&self, conversation_id: &str) {
        match self.store.ticket_summary(conversation_id, "").await {
            Ok(Some(summary)) => self.hub.publish(Event::Ticket(summary)),
            Ok(None) => {}
            // The change is committed; a stale inbox row is fixed by the next update or reload.
            Err(error) => tracing::warn!(error = %error, "ticket summary for broadcast failed"),
        }
    }

    async fn notify(&self, notice: &Notice) {
        if self.store.backend() != Backend::Postgres {
            return;
        }
        let Ok(payload) = serde_json::to_string(notice) else {
            return;
        };
        if let Err(error) = self.store.notify(CHANNEL, &payload).await {
            // Other nodes' clients catch up on their next resume; nothing is lost.
            tracing::warn!(error = %error, "cross-node notify failed");
        }
    }

    /// On PostgreSQL, starts listening for the other nodes' notices. Done before the
    /// node serves, so no notice sent after it is up can be missed.
    pub async fn join_cluster(
        &self,
        database_url: Option<&str>,
    ) -> Result<Option<CrossNodeFeed>, sqlx::Error> {
        match database_url {
            Some(url) => Ok(Some(CrossNodeFeed {
                listener: connect_listener(url).await?,
                url: url.to_owned(),
            })),
            None => Ok(None),
        }
    }

    /// Serves the feed until shutdown.
    pub fn spawn_feed(&self, feed: CrossNodeFeed, shutdown: watch::Receiver<bool>) {
        let fanout = self.clone();
        tokio::spawn(async move { fanout.follow(feed, shutdown).await });
    }

    async fn follow(self, feed: CrossNodeFeed, mut shutdown: watch::Receiver<bool>) {
        let mut listener = Some(feed.listener);
        let mut failures: u32 = 0;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let active = match listener.as_mut() {
                Some(active) => active,
                None => match connect_listener(&feed.url).await {
                    Ok(connected) => {
                        failures = 0;
                        // Anything published while we were not listening is unknown: resync.
                        self.resync_everyone();
                        listener.insert(connected)
                    }
                    Err(error) => {
                        failures = failures.saturating_add(1);
                        tracing::warn!(error = %error, "cross-node listener cannot connect");
                        let delay = Duration::from_millis(250 << failures.min(6));
                        tokio::select! {
                            _ = tokio::time::sleep(delay) => {}
                            _ = shutdown.changed() => return,
                        }
                        continue;
                    }
                },
            };
            let received = tokio::select! {
                received = active.try_recv() => received,
                _ = shutdown.changed() => return,
            };
            match received {
                Ok(Some(notification)) => self.apply(notification.payload()).await,
                // The connection dropped and was re-established: notices may be lost.
                Ok(None) => self.resync_everyone(),
                Err(error) => {
                    tracing::warn!(error = %error, "cross-node listener lost its connection");
                    listener = None;
                }
            }
        }
    }

    fn resync_everyone(&self) {
        telemetry::resynced();
        self.hub.resync_everyone();
        // A settings notice may have been among those missed.
        let fanout = self.clone();
        tokio::spawn(async move { fanout.reload_settings().await });
    }

    async fn apply(&self, payload: &str) {
        let Ok(notice) = serde_json::from_str::<Notice>(payload) else {
            tracing::warn!("unrecognised cross-node notice");
            return;
        };
        match notice {
            Notice::Message { node, .. }
            | Notice::Ticket { node, .. }
            | Notice::Live { node, .. }
            | Notice::Settings { node }
                if *node == *self.node => {}
            Notice::Live {
                to_agents,
                to_shopper,
                frame,
                ..
            } => self.hub.publish(Event::Live {
                to_agents,
                to_shopper,
                frame: *frame,
            }),
            Notice::Ticket {
                conversation_id,
                event_ids,
                ended_for,
                ..
            } => {
                let mut events = Vec::new();
                for id in event_ids {
                    match self.store.ticket_event(&id).await {
                        Ok(Some(event)) => events.push(event),
                        Ok(None) => {}
                        Err(error) => {
                            tracing::warn!(error = %error, "loading a notified ticket event failed");
                        }
                    }
                }
                self.publish_ticket_change(&conversation_id, events, ended_for.as_deref());
                self.publish_ticket(&conversation_id).await;
            }
            Notice::Settings { .. } => self.reload_settings().await,
            Notice::Message {
                conversation_id,
                seq,
                customer_id,
                channel,
                ..
            } => {
                match self.store.message_at(&conversation_id, seq).await {
                    Ok(Some(message)) => self.hub.publish(Event::Message {
                        customer_id,
                        channel,
                        message,
                    }),
                    Ok(None) => {}
                    Err(error) => {
                        tracing::warn!(error = %error, "loading a notified message failed");
                        self.resync_everyone();
                    }
                }
                self.publish_ticket(&conversation_id).await;
            }
        }
    }
}

async fn connect_listener(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_carry_ids_only_and_stay_small() {
        let notice = Notice::Message {
            node: "0123456789abcdef".into(),
            conversation_id: "x".repeat(32),
            seq: i64::MAX,
            customer_id: "y".repeat(32),
            channel: Channel::Sms,
        };
        let payload = serde_json::to_string(&notice).expect("json");
        assert!(payload.len() < 8000);
        assert_eq!(
            serde_json::from_str::<Notice>(&payload).expect("parse"),
            notice
        );
    }
}
