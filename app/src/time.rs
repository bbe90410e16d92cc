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
}
