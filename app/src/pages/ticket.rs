//! The ticket view: header with the ticket's actions, the live thread (messages and
//! ticket events by time), and the reply composer.

use leptos::{ev::KeyboardEvent, html, prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use protocol::{
    inbox::TicketEvent,
    profile::{fill_macro, Macro, MacroContext, TicketProfile},
    AuthorKind, ClientFrame, Message, TicketStatus, TicketSummary,
};

use super::{
    icons::ChannelIcon,
    inbox::{initials, WaitingBadge},
    macros::MacroPicker,
    profile::ProfileSidebar,
    settings::LocalTime,
    ticket_actions::TicketActions,
    ErrorNote,
};
use crate::{
    api::{load_profile, load_ticket, mark_read},
    inbox::{Inbox, PendingReply},
    live,
    time::ClockTime,
};

#[component]
pub fn TicketPage() -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let thread = Resource::new(move || id.get(), load_ticket);
    let profile = Resource::new(move || id.get(), load_profile);
    view! {
        <div class="ticket-layout">
            <Suspense fallback=|| view! { <p class="loading">"Loading conversation…"</p> }>
                {move || Suspend::new(async move {
                    match thread.await {
                        Ok(thread) => {
                            let id = thread.ticket.id.clone();
                            inbox.seed_thread(thread.ticket, thread.messages, thread.events);
                            let loaded = Signal::derive(move || profile.get().and_then(Result::ok));
                            view! { <Conversation id profile=loaded /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| view! { <aside class="profile"><p class="loading">"Loading profile…"</p></aside> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(profile) => view! { <ProfileSidebar profile /> }.into_any(),
                        Err(_) => view! {
                            <aside class="profile"><p class="muted">"The shopper's profile could not be loaded."</p></aside>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// One entry of the thread: a message, or something that happened to the ticket.
#[derive(Clone, PartialEq)]
enum ThreadItem {
    Message(Message),
    Event(TicketEvent),
}

impl ThreadItem {
    fn at(&self) -> i64 {
        match self {
            ThreadItem::Message(message) => message.created_at,
            ThreadItem::Event(event) => event.at,
        }
    }

    fn key(&self) -> String {
        match self {
            ThreadItem::Message(message) => format!("m{}", message.seq),
            ThreadItem::Event(event) => format!("e{}", event.id),
        }
    }
}

#[component]
fn Conversation(id: String, profile: Signal<Option<TicketProfile>>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let ticket = {
        let id = id.clone();
        Memo::new(move |_| {
            inbox.opened.track();
            inbox.tickets.track();
            inbox.ticket(&id)
        })
    };
    let messages = {
        let id = id.clone();
        Memo::new(move |_| {
            inbox
                .threads
                .with(|threads| threads.get(&id).cloned().unwrap_or_default())
        })
    };
    let items = {
        let id = id.clone();
        Memo::new(move |_| {
            let mut items: Vec<ThreadItem> = messages
                .get()
                .into_iter()
                .map(ThreadItem::Message)
                .collect();
            inbox.events.with(|events| {
                items.extend(
                    events
                        .get(&id)
                        .into_iter()
                        .flatten()
                        .cloned()
                        .map(ThreadItem::Event),
                );
            });
            // Stable: a message and an event in the same millisecond keep message first.
            items.sort_by_key(ThreadItem::at);
            items
        })
    };
    let pending = {
        let id = id.clone();
        Memo::new(move |_| {
            inbox.pending.with(|pending| {
                pending
                    .iter()
                    .filter(|reply| reply.conversation_id == id)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let log_ref = NodeRef::<html::Div>::new();

    // Keep the newest entry in view and mark what is on screen as read.
    {
        let id = id.clone();
        Effect::new(move |_| {
            let last_seq = messages.with(|thread| thread.last().map_or(0, |m| m.seq));
            items.track();
            pending.track();
            if let Some(log) = log_ref.get() {
                log.set_scroll_top(log.scroll_height());
            }
            let already_read = ticket.with_untracked(|ticket| {
                ticket
                    .as_ref()
                    .is_some_and(|ticket| ticket.read_seq.unwrap_or(0) >= last_seq)
            });
            if last_seq > 0 && !already_read {
                inbox.mark_read_locally(&id, last_seq);
                let id = id.clone();
                spawn_local(async move {
                    let _ = mark_read(id, last_seq).await;
                });
            }
        });
    }

    let name = move || {
        ticket.with(|t| {
            t.as_ref()
                .map(|t| t.customer_name.clone())
                .unwrap_or_default()
        })
    };
    let closed =
        move || ticket.with(|t| t.as_ref().is_some_and(|t| t.status == TicketStatus::Closed));
    let last_shopper_seq =
        Signal::derive(move || ticket.with(|t| t.as_ref().map_or(0, |t| t.last_shopper_seq)));

    view! {
        <Title text=name />
        <article class="conversation" aria-labelledby="conversation-title">
            {move || ticket.get().map(|ticket| view! { <ConversationHead ticket /> })}
            <div
                class="thread"
                node_ref=log_ref
                role="log"
                // Scrollable by keyboard too (focus it, then arrow keys / Page Up).
                tabindex="0"
                aria-live="polite"
                aria-label=move || format!("Conversation with {}", name())
            >
                <ol class="thread-list">
                    <For each=move || items.get() key=ThreadItem::key let:item>
                        {match item {
                            ThreadItem::Message(message) => view! { <MessageItem message /> }.into_any(),
                            ThreadItem::Event(event) => view! { <EventItem event /> }.into_any(),
                        }}
                    </For>
                    <For each=move || pending.get() key=|reply| (reply.client_id.clone(), reply.failed.clone()) let:reply>
                        <PendingItem reply />
                    </For>
                </ol>
            </div>
            <Show
                when=move || !closed()
                fallback=|| view! { <p class="ended">"This ticket is closed. The shopper's next message starts a new ticket."</p> }
            >
                <Composer conversation_id=id.clone() name=Signal::derive(name) last_shopper_seq profile />
            </Show>
        </article>
    }
}

#[component]
fn ConversationHead(ticket: TicketSummary) -> impl IntoView {
    let waiting = (ticket.status == TicketStatus::Open)
        .then_some(ticket.waiting_since)
        .flatten();
    let snoozed_until = (ticket.status == TicketStatus::Snoozed)
        .then_some(ticket.snoozed_until)
        .flatten();
    view! {
        <header class="conversation-head">
            <ChannelIcon channel=ticket.channel />
            <div class="who">
                <h2 id="conversation-title">{ticket.customer_name.clone()}</h2>
                <span class="muted">{ticket.customer_email.clone()}</span>
            </div>
            <span class=format!("status {}", ticket.status.as_str())>{status_label(ticket.status)}</span>
            {snoozed_until.map(|at| view! {
                <span class="muted snoozed-until">"until " <LocalTime at /></span>
            })}
            {waiting.map(|since| view! { <WaitingBadge since /> })}
            <TicketActions ticket />
        </header>
    }
}

pub fn status_label(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => "Open",
        TicketStatus::Snoozed => "Snoozed",
        TicketStatus::Closed => "Closed",
    }
}

#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let at = message.created_at;
    let back_at = message.back_at;
    let (side, label) = match message.author_kind {
        AuthorKind::Shopper => ("msg incoming", None),
        AuthorKind::Agent => ("msg outgoing", None),
        AuthorKind::System => ("msg automated", Some("Automated")),
    };
    view! {
        <li class=side>
            <span class="avatar" aria-hidden="true">{initials(&message.author_name)}</span>
            <div class="msg-body">
                <p class="bubble">{message.body}</p>
                <p class="meta">
                    <span class="author">{message.author_name}</span>
                    {label.map(|label| view! { " · " <span class="tag">{label}</span> })}
                    " · "
                    <ClockTime at />
                </p>
                {back_at.map(|back_at| view! {
                    <p class="meta">"Away message · team back " <LocalTime at=back_at /></p>
                })}
            </div>
        </li>
    }
}

#[component]
fn EventItem(event: TicketEvent) -> impl IntoView {
    let at = event.at;
    let until = match event.kind {
        protocol::inbox::TicketEventKind::Snoozed { until } => Some(until),
        _ => None,
    };
    view! {
        <li class="event">
            <p>
                {event.describe()}
                {until.map(|until| view! { " " <LocalTime at=until /> })}
                " · "
                <ClockTime at />
            </p>
        </li>
    }
}

#[component]
fn PendingItem(reply: PendingReply) -> impl IntoView {
    let failed = reply.failed.clone();
    let is_failed = failed.is_some();
    let client_id = reply.client_id.clone();
    let inbox = expect_context::<Inbox>();
    let discard = move |_| {
        inbox
            .pending
            .update(|pending| pending.retain(|held| held.client_id != client_id));
    };
    view! {
        <li class="msg outgoing pending" class:failed=is_failed>
            <span class="avatar" aria-hidden="true"></span>
            <div class="msg-body">
                <p class="bubble">{reply.body}</p>
                <p class="meta">
                    {match failed {
                        Some(reason) => view! {
                            <span class="failed-text">{format!("Not sent: {reason}")}</span>
                            " "
                            <button type="button" class="link" on:click=discard>"Dismiss"</button>
                        }.into_any(),
                        None => view! { <span>"Sending…"</span> }.into_any(),
                    }}
                </p>
            </div>
        </li>
    }
}

/// Emojis offered by the composer's picker.
const EMOJIS: &[&str] = &[
    "😀", "😊", "🙂", "😉", "😍", "🤩", "😅", "😂", "🙏", "👍", "👌", "👏", "🙌", "💪", "🎉", "✨",
    "❤️", "💙", "💚", "🔥", "⭐", "✅", "❌", "⚠️", "📦", "🚚", "🛍️", "🎁", "💳", "🧾", "📅", "⏰",
    "📧", "📞", "💬", "🤔", "😢", "😮", "👋", "🌟",
];

#[component]
fn Composer(
    conversation_id: String,
    name: Signal<String>,
    last_shopper_seq: Signal<i64>,
    profile: Signal<Option<TicketProfile>>,
) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let (body, set_body) = signal(String::new());
    let textarea = NodeRef::<html::Textarea>::new();
    let emoji_open = RwSignal::new(false);
    // The shopper's latest message when the agent started typing: if they write again
    // before the reply goes out, the agent is asked to look first.
    let typing_from = StoredValue::new(None::<i64>);
    let newer_warning = RwSignal::new(false);

    let send_now = {
        let conversation_id = conversation_id.clone();
        move || {
            let text = body.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            let reply = PendingReply {
                client_id: live::new_client_id(),
                conversation_id: conversation_id.clone(),
                body: text.trim().to_owned(),
                failed: None,
            };
            let frame = ClientFrame::Send {
                conversation_id: Some(reply.conversation_id.clone()),
                client_id: reply.client_id.clone(),
                body: reply.body.clone(),
            };
            inbox.pending.update(|pending| pending.push(reply));
            // If the socket is down the reply waits in `pending` and goes out on reconnect.
            live::send(&frame);
            set_body.set(String::new());
            typing_from.set_value(None);
            newer_warning.set(false);
        }
    };
    let send = {
        let send_now = send_now.clone();
        move || {
            let started_at = typing_from.get_value();
            if started_at.is_some_and(|seq| last_shopper_seq.get_untracked() > seq)
                && !newer_warning.get_untracked()
            {
                newer_warning.set(true);
                return;
            }
            send_now();
        }
    };
    let on_input = move |event| {
        let text = event_target_value(&event);
        if typing_from.get_value().is_none() && !text.trim().is_empty() {
            typing_from.set_value(Some(last_shopper_seq.get_untracked()));
        }
        if text.trim().is_empty() {
            typing_from.set_value(None);
        }
        set_body.set(text);
    };
    let send_on_enter = {
        let send = send.clone();
        move |event: KeyboardEvent| {
            if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
                event.prevent_default();
                send();
            }
        }
    };
    // Puts `text` where the cursor is (replacing any selection) and focuses the reply.
    let insert_text = move |insert: &str| {
        let text = body.get_untracked();
        let (start, end) = textarea
            .get_untracked()
            .map(|area| {
                let position = |value: Result<Option<u32>, _>| {
                    value
                        .ok()
                        .flatten()
                        .map_or(text.encode_utf16().count(), |p| p as usize)
                };
                (
                    position(area.selection_start()),
                    position(area.selection_end()),
                )
            })
            .unwrap_or((text.len(), text.len()));
        // Selection offsets count UTF-16 units; turn them into byte offsets.
        let byte_at = |units: usize| {
            let mut counted = 0;
            for (index, ch) in text.char_indices() {
                if counted >= units {
                    return index;
                }
                counted += ch.len_utf16();
            }
            text.len()
        };
        let (start, end) = (byte_at(start), byte_at(end.max(start)));
        let next = format!("{}{insert}{}", &text[..start], &text[end..]);
        if typing_from.get_value().is_none() {
            typing_from.set_value(Some(last_shopper_seq.get_untracked()));
        }
        set_body.set(next);
        if let Some(area) = textarea.get_untracked() {
            let _ = area.focus();
        }
    };
    let insert_emoji = move |emoji: &'static str| {
        insert_text(emoji);
        emoji_open.set(false);
    };
    let macro_note = RwSignal::new(None::<String>);
    let use_macro = move |chosen: Macro| {
        let agent_name = inbox.agent_name.get_untracked();
        let loaded = profile.get_untracked();
        let store_name = loaded
            .as_ref()
            .map(|p| p.store_name.clone())
            .unwrap_or_default();
        let context = MacroContext {
            profile: loaded.as_ref().map(|p| &p.profile),
            store_name: &store_name,
            agent_name: &agent_name,
        };
        let (text, missing) = fill_macro(&chosen.body, &context);
        insert_text(&text);
        macro_note.set((!missing.is_empty()).then(|| {
            format!(
                "“{}” had no value for {}: complete the reply before sending.",
                chosen.name,
                missing.join(", ")
            )
        }));
    };
    let submit = {
        let send = send.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            send();
        }
    };
    view! {
        <form class="composer" on:submit=submit>
            <Show when=move || newer_warning.get()>
                <div class="newer-warning" role="alert">
                    <p>"The shopper wrote again while you were typing. Read it before you send?"</p>
                    <button type="button" class="primary" on:click={
                        let send_now = send_now.clone();
                        move |_| send_now()
                    }>"Send anyway"</button>
                    <button type="button" class="secondary" on:click=move |_| {
                        newer_warning.set(false);
                        typing_from.set_value(Some(last_shopper_seq.get_untracked()));
                    }>"Keep editing"</button>
                </div>
            </Show>
            {move || macro_note.get().map(|note| view! { <p class="macro-note" role="status">{note}</p> })}
            <label for="reply" class="sr-only">{move || format!("Reply to {}", name.get())}</label>
            <textarea
                id="reply"
                name="reply"
                rows="3"
                maxlength="5000"
                placeholder="Write a reply…  Enter sends, Shift+Enter adds a line"
                node_ref=textarea
                prop:value=body
                on:input=on_input
                on:keydown=send_on_enter
            ></textarea>
            <div class="composer-actions">
                <div class="composer-tools">
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Insert emoji"
                        aria-haspopup="true"
                        aria-expanded=move || emoji_open.get().to_string()
                        on:click=move |_| emoji_open.update(|open| *open = !*open)
                    >"😊"</button>
                    <Show when=move || emoji_open.get()>
                        <div
                            class="emoji-picker"
                            role="group"
                            aria-label="Emoji"
                            on:keydown=move |event| {
                                if event.key() == "Escape" {
                                    emoji_open.set(false);
                                }
                            }
                        >
                            {EMOJIS.iter().map(|emoji| view! {
                                <button type="button" class="emoji" aria-label=*emoji on:click=move |_| insert_emoji(emoji)>
                                    {*emoji}
                                </button>
                            }).collect_view()}
                        </div>
                    </Show>
                    <MacroPicker on_pick=use_macro />
                    <span class="hint">"Replying assigns the ticket to you."</span>
                </div>
                <button type="submit" class="primary" disabled=move || body.with(|text| text.trim().is_empty())>
                    "Send"
                </button>
            </div>
        </form>
    }
}
