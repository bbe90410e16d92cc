//! The ticket view: header, the live thread, and the reply composer.

use leptos::{ev::KeyboardEvent, html, prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use protocol::{AuthorKind, ClientFrame, Message, TicketStatus};

use super::{icons::ChannelIcon, inbox::initials, settings::LocalTime, ErrorNote};
use crate::{
    api::{load_ticket, mark_read},
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
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading conversation…"</p> }>
            {move || Suspend::new(async move {
                match thread.await {
                    Ok(thread) => {
                        let id = thread.ticket.id.clone();
                        inbox.seed_thread(thread.ticket, thread.messages);
                        view! { <Conversation id /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Conversation(id: String) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let ticket = {
        let id = id.clone();
        Memo::new(move |_| {
            inbox
                .tickets
                .with(|tickets| tickets.iter().find(|ticket| ticket.id == id).cloned())
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
    let log_ref = NodeRef::<html::Ol>::new();

    // Keep the newest message in view and mark what is on screen as read.
    {
        let id = id.clone();
        Effect::new(move |_| {
            let last_seq = messages.with(|thread| thread.last().map_or(0, |m| m.seq));
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

    view! {
        <Title text=name />
        <article class="conversation" aria-labelledby="conversation-title">
            <header class="conversation-head">
                {move || ticket.get().map(|ticket| view! {
                    <ChannelIcon channel=ticket.channel />
                    <div class="who">
                        <h2 id="conversation-title">{ticket.customer_name.clone()}</h2>
                        <span class="muted">{ticket.customer_email.clone()}</span>
                    </div>
                    <span class=format!("status {}", ticket.status.as_str())>{status_label(ticket.status)}</span>
                    <span class="assignee">
                        {match ticket.assignee_name.clone() {
                            Some(name) => format!("Assigned to {name}"),
                            None => "Unassigned".to_owned(),
                        }}
                    </span>
                })}
            </header>
            <ol
                class="thread"
                node_ref=log_ref
                role="log"
                aria-live="polite"
                aria-label=move || format!("Conversation with {}", name())
            >
                <For each=move || messages.get() key=|message| message.seq let:message>
                    <MessageItem message />
                </For>
                <For each=move || pending.get() key=|reply| (reply.client_id.clone(), reply.failed.clone()) let:reply>
                    <PendingItem reply />
                </For>
            </ol>
            <Show
                when=move || !closed()
                fallback=|| view! { <p class="ended">"This conversation has ended. The shopper can start a new chat."</p> }
            >
                <Composer conversation_id=id.clone() name=Signal::derive(name) />
            </Show>
        </article>
    }
}

fn status_label(status: TicketStatus) -> &'static str {
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
    let side = match message.author_kind {
        AuthorKind::Shopper => "msg incoming",
        AuthorKind::Agent => "msg outgoing",
        AuthorKind::System => "msg automated",
    };
    view! {
        <li class=side>
            <span class="avatar" aria-hidden="true">{initials(&message.author_name)}</span>
            <div class="msg-body">
                <p class="bubble">{message.body}</p>
                <p class="meta">
                    <span class="author">{message.author_name}</span>
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

#[component]
fn Composer(conversation_id: String, name: Signal<String>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let (body, set_body) = signal(String::new());
    let send = move || {
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
    view! {
        <form
            class="composer"
            on:submit=move |event| {
                event.prevent_default();
                send();
            }
        >
            <label for="reply" class="sr-only">{move || format!("Reply to {}", name.get())}</label>
            <textarea
                id="reply"
                name="reply"
                rows="3"
                maxlength="5000"
                placeholder="Write a reply…  Enter sends, Shift+Enter adds a line"
                prop:value=body
                on:input=move |event| set_body.set(event_target_value(&event))
                on:keydown=send_on_enter
            ></textarea>
            <div class="composer-actions">
                <span class="hint">"Replying assigns the ticket to you."</span>
                <button type="submit" class="primary" disabled=move || body.with(|text| text.trim().is_empty())>
                    "Send"
                </button>
            </div>
        </form>
    }
}
