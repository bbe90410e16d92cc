//! The helpdesk's client-side state: the current view's ticket list and counts, loaded
//! threads with their events, and replies in flight, kept current by the live
//! connection. One [`Inbox`] is provided as context by `App`, for the life of the page:
//! the socket, the clock and the shortcut keys that write it live as long, so none of
//! them can outlive it (as they did when the inbox layout owned it and Settings
//! replaced the layout).

use std::collections::HashMap;

use leptos::prelude::*;
use protocol::{
    attachments::Attachment,
    inbox::{InboxPage, InboxView, PageCursor, TicketEvent, ViewCounts},
    settings::WaitingAlerts,
    thread::{merge_message, merge_ticket, Merge},
    AuthorKind, ClientFrame, Message, Participant, RejectReason, ServerFrame, TicketSummary,
    TYPING_SHOWS_MS, VIEWING_COUNTS_MS,
};

/// A reply the agent sent that the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReply {
    pub client_id: String,
    pub conversation_id: String,
    pub body: String,
    /// Images uploaded to go with it.
    pub attachments: Vec<Attachment>,
    /// `Some` once the server refused it for good (shown with the reason).
    pub failed: Option<String>,
}

impl PendingReply {
    /// The frame that sends (or re-sends: same client id, stored once) this reply.
    pub fn frame(&self) -> ClientFrame {
        ClientFrame::Send {
            conversation_id: Some(self.conversation_id.clone()),
            client_id: self.client_id.clone(),
            body: self.body.clone(),
            attachments: self.attachments.iter().map(|a| a.id.clone()).collect(),
        }
    }
}

/// How long after a live change the counts are fetched again (changes come in bursts).
const COUNTS_REFRESH: std::time::Duration = std::time::Duration::from_millis(400);

#[derive(Clone, Copy)]
pub struct Inbox {
    /// The logged-in agent (for "Mine", and macros' `{{agent_first_name}}`).
    pub agent_id: RwSignal<String>,
    pub agent_name: RwSignal<String>,
    /// The view the list shows.
    pub view: RwSignal<InboxView>,
    /// The view's tickets, in its order.
    pub tickets: RwSignal<Vec<TicketSummary>>,
    /// Where the view's next page starts, if there is one.
    pub next: RwSignal<Option<PageCursor>>,
    pub counts: RwSignal<ViewCounts>,
    pub waiting_alerts: RwSignal<WaitingAlerts>,
    /// Tickets whose thread is loaded, whatever view they are in.
    pub opened: RwSignal<HashMap<String, TicketSummary>>,
    pub threads: RwSignal<HashMap<String, Vec<Message>>>,
    pub events: RwSignal<HashMap<String, Vec<TicketEvent>>>,
    pub pending: RwSignal<Vec<PendingReply>>,
    /// Whether the live socket is open (shown as a banner when it is not).
    pub connected: RwSignal<bool>,
    /// The clock the relative times read; ticks in the browser.
    pub now: RwSignal<i64>,
    /// Bumped when the counts may have changed; the layout refetches them.
    pub counts_stale: RwSignal<u64>,
    /// A refetch of the counts is waiting or under way.
    counts_pending: StoredValue<bool>,
    /// Who is typing where: conversation → (who, until when, epoch ms).
    pub typing: RwSignal<HashMap<String, Vec<(Participant, i64)>>>,
    /// Which ticket each other agent has open: agent id → (ticket, name, until when).
    pub viewers: RwSignal<HashMap<String, (String, String, i64)>>,
    /// Whether [`Inbox::start_clock_once`] has run on this page.
    live: StoredValue<bool>,
    /// Each ticket as the counts last counted it (with this agent's read state), so a
    /// change moves the counts at once; the server's counts, fetched after each burst
    /// of changes, stay the truth.
    counted: StoredValue<HashMap<String, TicketSummary>>,
}

impl Inbox {
    pub fn new() -> Self {
        Inbox {
            agent_id: RwSignal::new(String::new()),
            agent_name: RwSignal::new(String::new()),
            view: RwSignal::new(InboxView::default()),
            tickets: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            counts: RwSignal::new(ViewCounts::default()),
            waiting_alerts: RwSignal::new(WaitingAlerts::default()),
            opened: RwSignal::new(HashMap::new()),
            threads: RwSignal::new(HashMap::new()),
            events: RwSignal::new(HashMap::new()),
            pending: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
            now: RwSignal::new(crate::time::now_ms()),
            counts_stale: RwSignal::new(0),
            counts_pending: StoredValue::new(false),
            typing: RwSignal::new(HashMap::new()),
            viewers: RwSignal::new(HashMap::new()),
            live: StoredValue::new(false),
            counted: StoredValue::new(HashMap::new()),
        }
    }

    /// Once per page: marks the inbox live and starts the clock the relative times read
    /// (`live::go_live` opens its connection). Returns `false` when it already was.
    pub fn start_clock_once(&self) -> bool {
        if self.live.get_value() {
            return false;
        }
        self.live.set_value(true);
        let now = self.now;
        now.set(crate::time::now_ms());
        // Never cleared: it lives as long as the page, like the state it writes.
        let _ = set_interval_with_handle(
            move || now.set(crate::time::now_ms()),
            std::time::Duration::from_secs(15),
        );
        true
    }

    /// The badge: unread tickets for this agent.
    pub fn unread_count(&self) -> i64 {
        self.counts.with(|counts| counts.unread)
    }

    /// Shows the first page of a view (replacing the list).
    pub fn show_page(&self, view: InboxView, page: InboxPage) {
        // The page's counts include these tickets as they are now.
        self.counted.update_value(|counted| {
            for ticket in &page.tickets {
                counted.insert(ticket.id.clone(), ticket.clone());
            }
        });
        self.view.set(view);
        self.tickets.set(page.tickets);
        self.next.set(page.next);
        self.counts.set(page.counts);
        self.waiting_alerts.set(page.waiting_alerts);
    }

    /// Appends the next page of the current view.
    pub fn append_page(&self, page: InboxPage) {
        let view = self.view.get_untracked();
        let agent = self.agent_id.get_untracked();
        self.tickets.update(|held| {
            for ticket in page.tickets {
                merge_ticket(held, ticket, &view, &agent);
            }
        });
        // Later pages carry no counts: the first page's (kept fresh live) stand.
        self.next.set(page.next);
    }

    /// A ticket as currently known: from the loaded threads, else from the list.
    pub fn ticket(&self, id: &str) -> Option<TicketSummary> {
        self.opened
            .with(|opened| opened.get(id).cloned())
            .or_else(|| {
                self.tickets
                    .with(|tickets| tickets.iter().find(|ticket| ticket.id == id).cloned())
            })
    }

    pub fn seed_thread(
        &self,
        ticket: TicketSummary,
        messages: Vec<Message>,
        events: Vec<TicketEvent>,
    ) {
        let id = ticket.id.clone();
        self.opened
            .update(|opened| drop(opened.insert(id.clone(), ticket.clone())));
        self.update_ticket(ticket);
        self.threads.update(|threads| {
            let thread = threads.entry(id.clone()).or_default();
            for message in messages {
                merge_message(thread, message);
            }
        });
        self.events.update(|held| {
            let list = held.entry(id).or_default();
            for event in events {
                add_event(list, event);
            }
        });
    }

    /// Records a changed ticket in the list (by the view's rules) and in the loaded threads.
    fn update_ticket(&self, mut ticket: TicketSummary) {
        let view = self.view.get_untracked();
        let agent = self.agent_id.get_untracked();
        if ticket.read_seq.is_none() {
            // A ticket (re-)entering the list keeps what this agent is known to have read.
            ticket.read_seq = self
                .opened
                .with_untracked(|opened| opened.get(&ticket.id).and_then(|held| held.read_seq))
                .or_else(|| {
                    self.counted
                        .with_value(|counted| counted.get(&ticket.id).and_then(|t| t.read_seq))
                });
        }
        self.recount(&ticket);
        self.opened.update(|opened| {
            if let Some(held) = opened.get_mut(&ticket.id) {
                let read_seq = ticket.read_seq.or(held.read_seq);
                *held = TicketSummary {
                    read_seq,
                    ..ticket.clone()
                };
            }
        });
        self.tickets
            .update(|held| merge_ticket(held, ticket, &view, &agent));
    }

    /// Fetches the counts after a short pause (changes come in bursts), and again if
    /// more changes arrived while that fetch was under way. An answer overtaken by a
    /// change is dropped: it may predate the change, and the next one follows.
    pub fn refresh_counts(&self) {
        if self.counts_pending.get_value() {
            return;
        }
        self.counts_pending.set_value(true);
        let inbox = *self;
        set_timeout(
            move || {
                let asked_at = inbox.counts_stale.get_untracked();
                leptos::task::spawn_local(async move {
                    let answer = crate::api::inbox_counts().await;
                    inbox.counts_pending.set_value(false);
                    if inbox.counts_stale.get_untracked() != asked_at {
                        inbox.refresh_counts();
                    } else if let Ok(counts) = answer {
                        inbox.counts.set(counts);
                    }
                });
            },
            COUNTS_REFRESH,
        );
    }

    /// Ids of the tickets whose thread is loaded.
    pub fn opened_ids(&self) -> Vec<String> {
        self.opened
            .with_untracked(|opened| opened.keys().cloned().collect())
    }

    /// Changes ticket `id` where it is held: in the list and among the loaded threads.
    fn edit_ticket(&self, id: &str, edit: impl Fn(&mut TicketSummary)) {
        if let Some(mut ticket) = self.counted.with_value(|counted| counted.get(id).cloned()) {
            edit(&mut ticket);
            self.recount(&ticket);
        }
        self.tickets.update(|tickets| {
            tickets.iter_mut().filter(|t| t.id == id).for_each(&edit);
        });
        self.opened.update(|opened| {
            opened.get_mut(id).map(&edit);
        });
    }

    /// Moves the counts by what the change to `ticket` does, when its previous state
    /// is known (or it is new: its first message); otherwise they wait for the refetch.
    fn recount(&self, ticket: &TicketSummary) {
        let agent = self.agent_id.get_untracked();
        let before = self
            .counted
            .try_update_value(|counted| counted.insert(ticket.id.clone(), ticket.clone()))
            .flatten();
        if before.is_none() && ticket.last_seq > 1 {
            return;
        }
        self.counts.update(|counts| {
            if let Some(before) = &before {
                counts.count(before, &agent, -1);
            }
            counts.count(ticket, &agent, 1);
        });
    }

    /// Records locally that the agent has read `id` up to `seq` (the counts move at
    /// once); call [`Inbox::server_changed`] once the server has it too.
    pub fn mark_read_locally(&self, id: &str, seq: i64) {
        self.edit_ticket(id, |ticket| {
            ticket.read_seq = Some(ticket.read_seq.unwrap_or(0).max(seq));
        });
    }

    /// Records locally that the agent marked `id` unread; as [`Inbox::mark_read_locally`].
    pub fn mark_unread_locally(&self, id: &str) {
        self.edit_ticket(id, |ticket| {
            ticket.read_seq = Some((ticket.last_shopper_seq - 1).max(0));
        });
    }

    /// The server stored a change of this agent's own (read state) that no live frame
    /// announces: the counts are fetched again, after it, never before.
    pub fn server_changed(&self) {
        self.counts_stale.update(|n| *n += 1);
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
                self.update_ticket(ticket);
                self.counts_stale.update(|n| *n += 1);
                None
            }
            ServerFrame::TicketEvent { event } => {
                self.events.update(|held| {
                    if let Some(list) = held.get_mut(&event.conversation_id) {
                        add_event(list, event);
                    }
                });
                None
            }
            ServerFrame::Typing {
                conversation_id,
                who,
            } => {
                self.someone_typing(conversation_id, who);
                None
            }
            ServerFrame::Viewing {
                conversation_id,
                who,
            } => {
                if who.id != self.agent_id.get_untracked() {
                    self.viewers.update(|viewers| match conversation_id {
                        Some(id) => {
                            let until = crate::time::now_ms() + VIEWING_COUNTS_MS;
                            viewers.insert(who.id, (id, who.name, until));
                        }
                        None => drop(viewers.remove(&who.id)),
                    });
                }
                None
            }
            ServerFrame::Receipt {
                conversation_id,
                delivered_seq,
                seen_seq,
            } => {
                self.edit_ticket(&conversation_id, |ticket| {
                    ticket.shopper_delivered_seq = ticket.shopper_delivered_seq.max(delivered_seq);
                    ticket.shopper_seen_seq = ticket.shopper_seen_seq.max(seen_seq);
                });
                None
            }
            ServerFrame::ResumeRefused { .. }
            | ServerFrame::Resync
            | ServerFrame::Ended { .. }
            | ServerFrame::Settings { .. }
            | ServerFrame::HandedOff { .. } => None,
        }
    }

    /// Shows that `who` is typing in `conversation_id` for a while (not the agent's own).
    fn someone_typing(&self, conversation_id: String, who: Participant) {
        if who.kind == AuthorKind::Agent && who.id == self.agent_id.get_untracked() {
            return;
        }
        let until = crate::time::now_ms() + TYPING_SHOWS_MS;
        self.typing.update(|typing| {
            let list = typing.entry(conversation_id).or_default();
            list.retain(|(held, _)| held != &who);
            list.push((who, until));
        });
        let typing = self.typing;
        set_timeout(
            move || {
                let now = crate::time::now_ms();
                typing.update(|typing| {
                    typing.retain(|_, list| {
                        list.retain(|(_, until)| *until > now);
                        !list.is_empty()
                    });
                });
            },
            std::time::Duration::from_millis(TYPING_SHOWS_MS as u64 + 100),
        );
    }

    /// Adds a live message to its thread if that thread is loaded; asks for catch-up on a gap.
    fn add_message(&self, message: Message) -> Option<ClientFrame> {
        let conversation_id = message.conversation_id.clone();
        // Whoever sent it has stopped typing.
        self.typing.update(|typing| {
            if let Some(list) = typing.get_mut(&conversation_id) {
                list.retain(|(who, _)| {
                    who.kind != message.author_kind || who.name != message.author_name
                });
            }
        });
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
                .map(PendingReply::frame)
                .collect()
        })
    }
}

/// Adds an event to a thread's list once, in time order.
fn add_event(list: &mut Vec<TicketEvent>, event: TicketEvent) {
    if list.iter().any(|held| held.id == event.id) {
        return;
    }
    let index = list
        .iter()
        .position(|held| held.at > event.at)
        .unwrap_or(list.len());
    list.insert(index, event);
}

impl Default for Inbox {
    fn default() -> Self {
        Self::new()
    }
}
