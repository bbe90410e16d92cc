//! The inbox layout: navigation rail with the live unread badge, the ticket list, and
//! the ticket pane (the nested route).

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Outlet, hooks::use_location};
use protocol::TicketSummary;

use super::{
    icons::ChannelIcon,
    rail::{Rail, Section},
    ErrorNote,
};
use crate::{
    api::{current_agent, list_tickets},
    inbox::Inbox,
    live,
    time::{now_ms, relative},
};

#[component]
pub fn InboxLayout() -> impl IntoView {
    let inbox = Inbox::new();
    provide_context(inbox);
    let agent = Resource::new(|| (), |_| current_agent());
    let tickets = Resource::new(|| (), |_| list_tickets());
    let unread = Memo::new(move |_| inbox.unread_count());

    // Browser only: effects do not run during server rendering.
    Effect::new(move |_| {
        live::start(inbox);
        inbox.now.set(now_ms());
        let _ = set_interval_with_handle(move || inbox.now.set(now_ms()), Duration::from_secs(30));
    });

    view! {
        <Title text=move || match unread.get() {
            0 => "Inbox".to_owned(),
            count => format!("({count}) Inbox"),
        } />
        <div class="desk">
            <Rail active=Section::Helpdesk agent unread />
            <section class="list-pane" aria-labelledby="inbox-title">
                <header class="pane-head">
                    <h1 id="inbox-title">"Inbox"</h1>
                    <span class="count">
                        {move || match unread.get() {
                            0 => "All read".to_owned(),
                            1 => "1 unread".to_owned(),
                            count => format!("{count} unread"),
                        }}
                    </span>
                </header>
                <Show when=move || !inbox.connected.get()>
                    <p class="offline" role="status">"Connecting… new messages appear when the connection is back."</p>
                </Show>
                <Suspense fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
                    {move || Suspend::new(async move {
                        match tickets.await {
                            Ok(list) => {
                                inbox.seed_tickets(list);
                                view! { <TicketList /> }.into_any()
                            }
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <main class="ticket-pane">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn TicketList() -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let location = use_location();
    let selected = Memo::new(move |_| {
        location
            .pathname
            .get()
            .strip_prefix("/inbox/")
            .map(str::to_owned)
    });
    view! {
        <Show
            when=move || inbox.tickets.with(|tickets| !tickets.is_empty())
            fallback=|| view! {
                <div class="empty">
                    <p class="empty-title">"No tickets yet"</p>
                    <p class="muted">"When a shopper writes in the chat, the ticket appears here right away."</p>
                </div>
            }
        >
            <ul class="tickets" role="list">
                <For
                    each=move || inbox.tickets.get()
                    key=|ticket| {
                        (ticket.id.clone(), ticket.last_seq, ticket.read_seq, ticket.assignee_id.clone())
                    }
                    let:ticket
                >
                    <TicketRow
                        selected=Signal::derive({
                            let id = ticket.id.clone();
                            move || selected.get().as_deref() == Some(id.as_str())
                        })
                        ticket
                    />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn TicketRow(ticket: TicketSummary, selected: Signal<bool>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let unread = ticket.is_unread();
    let at = ticket.last_activity_at;
    let assignee = ticket.assignee_name.clone();
    view! {
        <li>
            <a
                href=format!("/inbox/{}", ticket.id)
                class="ticket-row"
                class:unread=unread
                class:selected=move || selected.get()
                aria-current=move || selected.get().then_some("page")
            >
                <span class="dot" aria-hidden="true"></span>
                <ChannelIcon channel=ticket.channel />
                <span class="row-main">
                    <span class="row-top">
                        <span class="sender">{ticket.customer_name.clone()}</span>
                        <span class="age">{move || relative(at, inbox.now.get())}</span>
                    </span>
                    <span class="preview">{ticket.preview.clone()}</span>
                </span>
                {unread.then(|| view! { <span class="sr-only">", unread"</span> })}
                {assignee.map(|name| view! {
                    <span class="avatar small" title=format!("Assigned to {name}")>{initials(&name)}</span>
                })}
            </a>
        </li>
    }
}

#[component]
pub fn NoTicketSelected() -> impl IntoView {
    view! {
        <div class="empty center">
            <p class="empty-title">"Pick a ticket"</p>
            <p class="muted">"Choose a conversation from the list to read it and reply."</p>
        </div>
    }
}

/// "Ana Souza" → "AS".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
