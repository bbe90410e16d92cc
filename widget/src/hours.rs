//! Business hours as the shopper sees them: the "we're away" banner, the "Back ..." line
//! under away messages, and times shown in the shopper's own zone and language.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::chat::Chat;

/// "Mon 9:00 AM" (or "Mon, Dec 8, 9:00 AM" a week or more ahead) in the shopper's zone.
pub fn localized_time(at: i64, locale: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    let options = js_sys::Object::new();
    let mut fields = vec![
        ("weekday", "short"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ];
    if at - now_ms() > 6 * 24 * 3_600_000 {
        fields.extend([("month", "short"), ("day", "numeric")]);
    }
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    // Called through `Function::call2`, which catches: `toLocaleString` throws on a
    // malformed tag (the page's `lang` is not ours to trust), and js-sys's binding doesn't.
    let Some(format) = js_sys::Reflect::get(&date, &JsValue::from_str("toLocaleString"))
        .ok()
        .and_then(|format| format.dyn_into::<js_sys::Function>().ok())
    else {
        return String::new();
    };
    format
        .call2(&date, &JsValue::from_str(locale), &options)
        .or_else(|_| format.call2(&date, &JsValue::UNDEFINED, &options))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
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
            Some(at) => format!(
                "We're away right now. We'll be back {}.",
                localized_time(at, &locale)
            ),
            None => "We're away right now. We'll reply as soon as we can.".to_owned(),
        })
    };
    view! {
        <div role="status">
            {move || text().map(|text| view! { <p class="away">{text}</p> })}
        </div>
    }
}
