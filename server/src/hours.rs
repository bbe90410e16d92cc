//! Business hours: when the team answers live chat, in the shop's own time zone.
//!
//! Rules, in one place so the settings form, the away message and the tests agree:
//! - A range is the half-open interval [opens, closes) of local wall-clock time starting on a
//!   date D. A `closes` at or before `opens`, or "24:00", ends on D+1 at `closes` (overnight).
//! - An exception on date D replaces the weekly ranges that *start* on D (no ranges: closed).
//!   A weekly overnight range that started on D-1 still runs into D.
//! - Local times become instants with jiff's "compatible" disambiguation: a time inside a
//!   spring-forward gap moves later by the gap's length, and a fall-back time that happens twice
//!   takes the earlier instant. So 09:00–17:00 in New York is 8 hours on every day, 00:00–24:00 is
//!   23 or 25 hours on the change days, 01:30–03:00 on the spring-forward day is 30 minutes, and a
//!   range lying wholly inside a gap is shifted past it. A range whose end lands at or before its
//!   start once converted is empty.
//! - Disabled hours: always open.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
// Field names: "time_zone", "weekly", "weekly[3]" (index in the submitted list),
// "exceptions", "exceptions[1]" or "away_message".
use protocol::settings::{BusinessHours, DateException, FieldError, TimeRange, WeeklyRange};

/// Weekly ranges in total; also the most ranges one exception may have.
pub const MAX_RANGES: usize = 70;
pub const MAX_EXCEPTIONS: usize = 200;
pub use protocol::settings::MAX_AWAY_CHARS;
/// Longest exception label, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// How many local dates past today `next_open` looks at.
pub const SEARCH_DAYS: usize = 400;

/// Names in the time zone database that are build artifacts, not zones a shop is in.
const NOT_ZONES: [&str; 2] = ["localtime", "posixrules"];

/// One validated range; `closes` is on the next date when `next_day` ("24:00" is 00:00 there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    opens: Time,
    closes: Time,
    next_day: bool,
}

impl Range {
    /// The opening interval in epoch milliseconds when the range starts on `date`;
    /// `None` when it is empty after the DST conversion (or out of jiff's range).
    fn interval(&self, date: Date, tz: &TimeZone) -> Option<(i64, i64)> {
        let start = instant(tz, date, self.opens)?;
        let end_date = if self.next_day {
            date.tomorrow().ok()?
        } else {
            date
        };
        let end = instant(tz, end_date, self.closes)?;
        (start < end).then_some((start, end))
    }
}

/// Local date and time to epoch milliseconds, with "compatible" disambiguation.
fn instant(tz: &TimeZone, date: Date, time: Time) -> Option<i64> {
    tz.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .ok()
        .map(Timestamp::as_millisecond)
}

/// Consecutive dates from `first` on.
fn dates_from(first: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |date| date.tomorrow().ok())
}

/// A validated schedule, ready to answer questions quickly.
#[derive(Debug, Clone)]
pub struct Schedule {
    enabled: bool,
    tz: TimeZone,
    time_zone: String,
    /// Index 0 = Monday.
    weekly: [Vec<Range>; 7],
    exceptions: BTreeMap<Date, Vec<Range>>,
}

impl Schedule {
    /// Validates everything, collecting all errors (not just the first): unknown zone, bad HH:MM,
    /// opens == closes, weekday outside 1..=7, bad or duplicate dates, too many ranges/exceptions,
    /// away message empty when enabled or longer than MAX_AWAY_CHARS, label > 100 chars.
    /// Returns the cleaned BusinessHours too (trimmed strings, the zone's canonical spelling,
    /// weekly sorted by weekday then opens, exceptions sorted by date and their ranges by opens),
    /// for storing. While disabled, the zone and the away message may be empty (the zone is
    /// then UTC); everything else is still checked.
    pub fn parse(hours: &BusinessHours) -> Result<(Schedule, BusinessHours), Vec<FieldError>> {
        let mut errors = Vec::new();

        let (tz, time_zone) = parse_zone(hours, &mut errors);

        if hours.weekly.len() > MAX_RANGES {
            errors.push(FieldError::new(
                "weekly",
                format!("At most {MAX_RANGES} weekly ranges are allowed."),
            ));
        }
        let mut weekly: [Vec<Range>; 7] = Default::default();
        let mut clean_weekly = Vec::with_capacity(hours.weekly.len());
        for (index, entry) in hours.weekly.iter().enumerate() {
            let field = format!("weekly[{index}]");
            let weekday_ok = (1..=7).contains(&entry.weekday);
            if !weekday_ok {
                errors.push(FieldError::new(
                    &field,
                    "The weekday must be 1 (Monday) to 7 (Sunday).",
                ));
            }
            let range = parse_range(&entry.range, &field, "", &mut errors);
            if let (Some(range), true) = (range, weekday_ok) {
                weekly[usize::from(entry.weekday - 1)].push(range);
            }
            clean_weekly.push(WeeklyRange {
                weekday: entry.weekday,
                range: clean_range(&entry.range),
            });
        }
        clean_weekly.sort_by(|a, b| {
            (a.weekday, &a.range.opens, &a.range.closes).cmp(&(
                b.weekday,
                &b.range.opens,
                &b.range.closes,
            ))
        });

        if hours.exceptions.len() > MAX_EXCEPTIONS {
            errors.push(FieldError::new(
                "exceptions",
                format!("At most {MAX_EXCEPTIONS} dates are allowed."),
            ));
        }
        let mut exceptions = BTreeMap::new();
        let mut first_index = BTreeMap::new();
        let mut clean_exceptions = Vec::with_capacity(hours.exceptions.len());
        for (index, exception) in hours.exceptions.iter().enumerate() {
            let field = format!("exceptions[{index}]");
            let date_text = exception.date.trim();
            let date = parse_date(date_text);
            match date {
                None => errors.push(FieldError::new(
                    &field,
                    format!("\"{date_text}\" is not a valid date (YYYY-MM-DD)."),
                )),
                Some(date) => {
                    if let Some(first) = first_index.get(&date) {
                        errors.push(FieldError::new(
                            &field,
                            format!("{date_text} is already listed (exceptions[{first}])."),
                        ));
                    } else {
                        first_index.insert(date, index);
                    }
                }
            }
            if exception.ranges.len() > MAX_RANGES {
                errors.push(FieldError::new(
                    &field,
                    format!("At most {MAX_RANGES} ranges are allowed on one date."),
                ));
            }
            let mut ranges = Vec::with_capacity(exception.ranges.len());
            for (number, range) in exception.ranges.iter().enumerate() {
                let prefix = format!("Range {}: ", number + 1);
                if let Some(range) = parse_range(range, &field, &prefix, &mut errors) {
                    ranges.push(range);
                }
            }
            let label = exception.label.trim();
            if label.chars().count() > MAX_LABEL_CHARS {
                errors.push(FieldError::new(
                    &field,
                    format!("The label is longer than {MAX_LABEL_CHARS} characters."),
                ));
            }
            if let Some(date) = date {
                exceptions.entry(date).or_insert(ranges);
            }
            let mut clean_ranges: Vec<TimeRange> =
                exception.ranges.iter().map(clean_range).collect();
            clean_ranges.sort_by(|a, b| (&a.opens, &a.closes).cmp(&(&b.opens, &b.closes)));
            clean_exceptions.push(DateException {
                date: date_text.to_owned(),
                ranges: clean_ranges,
                label: label.to_owned(),
            });
        }
        clean_exceptions.sort_by(|a, b| a.date.cmp(&b.date));

        let away_message = hours.away_message.trim();
        if hours.enabled && away_message.is_empty() {
            errors.push(FieldError::new(
                "away_message",
                "Write the message shoppers see outside business hours.",
            ));
        }
        let away_chars = away_message.chars().count();
        if away_chars > MAX_AWAY_CHARS {
            errors.push(FieldError::new(
                "away_message",
                format!(
                    "The away message has {away_chars} characters; the limit is {MAX_AWAY_CHARS}."
                ),
            ));
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        let cleaned = BusinessHours {
            enabled: hours.enabled,
            time_zone: time_zone.clone(),
            weekly: clean_weekly,
            exceptions: clean_exceptions,
            away_message: away_message.to_owned(),
        };
        let schedule = Schedule {
            enabled: hours.enabled,
            tz,
            time_zone,
            weekly,
            exceptions,
        };
        Ok((schedule, cleaned))
    }

    /// Whether the team is available at `at_ms` (Unix epoch milliseconds). Always true when disabled;
    /// false for an instant jiff cannot represent.
    pub fn is_open(&self, at_ms: i64) -> bool {
        if !self.enabled {
            return true;
        }
        let Some(today) = self.local_date(at_ms) else {
            return false;
        };
        // Ranges that started yesterday (overnight) can still run; two days back and one ahead
        // cover offset changes that move the wall clock across midnight.
        dates_from(earlier(today)).take(4).any(|date| {
            self.ranges_starting_on(date)
                .iter()
                .filter_map(|range| range.interval(date, &self.tz))
                .any(|(start, end)| start <= at_ms && at_ms < end)
        })
    }

    /// When the team is next available at or after `at_ms`: `Some(at_ms)` if open now, else the start
    /// of the next opening, searching at most 400 days ahead; None if never open in that window
    /// (or hours disabled -> Some(at_ms)).
    pub fn next_open(&self, at_ms: i64) -> Option<i64> {
        if !self.enabled || self.is_open(at_ms) {
            return Some(at_ms);
        }
        let today = self.local_date(at_ms)?;
        let mut best: Option<i64> = None;
        // Once a start is found, two more dates are looked at: inside a DST gap a later wall-clock
        // time can map to an earlier instant, and a gap can straddle midnight.
        let mut dates_left_after_found = 2;
        for date in dates_from(earlier(today)).take(SEARCH_DAYS + 3) {
            if best.is_some() {
                if dates_left_after_found == 0 {
                    break;
                }
                dates_left_after_found -= 1;
            }
            for (start, _) in self
                .ranges_starting_on(date)
                .iter()
                .filter_map(|range| range.interval(date, &self.tz))
            {
                if start > at_ms && best.is_none_or(|best| start < best) {
                    best = Some(start);
                }
            }
        }
        best
    }

    /// The zone's name, for display ("" only while disabled without a zone).
    /// A schedule with business hours off: the team is always available.
    pub fn always_open() -> Schedule {
        Schedule {
            enabled: false,
            tz: TimeZone::UTC,
            time_zone: String::new(),
            weekly: Default::default(),
            exceptions: BTreeMap::new(),
        }
    }

    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }

    /// The ranges that start on `date`: the exception's if there is one, else the weekday's.
    fn ranges_starting_on(&self, date: Date) -> &[Range] {
        match self.exceptions.get(&date) {
            Some(ranges) => ranges,
            None => {
                let monday_zero = date.weekday().to_monday_zero_offset();
                &self.weekly[usize::try_from(monday_zero).unwrap_or(0)]
            }
        }
    }

    fn local_date(&self, at_ms: i64) -> Option<Date> {
        let at = Timestamp::from_millisecond(at_ms).ok()?;
        Some(self.tz.to_datetime(at).date())
    }
}

/// Two dates before `date`, or as far back as jiff goes.
fn earlier(date: Date) -> Date {
    date.yesterday()
        .and_then(|date| date.yesterday())
        .unwrap_or(date)
}

/// Every IANA zone name the bundled/ system database knows, sorted (for the settings form's select).
pub fn time_zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| !NOT_ZONES.contains(&name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn parse_zone(hours: &BusinessHours, errors: &mut Vec<FieldError>) -> (TimeZone, String) {
    let name = hours.time_zone.trim();
    if name.is_empty() {
        if hours.enabled {
            errors.push(FieldError::new("time_zone", "Choose a time zone."));
        }
        return (TimeZone::UTC, String::new());
    }
    let found = jiff::tz::db().get(name).ok().and_then(|tz| {
        let canonical = tz.iana_name()?.to_owned();
        (!NOT_ZONES.contains(&canonical.as_str())).then_some((tz, canonical))
    });
    match found {
        Some(found) => found,
        None => {
            errors.push(FieldError::new(
                "time_zone",
                format!("Unknown time zone \"{name}\"."),
            ));
            (TimeZone::UTC, name.to_owned())
        }
    }
}

/// Validates one range, pushing its problems under `field` with `prefix` before each message.
fn parse_range(
    range: &TimeRange,
    field: &str,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Range> {
    let opens_text = range.opens.trim();
    let closes_text = range.closes.trim();
    let opens = parse_minutes(opens_text).filter(|&minutes| minutes < MINUTES_PER_DAY);
    let closes = parse_minutes(closes_text);
    if opens.is_none() {
        errors.push(FieldError::new(
            field,
            format!(
                "{prefix}Opening time \"{opens_text}\" is not a valid HH:MM time (00:00 to 23:59)."
            ),
        ));
    }
    if closes.is_none() {
        errors.push(FieldError::new(
            field,
            format!("{prefix}Closing time \"{closes_text}\" is not a valid HH:MM time (00:00 to 24:00)."),
        ));
    }
    let (opens, closes) = (opens?, closes?);
    if opens == closes {
        errors.push(FieldError::new(
            field,
            format!("{prefix}The opening and closing times are the same."),
        ));
        return None;
    }
    Some(Range {
        opens: time_of(opens)?,
        closes: time_of(closes % MINUTES_PER_DAY)?,
        next_day: closes < opens || closes == MINUTES_PER_DAY,
    })
}

const MINUTES_PER_DAY: u16 = 24 * 60;

/// "HH:MM" (exactly that shape) to minutes after midnight, 0..=1440 ("24:00" is 1440).
fn parse_minutes(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let hours = two_digits(bytes[0], bytes[1])?;
    let minutes = two_digits(bytes[3], bytes[4])?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
        return None;
    }
    Some(hours * 60 + minutes)
}

fn two_digits(tens: u8, ones: u8) -> Option<u16> {
    if !tens.is_ascii_digit() || !ones.is_ascii_digit() {
        return None;
    }
    Some(u16::from(tens - b'0') * 10 + u16::from(ones - b'0'))
}

fn time_of(minutes: u16) -> Option<Time> {
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

/// "YYYY-MM-DD" (exactly that shape) to a real calendar date.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = two_digits(bytes[0], bytes[1])? * 100 + two_digits(bytes[2], bytes[3])?;
    let month = two_digits(bytes[5], bytes[6])?;
    let day = two_digits(bytes[8], bytes[9])?;
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

fn clean_range(range: &TimeRange) -> TimeRange {
    TimeRange {
        opens: range.opens.trim().to_owned(),
        closes: range.closes.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a table row expects at its instant.
    enum Expect {
        /// Open: `is_open` is true and `next_open` is the instant itself.
        Open,
        /// Closed, next open at this RFC 3339 instant (which is open, and the instant before not).
        ClosedUntil(&'static str),
        /// Closed with no opening within the search window.
        ClosedForever,
    }
    use Expect::*;

    fn ms(rfc3339: &str) -> i64 {
        rfc3339
            .parse::<Timestamp>()
            .unwrap_or_else(|e| panic!("bad test instant {rfc3339}: {e}"))
            .as_millisecond()
    }

    fn range(opens: &str, closes: &str) -> TimeRange {
        TimeRange {
            opens: opens.to_owned(),
            closes: closes.to_owned(),
        }
    }

    fn hours(
        zone: &str,
        weekly: &[(u8, &str, &str)],
        exceptions: &[(&str, &[(&str, &str)])],
    ) -> BusinessHours {
        BusinessHours {
            enabled: true,
            time_zone: zone.to_owned(),
            weekly: weekly
                .iter()
                .map(|&(weekday, opens, closes)| WeeklyRange {
                    weekday,
                    range: range(opens, closes),
                })
                .collect(),
            exceptions: exceptions
                .iter()
                .map(|&(date, ranges)| DateException {
                    date: date.to_owned(),
                    ranges: ranges.iter().map(|&(o, c)| range(o, c)).collect(),
                    label: String::new(),
                })
                .collect(),
            away_message: "We're away; we'll answer when we're back.".to_owned(),
        }
    }

    fn schedule(
        zone: &str,
        weekly: &[(u8, &str, &str)],
        exceptions: &[(&str, &[(&str, &str)])],
    ) -> Schedule {
        match Schedule::parse(&hours(zone, weekly, exceptions)) {
            Ok((schedule, _)) => schedule,
            Err(errors) => panic!("schedule should be valid: {errors:?}"),
        }
    }

    /// The same range on Monday to Friday.
    fn weekdays(
        opens: &'static str,
        closes: &'static str,
    ) -> Vec<(u8, &'static str, &'static str)> {
        (1..=5).map(|day| (day, opens, closes)).collect()
    }

    /// The same range on every day.
    fn daily(opens: &'static str, closes: &'static str) -> Vec<(u8, &'static str, &'static str)> {
        (1..=7).map(|day| (day, opens, closes)).collect()
    }

    fn check(name: &str, schedule: &Schedule, rows: &[(&str, Expect)]) {
        for (at_text, expect) in rows {
            let at = ms(at_text);
            let open = schedule.is_open(at);
            let next = schedule.next_open(at);
            match expect {
                Open => {
                    assert!(open, "{name}: {at_text} should be open");
                    assert_eq!(next, Some(at), "{name}: next_open({at_text}) while open");
                }
                ClosedUntil(until_text) => {
                    let until = ms(until_text);
                    assert!(!open, "{name}: {at_text} should be closed");
                    assert_eq!(
                        next.map(show),
                        Some(show(until)),
                        "{name}: next_open({at_text}) should be {until_text}"
                    );
                    assert!(schedule.is_open(until), "{name}: open at {until_text}");
                    assert!(
                        !schedule.is_open(until - 1),
                        "{name}: closed just before {until_text}"
                    );
                }
                ClosedForever => {
                    assert!(!open, "{name}: {at_text} should be closed");
                    assert_eq!(next, None, "{name}: next_open({at_text}) should be None");
                }
            }
        }
    }

    /// An instant as UTC text, so failures read well.
    fn show(at: i64) -> String {
        Timestamp::from_millisecond(at)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| at.to_string())
    }

    #[test]
    fn new_york_weekdays_nine_to_five() {
        let s = schedule("America/New_York", &weekdays("09:00", "17:00"), &[]);
        check(
            "NY 9-5",
            &s,
            &[
                // Wednesday 2026-01-14 (EST).
                (
                    "2026-01-14T08:59:59-05:00",
                    ClosedUntil("2026-01-14T09:00:00-05:00"),
                ),
                ("2026-01-14T09:00:00-05:00", Open),
                ("2026-01-14T14:00:00Z", Open),
                ("2026-01-14T16:59:00-05:00", Open),
                ("2026-01-14T16:59:59.999-05:00", Open),
                (
                    "2026-01-14T17:00:00-05:00",
                    ClosedUntil("2026-01-15T09:00:00-05:00"),
                ),
                // Friday evening and the weekend: Monday 09:00.
                (
                    "2026-01-16T18:00:00-05:00",
                    ClosedUntil("2026-01-19T14:00:00Z"),
                ),
                (
                    "2026-01-17T12:00:00-05:00",
                    ClosedUntil("2026-01-19T09:00:00-05:00"),
                ),
                (
                    "2026-01-18T23:59:59-05:00",
                    ClosedUntil("2026-01-19T09:00:00-05:00"),
                ),
                // Summer time: 09:00 EDT.
                ("2026-07-15T13:00:00Z", Open),
                ("2026-07-15T12:59:59Z", ClosedUntil("2026-07-15T13:00:00Z")),
            ],
        );
    }

    #[test]
    fn new_york_spring_forward() {
        // 2026-03-08, Sunday: 02:00 EST becomes 03:00 EDT.
        let mut weekly = weekdays("09:00", "17:00");
        weekly.push((7, "01:30", "03:00"));
        let s = schedule("America/New_York", &weekly, &[]);
        check(
            "NY spring, 01:30-03:00 Sunday",
            &s,
            &[
                // Before the change: 09:00 EST = 14:00Z.
                (
                    "2026-03-05T18:00:00-05:00",
                    ClosedUntil("2026-03-06T14:00:00Z"),
                ),
                (
                    "2026-03-07T20:00:00-05:00",
                    ClosedUntil("2026-03-08T06:30:00Z"),
                ),
                ("2026-03-08T01:59:59-05:00", Open),
                // 03:00 EDT: the range was 30 minutes long; then Monday 09:00 EDT = 13:00Z.
                (
                    "2026-03-08T03:00:00-04:00",
                    ClosedUntil("2026-03-09T13:00:00Z"),
                ),
                ("2026-03-09T09:00:00-04:00", Open),
                ("2026-03-09T16:59:59-04:00", Open),
                (
                    "2026-03-09T17:00:00-04:00",
                    ClosedUntil("2026-03-10T13:00:00Z"),
                ),
            ],
        );

        // Daily 09:00-17:00, plus 02:15-02:45 on Sundays, which does not exist on the change
        // day: it is shifted past the gap to 03:15-03:45 EDT.
        let mut weekly = daily("09:00", "17:00");
        weekly.push((7, "02:15", "02:45"));
        let s = schedule("America/New_York", &weekly, &[]);
        check(
            "NY spring, daily 9-5",
            &s,
            &[
                (
                    "2026-03-07T20:00:00-05:00",
                    ClosedUntil("2026-03-08T03:15:00-04:00"),
                ),
                ("2026-03-08T07:30:00Z", Open),
                (
                    "2026-03-08T03:45:00-04:00",
                    ClosedUntil("2026-03-08T13:00:00Z"),
                ),
                ("2026-03-08T16:59:59-04:00", Open),
                (
                    "2026-03-08T17:00:00-04:00",
                    ClosedUntil("2026-03-09T13:00:00Z"),
                ),
                // The week before, the same wall times were an hour later in UTC.
                (
                    "2026-03-01T03:00:00-05:00",
                    ClosedUntil("2026-03-01T14:00:00Z"),
                ),
            ],
        );

        // 00:00-24:00 on the change day is 23 hours.
        let s = schedule("America/New_York", &[(7, "00:00", "24:00")], &[]);
        check(
            "NY spring, all Sunday",
            &s,
            &[
                (
                    "2026-03-07T23:00:00-05:00",
                    ClosedUntil("2026-03-08T05:00:00Z"),
                ),
                ("2026-03-08T23:59:59-04:00", Open),
                (
                    "2026-03-09T00:00:00-04:00",
                    ClosedUntil("2026-03-15T04:00:00Z"),
                ),
            ],
        );
    }

    #[test]
    fn new_york_fall_back() {
        // 2026-11-01, Sunday: 02:00 EDT becomes 01:00 EST.
        let s = schedule("America/New_York", &daily("09:00", "17:00"), &[]);
        check(
            "NY fall, daily 9-5",
            &s,
            &[
                ("2026-10-30T13:00:00Z", Open),
                (
                    "2026-10-31T20:00:00-04:00",
                    ClosedUntil("2026-11-01T14:00:00Z"),
                ),
                ("2026-11-01T16:59:59-05:00", Open),
            ],
        );

        // 01:30 happens twice; the range starts at the first and ends at 02:30 EST: 2 hours.
        let s = schedule("America/New_York", &[(7, "01:30", "02:30")], &[]);
        check(
            "NY fall, 01:30-02:30 Sunday",
            &s,
            &[
                (
                    "2026-11-01T01:29:00-04:00",
                    ClosedUntil("2026-11-01T05:30:00Z"),
                ),
                ("2026-11-01T01:45:00-04:00", Open),
                ("2026-11-01T01:15:00-05:00", Open),
                ("2026-11-01T02:29:59-05:00", Open),
                (
                    "2026-11-01T02:30:00-05:00",
                    ClosedUntil("2026-11-08T06:30:00Z"),
                ),
            ],
        );

        // 00:00-24:00 on the change day is 25 hours.
        let s = schedule("America/New_York", &[(7, "00:00", "24:00")], &[]);
        check(
            "NY fall, all Sunday",
            &s,
            &[
                (
                    "2026-10-31T23:59:59-04:00",
                    ClosedUntil("2026-11-01T04:00:00Z"),
                ),
                ("2026-11-02T04:59:59Z", Open),
                (
                    "2026-11-02T05:00:00Z",
                    ClosedUntil("2026-11-08T00:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn london_summer_time() {
        // 2026-03-29: 01:00 GMT becomes 02:00 BST. 2026-10-25: 02:00 BST becomes 01:00 GMT.
        let mut weekly = daily("09:00", "17:00");
        weekly.push((7, "00:30", "03:00"));
        let s = schedule("Europe/London", &weekly, &[]);
        check(
            "London",
            &s,
            &[
                ("2026-03-27T08:59:00Z", ClosedUntil("2026-03-27T09:00:00Z")),
                ("2026-03-28T20:00:00Z", ClosedUntil("2026-03-29T00:30:00Z")),
                ("2026-03-29T00:59:59Z", Open),
                ("2026-03-29T02:00:00+01:00", Open),
                ("2026-03-29T02:00:00Z", ClosedUntil("2026-03-29T08:00:00Z")),
                (
                    "2026-10-24T17:00:00+01:00",
                    ClosedUntil("2026-10-24T23:30:00Z"),
                ),
                ("2026-10-25T01:30:00+00:00", Open),
                ("2026-10-25T03:00:00Z", ClosedUntil("2026-10-25T09:00:00Z")),
            ],
        );
    }

    #[test]
    fn sydney_southern_summer_time() {
        // 2026-04-05, first Sunday of April: 03:00 AEDT (+11) becomes 02:00 AEST (+10).
        // 2026-10-04, first Sunday of October: 02:00 AEST becomes 03:00 AEDT.
        let s = schedule("Australia/Sydney", &daily("09:00", "17:00"), &[]);
        check(
            "Sydney daily 9-5",
            &s,
            &[
                ("2026-04-03T22:00:00Z", Open),
                (
                    "2026-04-04T18:00:00+11:00",
                    ClosedUntil("2026-04-04T23:00:00Z"),
                ),
                ("2026-04-05T16:59:59+10:00", Open),
                (
                    "2026-04-05T17:00:00+10:00",
                    ClosedUntil("2026-04-06T09:00:00+10:00"),
                ),
                (
                    "2026-10-03T18:00:00+10:00",
                    ClosedUntil("2026-10-03T22:00:00Z"),
                ),
            ],
        );

        let s = schedule("Australia/Sydney", &[(7, "00:00", "24:00")], &[]);
        check(
            "Sydney all Sunday (25 h)",
            &s,
            &[
                (
                    "2026-04-04T23:59:59+11:00",
                    ClosedUntil("2026-04-04T13:00:00Z"),
                ),
                ("2026-04-05T13:59:59Z", Open),
                (
                    "2026-04-05T14:00:00Z",
                    ClosedUntil("2026-04-12T00:00:00+10:00"),
                ),
            ],
        );
    }

    #[test]
    fn kolkata_half_hour_offset() {
        let s = schedule("Asia/Kolkata", &weekdays("09:00", "17:00"), &[]);
        check(
            "Kolkata",
            &s,
            &[
                ("2026-01-16T03:29:59Z", ClosedUntil("2026-01-16T03:30:00Z")),
                ("2026-01-16T03:30:00Z", Open),
                ("2026-01-16T11:29:59Z", Open),
                ("2026-01-16T11:30:00Z", ClosedUntil("2026-01-19T03:30:00Z")),
            ],
        );
    }

    #[test]
    fn overnight_range() {
        let s = schedule("America/New_York", &[(5, "22:00", "02:00")], &[]);
        check(
            "Fri 22-02",
            &s,
            &[
                (
                    "2026-01-16T21:59:59-05:00",
                    ClosedUntil("2026-01-16T22:00:00-05:00"),
                ),
                ("2026-01-16T22:00:00-05:00", Open),
                ("2026-01-17T01:00:00-05:00", Open),
                ("2026-01-17T01:59:59-05:00", Open),
                (
                    "2026-01-17T02:00:00-05:00",
                    ClosedUntil("2026-01-23T22:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn several_ranges_a_day() {
        // Submitted out of order on purpose.
        let s = schedule(
            "America/New_York",
            &[(1, "13:00", "17:00"), (1, "09:00", "12:00")],
            &[],
        );
        check(
            "Mon 9-12, 13-17",
            &s,
            &[
                ("2026-01-19T11:59:59-05:00", Open),
                (
                    "2026-01-19T12:00:00-05:00",
                    ClosedUntil("2026-01-19T13:00:00-05:00"),
                ),
                (
                    "2026-01-19T12:30:00-05:00",
                    ClosedUntil("2026-01-19T13:00:00-05:00"),
                ),
                ("2026-01-19T13:00:00-05:00", Open),
                (
                    "2026-01-19T17:00:00-05:00",
                    ClosedUntil("2026-01-26T09:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn exception_closes_whole_day() {
        let s = schedule(
            "America/New_York",
            &weekdays("09:00", "17:00"),
            &[("2026-12-25", &[]), ("2026-12-31", &[])],
        );
        check(
            "holidays",
            &s,
            &[
                // Thursday Christmas Eve, Friday Christmas closed: Monday.
                (
                    "2026-12-24T17:30:00-05:00",
                    ClosedUntil("2026-12-28T09:00:00-05:00"),
                ),
                (
                    "2026-12-25T10:00:00-05:00",
                    ClosedUntil("2026-12-28T09:00:00-05:00"),
                ),
                // Wednesday evening, Thursday closed: Friday.
                (
                    "2026-12-30T18:00:00-05:00",
                    ClosedUntil("2027-01-01T09:00:00-05:00"),
                ),
                (
                    "2026-12-31T10:00:00-05:00",
                    ClosedUntil("2027-01-01T09:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn exception_with_special_hours() {
        let mut weekly = weekdays("09:00", "17:00");
        weekly.push((5, "22:00", "02:00"));
        let s = schedule(
            "America/New_York",
            &weekly,
            &[
                // Thursday: short day.
                ("2026-12-24", &[("10:00", "14:00")]),
                // Saturday closed: Friday's overnight range still runs into it.
                ("2026-01-17", &[]),
                // Friday closed: neither 9-5 nor the overnight range.
                ("2026-01-23", &[]),
                // Saturday with an overnight range of its own.
                ("2026-01-31", &[("23:00", "01:00")]),
            ],
        );
        check(
            "special hours",
            &s,
            &[
                (
                    "2026-12-24T09:30:00-05:00",
                    ClosedUntil("2026-12-24T10:00:00-05:00"),
                ),
                ("2026-12-24T10:00:00-05:00", Open),
                ("2026-12-24T13:59:59-05:00", Open),
                (
                    "2026-12-24T14:00:00-05:00",
                    ClosedUntil("2026-12-25T09:00:00-05:00"),
                ),
                ("2026-01-17T01:00:00-05:00", Open),
                (
                    "2026-01-23T12:00:00-05:00",
                    ClosedUntil("2026-01-26T09:00:00-05:00"),
                ),
                (
                    "2026-01-24T01:00:00-05:00",
                    ClosedUntil("2026-01-26T09:00:00-05:00"),
                ),
                (
                    "2026-01-31T22:00:00-05:00",
                    ClosedUntil("2026-01-31T23:00:00-05:00"),
                ),
                ("2026-02-01T00:30:00-05:00", Open),
                (
                    "2026-02-01T01:00:00-05:00",
                    ClosedUntil("2026-02-02T09:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn closes_at_midnight() {
        let s = schedule(
            "America/New_York",
            &[(1, "18:00", "24:00"), (3, "22:00", "00:00")],
            &[],
        );
        check(
            "24:00",
            &s,
            &[
                ("2026-01-19T23:59:59.999-05:00", Open),
                (
                    "2026-01-20T00:00:00-05:00",
                    ClosedUntil("2026-01-21T22:00:00-05:00"),
                ),
                ("2026-01-21T23:59:00-05:00", Open),
                (
                    "2026-01-22T00:00:00-05:00",
                    ClosedUntil("2026-01-26T18:00:00-05:00"),
                ),
            ],
        );

        // Monday until midnight, then Tuesday from midnight: no gap.
        let s = schedule(
            "America/New_York",
            &[(1, "18:00", "24:00"), (2, "00:00", "06:00")],
            &[],
        );
        check(
            "24:00 then 00:00",
            &s,
            &[
                ("2026-01-20T00:00:00-05:00", Open),
                (
                    "2026-01-20T06:00:00-05:00",
                    ClosedUntil("2026-01-26T18:00:00-05:00"),
                ),
            ],
        );
    }

    #[test]
    fn validation_collects_every_error() {
        let mut bad = hours(
            "Mars/Base",
            &[
                (1, "09:00", "17:00"),
                (2, "25:00", "17:00"),
                (3, "09:00", "09:00"),
                (0, "09:00", "17:00"),
                (8, "09:00", "17:00"),
            ],
            &[
                ("2026-12-25", &[]),
                ("2026-12-25", &[("10:00", "12:00")]),
                ("2026-02-30", &[]),
            ],
        );
        bad.away_message = "  ".to_owned();
        let errors = Schedule::parse(&bad).err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "time_zone",
                "weekly[1]",
                "weekly[2]",
                "weekly[3]",
                "weekly[4]",
                "exceptions[1]",
                "exceptions[2]",
                "away_message",
            ],
            "{errors:#?}"
        );
        assert!(errors[0].message.contains("Mars/Base"), "{:?}", errors[0]);
        assert!(errors[1].message.contains("25:00"), "{:?}", errors[1]);
        assert!(
            errors[5].message.contains("exceptions[0]"),
            "{:?}",
            errors[5]
        );
    }

    #[test]
    fn validation_cases() {
        let good = || hours("Europe/Paris", &weekdays("09:00", "17:00"), &[]);
        let with = |change: &dyn Fn(&mut BusinessHours)| {
            let mut h = good();
            change(&mut h);
            h
        };
        let cases: Vec<(&str, BusinessHours, Vec<&str>)> = vec![
            ("valid", good(), vec![]),
            (
                "away message too long",
                with(&|h| h.away_message = "x".repeat(MAX_AWAY_CHARS + 1)),
                vec!["away_message"],
            ),
            (
                "away message at the limit, counted in characters",
                with(&|h| h.away_message = "é".repeat(MAX_AWAY_CHARS)),
                vec![],
            ),
            (
                "too many ranges",
                with(&|h| h.weekly = (0..=MAX_RANGES).map(|_| h.weekly[0].clone()).collect()),
                vec!["weekly"],
            ),
            (
                "too many exceptions",
                with(&|h| {
                    let first = Date::constant(2026, 1, 1);
                    h.exceptions = dates_from(first)
                        .take(MAX_EXCEPTIONS + 1)
                        .map(|date| DateException {
                            date: date.to_string(),
                            ranges: vec![],
                            label: String::new(),
                        })
                        .collect();
                }),
                vec!["exceptions"],
            ),
            (
                "label too long",
                with(&|h| {
                    h.exceptions = vec![DateException {
                        date: "2026-12-25".to_owned(),
                        ranges: vec![],
                        label: "x".repeat(MAX_LABEL_CHARS + 1),
                    }]
                }),
                vec!["exceptions[0]"],
            ),
            (
                "opens at 24:00",
                with(&|h| h.weekly[0].range.opens = "24:00".to_owned()),
                vec!["weekly[0]"],
            ),
            (
                "closes after 24:00",
                with(&|h| h.weekly[1].range.closes = "24:01".to_owned()),
                vec!["weekly[1]"],
            ),
            (
                "one-digit hour and bad minutes",
                with(&|h| {
                    h.weekly[2].range.opens = "9:00".to_owned();
                    h.weekly[2].range.closes = "17:60".to_owned();
                }),
                vec!["weekly[2]", "weekly[2]"],
            ),
            (
                "00:00 to 00:00",
                with(&|h| h.weekly[0].range = range("00:00", "00:00")),
                vec!["weekly[0]"],
            ),
            (
                "bad exception range and date shape",
                with(&|h| {
                    h.exceptions = vec![
                        DateException {
                            date: "2026-12-24".to_owned(),
                            ranges: vec![range("10:00", "12:60")],
                            label: String::new(),
                        },
                        DateException {
                            date: "2026-1-05".to_owned(),
                            ranges: vec![],
                            label: String::new(),
                        },
                    ]
                }),
                vec!["exceptions[0]", "exceptions[1]"],
            ),
            (
                "no zone while enabled",
                with(&|h| h.time_zone = " ".to_owned()),
                vec!["time_zone"],
            ),
            (
                "not a zone",
                with(&|h| h.time_zone = "localtime".to_owned()),
                vec!["time_zone"],
            ),
            (
                "disabled: no zone nor away message needed",
                with(&|h| {
                    h.enabled = false;
                    h.time_zone = String::new();
                    h.away_message = String::new();
                }),
                vec![],
            ),
            (
                "disabled: the rest is still checked",
                with(&|h| {
                    h.enabled = false;
                    h.weekly[0].weekday = 9;
                }),
                vec!["weekly[0]"],
            ),
        ];
        for (name, input, expected) in cases {
            let fields: Vec<String> = match Schedule::parse(&input) {
                Ok(_) => vec![],
                Err(errors) => errors.into_iter().map(|e| e.field).collect(),
            };
            assert_eq!(fields, expected, "{name}");
        }
    }

    #[test]
    fn parse_cleans_and_sorts() {
        let input = BusinessHours {
            enabled: true,
            time_zone: " america/new_york ".to_owned(),
            weekly: vec![
                WeeklyRange {
                    weekday: 3,
                    range: range(" 13:00", "17:00 "),
                },
                WeeklyRange {
                    weekday: 1,
                    range: range("13:00", "17:00"),
                },
                WeeklyRange {
                    weekday: 1,
                    range: range("09:00", "12:00"),
                },
            ],
            exceptions: vec![
                DateException {
                    date: "2026-12-31".to_owned(),
                    ranges: vec![range("14:00", "16:00"), range("09:00", "12:00")],
                    label: String::new(),
                },
                DateException {
                    date: " 2026-12-25 ".to_owned(),
                    ranges: vec![],
                    label: " Christmas ".to_owned(),
                },
            ],
            away_message: "  Back at 9.\n".to_owned(),
        };
        let (schedule, cleaned) = match Schedule::parse(&input) {
            Ok(parsed) => parsed,
            Err(errors) => panic!("{errors:?}"),
        };
        assert_eq!(schedule.time_zone(), "America/New_York");
        let weekly = |weekday, opens: &str, closes: &str| WeeklyRange {
            weekday,
            range: range(opens, closes),
        };
        let expected = BusinessHours {
            enabled: true,
            time_zone: "America/New_York".to_owned(),
            weekly: vec![
                weekly(1, "09:00", "12:00"),
                weekly(1, "13:00", "17:00"),
                weekly(3, "13:00", "17:00"),
            ],
            exceptions: vec![
                DateException {
                    date: "2026-12-25".to_owned(),
                    ranges: vec![],
                    label: "Christmas".to_owned(),
                },
                DateException {
                    date: "2026-12-31".to_owned(),
                    ranges: vec![range("09:00", "12:00"), range("14:00", "16:00")],
                    label: String::new(),
                },
            ],
            away_message: "Back at 9.".to_owned(),
        };
        assert_eq!(cleaned, expected);
        // The cleaned form parses to itself.
        match Schedule::parse(&cleaned) {
            Ok((_, again)) => assert_eq!(again, expected),
            Err(errors) => panic!("{errors:?}"),
        }
    }

    #[test]
    fn disabled_is_always_open() {
        let parsed = Schedule::parse(&BusinessHours::default());
        let Ok((off, cleaned)) = parsed else {
            panic!(
                "the default hours should be valid: {parsed:?}",
                parsed = parsed.err()
            );
        };
        assert_eq!(cleaned, BusinessHours::default());
        let mut h = hours("Europe/Paris", &[], &[("2026-01-01", &[])]);
        h.enabled = false;
        let Ok((off_with_zone, _)) = Schedule::parse(&h) else {
            panic!("disabled hours with no ranges should be valid");
        };
        for s in [&off, &off_with_zone] {
            for at in [i64::MIN, -1, 0, ms("2026-01-01T12:00:00Z"), i64::MAX] {
                assert!(s.is_open(at));
                assert_eq!(s.next_open(at), Some(at));
            }
        }
    }

    #[test]
    fn never_open_within_the_window() {
        let s = schedule("Europe/Paris", &[], &[]);
        check("no ranges", &s, &[("2026-01-01T00:00:00Z", ClosedForever)]);

        // Only special hours on one date: found up to 400 days ahead, not beyond.
        let s = schedule(
            "Europe/Paris",
            &[],
            &[("2027-01-29", &[("10:00", "11:00")])],
        );
        check(
            "one date",
            &s,
            &[
                (
                    "2026-01-01T00:00:00Z",
                    ClosedUntil("2027-01-29T10:00:00+01:00"),
                ),
                ("2025-12-01T00:00:00Z", ClosedForever),
            ],
        );
        // Instants jiff cannot represent are closed.
        assert!(!s.is_open(i64::MAX));
        assert_eq!(s.next_open(i64::MIN), None);
    }

    #[test]
    fn offset_changes_across_midnight() {
        // Goose Bay, 1999-10-31: at 00:01 ADT the clocks went back to Saturday 23:01 AST, so a
        // Sunday range had already started while the wall clock still showed Saturday.
        let s = schedule("America/Goose_Bay", &[(7, "00:00", "01:00")], &[]);
        check(
            "Goose Bay",
            &s,
            &[
                (
                    "1999-10-30T23:59:00-03:00",
                    ClosedUntil("1999-10-31T03:00:00Z"),
                ),
                ("1999-10-31T03:30:00Z", Open),
                ("1999-10-31T00:59:00-04:00", Open),
                (
                    "1999-10-31T01:00:00-04:00",
                    ClosedUntil("1999-11-07T00:00:00-04:00"),
                ),
            ],
        );

        // Samoa skipped 2011-12-30: that date's 10:00 lands after the 31st's 09:00.
        let s = schedule(
            "Pacific/Apia",
            &[],
            &[
                ("2011-12-30", &[("10:00", "11:00")]),
                ("2011-12-31", &[("09:00", "09:30")]),
            ],
        );
        check(
            "Apia",
            &s,
            &[
                (
                    "2011-12-29T18:00:00-10:00",
                    ClosedUntil("2011-12-31T09:00:00+14:00"),
                ),
                (
                    "2011-12-31T09:30:00+14:00",
                    ClosedUntil("2011-12-31T10:00:00+14:00"),
                ),
                ("2011-12-31T10:59:00+14:00", Open),
            ],
        );
    }

    /// Sweeps several DST changes in small steps: `next_open` agrees with `is_open`, each answer
    /// is a real opening edge, and nothing opens between an instant and its answer.
    #[test]
    fn next_open_agrees_with_is_open() {
        let mut mixed = weekdays("09:00", "17:00");
        mixed.extend([
            (5, "22:00", "02:00"),
            (6, "23:00", "24:00"),
            (7, "00:00", "00:30"),
            (7, "01:30", "03:00"),
        ]);
        let zones_and_windows = [
            (
                "America/New_York",
                "2026-03-05T00:00:00Z",
                "2026-03-11T00:00:00Z",
            ),
            (
                "America/New_York",
                "2026-10-29T00:00:00Z",
                "2026-11-04T00:00:00Z",
            ),
            (
                "Australia/Sydney",
                "2026-04-02T00:00:00Z",
                "2026-04-08T00:00:00Z",
            ),
            (
                "Australia/Sydney",
                "2026-10-01T00:00:00Z",
                "2026-10-07T00:00:00Z",
            ),
            // Chile changes at midnight, so the repeated or skipped hour touches two dates.
            (
                "America/Santiago",
                "2026-04-01T00:00:00Z",
                "2026-04-08T00:00:00Z",
            ),
            (
                "America/Santiago",
                "2026-09-03T00:00:00Z",
                "2026-09-10T00:00:00Z",
            ),
            (
                "Asia/Kolkata",
                "2026-01-14T00:00:00Z",
                "2026-01-20T00:00:00Z",
            ),
        ];
        let step = 7 * 60_000 + 13_000;
        for (zone, from, to) in zones_and_windows {
            let s = schedule(zone, &mixed, &[("2026-04-03", &[("12:00", "13:00")])]);
            let (from, to) = (ms(from), ms(to));
            let mut at = from;
            let mut pending: Option<i64> = None;
            while at < to {
                let open = s.is_open(at);
                let next = s.next_open(at);
                assert_eq!(next == Some(at), open, "{zone} at {}", show(at));
                let Some(next) = next else {
                    panic!("{zone}: never open after {}", show(at));
                };
                if !open {
                    assert!(
                        s.is_open(next) && !s.is_open(next - 1),
                        "{zone} {}",
                        show(next)
                    );
                    if let Some(expected) = pending {
                        if expected > at {
                            assert_eq!(show(next), show(expected), "{zone} at {}", show(at));
                        }
                    }
                    pending = Some(next);
                } else {
                    pending = None;
                }
                at += step;
            }
        }
    }

    #[test]
    fn time_zone_names_are_sorted_and_accepted() {
        let names = time_zone_names();
        assert!(names.len() > 300, "{}", names.len());
        assert!(names.windows(2).all(|pair| pair[0] < pair[1]));
        for expected in [
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Sydney",
            "UTC",
        ] {
            assert!(names.iter().any(|name| name == expected), "{expected}");
        }
        assert!(!names.iter().any(|name| name == "localtime"));
        for name in &names {
            let mut h = hours(name, &[], &[]);
            h.enabled = true;
            match Schedule::parse(&h) {
                Ok((s, cleaned)) => {
                    assert_eq!(s.time_zone(), name);
                    assert_eq!(&cleaned.time_zone, name);
                }
                Err(errors) => panic!("{name}: {errors:?}"),
            }
        }
    }
}
