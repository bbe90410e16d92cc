//! The ticket view: header with the ticket's actions, the live thread (messages and
//! ticket events by time), and the reply composer.

use leptos::{ev::KeyboardEvent, html, prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use protocol::{
    attachments::Attachment,
    inbox::TicketEvent,
    profile::{fill_macro, Macro, MacroContext, TicketProfile},
    AuthorKind, ClientFrame, Message, TicketStatus, TicketSummary, TicketThread, TYPING_REPEAT_MS,
    VIEWING_REPEAT_MS,
};

use crate::{
    components::{
        people::initials,
        ticket_state::{status_label, WaitingBadge},
    },
    time::LocalTime,
};

use super::{
    icons::ChannelIcon,
    inbox::view_from_query,
    macros::MacroPicker,
    profile::ProfileSidebar,
    ticket_actions::{Team, TicketActions},
    ErrorNote,
};
use crate::{
    api::{assignees, load_profile, load_ticket, mark_read},
    inbox::{Inbox, PendingReply},
    live,
    time::ClockTime,
};

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    // One view per ticket, keyed by its id: opening another ticket replaces the whole
    // view, its reactive owner and its elements together, before the new ticket's data
    // arrive (as for the inbox's lists, see `InboxLayout`).
    view! {
        <For each=move || std::iter::once(id.get()) key=String::clone let:id>
            <TicketView id />
        </For>
    }
}

/// One ticket: its thread and composer, and the shopper's profile beside it.
#[component]
fn TicketView(id: String) -> impl IntoView {
    let thread = Resource::new(|| (), {
        let id = id.clone();
        move |_| load_ticket(id.clone())
    });
    let team = Resource::new(|| (), |_| assignees());
    provide_context(Team(team));
    // The profile as last loaded, for the composer's macros.
    let profile = RwSignal::new(None::<TicketProfile>);
    // Bumped when the profile changed here: a new pane loads it again.
    let generation = RwSignal::new(0_u32);
    provide_context(Lightbox(RwSignal::new(None)));
    view! {
        <LightboxDialog />
        <div class="ticket-layout">
            <Suspense fallback=|| view! { <p class="loading">"Loading conversation…"</p> }>
                {move || Suspend::new(async move {
                    // One wait for everything the conversation shows: no Suspense nested
                    // in it (one inside the assignee <select> broke hydration).
                    let _ = team.await;
                    match thread.await {
                        Ok(thread) => {
                            view! { <Conversation thread profile=profile.into() /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
            // Keyed like the ticket view itself: loading the profile again makes a new pane
            // rather than re-running this one in place.
            <For each=move || std::iter::once(generation.get()) key=|generation| *generation let:_generation>
                <ProfilePane id=id.clone() loaded=profile on_change=Callback::new(move |()| generation.update(|g| *g += 1)) />
            </For>
        </div>
    }
}

/// The shopper's profile, loaded once for this pane.
#[component]
fn ProfilePane(
    id: String,
    /// Receives the profile once it is shown.
    loaded: RwSignal<Option<TicketProfile>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let profile = Resource::new(|| (), move |_| load_profile(id.clone()));
    view! {
        <Suspense fallback=|| view! { <aside class="profile"><p class="loading">"Loading profile…"</p></aside> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => {
                        let shown = profile.clone();
                        // After rendering, never during it (see `InboxLayout`).
                        Effect::new(move |_| loaded.set(Some(shown.clone())));
                        view! { <ProfileSidebar profile on_change /> }.into_any()
                    }
                    Err(_) => view! {
                        <aside class="profile"><p class="muted">"The shopper's profile could not be loaded."</p></aside>
                    }.into_any(),
                }
            })}
        </Suspense>
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

/// The thread and its composer. Like the inbox's lists (see `TicketList`), rendering
/// never writes the inbox: the thread as loaded is shown (on the server, and while
/// hydrating) until an effect has handed it to the inbox, which keeps it live.
#[component]
fn Conversation(thread: TicketThread, profile: Signal<Option<TicketProfile>>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let id = thread.ticket.id.clone();
    let first = StoredValue::new(thread);
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        let thread = first.get_value();
        inbox.seed_thread(thread.ticket, thread.messages, thread.events);
        live.set(true);
    });
    let ticket = {
        let id = id.clone();
        Memo::new(move |_| {
            if !live.get() {
                return first.with_value(|thread| Some(thread.ticket.clone()));
            }
            inbox.opened.track();
            inbox.tickets.track();
            inbox.ticket(&id)
        })
    };
    let messages = {
        let id = id.clone();
        Memo::new(move |_| {
            if !live.get() {
                return first.with_value(|thread| thread.messages.clone());
            }
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
            if live.get() {
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
            } else {
                first.with_value(|thread| {
                    items.extend(thread.events.iter().cloned().map(ThreadItem::Event));
                });
            }
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

    // Tell the other agents this ticket is open here, until it is left.
    {
        let id = id.clone();
        Effect::new(move |_| {
            let here = ClientFrame::Viewing {
                conversation_id: Some(id.clone()),
            };
            live::send(&here);
            let heartbeat = set_interval_with_handle(
                move || {
                    live::send(&here);
                },
                std::time::Duration::from_millis(VIEWING_REPEAT_MS as u64),
            );
            on_cleanup(move || {
                if let Ok(heartbeat) = heartbeat {
                    heartbeat.clear();
                }
                live::send(&ClientFrame::Viewing {
                    conversation_id: None,
                });
            });
        });
    }
    let typing_here = {
        let id = id.clone();
        Memo::new(move |_| {
            inbox.typing.with(|typing| {
                typing
                    .get(&id)
                    .map(|list| {
                        list.iter()
                            .map(|(who, _)| who.name.clone())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    };
    let last_agent_seq = Memo::new(move |_| {
        messages.with(|thread| {
            thread
                .iter()
                .rev()
                .find(|message| message.author_kind == AuthorKind::Agent)
                .map(|message| message.seq)
        })
    });
    let receipts = Memo::new(move |_| {
        ticket.with(|t| {
            t.as_ref()
                .map_or((0, 0), |t| (t.shopper_delivered_seq, t.shopper_seen_seq))
        })
    });

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
                // The inbox is the page's: it is there when the answer comes.
                spawn_local(async move {
                    if mark_read(id, last_seq).await.is_ok() {
                        inbox.server_changed();
                    }
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

    // The tab's title reads only the page-long inbox, not this view's memos: leptos_meta
    // keeps a title's text until the view is dropped, which is after this view's reactive
    // values are disposed, and reads it again when the next page sets its title.
    let title = {
        let id = id.clone();
        let loaded_name = first.with_value(|thread| thread.ticket.customer_name.clone());
        move || {
            inbox
                .ticket(&id)
                .map_or_else(|| loaded_name.clone(), |ticket| ticket.customer_name)
        }
    };

    view! {
        <Title text=title />
        <article class="conversation" aria-labelledby="conversation-title">
            {move || ticket.get().map(|ticket| view! { <ConversationHead ticket /> })}
            <AlsoHere id=id.clone() />
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
                            ThreadItem::Message(message) => {
                                let seq = message.seq;
                                // Web chat receipts; an SMS reply carries its own delivery state.
                                let sms = message.delivery_status.is_some();
                                let receipt = Signal::derive(move || {
                                    (!sms && last_agent_seq.get() == Some(seq)).then(|| receipt_label(seq, receipts.get()))
                                });
                                view! { <MessageItem message receipt /> }.into_any()
                            }
                            ThreadItem::Event(event) => view! { <EventItem event /> }.into_any(),
                        }}
                    </For>
                    <For each=move || pending.get() key=|reply| (reply.client_id.clone(), reply.failed.clone()) let:reply>
                        <PendingItem reply />
                    </For>
                </ol>
            </div>
            <p class="typing-line" aria-live="polite">
                {move || typing_sentence(&typing_here.get())}
            </p>
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
    // On a narrow screen the ticket replaces the list: this leads back to the same view.
    let query = use_query_map();
    let back = move || {
        query.with(|query| {
            let view = view_from_query(query.get("status"), query.get("scope"), query.get("sort"));
            format!("/inbox?{}", view.to_query())
        })
    };
    view! {
        <header class="conversation-head">
            <a class="back-to-list" href=back aria-label="Back to the ticket list">
                <span aria-hidden="true">"←"</span>
            </a>
            <ChannelIcon channel=ticket.channel />
            <div class="who">
                <h2 id="conversation-title">
                    <span class="user-text clamp" title=ticket.customer_name.clone()>
                        {ticket.customer_name.clone()}
                    </span>
                    {(!ticket.customer_verified).then(|| view! { <UnverifiedBadge /> })}
                </h2>
                <span class="muted user-text one-line" title=ticket.customer_email.clone()>
                    {ticket.customer_email.clone()}
                </span>
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

/// Beside a name and email the store did not vouch for: the storefront page sent them
/// with a signature of the customer id alone, so anyone logged in could have written them.
#[component]
fn UnverifiedBadge() -> impl IntoView {
    view! {
        <span
            class="unverified"
            title="The storefront sent this name and email without the store's signature: the shopper may not be who they say. Update the theme's Shopdesk snippet to sign them."
        >
            "Unverified"
        </span>
    }
}

/// "Ana is typing…", "Ana and Ivy are typing…"; empty when nobody is.
fn typing_sentence(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("{one} is typing…"),
        [first, second] => format!("{first} and {second} are typing…"),
        [first, rest @ ..] => format!("{first} and {} others are typing…", rest.len()),
    }
}

/// Where the shopper is with message `seq`: (delivered up to, seen up to).
fn receipt_label(seq: i64, (delivered, seen): (i64, i64)) -> &'static str {
    if seen >= seq {
        "Seen"
    } else if delivered >= seq {
        "Delivered"
    } else {
        "Sent"
    }
}

/// The other agents who have this ticket open right now.
#[component]
fn AlsoHere(id: String) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let names = Memo::new(move |_| {
        let now = inbox.now.get();
        inbox.viewers.with(|viewers| {
            let mut names: Vec<String> = viewers
                .values()
                .filter(|(ticket, _, until)| *ticket == id && *until > now)
                .map(|(_, name, _)| name.clone())
                .collect();
            names.sort();
            names
        })
    });
    view! {
        <Show when=move || names.with(|names| !names.is_empty())>
            <p class="also-here" role="status">
                <span class="also-dot" aria-hidden="true"></span>
                {move || match names.get().as_slice() {
                    [one] => format!("{one} is also viewing this ticket"),
                    names => format!("{} are also viewing this ticket", names.join(", ")),
                }}
            </p>
        </Show>
    }
}

#[component]
fn MessageItem(message: Message, receipt: Signal<Option<&'static str>>) -> impl IntoView {
    let at = message.created_at;
    let back_at = message.back_at;
    let (side, label) = match message.author_kind {
        AuthorKind::Shopper => ("msg incoming", None),
        AuthorKind::Agent => ("msg outgoing", None),
        AuthorKind::System => ("msg automated", Some("Automated")),
        // Its author is "AI assistant": the tag need not say AI again.
        AuthorKind::Ai => ("msg automated ai", Some("Automated")),
    };
    // An AI answer cites its source, and what the shopper said of it.
    let ai = message.ai.clone().map(|ai| {
        let verdict = match ai.helpful {
            Some(true) => " · Shopper: helped",
            Some(false) => " · Shopper: did not help",
            None => "",
        };
        format!("From: {}{verdict}", ai.source_title)
    });
    let has_text = !message.body.is_empty();
    let images = message.attachments.clone();
    let sender = message.author_name.clone();
    // An SMS reply says how far it got ("SMS delivered"); a failed one stands out.
    let sms = message.delivery_status.clone().map(|status| {
        let failed = matches!(status.as_str(), "failed" | "undelivered");
        (format!("SMS {status}"), failed)
    });
    view! {
        <li class=side>
            <span class="avatar" aria-hidden="true">{initials(&message.author_name)}</span>
            <div class="msg-body">
                {has_text.then(|| view! { <p class="bubble">{message.body.clone()}</p> })}
                {(!images.is_empty()).then(|| view! { <Images images sender /> })}
                <p class="meta">
                    <span class="author">{message.author_name}</span>
                    {label.map(|label| view! { " · " <span class="tag">{label}</span> })}
                    " · "
                    <ClockTime at />
                    {move || receipt.get().map(|label| view! {
                        " · " <span class="receipt" class:seen=label == "Seen">{label}</span>
                    })}
                    {sms.map(|(label, failed)| view! {
                        " · " <span class="receipt" class:failed=failed>{label}</span>
                    })}
                </p>
                {back_at.map(|back_at| view! {
                    <p class="meta">"Away message · team back " <LocalTime at=back_at /></p>
                })}
                {ai.map(|source| view! { <p class="meta source">{source}</p> })}
            </div>
        </li>
    }
}

/// A message's images, each opening full size in the lightbox.
#[component]
pub fn Images(images: Vec<Attachment>, sender: String) -> impl IntoView {
    let lightbox = use_context::<Lightbox>();
    view! {
        <div class="images">
            {images.into_iter().map(|image| {
                let src = image.path();
                let alt = format!("Image from {sender}");
                let open = {
                    let (src, alt) = (src.clone(), alt.clone());
                    move |_| {
                        if let Some(lightbox) = lightbox {
                            lightbox.0.set(Some((src.clone(), alt.clone())));
                        }
                    }
                };
                view! {
                    <button type="button" class="image-button" on:click=open aria-label=format!("Open image from {sender}")>
                        <img
                            src=src
                            alt=alt
                            loading="lazy"
                            width=image.width
                            height=image.height
                        />
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// The image shown full size over the page: its address and description.
#[derive(Clone, Copy)]
pub struct Lightbox(pub RwSignal<Option<(String, String)>>);

/// The full-size image dialog; Esc, the close button or a click outside closes it.
#[component]
pub fn LightboxDialog() -> impl IntoView {
    let lightbox = expect_context::<Lightbox>().0;
    let close_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if lightbox.with(Option::is_some) {
            if let Some(button) = close_ref.get() {
                let _ = button.focus();
            }
        }
    });
    view! {
        {move || lightbox.get().map(|(src, alt)| {
            let label = alt.clone();
            view! {
            <div class="modal-backdrop" on:click=move |_| lightbox.set(None)></div>
            <div
                class="lightbox"
                role="dialog"
                aria-modal="true"
                aria-label=label
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        lightbox.set(None);
                    }
                }
            >
                <img src=src alt=alt />
                <button type="button" class="secondary" node_ref=close_ref on:click=move |_| lightbox.set(None)>
                    "Close"
                </button>
            </div>
        }})}
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
    let images = reply.attachments.clone();
    let has_text = !reply.body.is_empty();
    view! {
        <li class="msg outgoing pending" class:failed=is_failed>
            <span class="avatar" aria-hidden="true"></span>
            <div class="msg-body">
                {has_text.then(|| view! { <p class="bubble">{reply.body.clone()}</p> })}
                {(!images.is_empty()).then(|| view! { <Images images sender="you".to_owned() /> })}
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

/// Uploads each file (at most the per-message limit), adding them to `attached` as
/// they finish; problems show in `error`.
#[cfg(feature = "hydrate")]
fn upload_all(
    files: Vec<leptos::web_sys::File>,
    attached: RwSignal<Vec<Attachment>>,
    uploading: RwSignal<u32>,
    error: RwSignal<Option<String>>,
    mounted: crate::mounted::Mounted,
) {
    use protocol::attachments::MAX_ATTACHMENTS;
    error.set(None);
    let room = MAX_ATTACHMENTS
        .saturating_sub(attached.with_untracked(Vec::len) + uploading.get_untracked() as usize);
    if files.len() > room {
        error.set(Some(format!(
            "Send at most {MAX_ATTACHMENTS} images at once."
        )));
    }
    for file in files.into_iter().take(room) {
        uploading.update(|n| *n += 1);
        mounted.spawn(crate::upload::upload_image(file), move |uploaded| {
            match uploaded {
                Ok(image) => attached.update(|images| images.push(image)),
                Err(problem) => error.set(Some(problem)),
            }
            uploading.update(|n| *n -= 1);
        });
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
    // Images uploaded for the next reply, uploads under way, and the last upload problem.
    let attached = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0_u32);
    let upload_error = RwSignal::new(None::<String>);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let mounted = crate::mounted::Mounted::new();
    let file_input = NodeRef::<html::Input>::new();
    let emoji_open = RwSignal::new(false);
    // The shopper's latest message when the agent started typing: if they write again
    // before the reply goes out, the agent is asked to look first.
    let typing_from = StoredValue::new(None::<i64>);
    let newer_warning = RwSignal::new(false);
    // When this agent's last typing signal went out (epoch ms); a reply resets it.
    let typing_sent_at = StoredValue::new(0_i64);

    let send_now = {
        let conversation_id = conversation_id.clone();
        move || {
            let text = body.get_untracked();
            let images = attached.get_untracked();
            if text.trim().is_empty() && images.is_empty() {
                return;
            }
            let reply = PendingReply {
                client_id: live::new_client_id(),
                conversation_id: conversation_id.clone(),
                body: text.trim().to_owned(),
                attachments: images,
                failed: None,
            };
            let frame = reply.frame();
            attached.set(Vec::new());
            inbox.pending.update(|pending| pending.push(reply));
            // If the socket is down the reply waits in `pending` and goes out on reconnect.
            live::send(&frame);
            set_body.set(String::new());
            typing_from.set_value(None);
            typing_sent_at.set_value(0);
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
    let typing_conversation = StoredValue::new(conversation_id.clone());
    let on_input = move |event| {
        let text = event_target_value(&event);
        let now = crate::time::now_ms();
        if !text.trim().is_empty() && now - typing_sent_at.get_value() >= TYPING_REPEAT_MS {
            typing_sent_at.set_value(now);
            live::send(&ClientFrame::Typing {
                conversation_id: Some(typing_conversation.get_value()),
            });
        }
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
        <form
            class="composer"
            on:submit=submit
            on:dragover=|event| event.prevent_default()
            on:drop=move |_event| {
                _event.prevent_default();
                #[cfg(feature = "hydrate")]
                upload_all(
                    protocol::browser::files_of(_event.data_transfer().and_then(|data| data.files())),
                    attached,
                    uploading,
                    upload_error,
                    mounted,
                );
            }
        >
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
            <Show when=move || !attached.with(Vec::is_empty) || uploading.get() != 0>
                <ul class="attached" aria-label="Images to send">
                    <For each=move || attached.get() key=|image| image.id.clone() let:image>
                        <li>
                            <img src=image.path() alt="" />
                            <button
                                type="button"
                                class="remove"
                                aria-label="Remove image"
                                on:click={
                                    let id = image.id.clone();
                                    move |_| attached.update(|images| images.retain(|held| held.id != id))
                                }
                            >"×"</button>
                        </li>
                    </For>
                    <Show when=move || uploading.get() != 0>
                        <li class="uploading" role="status">"Uploading…"</li>
                    </Show>
                </ul>
            </Show>
            {move || upload_error.get().map(|error| view! { <p class="action-error" role="alert">{error}</p> })}
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
                on:paste=move |_event| {
                    #[cfg(feature = "hydrate")]
                    {
                        let files = protocol::browser::files_of(_event.clipboard_data().and_then(|data| data.files()));
                        if !files.is_empty() {
                            _event.prevent_default();
                            upload_all(files, attached, uploading, upload_error, mounted);
                        }
                    }
                }
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
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Attach images"
                        title="Attach images (or paste, or drop them here)"
                        on:click=move |_| {
                            if let Some(input) = file_input.get_untracked() {
                                input.click();
                            }
                        }
                    >
                        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                            <path d="M21 12.5l-8.5 8.5a5 5 0 01-7-7l9-9a3.5 3.5 0 015 5l-9 9a2 2 0 01-3-3l8-8" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                        </svg>
                    </button>
                    <input
                        type="file"
                        class="sr-only"
                        tabindex="-1"
                        aria-hidden="true"
                        accept="image/png,image/jpeg,image/gif,image/webp"
                        multiple
                        node_ref=file_input
                        on:change=move |_event| {
                            #[cfg(feature = "hydrate")]
                            {
                                let input = event_target::<leptos::web_sys::HtmlInputElement>(&_event);
                                upload_all(protocol::browser::files_of(input.files()), attached, uploading, upload_error, mounted);
                                input.set_value("");
                            }
                        }
                    />
                    <span class="hint">"Replying assigns the ticket to you."</span>
                </div>
                <button
                    type="submit"
                    class="primary"
                    disabled=move || {
                        uploading.get() > 0
                            || (body.with(|text| text.trim().is_empty()) && attached.with(Vec::is_empty))
                    }
                >
                    "Send"
                </button>
            </div>
        </form>
    }
}
