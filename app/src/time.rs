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

// Calendar dates and times, for agents (profiles, snoozes, settings).

/// A moment as "Mon 2 Dec, 14:05": in UTC (and saying so) as rendered on the server,
/// then in the browser's zone once this element is live there.
#[component]
pub(crate) fn LocalTime(at: i64) -> impl IntoView {
    // Hydration keeps the server's text and remembers what the browser computed then,
    // so the first browser render must compute the server's text too: only a change
    // afterwards reaches the page.
    let in_browser = RwSignal::new(false);
    Effect::new(move |_| in_browser.set(true));
    view! {
        <time datetime=iso_utc(at)>
            {move || if in_browser.get() { local_date_time(at) } else { utc_date_time(at) }}
        </time>
    }
}

/// A calendar date ("3 Mar 2025") in the browser's zone, for dates where the time of
/// day means nothing (a customer's first day); rendered like [`LocalTime`].
#[component]
pub(crate) fn LocalDate(at: i64) -> impl IntoView {
    let in_browser = RwSignal::new(false);
    Effect::new(move |_| in_browser.set(true));
    view! {
        <time datetime=iso_date_utc(at)>
            {move || if in_browser.get() { local_date(at) } else { format_date(&civil_utc(at)) }}
        </time>
    }
}

fn format_date(civil: &Civil) -> String {
    format!(
        "{} {} {}",
        civil.day,
        MONTHS[(civil.month as usize).saturating_sub(1) % 12],
        civil.year
    )
}

/// The date in the browser's zone (in UTC where there is no browser).
fn local_date(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        format_date(&civil_local(at))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        format_date(&civil_utc(at))
    }
}

fn iso_date_utc(at: i64) -> String {
    let c = civil_utc(at);
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment broken into calendar fields.
#[derive(Debug, PartialEq, Eq)]
struct Civil {
    year: i64,
    /// 1..=12
    month: u32,
    day: u32,
    /// 0 = Monday.
    weekday: u32,
    hour: u32,
    minute: u32,
}

/// `at` (epoch ms) in UTC (the days-to-civil algorithm of Howard Hinnant's `date`).
fn civil_utc(at: i64) -> Civil {
    let days = at.div_euclid(86_400_000);
    let minutes = at.rem_euclid(86_400_000) / 60_000;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: month as u32,
        day: day as u32,
        // 1970-01-01 was a Thursday.
        weekday: (days + 3).rem_euclid(7) as u32,
        hour: (minutes / 60) as u32,
        minute: (minutes % 60) as u32,
    }
}

/// `at` in the browser's zone.
#[cfg(feature = "hydrate")]
fn civil_local(at: i64) -> Civil {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    Civil {
        year: i64::from(date.get_full_year()),
        month: date.get_month() + 1,
        day: date.get_date(),
        weekday: (date.get_day() + 6) % 7,
        hour: date.get_hours(),
        minute: date.get_minutes(),
    }
}

fn format_civil(civil: &Civil, zone: &str) -> String {
    format!(
        "{} {} {}, {:02}:{:02}{zone}",
        WEEKDAYS[civil.weekday as usize % 7],
        civil.day,
        MONTHS[(civil.month as usize).saturating_sub(1) % 12],
        civil.hour,
        civil.minute,
    )
}

fn utc_date_time(at: i64) -> String {
    format_civil(&civil_utc(at), " UTC")
}

/// In the browser's zone (in UTC where there is no browser).
pub(crate) fn local_date_time(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        format_civil(&civil_local(at), "")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        utc_date_time(at)
    }
}

/// The `datetime` attribute: the same on server and browser.
fn iso_utc(at: i64) -> String {
    let c = civil_utc(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

#[cfg(test)]
mod calendar_tests {
    use super::*;

    #[test]
    fn utc_calendar_fields() {
        assert_eq!(
            civil_utc(0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                weekday: 3,
                hour: 0,
                minute: 0
            }
        );
        // 2024-02-29T13:45:00Z, a Thursday.
        assert_eq!(
            civil_utc(1_709_214_300_000),
            Civil {
                year: 2024,
                month: 2,
                day: 29,
                weekday: 3,
                hour: 13,
                minute: 45
            }
        );
        assert_eq!(iso_utc(1_709_214_300_000), "2024-02-29T13:45Z");
        assert_eq!(utc_date_time(1_709_214_300_000), "Thu 29 Feb, 13:45 UTC");
        assert_eq!(format_date(&civil_utc(1_709_214_300_000)), "29 Feb 2024");
        assert_eq!(iso_date_utc(1_709_214_300_000), "2024-02-29");
    }
}
