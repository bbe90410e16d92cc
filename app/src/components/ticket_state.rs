//! Where a ticket stands: its status's name and how long its shopper has waited.

use leptos::prelude::*;
use protocol::{settings::WaitLevel, TicketStatus};

use crate::{inbox::Inbox, time::waited};

/// The status as agents read it.
pub fn status_label(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => "Open",
        TicketStatus::Snoozed => "Snoozed",
        TicketStatus::Closed => "Closed",
        TicketStatus::Ai => "AI agent answering",
    }
}

/// How long the shopper has waited for a reply, amber then red (Settings → General).
#[component]
pub fn WaitingBadge(since: i64) -> impl IntoView {
    let inbox = expect_context::<Inbox>();
    let level = move || {
        let waited = inbox.now.get() - since;
        inbox.waiting_alerts.get().level(waited)
    };
    view! {
        <span
            class="waiting"
            class:warn=move || level() == WaitLevel::Warn
            class:alert=move || level() == WaitLevel::Alert
            title="Time the shopper has waited for a reply"
        >
            <svg class="clock" viewBox="0 0 16 16" aria-hidden="true">
                <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.6" />
                <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
            </svg>
            <span class="sr-only">"Waiting "</span>
            {move || waited(since, inbox.now.get())}
        </span>
    }
}
