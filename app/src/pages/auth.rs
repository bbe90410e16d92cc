//! First-run and log-in pages. Plain forms posting to server functions, so they work
//! before the WASM has loaded too.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{ApiError, CreateOwner, LogIn, MIN_PASSWORD_CHARS};

/// The message of a form's last failed submission, for its alert line.
fn error_text(
    result: impl Get<Value = Option<Result<(), ApiError>>> + Copy + 'static,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        result
            .get()
            .and_then(Result::err)
            .map(|error| error.to_string())
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let action = ServerAction::<CreateOwner>::new();
    let error = error_text(action.value());
    view! {
        <Title text="Welcome" />
        <main class="auth">
            <div class="auth-card">
                <p class="brand-mark">"Shopdesk"</p>
                <h1>"Create the owner account"</h1>
                <p class="muted">
                    "This is the first start of your helpdesk. The owner manages settings and invites the team."
                </p>
                <ActionForm action>
                    <label for="name">"Your name"</label>
                    <input id="name" name="name" type="text" required maxlength="100" autocomplete="name" />
                    <label for="email">"Work email"</label>
                    <input id="email" name="email" type="email" required autocomplete="email" />
                    <NewPasswordField hint=format!("At least {MIN_PASSWORD_CHARS} characters.") />
                    <p class="form-error" role="alert">{error}</p>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Create account"
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}

/// The password field of a form that creates an account, with its length hint.
#[component]
pub(super) fn NewPasswordField(hint: String) -> impl IntoView {
    view! {
        <label for="password">"Password"</label>
        <input
            id="password"
            name="password"
            type="password"
            required
            minlength=MIN_PASSWORD_CHARS.to_string()
            autocomplete="new-password"
            aria-describedby="password-hint"
        />
        <p id="password-hint" class="hint">{hint}</p>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let error = error_text(action.value());
    view! {
        <Title text="Log in" />
        <main class="auth">
            <div class="auth-card">
                <p class="brand-mark">"Shopdesk"</p>
                <h1>"Log in to the helpdesk"</h1>
                <ActionForm action>
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" required autocomplete="username" />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        required
                        autocomplete="current-password"
                    />
                    <p class="form-error" role="alert">{error}</p>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Log in"
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
