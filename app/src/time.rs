//! Human times for the inbox ("now", "5m", "3h", "2d") and message clock times.

use leptos::prelude::*;

/// Short relative age of `at` (epoch ms) seen at `now` (epoch ms).
pub fn relative(at: i64, now: i64) -> String {
    let seconds = (now - at).max(0) / 1000;
    match seconds {
        0..=44 => "now".to_owned(),
        45..=3599 => format!("{}m", (seconds + 30) / 60),
        3600..=86_399 => format!("{}h", seconds / 3600),
        _ => format!("{}d", seconds / 86_400),
    }
}

/// How long someone has waited since `since`: "<1m", "4m", "2h 5m", "3d".
pub fn waited(since: i64, now: i64) -> String {
    let minutes = (now - since).max(0) / 60_000;
    match minutes {
        0 => "<1m".to_owned(),
        1..=59 => format!("{minutes}m"),
        60..=1439 => format!("{}h {}m", minutes / 60, minutes % 60),
        _ => format!("{}d", minutes / 1440),
    }
}

/// The current time in epoch ms, from the browser or the server clock.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as i64)
            .unwrap_or_default()
    }
}

/// Clock time "14:05" of `at`: local time in the browser, UTC on the server.
pub fn clock(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        utc_clock(at)
    }
}

fn utc_clock(at: i64) -> String {
    let minutes_of_day = (at / 60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
}

/// A message's clock time: rendered in UTC on the server and during hydration (so the
/// browser's first render matches the server's markup), then in the browser's zone.
/// Computing local time during hydration would leave the UTC text on the page for good:
/// hydration keeps the server's text, and later renders compare equal to the first.
#[component]
pub fn ClockTime(at: i64) -> impl IntoView {
    let in_browser = RwSignal::new(false);
    Effect::new(move |_| in_browser.set(true));
    view! {
        <time>{move || if in_browser.get() { clock(at) } else { utc_clock(at) }}</time>
    }
}

/// Snooze presets offered at `now`, in the browser's zone: in an hour, tomorrow at
/// 9:00, next Monday at 9:00.
pub fn snooze_presets(now: i64) -> [(&'static str, i64); 3] {
    [
        ("1 hour", now + 60 * 60 * 1000),
        ("Tomorrow morning", days_ahead_at_nine(now, 1)),
        (
            "Next week",
            days_ahead_at_nine(now, days_to_next_monday(now)),
        ),
    ]
}

/// Days from `now`'s local date to the next Monday (1 to 7).
fn days_to_next_monday(now: i64) -> u32 {
    // 0 = Sunday ... 6 = Saturday, as JavaScript counts.
    let weekday = local_weekday(now);
    match weekday {
        0 => 1,
        day => 8 - day,
    }
}

#[cfg(feature = "hydrate")]
fn local_weekday(at: i64) -> u32 {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64)).get_day()
}

#[cfg(not(feature = "hydrate"))]
fn local_weekday(at: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    ((at.div_euclid(86_400_000) + 4).rem_euclid(7)) as u32
}

/// 9:00 local time, `days` days after `now`'s local date.
#[cfg(feature = "hydrate")]
fn days_ahead_at_nine(now: i64, days: u32) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now as f64));
    date.set_date(date.get_date() + days);
    date.set_hours(9);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    date.get_time() as i64
}

#[cfg(not(feature = "hydrate"))]
fn days_ahead_at_nine(now: i64, days: u32) -> i64 {
    let midnight = now.div_euclid(86_400_000) * 86_400_000;
    midnight + i64::from(days) * 86_400_000 + 9 * 3_600_000
}

/// Epoch ms of a `datetime-local` input's value ("2026-11-28T09:30"), read in the
/// browser's zone; `None` when it is not a valid time.
pub fn parse_local_date_time(value: &str) -> Option<i64> {
    if value.len() < 16 {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        // Without a zone suffix the Date constructor reads a date-time as local time.
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
        (!at.is_nan()).then_some(at as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// A `datetime-local` value for `at` in the browser's zone (the custom snooze's default).
pub fn local_date_time_value(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date(),
            date.get_hours(),
            date.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_an_inbox() {
        assert_eq!(relative(0, 10_000), "now");
        assert_eq!(relative(0, 5 * 60_000), "5m");
        assert_eq!(relative(0, 3 * 3_600_000), "3h");
        assert_eq!(relative(0, 50 * 3_600_000), "2d");
    }

    #[test]
    fn waits_read_in_minutes_then_hours() {
        assert_eq!(waited(0, 30_000), "<1m");
        assert_eq!(waited(0, 4 * 60_000 + 59_000), "4m");
        assert_eq!(waited(0, 125 * 60_000), "2h 5m");
        assert_eq!(waited(0, 3 * 1440 * 60_000), "3d");
    }
}
