//! What an agent can do to a ticket from its header: assign, snooze (or wake), close,
//! mark unread. Each control has an id the keyboard shortcuts use (`assignee`,
//! `action-snooze`, `action-close`, `action-unread`).

use std::{future::Future, pin::Pin};

use leptos::{html, prelude::*};
use leptos_router::hooks::use_navigate;
use protocol::{Channel, TicketStatus, TicketSummary};

use crate::{
    api::{
        assign_ticket, close_ticket, mark_unread, snooze_ticket, wake_ticket, ApiError, Assignee,
    },
    inbox::Inbox,
    mounted::Mounted,
    time::{local_date_time_value, now_ms, parse_local_date_time, snooze_presets},
};

/// A ticket action on its way to the server.
type Action = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

#[component]
pub fn TicketActions(ticket: TicketSummary) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let error = RwSignal::new(None::<String>);
    let id = ticket.id.clone();
    let closed = ticket.status == TicketStatus::Closed;
    let snoozed = ticket.status == TicketStatus::Snoozed;

    // Runs an action to its end; failures show beside the controls, while they are there.
    let mounted = Mounted::new();
    let run = move |action: Action| {
        error.set(None);
        mounted.spawn(action, move |done| {
            if let Err(failure) = done {
                error.set(Some(failure.to_string()));
            }
        });
    };

    let navigate = use_navigate();
    let unread = {
        let id = id.clone();
        move |_| {
            inbox.mark_unread_locally(&id);
            let id = id.clone();
            run(Box::pin(async move {
                let marked = mark_unread(id).await;
                if marked.is_ok() {
                    inbox.server_changed();
                }
                marked
            }));
            // Leave the ticket, or opening it would read it again.
            navigate(
                &format!("/inbox?{}", inbox.view.get_untracked().to_query()),
                Default::default(),
            );
        }
    };
    let wake = {
        let id = id.clone();
        move |_| run(Box::pin(wake_ticket(id.clone())))
    };

    view! {
        <div class="ticket-actions">
            {(!closed).then(|| view! {
                <AssigneePicker id=id.clone() current=ticket.assignee_id.clone() run />
                {if snoozed {
                    view! { <button type="button" id="action-snooze" class="secondary small" on:click=wake>"Unsnooze"</button> }.into_any()
                } else {
                    view! { <SnoozeMenu id=id.clone() run /> }.into_any()
                }}
                <CloseButton id=id.clone() channel=ticket.channel run />
            })}
            <button type="button" id="action-unread" class="secondary small" on:click=unread title="Mark unread (u)">
                "Mark unread"
            </button>
            {move || error.get().map(|message| view! { <p class="action-error" role="alert">{message}</p> })}
        </div>
    }
}

/// The team to assign tickets to, loaded with the ticket (the ticket view waits for both).
#[derive(Clone, Copy)]
pub struct Team(pub Resource<Result<Vec<Assignee>, ApiError>>);

#[component]
fn AssigneePicker(
    id: String,
    current: Option<String>,
    run: impl Fn(Action) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let members = use_context::<Team>()
        .and_then(|team| team.0.get_untracked())
        .and_then(Result::ok)
        .unwrap_or_default();
    let on_change = move |event| {
        let value = event_target_value(&event);
        let assignee = (!value.is_empty()).then_some(value);
        run(Box::pin(assign_ticket(id.clone(), assignee)));
    };
    view! {
        <label class="assignee-picker">
            <span class="sr-only">"Assignee"</span>
            <select id="assignee" on:change=on_change title="Assign (a)">
                <option value="" selected=current.is_none()>"Unassigned"</option>
                {members.into_iter().map(|member| {
                    let selected = current.as_deref() == Some(member.id.as_str());
                    view! { <option value=member.id selected=selected>{member.name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn SnoozeMenu(id: String, run: impl Fn(Action) + Copy + Send + Sync + 'static) -> impl IntoView {
    let open = RwSignal::new(false);
    let custom = RwSignal::new(String::new());
    let custom_error = RwSignal::new(None::<&'static str>);
    let menu_ref = NodeRef::<html::Div>::new();
    let button_ref = NodeRef::<html::Button>::new();
    let id = StoredValue::new(id);
    let snooze = move |until: i64| {
        open.set(false);
        run(Box::pin(snooze_ticket(id.get_value(), until)));
    };
    let close_menu = move || {
        open.set(false);
        if let Some(button) = button_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    // Focus the first choice when the menu opens.
    Effect::new(move |_| {
        if open.get() {
            custom.set(local_date_time_value(now_ms() + 3 * 60 * 60 * 1000));
            if let Some(menu) = menu_ref.get() {
                if let Ok(Some(first)) = menu.query_selector("button") {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(first) = first.dyn_ref::<leptos::web_sys::HtmlElement>() {
                        let _ = first.focus();
                    }
                }
            }
        }
    });
    view! {
        <div class="snooze">
            <button
                type="button"
                id="action-snooze"
                class="secondary small"
                node_ref=button_ref
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                title="Snooze (s)"
                on:click=move |_| open.update(|o| *o = !*o)
            >"Snooze"</button>
            <Show when=move || open.get()>
                <div
                    class="menu"
                    role="group"
                    aria-label="Snooze until"
                    node_ref=menu_ref
                    on:keydown=move |event| {
                        if event.key() == "Escape" {
                            event.stop_propagation();
                            close_menu();
                        }
                    }
                >
                    {snooze_presets(now_ms()).into_iter().map(|(label, until)| view! {
                        <button type="button" class="menu-item" on:click=move |_| snooze(until)>
                            {label}
                            <span class="muted">{crate::time::local_date_time(until)}</span>
                        </button>
                    }).collect_view()}
                    <form class="custom-snooze" on:submit=move |event| {
                        event.prevent_default();
                        match parse_local_date_time(&custom.get_untracked()) {
                            Some(until) if until > now_ms() + 60_000 => {
                                custom_error.set(None);
                                snooze(until);
                            }
                            _ => custom_error.set(Some("Pick a time in the future.")),
                        }
                    }>
                        <label for="snooze-custom">"Pick a date and time"</label>
                        <input
                            id="snooze-custom"
                            type="datetime-local"
                            prop:value=custom
                            on:input=move |event| custom.set(event_target_value(&event))
                            aria-invalid=move || custom_error.get().is_some().then_some("true")
                        />
                        <button type="submit" class="secondary small">"Snooze"</button>
                        {move || custom_error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                    </form>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn CloseButton(
    id: String,
    channel: Channel,
    run: impl Fn(Action) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let confirm_ref = NodeRef::<html::Button>::new();
    let id = StoredValue::new(id);
    Effect::new(move |_| {
        if confirming.get() {
            if let Some(button) = confirm_ref.get() {
                let _ = button.focus();
            }
        }
    });
    let consequence = match channel {
        Channel::Chat => {
            "The shopper's chat ends for good; their next message starts a new ticket."
        }
        Channel::Sms => "The shopper's next text starts a new ticket.",
    };
    view! {
        <button type="button" id="action-close" class="secondary small" title="Close (e)" on:click=move |_| confirming.set(true)>
            "Close"
        </button>
        <Show when=move || confirming.get()>
            <div class="modal-backdrop" on:click=move |_| confirming.set(false)></div>
            <div
                class="modal"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="close-title"
                aria-describedby="close-text"
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        confirming.set(false);
                    }
                }
            >
                <h2 id="close-title">"Close this ticket?"</h2>
                <p id="close-text">{consequence}</p>
                <div class="modal-actions">
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    <button
                        type="button"
                        class="danger"
                        node_ref=confirm_ref
                        on:click=move |_| {
                            confirming.set(false);
                            run(Box::pin(close_ticket(id.get_value())));
                        }
                    >"Close ticket"</button>
                </div>
            </div>
        </Show>
    }
}
