//! The drawer's state: the session, the merchant's settings, the thread, messages in
//! flight, and what the loader needs to hear (unread count, closed, settings). The
//! socket writes it; the view reads it. FAQ and settings handling live in `faq` and
//! `settings`.

use leptos::{prelude::*, task::spawn_local};
use protocol::{
    settings::{PublicFaq, WidgetSettings},
    thread::{merge_message, Merge},
    AuthorKind, ClientFrame, Message, RejectReason, ServerFrame, WidgetSession,
};
use wasm_bindgen::JsValue;

use crate::{config::WidgetConfig, session, socket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Loading,
    /// An anonymous visitor: may look, must log in to the store to chat.
    LoginRequired,
    Ready,
    Unavailable(String),
}

/// A message the shopper sent that the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub client_id: String,
    pub body: String,
    /// `Some(reason)` once refused; the shopper can retry or discard it.
    pub failed: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Chat {
    pub config: StoredValue<WidgetConfig>,
    /// The loader's mount element: the drawer tells the loader things by events on it.
    events: StoredValue<web_sys::HtmlElement, LocalStorage>,
    pub phase: RwSignal<Phase>,
    /// The merchant's storefront settings: the session's, then live from the socket.
    pub settings: RwSignal<WidgetSettings>,
    /// FAQs the shopper opened in this page view, in order. Local only: they are
    /// answered on the spot and never become messages.
    pub faq_picks: RwSignal<Vec<PublicFaq>>,
    /// The shopper asked for a person ("I still need help").
    pub help_requested: RwSignal<bool>,
    /// Whether the live chat (welcome, composer) shows rather than the FAQs alone:
    /// asked for, already under way, or nothing to browse.
    pub live_chat: Memo<bool>,
    /// Set by "I still need help": whatever it reveals (composer or log-in link) takes
    /// focus once mounted, so keyboard users land where they can act.
    pub focus_next: StoredValue<bool>,
    pub token: RwSignal<Option<String>>,
    pub conversation_id: RwSignal<Option<String>>,
    pub messages: RwSignal<Vec<Message>>,
    pub pending: RwSignal<Vec<Pending>>,
    pub connected: RwSignal<bool>,
    pub open: RwSignal<bool>,
    pub unread: RwSignal<u32>,
    /// The conversation was ended (by the team): the thread is read-only until the
    /// shopper starts a new chat.
    pub ended: RwSignal<bool>,
}

impl Chat {
    pub fn new(config: WidgetConfig, events: web_sys::HtmlElement) -> Self {
        let settings = RwSignal::new(crate::settings::initial(&config));
        let help_requested = RwSignal::new(false);
        let conversation_id = RwSignal::new(None::<String>);
        let live_chat = Memo::new(move |_| {
            help_requested.get()
                || conversation_id.with(Option::is_some)
                || settings.with(|settings| settings.faqs.is_empty())
        });
        Chat {
            config: StoredValue::new(config),
            events: StoredValue::new_local(events),
            phase: RwSignal::new(Phase::Loading),
            settings,
            faq_picks: RwSignal::new(Vec::new()),
            help_requested,
            live_chat,
            focus_next: StoredValue::new(false),
            token: RwSignal::new(None),
            conversation_id,
            messages: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
            connected: RwSignal::new(false),
            open: RwSignal::new(false),
            unread: RwSignal::new(0),
            ended: RwSignal::new(false),
        }
    }

    /// Opens the session, then the socket.
    pub fn start(self) {
        spawn_local(async move {
            let config = self.config.get_value();
            match session::open_session(&config).await {
                Ok(session) => self.apply_session(session),
                Err(reason) => self.phase.set(Phase::Unavailable(reason)),
            }
        });
    }

    fn apply_session(self, session: WidgetSession) {
        // The token first: whether the launcher hides depends on it.
        self.token.set(session.token.clone());
        self.apply_settings(session.settings);
        if let Some(conversation) = session.conversation {
            self.conversation_id.set(Some(conversation.id));
            self.messages.update(|thread| {
                for message in conversation.messages {
                    merge_message(thread, message);
                }
            });
        }
        if session.token.is_some() {
            self.phase.set(Phase::Ready);
            socket::connect(self);
        } else {
            self.phase.set(Phase::LoginRequired);
        }
    }

    pub fn set_open(self, open: bool) {
        self.open.set(open);
        if open {
            self.unread.set(0);
            self.emit("shopdesk:unread", &JsValue::from_f64(0.0));
        }
    }

    /// Closes the drawer from inside (close button, Esc) and tells the loader.
    pub fn close(self) {
        self.open.set(false);
        self.emit("shopdesk:closed", &JsValue::NULL);
    }

    /// Tells the loader something, by an event on its mount element.
    pub(crate) fn emit(self, name: &str, detail: &JsValue) {
        let init = web_sys::CustomEventInit::new();
        init.set_detail(detail);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            self.events
                .with_value(|target| target.dispatch_event(&event).ok());
        }
    }

    /// Queues a message and sends it if connected; it goes out on reconnect otherwise.
    pub fn send(self, body: String) {
        let pending = Pending {
            client_id: socket::new_client_id(),
            body,
            failed: None,
        };
        let frame = self.frame_for(&pending);
        self.pending.update(|queue| queue.push(pending));
        socket::send(&frame);
    }

    /// Leaves an ended conversation: the next message starts a new ticket.
    pub fn start_new_chat(self) {
        self.conversation_id.set(None);
        self.messages.set(Vec::new());
        self.pending
            .update(|queue| queue.retain(|pending| pending.failed.is_none()));
        self.ended.set(false);
        self.focus_next.set_value(true);
    }

    pub fn retry(self, client_id: &str) {
        let mut frame = None;
        self.pending.update(|queue| {
            if let Some(pending) = queue.iter_mut().find(|p| p.client_id == client_id) {
                pending.failed = None;
                frame = Some(self.frame_for(pending));
            }
        });
        if let Some(frame) = frame {
            socket::send(&frame);
        }
    }

    pub fn discard(self, client_id: &str) {
        self.pending
            .update(|queue| queue.retain(|pending| pending.client_id != client_id));
    }

    fn frame_for(self, pending: &Pending) -> ClientFrame {
        ClientFrame::Send {
            conversation_id: self.conversation_id.get_untracked(),
            client_id: pending.client_id.clone(),
            body: pending.body.clone(),
        }
    }

    /// Asks for what came after the last message held, if a conversation is open.
    fn resume_frame(self) -> Option<ClientFrame> {
        let conversation_id = self.conversation_id.get_untracked()?;
        let after_seq = self
            .messages
            .with_untracked(|thread| thread.last().map_or(0, |m| m.seq));
        Some(ClientFrame::Resume {
            conversation_id,
            after_seq,
        })
    }

    /// What to send once the socket (re)opens: catch-up, then every unacknowledged message.
    pub fn on_connected(self) -> Vec<ClientFrame> {
        let mut frames: Vec<ClientFrame> = self.resume_frame().into_iter().collect();
        let queued = self.pending.with_untracked(|queue| {
            queue
                .iter()
                .filter(|pending| pending.failed.is_none())
                .cloned()
                .collect::<Vec<_>>()
        });
        frames.extend(queued.iter().map(|pending| self.frame_for(pending)));
        frames
    }

    /// Applies a server frame; returns a frame to send back (catch-up) if needed.
    pub fn apply(self, frame: ServerFrame) -> Option<ClientFrame> {
        match frame {
            ServerFrame::Ack { client_id, message } => {
                self.discard(&client_id);
                self.add_message(message)
            }
            ServerFrame::Message { message } => self.add_message(message),
            ServerFrame::Rejected {
                client_id,
                reason,
                detail,
            } => {
                let text = match reason {
                    RejectReason::Closed => {
                        self.ended.set(true);
                        "This chat has ended.".to_owned()
                    }
                    RejectReason::ChatDisabled => {
                        // Fresher than our settings (a frame may have been missed offline).
                        self.settings
                            .update(|settings| settings.chat_enabled = false);
                        self.emit_settings();
                        "Chat is switched off.".to_owned()
                    }
                    RejectReason::Unavailable => "Couldn't send.".to_owned(),
                    _ => detail,
                };
                self.pending.update(|queue| {
                    if let Some(pending) = queue.iter_mut().find(|p| p.client_id == client_id) {
                        pending.failed = Some(text);
                    }
                });
                None
            }
            ServerFrame::Resync => self.resume_frame(),
            ServerFrame::Settings { settings } => {
                self.apply_settings(settings);
                None
            }
            ServerFrame::Ended { conversation_id } => {
                if self.conversation_id.get_untracked().as_deref() == Some(&conversation_id) {
                    self.ended.set(true);
                }
                None
            }
            ServerFrame::Ticket { .. }
            | ServerFrame::TicketEvent { .. }
            | ServerFrame::ResumeRefused { .. } => None,
        }
    }

    fn add_message(self, message: Message) -> Option<ClientFrame> {
        if self.conversation_id.get_untracked().as_deref() != Some(&message.conversation_id) {
            // The first message created the conversation, or a new chat began elsewhere.
            self.conversation_id
                .set(Some(message.conversation_id.clone()));
            self.messages.set(Vec::new());
        }
        let from_agent = message.author_kind == AuthorKind::Agent;
        let conversation_id = message.conversation_id.clone();
        let mut merge = Merge::Duplicate;
        self.messages
            .update(|thread| merge = merge_message(thread, message));
        if from_agent && merge != Merge::Duplicate && !self.open.get_untracked() {
            let unread = self.unread.get_untracked() + 1;
            self.unread.set(unread);
            self.emit("shopdesk:unread", &JsValue::from_f64(f64::from(unread)));
        }
        match merge {
            Merge::Gap { after_seq } => Some(ClientFrame::Resume {
                conversation_id,
                after_seq,
            }),
            Merge::Added | Merge::Duplicate => None,
        }
    }
}
