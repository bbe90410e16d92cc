//! The helpdesk's live connection: one WebSocket to `/ws/agent` that feeds the
//! [`Inbox`] and carries replies. After every (re)connect it catches up every loaded
//! thread, re-sends unacknowledged replies (same client ids, so the server stores each
//! once) and reloads the ticket list. The reconnecting socket is `protocol::browser`;
//! on the server these functions do nothing.

use protocol::ClientFrame;

use crate::inbox::Inbox;

/// In the browser, once per page: starts the inbox's clock and opens its connection.
/// Returns `false` when they were already running.
pub fn go_live(inbox: Inbox) -> bool {
    if !inbox.start_clock_once() {
        return false;
    }
    start(inbox);
    true
}

/// Opens the connection (in the browser).
fn start(inbox: Inbox) {
    #[cfg(feature = "hydrate")]
    browser::connect(inbox);
    #[cfg(not(feature = "hydrate"))]
    let _ = inbox;
}

/// Sends a frame if the socket is open; returns whether it went out. Replies that did
/// not go out wait in the inbox's pending list and are re-sent on reconnect.
pub fn send(frame: &ClientFrame) -> bool {
    #[cfg(feature = "hydrate")]
    {
        protocol::browser::send(frame)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = frame;
        false
    }
}

/// A fresh random client id for a message.
pub fn new_client_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        protocol::browser::new_client_id()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::{cell::RefCell, collections::HashMap, rc::Rc};

    use leptos::{prelude::*, task::spawn_local};
    use protocol::{
        browser::Handlers, inbox::TicketEventKind, AuthorKind, Message, ServerFrame, TicketStatus,
    };

    use super::send;
    use crate::inbox::Inbox;

    pub fn connect(inbox: Inbox) {
        let waiting_alert: Rc<RefCell<HashMap<String, Message>>> = Rc::default();
        protocol::browser::keep_connected(Handlers {
            url: Rc::new(|| {
                let location = window().location();
                let scheme = match location.protocol().as_deref() {
                    Ok("https:") => "wss:",
                    _ => "ws:",
                };
                let host = location.host().ok()?;
                Some(format!("{scheme}//{host}/ws/agent"))
            }),
            on_open: Rc::new(move || {
                inbox.connected.set(true);
                catch_up(inbox);
                for frame in inbox.resend_frames() {
                    send(&frame);
                }
            }),
            on_frame: Rc::new(move |frame| {
                // A shopper's message alerts once its ticket's row follows (the server
                // sends it right after): not while the AI agent is answering that chat.
                match &frame {
                    ServerFrame::Message { message }
                        if message.author_kind == AuthorKind::Shopper =>
                    {
                        waiting_alert
                            .borrow_mut()
                            .insert(message.conversation_id.clone(), message.clone());
                    }
                    ServerFrame::Ticket { ticket } => {
                        let message = waiting_alert.borrow_mut().remove(&ticket.id);
                        if let Some(message) = message.filter(|_| ticket.status != TicketStatus::Ai)
                        {
                            crate::alerts::message_arrived(&message);
                        }
                    }
                    // Handed to the team: now a person is needed.
                    ServerFrame::TicketEvent { event } => match &event.kind {
                        TicketEventKind::HandedOff { to, reason, .. } if to == "Helpdesk" => {
                            crate::alerts::handed_off(&event.conversation_id, reason);
                        }
                        TicketEventKind::HandoffFailed { error, .. } => {
                            crate::alerts::handed_off(&event.conversation_id, error);
                        }
                        _ => {}
                    },
                    _ => {}
                }
                let resync = matches!(frame, ServerFrame::Resync);
                if let Some(reply) = inbox.apply(frame) {
                    send(&reply);
                }
                if resync {
                    catch_up(inbox);
                }
            }),
            on_down: Rc::new(move || inbox.connected.set(false)),
        });
    }

    /// Fetches what was missed: messages of loaded threads, their tickets and events,
    /// the current view and the counts.
    fn catch_up(inbox: Inbox) {
        for frame in inbox.catch_up_frames() {
            send(&frame);
        }
        spawn_local(async move {
            let view = inbox.view.get_untracked();
            if let Ok(page) = crate::api::load_inbox(view, None).await {
                // Not over a view the agent switched to meanwhile.
                if inbox.view.get_untracked() == view {
                    inbox.show_page(view, page);
                }
            }
        });
        for id in inbox.opened_ids() {
            spawn_local(async move {
                if let Ok(thread) = crate::api::load_ticket(id).await {
                    inbox.seed_thread(thread.ticket, thread.messages, thread.events);
                }
            });
        }
    }
}
