//! Settings: the layout (the main rail, the settings sub-navigation and the page as a
//! nested route) and what its pages share: the logged-in agent, a ticking clock, save
//! feedback, field errors, copy fields and local times.
//!
//! Every page loads with a `Resource`, and lets owners and admins edit; plain agents see
//! the same page with its inputs disabled. Forms post JSON through `Action`s (not
//! `ActionForm`), so a failed save keeps what the merchant typed.

mod ai_agent;
mod ai_handoff;
mod api_keys;
mod faqs;
mod general;
mod hours;
mod macros;
mod notifications;
mod team;
mod web_chat;

pub use ai_agent::AiAgentSettings;
pub use api_keys::ApiKeysSettings;
pub use faqs::FaqsSettings;
pub use general::GeneralSettingsPage;
pub use hours::HoursSettings;
pub use macros::MacrosSettings;
pub use notifications::NotificationsSettings;
pub use team::TeamSettings;
pub use web_chat::WebChatSettingsPage;

use std::time::Duration;

use leptos::{html, prelude::*};
use leptos_router::{
    components::{Outlet, Redirect, A},
    NavigateOptions,
};

use super::{
    rail::{Rail, Section},
    ErrorNote,
};
use crate::{
    api::{current_agent, AgentProfile, ApiError},
    time::{now_ms, relative},
};

/// The logged-in agent, loaded once by the layout; pages read their role from it.
#[derive(Clone, Copy)]
struct Me(Resource<Result<AgentProfile, ApiError>>);

/// The clock relative times ("Rotated 5m ago") and expiries read; ticks in the browser.
#[derive(Clone, Copy)]
struct Now(RwSignal<i64>);

/// The message plain agents see above a settings form.
const READ_ONLY: &str = "Only owners and admins can change these settings.";

#[component]
pub fn SettingsLayout() -> impl IntoView {
    let agent = Resource::new(|| (), |_| current_agent());
    provide_context(Me(agent));
    let now = RwSignal::new(now_ms());
    provide_context(Now(now));

    // Browser only: effects do not run during server rendering.
    Effect::new(move |_| {
        now.set(now_ms());
        if let Ok(handle) =
            set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(30))
        {
            on_cleanup(move || handle.clear());
        }
    });

    view! {
        <div class="desk settings-desk">
            <Rail active=Section::Settings agent />
            <nav class="settings-nav" aria-label="Settings">
                <p class="settings-nav-title">"Settings"</p>
                <A href="/settings/web-chat">"Web Chat"</A>
                <A href="/settings/general">"General"</A>
                <A href="/settings/faqs">"FAQs"</A>
                <A href="/settings/ai-agent">"AI agent"</A>
                <A href="/settings/hours">"Business hours"</A>
                <A href="/settings/macros">"Macros"</A>
                <A href="/settings/team">"Team"</A>
                <A href="/settings/notifications">"Notifications"</A>
                <A href="/settings/api-keys">"API keys"</A>
            </nav>
            <main class="settings-pane">
                <div class="settings-content">
                    <Outlet />
                </div>
            </main>
        </div>
    }
}

/// `/settings` itself: the first page.
#[component]
pub fn SettingsIndex() -> impl IntoView {
    view! {
        <Redirect
            path="/settings/web-chat"
            options=NavigateOptions { replace: true, ..NavigateOptions::default() }
        />
    }
}

/// A settings page's heading and what the page is for.
#[component]
fn SettingsHead(title: &'static str, intro: &'static str) -> impl IntoView {
    view! {
        <header class="settings-head">
            <h1>{title}</h1>
            <p class="muted">{intro}</p>
        </header>
    }
}

/// A settings page's body: waits for the agent and the page's data, then shows `form`
/// (read-only styling for agents who may not change it), or the error.
#[component]
fn SettingsBody<T, F, V>(data: Resource<Result<T, ApiError>>, form: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(AgentProfile, T) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let me = expect_context::<Me>().0;
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match (me.await, data.await) {
                    (Ok(me), Ok(data)) => {
                        let can_edit = me.role().manages();
                        view! { <div class:read-only=!can_edit>{form(me, data)}</div> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Loading() -> impl IntoView {
    view! { <p class="loading">"Loading…"</p> }
}

/// The note plain agents see; nothing for owners and admins.
#[component]
fn ReadOnlyNote(can_edit: bool) -> impl IntoView {
    (!can_edit).then(|| view! { <p class="note">{READ_ONLY}</p> })
}

/// Whether a page's controls can be used: by owners and admins, and only once the page is
/// live in the browser. Before the WASM has loaded, a click would submit a form natively
/// (losing what was typed) or do nothing; disabled buttons make it wait instead.
#[derive(Clone, Copy)]
struct Controls {
    can_edit: bool,
    live: Signal<bool>,
}

impl Controls {
    /// Call in the component that renders the controls (or an ancestor hydrated with it):
    /// hydration keeps server-rendered attributes, so `live` must change after it.
    fn new(can_edit: bool) -> Self {
        let live = RwSignal::new(false);
        Effect::new(move |_| live.set(true));
        Controls {
            can_edit,
            live: live.into(),
        }
    }

    fn locked(self) -> bool {
        !self.can_edit || !self.live.get()
    }
}

/// What a form's last save came back with, as its fields and messages read it.
#[derive(Clone, Copy)]
struct Outcome {
    error: Signal<Option<ApiError>>,
    saved: Signal<bool>,
    pending: Signal<bool>,
}

impl Outcome {
    fn of<I, O>(action: Action<I, Result<O, ApiError>>) -> Self
    where
        I: Send + Sync + 'static,
        O: Send + Sync + 'static,
    {
        let value = action.value();
        let pending = action.pending();
        Outcome {
            error: Signal::derive(move || {
                value.with(|value| {
                    value
                        .as_ref()
                        .and_then(|result| result.as_ref().err().cloned())
                })
            }),
            saved: Signal::derive(move || {
                !pending.get() && value.with(|value| matches!(value, Some(Ok(_))))
            }),
            pending: pending.into(),
        }
    }

    /// The message for one field of the last save, if it had a problem.
    fn field(self, name: &'static str) -> Signal<Option<String>> {
        let error = self.error;
        Signal::derive(move || error.with(|error| error.as_ref().and_then(|e| e.field(name))))
    }
}

/// The save's summary alert and its "Saved" confirmation, beside the Save button.
#[component]
fn FormFeedback(
    outcome: Outcome,
    #[prop(default = "Saved")] saved_text: &'static str,
) -> impl IntoView {
    view! {
        <p class="form-error" role="alert">{move || outcome.error.get().map(|error| error.to_string())}</p>
        <p class="saved" role="status">{move || outcome.saved.get().then_some(saved_text)}</p>
    }
}

/// A settings form's Save button (busy while saving, waiting for the live page) with
/// the save's feedback beside it.
#[component]
fn SaveActions(outcome: Outcome, controls: Controls) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                {move || if outcome.pending.get() { "Saving…" } else { "Save" }}
            </button>
            <FormFeedback outcome />
        </div>
    }
}

/// An on/off setting of a form: the switch, its label, and the hint it is described by
/// (`{id}-hint`).
#[component]
fn SettingSwitch(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: RwSignal<bool>,
    controls: Controls,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="switch-row">
            <input
                id=id
                type="checkbox"
                role="switch"
                class="switch"
                checked=value.get_untracked()
                prop:checked=value
                on:change=move |event| value.set(event_target_checked(&event))
                disabled=move || controls.locked()
                aria-describedby=hint_id.clone()
            />
            <label for=id>{label}</label>
        </div>
        <p class="hint" id=hint_id>{hint}</p>
    }
}

/// One choice of a radio group (`name`): the radio, its label, and the hint it is
/// described by (`{id}-hint`); checked while `value` holds `choice`.
#[component]
fn RadioChoice<T>(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    choice: T,
    value: RwSignal<T>,
    controls: Controls,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let hint_id = format!("{id}-hint");
    view! {
        <div class="choice">
            <input
                id=id
                type="radio"
                name=name
                checked=value.get_untracked() == choice
                prop:checked=move || value.get() == choice
                on:change=move |_| value.set(choice)
                disabled=move || controls.locked()
                aria-describedby=hint_id.clone()
            />
            <div>
                <label for=id>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
            </div>
        </div>
    }
}

/// A field's own error message, referenced by the field's `aria-describedby`.
#[component]
fn FieldMessage(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="field-error" id=id>{move || message.get()}</p> }
}

/// `aria-invalid` for a field with `message`.
fn invalid(message: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> + Copy {
    move || message.with(Option::is_some).then_some("true")
}

/// `aria-describedby` for a field: its hint (if any), and its error while it has one.
fn described_by(
    hint: Option<&'static str>,
    error_id: &'static str,
    message: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        let ids: Vec<&str> = hint
            .into_iter()
            .chain(message.with(Option::is_some).then_some(error_id))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A value shown once (a new secret, an invitation link) in a read-only input, with a
/// Copy button: the browser's clipboard where it allows, else the text is selected.
#[component]
fn CopyField(id: &'static str, label: &'static str, value: String) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let message = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        if let Some(input) = input.get() {
            input.select();
            write_clipboard(&input.value(), message);
        }
    };
    let status_id = format!("{id}-copied");
    view! {
        <div class="copy-field">
            <label for=id>{label}</label>
            <div class="copy-row">
                <input
                    id=id
                    type="text"
                    readonly
                    spellcheck="false"
                    value=value
                    node_ref=input
                    on:focus=move |_| {
                        if let Some(input) = input.get() {
                            input.select();
                        }
                    }
                />
                <button type="button" class="secondary" on:click=copy>"Copy"</button>
            </div>
            <p class="hint" id=status_id role="status">{move || message.get()}</p>
        </div>
    }
}

const COPY_BY_HAND: &str = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";

/// Writes `text` to the clipboard and reports how it went in `message`.
#[cfg(feature = "hydrate")]
fn write_clipboard(text: &str, message: RwSignal<Option<&'static str>>) {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    let promise = || -> Option<Promise> {
        let window: JsValue = window().into();
        let navigator = Reflect::get(&window, &"navigator".into()).ok()?;
        let clipboard = Reflect::get(&navigator, &"clipboard".into()).ok()?;
        if clipboard.is_undefined() || clipboard.is_null() {
            return None;
        }
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .ok()?
            .dyn_into()
            .ok()?;
        write
            .call1(&clipboard, &JsValue::from_str(text))
            .ok()?
            .dyn_into()
            .ok()
    };
    let Some(promise) = promise() else {
        message.set(Some(COPY_BY_HAND));
        return;
    };
    let copied = Closure::once_into_js(move |_: JsValue| message.set(Some("Copied.")));
    let refused = Closure::once_into_js(move |_: JsValue| message.set(Some(COPY_BY_HAND)));
    let then = Reflect::get(&promise, &"then".into())
        .ok()
        .and_then(|then| then.dyn_into::<Function>().ok());
    match then {
        Some(then) if then.call2(&promise, &copied, &refused).is_ok() => {}
        _ => message.set(Some(COPY_BY_HAND)),
    }
}

#[cfg(not(feature = "hydrate"))]
fn write_clipboard(_text: &str, message: RwSignal<Option<&'static str>>) {
    message.set(Some(COPY_BY_HAND));
}

/// Moves keyboard focus to the first of `ids` that exists and is enabled, once the page
/// has re-rendered (after a list changed under the focused button). Browser only.
fn focus_first(ids: Vec<String>) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let target = ids.iter().find_map(|id| {
            document()
                .get_element_by_id(id)
                .filter(|element| !element.has_attribute("disabled"))
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        });
        if let Some(element) = target {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = ids;
}

/// "3h ago" style age of `at` seen at `now` (the layout's clock, so it stays current).
fn ago(at: i64, now: i64) -> String {
    match relative(at, now).as_str() {
        "now" => "just now".to_owned(),
        age => format!("{age} ago"),
    }
}
