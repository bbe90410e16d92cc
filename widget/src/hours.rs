//! Business hours as the shopper sees them: the "we're away" banner, the "Back ..." line
//! under away messages, and times shown in the shopper's own zone and language.

use std::time::Duration;

use leptos::prelude::*;

use crate::{
    chat::Chat,
    i18n::{fill, format_time},
};

/// "Mon 9:00 AM" (or "Mon, Dec 8, 9:00 AM" a week or more ahead) in the shopper's zone.
pub fn localized_time(at: i64, locale: &str) -> String {
    let mut fields = vec![
        ("weekday", "short"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ];
    if at - now_ms() > 6 * 24 * 3_600_000 {
        fields.extend([("month", "short"), ("day", "numeric")]);
    }
    format_time(at, locale, &fields)
}

impl Chat {
    /// A message's time of day ("2:05 PM", "14:05").
    pub fn clock(self, at: i64) -> String {
        self.config.with_value(|config| {
            format_time(
                at,
                &config.locale,
                &[("hour", "numeric"), ("minute", "2-digit")],
            )
        })
    }

    /// A day ("Nov 27, 2026", "27 de nov. de 2026").
    pub fn day(self, at: i64) -> String {
        self.config.with_value(|config| {
            format_time(
                at,
                &config.locale,
                &[("day", "numeric"), ("month", "short"), ("year", "numeric")],
            )
        })
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

impl Chat {
    /// The server says when the team is back but does not push the moment it happens:
    /// clear the banner then. A timer from older settings finds `next_open_at` changed
    /// and does nothing.
    pub(crate) fn schedule_reopen(self) {
        let next_open_at = self.settings.with_untracked(|settings| {
            let availability = &settings.availability;
            availability.next_open_at.filter(|_| !availability.open_now)
        });
        let Some(at) = next_open_at else { return };
        // setTimeout takes at most 2^31-1 ms (~24 days); a later opening keeps its banner.
        let wait = at - now_ms();
        if !(1..i64::from(i32::MAX)).contains(&wait) {
            return;
        }
        let settings = self.settings;
        set_timeout(
            move || {
                settings.update(|settings| {
                    if settings.availability.next_open_at == Some(at) {
                        settings.availability.open_now = true;
                        settings.availability.next_open_at = None;
                    }
                });
            },
            Duration::from_millis(wait.unsigned_abs()),
        );
    }
}

/// "We're away right now. We'll be back Mon 9:00 AM." while the team is away and the
/// chat is on. The status region stays mounted so a change is announced.
#[component]
pub fn AwayBanner(chat: Chat) -> impl IntoView {
    let away = Memo::new(move |_| {
        chat.settings.with(|settings| {
            let availability = &settings.availability;
            (settings.chat_enabled && !availability.open_now).then_some(availability.next_open_at)
        })
    });
    let locale = chat.config.with_value(|config| config.locale.clone());
    let text = move || {
        away.get().map(|back_at| match back_at {
            Some(at) => fill(chat.t.away_until, "when", &localized_time(at, &locale)),
            None => chat.t.away.to_owned(),
        })
    };
    view! {
        <div role="status">
            {move || text().map(|text| view! { <p class="away">{text}</p> })}
        </div>
    }
}
