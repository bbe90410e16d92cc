//! Settings → Web Chat: whether the storefront shows the chat, who may use it, and the
//! welcome message.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{LoginStatus, WebChatSettings, MAX_WELCOME_CHARS};

use super::{
    described_by, invalid, Controls, FieldMessage, Outcome, RadioChoice, ReadOnlyNote, SaveActions,
    SettingSwitch, SettingsBody, SettingsHead,
};
use crate::api::{get_web_chat, save_web_chat};

#[component]
pub fn WebChatSettingsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_web_chat());
    view! {
        <Title text="Web Chat settings" />
        <SettingsHead
            title="Web Chat"
            intro="The Chat tab in your storefront's Customer Hub: turn it on, choose who can use it, and greet shoppers."
        />
        <SettingsBody data=page form=move |me, settings| {
            let can_edit = me.role().manages(); view! { <WebChatForm settings can_edit /> }
        } />
    }
}

/// One choice of the login-status radio group.
struct LoginChoice {
    status: LoginStatus,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
}

const LOGIN_CHOICES: [LoginChoice; 2] = [
    LoginChoice {
        status: LoginStatus::AllUsers,
        id: "login-all",
        label: "All users",
        hint: "Everyone sees the Chat tab; only logged-in customers can start a chat",
    },
    LoginChoice {
        status: LoginStatus::LoggedInUsers,
        id: "login-logged-in",
        label: "Logged-in users",
        hint: "The Chat tab is hidden from visitors who are not logged in",
    },
];

#[component]
fn WebChatForm(settings: WebChatSettings, can_edit: bool) -> impl IntoView {
    let enabled = RwSignal::new(settings.enabled);
    let login_status = RwSignal::new(settings.login_status);
    let welcome = RwSignal::new(settings.welcome_message);
    let save = Action::new(move |input: &WebChatSettings| {
        let input = input.clone();
        async move {
            let saved = save_web_chat(input).await?;
            // Show what was stored (trimmed).
            enabled.set(saved.enabled);
            login_status.set(saved.login_status);
            welcome.set(saved.welcome_message.clone());
            Ok(saved)
        }
    });
    let outcome = Outcome::of(save);
    let controls = Controls::new(can_edit);
    let welcome_error = outcome.field("welcome_message");
    let count = move || welcome.with(|text| text.chars().count());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if can_edit {
            save.dispatch(WebChatSettings {
                enabled: enabled.get_untracked(),
                login_status: login_status.get_untracked(),
                welcome_message: welcome.get_untracked(),
            });
        }
    };

    view! {
        <form class="settings-form" novalidate on:submit=submit>
            <ReadOnlyNote can_edit />
            <section class="card">
                <SettingSwitch
                    id="chat-enabled"
                    label="Enable web chat"
                    hint="When off, your storefront does not show the Chat tab."
                    value=enabled
                    controls
                />
            </section>
            <fieldset class="card">
                <legend>"Login status"</legend>
                {LOGIN_CHOICES
                    .iter()
                    .map(|choice| view! {
                        <RadioChoice
                            id=choice.id
                            name="login_status"
                            label=choice.label
                            hint=choice.hint
                            choice=choice.status
                            value=login_status
                            controls
                        />
                    })
                    .collect_view()}
            </fieldset>
            <section class="card">
                <label for="welcome-message">"Welcome message"</label>
                <p class="hint" id="welcome-message-hint">
                    "Shown when a shopper opens the Chat tab, before their first message."
                </p>
                <textarea
                    id="welcome-message"
                    rows="4"
                    prop:value=welcome
                    on:input=move |event| welcome.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(welcome_error)
                    aria-describedby=described_by(
                        Some("welcome-message-hint welcome-message-count"),
                        "welcome-message-error",
                        welcome_error,
                    )
                >
                    {crate::textarea_text(welcome.get_untracked())}
                </textarea>
                <p class="counter" id="welcome-message-count" class:over=move || { count() > MAX_WELCOME_CHARS }>
                    {move || format!("{} / {MAX_WELCOME_CHARS} characters", count())}
                </p>
                <FieldMessage id="welcome-message-error" message=welcome_error />
            </section>
            <SaveActions outcome controls />
        </form>
    }
}
