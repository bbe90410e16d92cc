//! The inbox layout: navigation rail with the live unread badge, the views (Open /
//! Snoozed / Closed crossed with Mine / Unassigned / All, with live counts), the ticket
//! list, and the ticket pane (the nested route). The view lives in the URL's query, so
//! it survives reloads and opening tickets.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::Outlet,
    hooks::{use_location, use_query_map},
};
use protocol::{
    inbox::{InboxPage, InboxView, Scope, SortOrder},
    search::SearchHit,
    TicketStatus, TicketSummary,
};

use crate::components::{
    people::initials,
    ticket_state::{status_label, WaitingBadge},
};

use super::{
    icons::ChannelIcon,
    rail::{Rail, Section},
    shortcuts::{self, ShortcutHelp, ShortcutHelpOpen},
    ErrorNote,
};
use crate::{
    api::{current_agent, load_inbox, search_tickets, ApiError},
    inbox::Inbox,
    mounted::Mounted,
    time::relative,
};

/// The view named by the URL query; anything missing or unknown takes the default.
pub(super) fn view_from_query(
    status: Option<String>,
    scope: Option<String>,
    sort: Option<String>,
) -> InboxView {
    let default = InboxView::default();
    InboxView {
        status: status
            .as_deref()
            .and_then(TicketStatus::parse)
            .unwrap_or(default.status),
        scope: scope
            .as_deref()
            .and_then(Scope::parse)
            .unwrap_or(default.scope),
        sort: sort
            .as_deref()
            .and_then(SortOrder::parse)
            .unwrap_or(default.sort),
    }
}

#[component]
pub fn InboxLayout() -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let help_open = expect_context::<ShortcutHelpOpen>();
    let query = use_query_map();
    let view = Memo::new(move |_| {
        query.with(|query| {
            view_from_query(query.get("status"), query.get("scope"), query.get("sort"))
        })
    });
    let agent = Resource::new(|| (), |_| current_agent());
    let unread = Memo::new(move |_| inbox.unread_count().max(0) as usize);
    let search = Search::new();
    let searching = move || search.query.with(|q| !q.trim().is_empty());

    Effect::new(move |_| {
        if let Some(Ok(agent)) = agent.get() {
            inbox.agent_id.set(agent.id);
            inbox.agent_name.set(agent.name);
        }
    });

    // Browser only (effects do not run during server rendering); once per page.
    Effect::new(move |_| {
        if crate::live::go_live(inbox) {
            shortcuts::listen(help_open);
        }
    });

    // Live changes may move counts: fetch them again, once per burst.
    Effect::new(move |first: Option<()>| {
        inbox.counts_stale.track();
        if first.is_some() {
            inbox.refresh_counts();
        }
    });

    view! {
        // Page-long state only in a title (see the ticket's title in ticket.rs).
        <Title text=move || match inbox.unread_count().max(0) {
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
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Keyboard shortcuts"
                        title="Keyboard shortcuts (?)"
                        on:click=move |_| help_open.0.set(true)
                    >"?"</button>
                </header>
                <SearchBox search />
                <Show when=move || !inbox.connected.get()>
                    <p class="offline" role="status">"Connecting… new messages appear when the connection is back."</p>
                </Show>
                // Hidden, not unmounted, while searching: the view's list stays live underneath.
                <div class="view-pane" hidden=searching>
                    <ViewPicker view />
                    // One list per view, keyed by it: changing the view replaces the whole
                    // list, its reactive owner and its rows together. (A Suspense re-run in
                    // place disposed the old rows' values while the rows stayed mounted and
                    // subscribed to the inbox; the new page then re-rendered them: panic.)
                    <For each=move || std::iter::once(view.get()) key=|view| *view let:shown>
                        <ViewList shown />
                    </For>
                </div>
                <Show when=searching>
                    <SearchResults search />
                </Show>
            </section>
            <main class="ticket-pane">
                <Outlet />
            </main>
        </div>
        <ShortcutHelp open=help_open.0 />
    }
}

/// The first page of one view, loaded once (rendered on the server, then live), and the
/// list that shows it.
#[component]
fn ViewList(shown: InboxView) -> impl IntoView {
    let page = Resource::new(|| (), move |_| load_inbox(shown, None));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <TicketList shown page /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Ticket search: what was typed, and the answer to the latest query.
#[derive(Clone, Copy)]
struct Search {
    query: RwSignal<String>,
    hits: RwSignal<Option<Result<Vec<SearchHit>, ApiError>>>,
    /// Counts queries sent, so a slow answer to an older one is dropped.
    generation: StoredValue<u64>,
    /// The layout that shows the answers is still there (see `mounted`).
    mounted: Mounted,
}

impl Search {
    fn new() -> Self {
        Search {
            query: RwSignal::new(String::new()),
            hits: RwSignal::new(None),
            generation: StoredValue::new(0),
            mounted: Mounted::new(),
        }
    }

    /// Searches for `text` after a short pause in typing.
    fn typed(self, text: String) {
        self.query.set(text.clone());
        self.generation.update_value(|n| *n += 1);
        let generation = self.generation.get_value();
        if text.trim().is_empty() {
            self.hits.set(None);
            return;
        }
        self.mounted.after(SEARCH_PAUSE, move || {
            if self.generation.get_value() != generation {
                return;
            }
            self.mounted.spawn(search_tickets(text), move |answer| {
                if self.generation.get_value() == generation {
                    self.hits.set(Some(answer));
                }
            });
        });
    }
}

/// Typing pause before a search is sent.
const SEARCH_PAUSE: Duration = Duration::from_millis(200);

#[component]
fn SearchBox(search: Search) -> impl IntoView {
    view! {
        <form class="search" role="search" on:submit=|event| event.prevent_default()>
            <label for="search" class="sr-only">"Search tickets"</label>
            <input
                id="search"
                type="search"
                placeholder="Search messages, names, emails  ( / )"
                maxlength="200"
                autocomplete="off"
                prop:value=search.query
                on:input=move |event| search.typed(event_target_value(&event))
                on:keydown=move |event| {
                    // Esc clears the search and leaves the field, so shortcuts work again.
                    if event.key() == "Escape" {
                        search.typed(String::new());
                        let _ = event_target::<leptos::web_sys::HtmlInputElement>(&event).blur();
                    }
                }
            />
        </form>
    }
}

#[component]
fn SearchResults(search: Search) -> impl IntoView {
    view! {
        <div class="search-results" aria-live="polite">
            {move || match search.hits.get() {
                None => view! { <p class="loading">"Searching…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorNote error /> }.into_any(),
                Some(Ok(hits)) if hits.is_empty() => view! {
                    <div class="empty">
                        <p class="empty-title">"No tickets found"</p>
                        <p class="muted">"Try a shopper's name, an email, an order number or a word from the chat."</p>
                    </div>
                }.into_any(),
                Some(Ok(hits)) => view! {
                    <p class="search-count">{match hits.len() {
                        1 => "1 ticket".to_owned(),
                        count => format!("{count} tickets"),
                    }}</p>
                    <ul class="tickets" role="list">
                        {hits.into_iter().map(|hit| view! { <SearchRow hit /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn SearchRow(hit: SearchHit) -> impl IntoView {
    let ticket = hit.ticket;
    let status = status_label(ticket.status);
    view! {
        <li>
            <a href=format!("/inbox/{}", ticket.id) class="ticket-row" class:unread=ticket.is_unread()>
                <span class="dot" aria-hidden="true"></span>
                <ChannelIcon channel=ticket.channel />
                <span class="row-main">
                    <span class="row-top">
                        <span class="sender">{ticket.customer_name.clone()}</span>
                        <span class=format!("status small {}", ticket.status.as_str())>{status}</span>
                    </span>
                    <span class="hit-snippet">
                        {hit.snippet.into_iter().map(|part| if part.hit {
                            view! { <mark>{part.text}</mark> }.into_any()
                        } else {
                            view! { <span>{part.text}</span> }.into_any()
                        }).collect_view()}
                    </span>
                </span>
            </a>
        </li>
    }
}

/// The status tabs, the scope switch (with counts) and the sort order.
#[component]
fn ViewPicker(view: Memo<InboxView>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let location = use_location();
    // Links keep the open ticket, so changing the view does not close it.
    let href = move |next: InboxView| format!("{}?{}", location.pathname.get(), next.to_query());
    let status_tab = move |status: TicketStatus, label: &'static str| {
        let target = move || InboxView {
            status,
            ..view.get()
        };
        let current = move || view.get().status == status;
        view! {
            <a
                class="view-tab"
                class:current=current
                aria-current=move || current().then_some("page")
                href=move || href(target())
            >
                {label}
                {move || {
                    let scope = view.get().scope;
                    inbox.counts.get().of(status, scope).map(|count| view! {
                        <span class="view-count">{count}</span>
                    })
                }}
            </a>
        }
    };
    let scope_link = move |scope: Scope| {
        let target = move || InboxView {
            scope,
            ..view.get()
        };
        let current = move || view.get().scope == scope;
        view! {
            <a
                class="scope"
                class:current=current
                aria-current=move || current().then_some("page")
                href=move || href(target())
            >
                {scope.label()}
                {move || {
                    let status = view.get().status;
                    inbox.counts.get().of(status, scope).map(|count| view! {
                        <span class="view-count">{count}</span>
                    })
                }}
            </a>
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <nav class="views" aria-label="Ticket status">
            {status_tab(TicketStatus::Open, "Open")}
            {status_tab(TicketStatus::Snoozed, "Snoozed")}
            {status_tab(TicketStatus::Closed, "Closed")}
            {status_tab(TicketStatus::Ai, "AI agent")}
        </nav>
        <div class="view-controls">
            <nav class="scopes" aria-label="Whose tickets">
                {Scope::ALL.into_iter().map(scope_link).collect_view()}
            </nav>
            <label class="sort">
                <span class="sr-only">"Sort tickets"</span>
                <select on:change=move |event| {
                    let sort = SortOrder::parse(&event_target_value(&event)).unwrap_or_default();
                    let next = InboxView { sort, ..view.get_untracked() };
                    navigate(&format!("{}?{}", location.pathname.get_untracked(), next.to_query()), Default::default());
                }>
                    <option value="activity" selected=move || view.get().sort == SortOrder::Activity>"Recent"</option>
                    <option value="waiting" selected=move || view.get().sort == SortOrder::Waiting>"Waiting"</option>
                </select>
            </label>
        </div>
    }
}

/// One view's tickets. Rendering never writes the inbox state: the page it was given
/// is shown as it is (on the server, and while hydrating), and once the list is on
/// screen an effect hands the page to the inbox, whose live list it shows from then on.
/// (Writes made while rendering re-ran renders that were already over: in the browser
/// they reached rows whose values were gone, on the server a Suspense's re-check after
/// its page had been sent.)
#[component]
fn TicketList(shown: InboxView, page: InboxPage) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let location = use_location();
    let selected = Memo::new(move |_| {
        location
            .pathname
            .get()
            .strip_prefix("/inbox/")
            .map(str::to_owned)
    });
    let first = StoredValue::new(page);
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        inbox.show_page(shown, first.get_value());
        live.set(true);
    });
    let tickets = move || {
        if live.get() {
            inbox.tickets.get()
        } else {
            first.with_value(|page| page.tickets.clone())
        }
    };
    let has_next = move || {
        if live.get() {
            inbox.next.with(Option::is_some)
        } else {
            first.with_value(|page| page.next.is_some())
        }
    };
    let loading_more = RwSignal::new(false);
    let mounted = Mounted::new();
    let load_more = move |_| {
        let Some(after) = inbox.next.get_untracked() else {
            return;
        };
        loading_more.set(true);
        mounted.spawn(load_inbox(shown, Some(after)), move |page| {
            // Not into a view the agent switched to meanwhile.
            match page {
                Ok(page) if inbox.view.get_untracked() == shown => inbox.append_page(page),
                _ => {}
            }
            loading_more.set(false);
        });
    };
    view! {
        <Show
            when=move || !tickets().is_empty()
            fallback=move || view! { <EmptyView shown /> }
        >
            <ul class="tickets" role="list">
                <For
                    each=tickets
                    key=|ticket| {
                        (
                            ticket.id.clone(),
                            ticket.last_seq,
                            ticket.read_seq,
                            ticket.assignee_id.clone(),
                            ticket.status,
                            ticket.waiting_since,
                        )
                    }
                    let:ticket
                >
                    <TicketRow
                        selected=Signal::derive({
                            let id = ticket.id.clone();
                            move || selected.get().as_deref() == Some(id.as_str())
                        })
                        shown
                        ticket
                    />
                </For>
            </ul>
            <Show when=has_next>
                <button type="button" class="load-more" on:click=load_more disabled=loading_more>
                    {move || if loading_more.get() { "Loading…" } else { "Show more tickets" }}
                </button>
            </Show>
        </Show>
    }
}

#[component]
fn EmptyView(shown: InboxView) -> impl IntoView {
    let text = move || match (shown.status, shown.scope) {
        (TicketStatus::Open, Scope::Mine) => (
            "Nothing assigned to you",
            "Tickets you reply to, or that are assigned to you, show up here.",
        ),
        (TicketStatus::Open, Scope::Unassigned) => (
            "Every open ticket has an owner",
            "New chats appear here until someone replies or takes them.",
        ),
        (TicketStatus::Open, Scope::All) => (
            "No open tickets",
            "When a shopper writes in the chat, the ticket appears here right away.",
        ),
        (TicketStatus::Snoozed, _) => (
            "No snoozed tickets",
            "Snoozed tickets wait here until their time comes or the shopper writes.",
        ),
        (TicketStatus::Closed, _) => ("No closed tickets", "Closed tickets are kept here."),
        (TicketStatus::Ai, _) => (
            "The AI agent is not answering anyone",
            "Chats the AI agent answers show here; they move to Open when it hands off, \
                 or when you reply.",
        ),
    };
    view! {
        <div class="empty">
            <p class="empty-title">{move || text().0}</p>
            <p class="muted">{move || text().1}</p>
        </div>
    }
}

#[component]
fn TicketRow(ticket: TicketSummary, shown: InboxView, selected: Signal<bool>) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let unread = ticket.is_unread();
    let at = ticket.last_activity_at;
    let assignee = ticket.assignee_name.clone();
    // Links keep the view, so opening a ticket does not change the list.
    let href = format!("/inbox/{}?{}", ticket.id, shown.to_query());
    let waiting_since = (ticket.status == TicketStatus::Open)
        .then_some(ticket.waiting_since)
        .flatten();
    view! {
        <li>
            <a
                href=href
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
                {waiting_since.map(|since| view! { <WaitingBadge since /> })}
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
            <p class="muted">"Choose a conversation from the list to read it and reply. Press ? for keyboard shortcuts."</p>
        </div>
    }
}
