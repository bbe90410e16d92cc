//! Settings → Business hours: the weekly schedule in the store's time zone, dates with
//! other hours, and the away message shoppers get outside them.
//!
//! The server keys problems by position in the lists it received (`weekly[3]`,
//! `exceptions[1]`), so the form remembers which row went out at which position.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{BusinessHours, DateException, TimeRange, WeeklyRange};

use super::{
    focus_first, invalid, Controls, FieldMessage, Outcome, ReadOnlyNote, SaveActions,
    SettingSwitch, SettingsBody, SettingsHead,
};
use crate::api::{get_business_hours, save_business_hours, HoursPage};
use crate::time::LocalTime;

#[component]
pub fn HoursSettings() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_business_hours());
    view! {
        <Title text="Business hours" />
        <SettingsHead
            title="Business hours"
            intro="When your team answers chats. Outside these hours shoppers get the away message and learn when you are back."
        />
        <SettingsBody data=page form=move |me, page| {
            let can_edit = me.role().manages(); view! { <HoursForm page can_edit /> }
        } />
    }
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One opening range being edited. `key` is stable for the row's life (element ids,
/// list keys, and finding the row's position in the last save).
#[derive(Clone, Copy)]
struct RangeRow {
    key: u32,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct ExceptionRow {
    key: u32,
    date: RwSignal<String>,
    label: RwSignal<String>,
    /// Empty: closed all day.
    ranges: RwSignal<Vec<RangeRow>>,
}

/// The schedule being edited.
#[derive(Clone, Copy)]
struct Draft {
    /// Rows are made here, so they live as long as the page, whoever creates them.
    owner: StoredValue<Owner>,
    next_key: StoredValue<u32>,
    enabled: RwSignal<bool>,
    time_zone: RwSignal<String>,
    /// Index 0 = Monday.
    days: [RwSignal<Vec<RangeRow>>; 7],
    exceptions: RwSignal<Vec<ExceptionRow>>,
    away: RwSignal<String>,
    /// Row keys in the order the last save sent them: errors name these positions.
    sent_weekly: RwSignal<Vec<u32>>,
    sent_exceptions: RwSignal<Vec<u32>>,
}

/// `<input type=time>` cannot show "24:00" (midnight at the end of the day); "00:00"
/// closing means the same, since a closing time before the opening one runs past midnight.
fn closes_for_input(closes: &str) -> String {
    if closes.trim() == "24:00" {
        "00:00".to_owned()
    } else {
        closes.to_owned()
    }
}

fn closes_for_wire(closes: &str) -> String {
    if closes.trim() == "00:00" {
        "24:00".to_owned()
    } else {
        closes.to_owned()
    }
}

const DEFAULT_RANGE: (&str, &str) = ("09:00", "17:00");

impl Draft {
    fn new(hours: &BusinessHours) -> Self {
        let draft = Draft {
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            next_key: StoredValue::new(0),
            enabled: RwSignal::new(false),
            time_zone: RwSignal::new(String::new()),
            days: std::array::from_fn(|_| RwSignal::new(Vec::new())),
            exceptions: RwSignal::new(Vec::new()),
            away: RwSignal::new(String::new()),
            sent_weekly: RwSignal::new(Vec::new()),
            sent_exceptions: RwSignal::new(Vec::new()),
        };
        draft.load(hours);
        draft
    }

    fn key(self) -> u32 {
        self.next_key.update_value(|key| *key += 1);
        self.next_key.get_value()
    }

    fn range(self, opens: &str, closes: &str) -> RangeRow {
        let key = self.key();
        self.owner.with_value(|owner| {
            owner.with(|| RangeRow {
                key,
                opens: RwSignal::new(opens.to_owned()),
                closes: RwSignal::new(closes_for_input(closes)),
            })
        })
    }

    fn exception(self, exception: &DateException) -> ExceptionRow {
        let key = self.key();
        let ranges = exception
            .ranges
            .iter()
            .map(|range| self.range(&range.opens, &range.closes))
            .collect();
        self.owner.with_value(|owner| {
            owner.with(|| ExceptionRow {
                key,
                date: RwSignal::new(exception.date.clone()),
                label: RwSignal::new(exception.label.clone()),
                ranges: RwSignal::new(ranges),
            })
        })
    }

    /// Shows `hours` (as loaded, or as the server stored them after a save).
    fn load(self, hours: &BusinessHours) {
        self.enabled.set(hours.enabled);
        self.time_zone.set(hours.time_zone.clone());
        for (index, day) in self.days.iter().enumerate() {
            let rows = hours
                .weekly
                .iter()
                .filter(|entry| usize::from(entry.weekday) == index + 1)
                .map(|entry| self.range(&entry.range.opens, &entry.range.closes))
                .collect();
            day.set(rows);
        }
        let exceptions = hours
            .exceptions
            .iter()
            .map(|exception| self.exception(exception))
            .collect();
        self.exceptions.set(exceptions);
        self.away.set(hours.away_message.clone());
        self.sent_weekly.set(Vec::new());
        self.sent_exceptions.set(Vec::new());
    }

    /// What Save sends; remembers the order of the rows it sent.
    fn submit(self) -> BusinessHours {
        let mut weekly = Vec::new();
        let mut weekly_keys = Vec::new();
        for (index, day) in self.days.iter().enumerate() {
            for row in day.get_untracked() {
                weekly_keys.push(row.key);
                weekly.push(WeeklyRange {
                    weekday: index as u8 + 1,
                    range: row.time_range(),
                });
            }
        }
        let rows = self.exceptions.get_untracked();
        let exceptions = rows
            .iter()
            .map(|row| DateException {
                date: row.date.get_untracked(),
                label: row.label.get_untracked(),
                ranges: row
                    .ranges
                    .get_untracked()
                    .iter()
                    .map(|range| range.time_range())
                    .collect(),
            })
            .collect();
        self.sent_weekly.set(weekly_keys);
        self.sent_exceptions
            .set(rows.iter().map(|row| row.key).collect());
        BusinessHours {
            enabled: self.enabled.get_untracked(),
            time_zone: self.time_zone.get_untracked(),
            weekly,
            exceptions,
            away_message: self.away.get_untracked(),
        }
    }
}

impl RangeRow {
    fn time_range(self) -> TimeRange {
        TimeRange {
            opens: self.opens.get_untracked(),
            closes: closes_for_wire(&self.closes.get_untracked()),
        }
    }
}

/// The error of the row `key` of `sent` (as the last save sent it) under `list[i]`.
fn row_error(
    outcome: Outcome,
    list: &'static str,
    sent: RwSignal<Vec<u32>>,
    key: u32,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let position = sent.with(|keys| keys.iter().position(|sent| *sent == key))?;
        outcome.error.with(|error| {
            error
                .as_ref()
                .and_then(|error| error.field(&format!("{list}[{position}]")))
        })
    })
}

#[component]
fn HoursForm(page: HoursPage, can_edit: bool) -> impl IntoView {
    let draft = Draft::new(&page.hours);
    let status = RwSignal::new((page.hours.enabled, page.open_now, page.next_open_at));
    let save = Action::new(move |hours: &BusinessHours| {
        let hours = hours.clone();
        async move { save_business_hours(hours).await }
    });
    // Show what the server stored (sorted, trimmed) and whether the team is open now.
    Effect::new(move |_| {
        save.value().with(|value| {
            if let Some(Ok(page)) = value {
                draft.load(&page.hours);
                status.set((page.hours.enabled, page.open_now, page.next_open_at));
            }
        });
    });
    let outcome = Outcome::of(save);
    let controls = Controls::new(can_edit);
    let zone_error = outcome.field("time_zone");
    let away_error = outcome.field("away_message");
    let weekly_error = outcome.field("weekly");
    let exceptions_error = outcome.field("exceptions");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if can_edit {
            save.dispatch(draft.submit());
        }
    };
    let add_exception = move |_| {
        let row = draft.exception(&DateException {
            date: String::new(),
            ranges: Vec::new(),
            label: String::new(),
        });
        draft.exceptions.update(|rows| rows.push(row));
        focus_first(vec![format!("exception-{}-date", row.key)]);
    };

    let mut zones = page.time_zones;
    let initial_zone = page.hours.time_zone;
    if !initial_zone.is_empty() && !zones.contains(&initial_zone) {
        zones.insert(0, initial_zone.clone());
    }

    view! {
        <form class="settings-form" novalidate on:submit=submit>
            <ReadOnlyNote can_edit />
            <Availability status />
            <section class="card">
                <SettingSwitch
                    id="hours-enabled"
                    label="Use business hours"
                    hint="When off, shoppers see the team as available at any time and get no away message."
                    value=draft.enabled
                    controls
                />
                <div class="field">
                    <label for="time-zone">"Time zone"</label>
                    <select
                        id="time-zone"
                        prop:value=draft.time_zone
                        on:change=move |event| draft.time_zone.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(zone_error)
                        aria-describedby=move || zone_error.with(Option::is_some).then_some("time-zone-error")
                    >
                        <option value="" selected=initial_zone.is_empty()>"Choose a time zone…"</option>
                        {zones
                            .into_iter()
                            .map(|zone| {
                                let selected = zone == initial_zone;
                                view! { <option value=zone.clone() selected=selected>{zone.replace('_', " ")}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldMessage id="time-zone-error" message=zone_error />
                </div>
            </section>
            <fieldset class="card">
                <legend>"Weekly hours"</legend>
                <p class="hint" id="weekly-hint">
                    "Times are in the store's time zone. A closing time earlier than the opening time runs past midnight; 00:00 closes at midnight."
                </p>
                <FieldMessage id="weekly-error" message=weekly_error />
                <div class="week">
                    {(0..7).map(|day| view! { <DayRow draft day outcome can_edit /> }).collect_view()}
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>"Dates with different hours"</legend>
                <p class="hint">"Holidays and special openings. They replace the weekly hours on that date."</p>
                <FieldMessage id="exceptions-error" message=exceptions_error />
                <Show when=move || draft.exceptions.with(Vec::is_empty)>
                    <p class="muted">"No dates yet."</p>
                </Show>
                <div class="exceptions">
                    <For each=move || draft.exceptions.get() key=|row| row.key let:row>
                        <ExceptionEditor draft row outcome can_edit />
                    </For>
                </div>
                <button type="button" class="secondary" id="exceptions-add" on:click=add_exception disabled=move || controls.locked()>
                    "Add a date"
                </button>
            </fieldset>
            <section class="card">
                <label for="away-message">"Away message"</label>
                <p class="hint" id="away-message-hint">
                    "Sent automatically to shoppers who write outside business hours, with when the team is back."
                </p>
                <textarea
                    id="away-message"
                    rows="3"
                    prop:value=draft.away
                    on:input=move |event| draft.away.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(away_error)
                    aria-describedby=move || {
                        if away_error.with(Option::is_some) {
                            "away-message-hint away-message-error"
                        } else {
                            "away-message-hint"
                        }
                    }
                >
                    {crate::textarea_text(draft.away.get_untracked())}
                </textarea>
                <FieldMessage id="away-message-error" message=away_error />
            </section>
            <SaveActions outcome controls />
        </form>
    }
}

/// Whether the team is available now, as of the last load or save.
#[component]
fn Availability(status: RwSignal<(bool, bool, Option<i64>)>) -> impl IntoView {
    move || {
        let (enabled, open_now, next_open_at) = status.get();
        if !enabled {
            return view! {
                <p class="availability open">"Business hours are off: the team shows as available."</p>
            }
            .into_any();
        }
        if open_now {
            return view! { <p class="availability open">"Open now"</p> }.into_any();
        }
        match next_open_at {
            Some(at) => view! {
                <p class="availability closed"><span>"Closed — next open " <LocalTime at /></span></p>
            }
            .into_any(),
            None => view! {
                <p class="availability closed">"Closed — no opening hours are scheduled"</p>
            }
            .into_any(),
        }
    }
}

#[component]
fn DayRow(draft: Draft, day: usize, outcome: Outcome, can_edit: bool) -> impl IntoView {
    let ranges = draft.days[day];
    let controls = Controls::new(can_edit);
    let name = DAYS[day];
    let name_id = format!("day-{day}-name");
    let labelled_by = name_id.clone();
    let add_id = format!("day-{day}-add");
    let refocus_id = add_id.clone();
    let add = move |_| {
        let (opens, closes) = DEFAULT_RANGE;
        let row = draft.range(opens, closes);
        ranges.update(|rows| rows.push(row));
        focus_first(vec![format!("range-{}-opens", row.key)]);
    };
    view! {
        <div class="day" role="group" aria-labelledby=labelled_by>
            <span class="day-name" id=name_id>{name}</span>
            <div class="ranges">
                <Show when=move || ranges.with(Vec::is_empty)>
                    <span class="closed-label">"Closed"</span>
                </Show>
                <For each=move || ranges.get() key=|row| row.key let:row>
                    <RangeEditor
                        row
                        can_edit
                        error=Some(row_error(outcome, "weekly", draft.sent_weekly, row.key))
                        on_remove=Callback::new({
                            let refocus_id = refocus_id.clone();
                            move |()| {
                                ranges.update(|rows| rows.retain(|held| held.key != row.key));
                                focus_first(vec![refocus_id.clone()]);
                            }
                        })
                    />
                </For>
            </div>
            <button type="button" class="secondary small" id=add_id on:click=add disabled=move || controls.locked()>
                "Add hours"
            </button>
        </div>
    }
}

#[component]
fn RangeEditor(
    row: RangeRow,
    can_edit: bool,
    /// This range's own problems (weekly ranges; a date's problems show under the date).
    error: Option<Signal<Option<String>>>,
    on_remove: Callback<()>,
) -> impl IntoView {
    let controls = Controls::new(can_edit);
    let opens_id = format!("range-{}-opens", row.key);
    let closes_id = format!("range-{}-closes", row.key);
    let error_id = format!("range-{}-error", row.key);
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let describe = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <div class="range">
            <span class="range-times">
                <label for=opens_id.clone()>"Opens"</label>
                <input
                    id=opens_id
                    type="time"
                    value=row.opens.get_untracked()
                    prop:value=row.opens
                    on:input=move |event| row.opens.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(error)
                    aria-describedby=describe.clone()
                />
                <label for=closes_id.clone()>"Closes"</label>
                <input
                    id=closes_id
                    type="time"
                    value=row.closes.get_untracked()
                    prop:value=row.closes
                    on:input=move |event| row.closes.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(error)
                    aria-describedby=describe
                />
                <button type="button" class="link" on:click=move |_| on_remove.run(()) disabled=move || controls.locked()>
                    "Remove"
                </button>
            </span>
            <FieldMessage id=error_id message=error />
        </div>
    }
}

#[component]
fn ExceptionEditor(
    draft: Draft,
    row: ExceptionRow,
    outcome: Outcome,
    can_edit: bool,
) -> impl IntoView {
    let key = row.key;
    let controls = Controls::new(can_edit);
    let id = move |what: &str| format!("exception-{key}-{what}");
    let error = row_error(outcome, "exceptions", draft.sent_exceptions, key);
    let error_id = id("error");
    let describe = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let closed = move || row.ranges.with(Vec::is_empty);
    let set_closed = move |event| {
        if event_target_checked(&event) {
            row.ranges.set(Vec::new());
        } else {
            let (opens, closes) = DEFAULT_RANGE;
            let range = draft.range(opens, closes);
            row.ranges.set(vec![range]);
        }
    };
    let add_range = move |_| {
        let (opens, closes) = DEFAULT_RANGE;
        let range = draft.range(opens, closes);
        row.ranges.update(|rows| rows.push(range));
        focus_first(vec![format!("range-{}-opens", range.key)]);
    };
    let remove = move |_| {
        draft
            .exceptions
            .update(|rows| rows.retain(|held| held.key != key));
        focus_first(vec!["exceptions-add".to_owned()]);
    };
    let group_label = move || {
        row.date.with(|date| {
            if date.is_empty() {
                "New date".to_owned()
            } else {
                format!("Date {date}")
            }
        })
    };
    view! {
        <div class="exception" role="group" aria-label=group_label>
            <div class="exception-main">
                <span class="field-inline">
                    <label for=id("date")>"Date"</label>
                    <input
                        id=id("date")
                        type="date"
                        value=row.date.get_untracked()
                        prop:value=row.date
                        on:input=move |event| row.date.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(error)
                        aria-describedby=describe
                    />
                </span>
                <span class="field-inline grow">
                    <label for=id("label")>"Label"</label>
                    <input
                        id=id("label")
                        type="text"
                        maxlength="100"
                        placeholder="Christmas"
                        value=row.label.get_untracked()
                        prop:value=row.label
                        on:input=move |event| row.label.set(event_target_value(&event))
                        disabled=move || controls.locked()
                    />
                </span>
                <span class="check-row">
                    <input
                        id=id("closed")
                        type="checkbox"
                        checked=row.ranges.with_untracked(Vec::is_empty)
                        prop:checked=closed
                        on:change=set_closed
                        disabled=move || controls.locked()
                    />
                    <label for=id("closed")>"Closed all day"</label>
                </span>
                <button type="button" class="link danger-text" on:click=remove disabled=move || controls.locked()>
                    "Remove date"
                </button>
            </div>
            <Show when=move || !closed()>
                <div class="ranges">
                    <For each=move || row.ranges.get() key=|range| range.key let:range>
                        <RangeEditor
                            row=range
                            can_edit
                            error=None
                            on_remove=Callback::new(move |()| {
                                row.ranges.update(|rows| rows.retain(|held| held.key != range.key));
                                focus_first(vec![format!("exception-{key}-add"), format!("exception-{key}-closed")]);
                            })
                        />
                    </For>
                    <button type="button" class="secondary small" id=id("add") on:click=add_range disabled=move || controls.locked()>
                        "Add hours"
                    </button>
                </div>
            </Show>
            <FieldMessage id=error_id message=error />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_closing_round_trips_through_the_time_input() {
        assert_eq!(closes_for_input("24:00"), "00:00");
        assert_eq!(closes_for_input("17:30"), "17:30");
        assert_eq!(closes_for_wire("00:00"), "24:00");
        assert_eq!(closes_for_wire("17:30"), "17:30");
    }
}
