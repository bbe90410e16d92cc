//! The helpdesk's client-side state: the ticket list, loaded threads and replies in
//! flight, kept current by the live connection. One [`Inbox`] is provided as context
//! by the inbox layout; pages read it and the socket writes it.

use std::collections::HashMap;

use leptos::prelude::*;
use protocol::{
    thread::{merge_message, merge_ticket, Merge},
    ClientFrame, Message, RejectReason, ServerFrame, TicketSummary,
};

/// A reply the agent sent that the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReply {
    pub client_id: String,
    pub conversation_id: String,
    pub body: String,
    /// `Some` once the server refused it for good (shown with the reason).
    pub failed: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Inbox {
    pub tickets: RwSignal<Vec<TicketSummary>>,
    pub threads: RwSignal<HashMap<String, Vec<Message>>>,
    pub pending: RwSignal<Vec<PendingReply>>,
    /// Whether the live socket is open (shown as a banner when it is not).
    pub connected: RwSignal<bool>,
    /// The clock the relative times read; ticks in the browser.
    pub now: RwSignal<i64>,
}

impl Inbox {
    pub fn new() -> Self {
        Inbox {
            tickets: RwSignal::new(Vec::new()),
            threads: RwSignal::new(HashMap::new()),
            pending: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
            now: RwSignal::new(crate::time::now_ms()),
        }
    }

    pub fn unread_count(&self) -> usize {
        self.tickets
            .with(|tickets| tickets.iter().filter(|ticket| ticket.is_unread()).count())
    }

    pub fn seed_tickets(&self, tickets: Vec<TicketSummary>) {
        self.tickets.update(|held| {
            for ticket in tickets {
                merge_ticket(held, ticket);
            }
        });
    }

    pub fn seed_thread(&self, ticket: TicketSummary, messages: Vec<Message>) {
        let id = ticket.id.clone();
        self.tickets.update(|held| merge_ticket(held, ticket));
        self.threads.update(|threads| {
            let thread = threads.entry(id).or_default();
            for message in messages {
                merge_message(thread, message);
            }
        });
    }

    /// Records locally that the agent has read `id` up to `seq`.
    pub fn mark_read_locally(&self, id: &str, seq: i64) {
        self.tickets.update(|tickets| {
            if let Some(ticket) = tickets.iter_mut().find(|ticket| ticket.id == id) {
                ticket.read_seq = Some(ticket.read_seq.unwrap_or(0).max(seq));
            }
        });
    }

    /// Applies a frame from the server. Returns a frame to send back (catch-up) if any.
    pub fn apply(&self, frame: ServerFrame) -> Option<ClientFrame> {
        match frame {
            ServerFrame::Ack { client_id, message } => {
                self.pending
                    .update(|pending| pending.retain(|reply| reply.client_id != client_id));
                self.add_message(message)
            }
            ServerFrame::Rejected {
                client_id,
                reason,
                detail,
            } => {
                self.pending.update(|pending| {
                    if let Some(reply) = pending.iter_mut().find(|r| r.client_id == client_id) {
                        reply.failed = Some(match reason {
                            RejectReason::Closed => "This conversation has ended.".to_owned(),
                            _ => detail,
                        });
                    }
                });
                None
            }
            ServerFrame::Message { message } => self.add_message(message),
            ServerFrame::Ticket { ticket } => {
                self.tickets.update(|held| merge_ticket(held, ticket));
                None
            }
            ServerFrame::ResumeRefused { .. }
            | ServerFrame::Resync
            | ServerFrame::Settings { .. } => None,
        }
    }

    /// Adds a live message to its thread if that thread is loaded; asks for catch-up on a gap.
    fn add_message(&self, message: Message) -> Option<ClientFrame> {
        let conversation_id = message.conversation_id.clone();
        let merge = self.threads.try_update(|threads| {
            threads
                .get_mut(&conversation_id)
                .map(|thread| merge_message(thread, message))
        })??;
        match merge {
            Merge::Gap { after_seq } => Some(ClientFrame::Resume {
                conversation_id,
                after_seq,
            }),
            Merge::Added | Merge::Duplicate => None,
        }
    }

    /// Frames that bring every loaded thread up to date (after a reconnect).
    pub fn catch_up_frames(&self) -> Vec<ClientFrame> {
        self.threads.with_untracked(|threads| {
            threads
                .iter()
                .map(|(id, thread)| ClientFrame::Resume {
                    conversation_id: id.clone(),
                    after_seq: thread.last().map_or(0, |message| message.seq),
                })
                .collect()
        })
    }

    /// Frames re-sending every reply not yet acknowledged (same client ids: stored once).
    pub fn resend_frames(&self) -> Vec<ClientFrame> {
        self.pending.with_untracked(|pending| {
            pending
                .iter()
                .filter(|reply| reply.failed.is_none())
                .map(|reply| ClientFrame::Send {
                    conversation_id: Some(reply.conversation_id.clone()),
                    client_id: reply.client_id.clone(),
                    body: reply.body.clone(),
                })
                .collect()
        })
    }
}

impl Default for Inbox {
    fn default() -> Self {
        Self::new()
    }
}
