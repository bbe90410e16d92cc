//! The ticket's profile sidebar: who the shopper is (contact, location, customer
//! since, orders, total spent), their other live tickets, and their event history,
//! newest first, paged.

use leptos::prelude::*;
use protocol::profile::{format_money, OtherProfile, ProfileEvent, TicketProfile};

use super::icons::ChannelIcon;
use crate::time::{LocalDate, LocalTime};
use crate::{
    api::{decide_profiles, profile_events},
    inbox::Inbox,
    mounted::Mounted,
    time::relative,
};

#[component]
pub fn ProfileSidebar(
    profile: TicketProfile,
    /// The profile changed here (profiles linked or not): load it again.
    on_change: Callback<()>,
) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let person = profile.profile.clone();
    let events = RwSignal::new(profile.events.events.clone());
    let next = RwSignal::new(profile.events.next.clone());
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let customer_id = StoredValue::new(person.id.clone());
    let mounted = Mounted::new();
    let more = move |_| {
        let Some(after) = next.get_untracked() else {
            return;
        };
        loading.set(true);
        failed.set(false);
        mounted.spawn(
            profile_events(customer_id.get_value(), after),
            move |page| {
                match page {
                    Ok(page) => {
                        events.update(|held| held.extend(page.events));
                        next.set(page.next);
                    }
                    Err(_) => failed.set(true),
                }
                loading.set(false);
            },
        );
    };
    let query = inbox.view.get_untracked().to_query();
    view! {
        <aside class="profile" aria-labelledby="profile-title">
            <h2 id="profile-title" class="sr-only">"Shopper profile"</h2>
            <section class="profile-card">
                <p class="profile-name user-text clamp" title=person.name.clone()>{person.name.clone()}</p>
                <dl class="facts">
                    <Fact label="Email" value=Some(person.email.clone()).filter(|e| !e.is_empty()) />
                    <Fact label="Phone" value=person.phone.clone() />
                    <Fact label="Location" value=person.location.clone() />
                    <div>
                        <dt>"Customer since"</dt>
                        <dd><LocalDate at=person.customer_since /></dd>
                    </div>
                    <div>
                        <dt>"Orders"</dt>
                        <dd>{person.orders_count}</dd>
                    </div>
                    <div>
                        <dt>"Total spent"</dt>
                        <dd>{format_money(person.total_spent_minor, &person.currency)}</dd>
                    </div>
                    <Fact label="Last order" value=person.last_order_number.clone() />
                    {person.phone.is_some().then(|| view! {
                        <div>
                            <dt>"SMS"</dt>
                            {match person.sms_opted_out_at {
                                Some(at) => view! { <dd class="opted-out">"Opted out (STOP) " <LocalTime at /></dd> }.into_any(),
                                None => view! { <dd>"Subscribed"</dd> }.into_any(),
                            }}
                        </div>
                    })}
                </dl>
            </section>
            {(!profile.other_tickets.is_empty()).then(|| view! {
                <section class="profile-card">
                    <h3>"Other open tickets"</h3>
                    <ul class="other-tickets">
                        {profile.other_tickets.iter().map(|ticket| view! {
                            <li>
                                <a href=format!("/inbox/{}?{query}", ticket.id)>
                                    <ChannelIcon channel=ticket.channel />
                                    <span class="preview">{ticket.preview.clone()}</span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <SamePerson profile=profile.clone() on_change />
            <section class="profile-card">
                <h3>"Activity"</h3>
                <Show
                    when=move || events.with(|events| !events.is_empty())
                    fallback=|| view! { <p class="muted">"No activity recorded yet."</p> }
                >
                    <ol class="timeline">
                        <For each=move || events.get() key=|event| event.id.clone() let:event>
                            <TimelineItem event />
                        </For>
                    </ol>
                </Show>
                <Show when=move || next.with(Option::is_some)>
                    <button type="button" class="secondary small" on:click=more disabled=loading>
                        {move || if loading.get() { "Loading…" } else { "Show older activity" }}
                    </button>
                </Show>
                <Show when=move || failed.get()>
                    <p class="action-error" role="alert">"Could not load more activity. Try again."</p>
                </Show>
            </section>
        </aside>
    }
}

#[component]
fn Fact(label: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|value| {
        view! {
            <div>
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    })
}

/// The timeline's marker for a metric.
fn marker(metric: &str) -> &'static str {
    match metric {
        "Placed Order" => "order",
        "Fulfilled Order" => "fulfilled",
        "Cancelled Order" => "cancelled",
        "Received Email" | "Opened Email" | "Clicked Email" => "email",
        "Viewed Product" => "viewed",
        _ => "other",
    }
}

#[component]
fn TimelineItem(event: ProfileEvent) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let at = event.occurred_at;
    let class = format!("timeline-item {}", marker(&event.metric));
    view! {
        <li class=class>
            <span class="timeline-dot" aria-hidden="true"></span>
            <div>
                <p class="timeline-summary">{event.summary}</p>
                <p class="timeline-meta">
                    {event.metric}
                    " · "
                    <span title="">{move || format!("{} ago", relative(at, inbox.now.get())).replace("now ago", "just now")}</span>
                </p>
            </div>
        </li>
    }
}

/// Profiles that may be the same person (a shared, unverified email or phone), for the
/// agent to link or dismiss, and the profiles linked already, with undo.
#[component]
fn SamePerson(profile: TicketProfile, on_change: Callback<()>) -> impl IntoView {
    let customer_id = profile.profile.id.clone();
    let error = RwSignal::new(false);
    let mounted = Mounted::new();
    let decide = move |other_id: String, same_person: Option<bool>| {
        let customer_id = customer_id.clone();
        move |_| {
            let (customer_id, other_id) = (customer_id.clone(), other_id.clone());
            error.set(false);
            mounted.spawn(
                decide_profiles(customer_id, other_id, same_person),
                move |decided| match decided {
                    Ok(()) => on_change.run(()),
                    Err(_) => error.set(true),
                },
            );
        }
    };
    let contact = |other: &OtherProfile| {
        [
            Some(other.email.clone()).filter(|e| !e.is_empty()),
            other.phone.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    };
    let suggestions = profile.suggestions.clone();
    let linked = profile.linked.clone();
    view! {
        {(!suggestions.is_empty()).then(|| view! {
            <section class="profile-card" aria-labelledby="same-person-title">
                <h3 id="same-person-title">"Same person?"</h3>
                <ul class="linked-profiles">
                    {suggestions.into_iter().map(|suggestion| {
                        let other = suggestion.profile;
                        view! {
                            <li>
                                <p class="profile-name small">{other.name.clone()}</p>
                                <p class="muted">{contact(&other)}</p>
                                <p class="hint">{format!("Same {}, not verified: link only if you know it is them.", suggestion.matched_on)}</p>
                                <div class="row-actions">
                                    <button type="button" class="secondary small" on:click=decide(other.id.clone(), Some(true))>
                                        "Link profiles"
                                    </button>
                                    <button type="button" class="secondary small" on:click=decide(other.id.clone(), Some(false))>
                                        "Not the same"
                                    </button>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!linked.is_empty()).then(|| view! {
            <section class="profile-card" aria-labelledby="linked-title">
                <h3 id="linked-title">"Linked profiles"</h3>
                <ul class="linked-profiles">
                    {linked.into_iter().map(|other| view! {
                        <li>
                            <p class="profile-name small">{other.name.clone()}</p>
                            <p class="muted">{contact(&other)}</p>
                            <button type="button" class="secondary small" on:click=decide(other.id.clone(), None)>
                                "Unlink"
                            </button>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <Show when=move || error.get()>
            <p class="action-error" role="alert">"That did not work. Try again."</p>
        </Show>
    }
}
