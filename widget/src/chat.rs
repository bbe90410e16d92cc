//! The drawer's state: the session, the merchant's settings, the thread, messages in
//! flight, and what the loader needs to hear (unread count, closed, settings). The
//! socket writes it; the view reads it. FAQ and settings handling live in `faq` and
//! `settings`.

use leptos::{prelude::*, task::spawn_local};
use protocol::{
    attachments::{precheck, Attachment, ImageProblem, MAX_ATTACHMENTS, MAX_IMAGE_BYTES},
    hub::{PastChat, ShopperOrder},
    settings::{PublicFaq, WidgetSettings},
    thread::{merge_message, Merge},
    AuthorKind, ClientFrame, Message, RejectReason, ShopperFrame, TicketStatus, WidgetSession,
    TYPING_REPEAT_MS, TYPING_SHOWS_MS,
};
use wasm_bindgen::JsValue;

use crate::{
    config::WidgetConfig,
    http::{self, HttpError},
    i18n::{fill, text_for, Text},
    session, socket,
};

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
    /// Images uploaded to go with it.
    pub attachments: Vec<Attachment>,
    /// `Some(reason)` once refused; the shopper can retry or discard it.
    pub failed: Option<String>,
    /// `Some(why)` while it waits to go out again by itself (sent too fast).
    pub waiting: Option<String>,
}

/// The drawer's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Chat,
    Orders,
}

/// What the Chat tab shows: the live chat, or the shopper's earlier chats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatPane {
    Live,
    PastList,
    Past(protocol::ConversationView),
}

#[derive(Clone, Copy)]
pub struct Chat {
    pub config: StoredValue<WidgetConfig>,
    /// The drawer's words, in the storefront's language.
    pub t: &'static Text,
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
    /// An agent typing a reply: their name, and until when to say so (epoch ms).
    pub agent_typing: RwSignal<Option<(String, i64)>>,
    /// The highest seq reported seen, so each is reported once.
    seen_reported: StoredValue<i64>,
    /// When the shopper's last typing signal went out (epoch ms).
    typing_sent_at: StoredValue<i64>,
    /// Images uploaded for the next message, uploads under way, the last problem.
    pub attached: RwSignal<Vec<Attachment>>,
    pub uploading: RwSignal<u32>,
    pub upload_error: RwSignal<Option<String>>,
    /// The image shown full size: its address and description.
    pub lightbox: RwSignal<Option<(String, String)>>,
    pub tab: RwSignal<Tab>,
    pub pane: RwSignal<ChatPane>,
    /// The shopper's ended chats, and their orders (the Orders tab shows when any).
    pub past_chats: RwSignal<Vec<PastChat>>,
    pub orders: RwSignal<Vec<ShopperOrder>>,
    /// "End this chat?" is being asked.
    pub confirming_end: RwSignal<bool>,
    /// The AI agent is answering this chat: "Talk to a person" is offered.
    pub ai_answering: RwSignal<bool>,
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
            t: text_for(&config.locale),
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
            agent_typing: RwSignal::new(None),
            seen_reported: StoredValue::new(0),
            typing_sent_at: StoredValue::new(0),
            attached: RwSignal::new(Vec::new()),
            uploading: RwSignal::new(0),
            upload_error: RwSignal::new(None),
            lightbox: RwSignal::new(None),
            tab: RwSignal::new(Tab::Chat),
            pane: RwSignal::new(ChatPane::Live),
            past_chats: RwSignal::new(Vec::new()),
            orders: RwSignal::new(Vec::new()),
            confirming_end: RwSignal::new(false),
            ai_answering: RwSignal::new(false),
        }
    }

    /// Opens the session, then the socket.
    pub fn start(self) {
        // Coming back to the tab with the drawer open counts as seeing what came meanwhile.
        let handle =
            window_event_listener(leptos::ev::visibilitychange, move |_| self.report_seen());
        // It lives as long as the widget, which is as long as the page.
        std::mem::forget(handle);
        spawn_local(async move {
            let config = self.config.get_value();
            match session::open_session(&config, self.t).await {
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
            self.ai_answering
                .set(conversation.status == TicketStatus::Ai);
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
            self.load_past_chats();
            self.load_orders();
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
    pub fn send(self, body: String, attachments: Vec<Attachment>) {
        // Typing again after this is news again.
        self.typing_sent_at.set_value(0);
        let pending = Pending {
            client_id: socket::new_client_id(),
            body,
            attachments,
            failed: None,
            waiting: None,
        };
        let frame = self.frame_for(&pending);
        self.pending.update(|queue| queue.push(pending));
        socket::send(&frame);
    }

    /// Uploads images the shopper picked, pasted or dropped (checked here first; the
    /// server checks again), adding each to the next message as it finishes.
    pub fn upload(self, files: Vec<web_sys::File>) {
        self.upload_error.set(None);
        let held = self.attached.with_untracked(Vec::len) + self.uploading.get_untracked() as usize;
        let room = MAX_ATTACHMENTS.saturating_sub(held);
        if files.len() > room {
            self.upload_error.set(Some(fill(
                self.t.too_many_images,
                "count",
                &MAX_ATTACHMENTS.to_string(),
            )));
        }
        for file in files.into_iter().take(room) {
            if let Err(problem) = precheck(&file.type_(), file.size() as u64) {
                self.upload_error.set(Some(match problem {
                    ImageProblem::NotAnImage => self.t.not_an_image.to_owned(),
                    ImageProblem::TooLarge => fill(
                        self.t.image_too_big,
                        "count",
                        &(MAX_IMAGE_BYTES / (1024 * 1024)).to_string(),
                    ),
                }));
                continue;
            }
            self.uploading.update(|n| *n += 1);
            spawn_local(async move {
                match self.upload_one(&file).await {
                    Ok(image) => self.attached.update(|images| images.push(image)),
                    Err(problem) => self.upload_error.set(Some(problem)),
                }
                self.uploading.update(|n| *n -= 1);
            });
        }
    }

    async fn upload_one(self, file: &web_sys::File) -> Result<Attachment, String> {
        let failed = self.t.upload_failed.to_owned();
        let token = self.token.get_untracked().ok_or_else(|| failed.clone())?;
        let url = self
            .config
            .with_value(|config| config.api_url("/api/widget/uploads"));
        let answer = http::post::<(), Attachment>(&url, Some(&token), http::Body::File(file)).await;
        answer.map_err(|error| match error {
            HttpError::Refused {
                message: Some(message),
            } => message,
            _ => failed,
        })
    }

    /// An image's address on the chat server.
    pub fn image_url(self, image: &Attachment) -> String {
        self.config
            .with_value(|config| config.api_url(&image.path()))
    }

    /// The shopper is typing: tell the team, at most every few seconds.
    pub fn typing(self) {
        let now = js_sys::Date::now() as i64;
        if now - self.typing_sent_at.get_value() < TYPING_REPEAT_MS {
            return;
        }
        self.typing_sent_at.set_value(now);
        socket::send(&ClientFrame::Typing {
            conversation_id: self.conversation_id.get_untracked(),
        });
    }

    /// Reports the team's messages as seen, if they can be: the drawer is open and the
    /// page is in front (the thread keeps its newest message in view while open).
    pub fn report_seen(self) {
        let visible = web_sys::window()
            .and_then(|window| window.document())
            .is_some_and(|document| {
                document.visibility_state() == web_sys::VisibilityState::Visible
            });
        if !self.open.get_untracked() || !visible {
            return;
        }
        let Some(conversation_id) = self.conversation_id.get_untracked() else {
            return;
        };
        let latest = self.messages.with_untracked(|thread| {
            thread
                .iter()
                .rev()
                .find(|message| message.author_kind != AuthorKind::Shopper)
                .map_or(0, |message| message.seq)
        });
        if latest > self.seen_reported.get_value() {
            self.seen_reported.set_value(latest);
            socket::send(&ClientFrame::Seen {
                conversation_id,
                seq: latest,
            });
        }
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

    /// Ends the open chat for good (the shopper confirmed). The server answers with
    /// `Ended`, which makes the thread read-only; offline, nothing changes.
    pub fn end_chat(self) {
        let Some(conversation_id) = self.conversation_id.get_untracked() else {
            return;
        };
        if socket::send(&ClientFrame::EndChat { conversation_id }) {
            self.confirming_end.set(false);
        }
    }

    /// "Talk to a person": the AI agent hands the chat to the team (as the merchant set).
    pub fn talk_to_person(self) {
        let Some(conversation_id) = self.conversation_id.get_untracked() else {
            return;
        };
        if socket::send(&ClientFrame::TalkToPerson { conversation_id }) {
            self.ai_answering.set(false);
        }
    }

    /// The shopper's "Did that answer your question?"; `false` when offline (try again).
    pub fn rate_answer(self, message_id: String, helpful: bool) -> bool {
        socket::send(&ClientFrame::AiFeedback {
            message_id,
            helpful,
        })
    }

    /// Fetches the shopper's ended chats for "Past chats".
    pub fn load_past_chats(self) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        let url = self.config.with_value(|c| c.api_url("/api/widget/history"));
        let past_chats = self.past_chats;
        spawn_local(async move {
            if let Ok(chats) = http::get::<Vec<PastChat>>(&url, &token).await {
                past_chats.set(chats);
            }
        });
    }

    /// Opens one ended chat, read-only.
    pub fn open_past_chat(self, id: String) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        let url = self
            .config
            .with_value(|c| c.api_url(&format!("/api/widget/history/{id}")));
        let pane = self.pane;
        spawn_local(async move {
            if let Ok(chat) = http::get(&url, &token).await {
                pane.set(ChatPane::Past(chat));
            }
        });
    }

    /// Fetches the shopper's orders; the Orders tab shows only when there are some.
    fn load_orders(self) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        let url = self.config.with_value(|c| c.api_url("/api/widget/orders"));
        let orders = self.orders;
        spawn_local(async move {
            if let Ok(list) = http::get::<Vec<ShopperOrder>>(&url, &token).await {
                orders.set(list);
            }
        });
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

    /// Sent too fast: the server stored nothing. It stays queued, saying so, and goes
    /// out again (same client id) once the wait is over.
    fn send_again_later(self, client_id: &str, retry_after_ms: u64) {
        let seconds = retry_after_ms.div_ceil(1000).max(1).to_string();
        let note = fill(self.t.too_fast, "seconds", &seconds);
        self.pending.update(|queue| {
            if let Some(pending) = queue.iter_mut().find(|p| p.client_id == client_id) {
                pending.waiting = Some(note);
            }
        });
        let client_id = client_id.to_owned();
        set_timeout(
            move || {
                let mut frame = None;
                self.pending.update(|queue| {
                    let waiting = queue
                        .iter_mut()
                        .find(|p| p.client_id == client_id && p.waiting.is_some());
                    if let Some(pending) = waiting {
                        pending.waiting = None;
                        frame = Some(self.frame_for(pending));
                    }
                });
                if let Some(frame) = frame {
                    socket::send(&frame);
                }
            },
            std::time::Duration::from_millis(retry_after_ms.max(250)),
        );
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
            attachments: pending.attachments.iter().map(|a| a.id.clone()).collect(),
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

    /// Applies a server frame; returns frames to send back (catch-up, receipts).
    pub fn apply(self, frame: ShopperFrame) -> Vec<ClientFrame> {
        self.apply_one(frame).into_iter().flatten().collect()
    }

    fn apply_one(self, frame: ShopperFrame) -> Option<Vec<ClientFrame>> {
        let one = |frame: Option<ClientFrame>| Some(frame.into_iter().collect::<Vec<_>>());
        match frame {
            ShopperFrame::Ack { client_id, message } => {
                self.discard(&client_id);
                Some(self.add_message(message))
            }
            ShopperFrame::Message { message } => Some(self.add_message(message)),
            ShopperFrame::Rejected {
                client_id,
                reason,
                detail,
            } => {
                let text = match reason {
                    RejectReason::RateLimited { retry_after_ms } => {
                        self.send_again_later(&client_id, retry_after_ms);
                        return None;
                    }
                    RejectReason::Closed => {
                        self.ended.set(true);
                        self.t.chat_ended
                    }
                    RejectReason::ChatDisabled => {
                        // Fresher than our settings (a frame may have been missed offline).
                        self.settings
                            .update(|settings| settings.chat_enabled = false);
                        self.emit_settings();
                        self.t.chat_switched_off
                    }
                    RejectReason::Unavailable => self.t.could_not_send,
                    RejectReason::Invalid
                    | RejectReason::NotFound
                    | RejectReason::LoginRequired => {
                        leptos::logging::warn!("shopdesk: message refused: {detail}");
                        self.t.refused
                    }
                };
                let text = text.to_owned();
                self.pending.update(|queue| {
                    if let Some(pending) = queue.iter_mut().find(|p| p.client_id == client_id) {
                        pending.failed = Some(text);
                    }
                });
                None
            }
            ShopperFrame::Resync => one(self.resume_frame()),
            ShopperFrame::Settings { settings } => {
                self.apply_settings(settings);
                None
            }
            ShopperFrame::Typing {
                conversation_id,
                who,
            } => {
                let ours =
                    self.conversation_id.get_untracked().as_deref() == Some(&conversation_id);
                if ours && who.kind == AuthorKind::Agent {
                    let until = js_sys::Date::now() as i64 + TYPING_SHOWS_MS;
                    self.agent_typing.set(Some((who.name, until)));
                    // Clear it once it runs out, unless a newer signal moved it on.
                    let agent_typing = self.agent_typing;
                    set_timeout(
                        move || {
                            let expired = agent_typing.with_untracked(|typing| {
                                typing.as_ref().is_some_and(|(_, at)| *at <= until)
                            });
                            if expired {
                                agent_typing.set(None);
                            }
                        },
                        std::time::Duration::from_millis(TYPING_SHOWS_MS as u64),
                    );
                }
                None
            }
            ShopperFrame::HandedOff { conversation_id } => {
                if self.conversation_id.get_untracked().as_deref() == Some(&conversation_id) {
                    self.ai_answering.set(false);
                }
                None
            }
            ShopperFrame::Ended { conversation_id } => {
                if self.conversation_id.get_untracked().as_deref() == Some(&conversation_id) {
                    self.ended.set(true);
                    self.ai_answering.set(false);
                    self.confirming_end.set(false);
                }
                // It is history now.
                self.load_past_chats();
                None
            }
            ShopperFrame::ResumeRefused { .. } => None,
        }
    }

    fn add_message(self, message: Message) -> Vec<ClientFrame> {
        if self.conversation_id.get_untracked().as_deref() != Some(&message.conversation_id) {
            // The first message created the conversation, or a new chat began elsewhere.
            self.conversation_id
                .set(Some(message.conversation_id.clone()));
            self.messages.set(Vec::new());
            self.seen_reported.set_value(0);
            // The server opened it for the AI agent if the merchant has it on.
            self.ai_answering
                .set(self.settings.with_untracked(|settings| settings.ai_agent));
        }
        let from_agent = message.author_kind == AuthorKind::Agent;
        if from_agent {
            // A person replied: the AI agent is out of this chat.
            self.ai_answering.set(false);
        }
        let conversation_id = message.conversation_id.clone();
        let seq = message.seq;
        let mut merge = Merge::Duplicate;
        self.messages
            .update(|thread| merge = merge_message(thread, message));
        let mut replies = Vec::new();
        if from_agent && merge != Merge::Duplicate {
            self.agent_typing.set(None);
            replies.push(ClientFrame::Delivered {
                conversation_id: conversation_id.clone(),
                seq,
            });
            if !self.open.get_untracked() {
                let unread = self.unread.get_untracked() + 1;
                self.unread.set(unread);
                self.emit("shopdesk:unread", &JsValue::from_f64(f64::from(unread)));
            }
        }
        if let Merge::Gap { after_seq } = merge {
            replies.push(ClientFrame::Resume {
                conversation_id,
                after_seq,
            });
        }
        replies
    }
}
