//! The invitation page (`/invite/:token`): who invited whom to which store, and the form
//! that creates the account. A plain form posting to a server function, like the
//! sign-in pages, so it works before the WASM has loaded too.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{auth::NewPasswordField, ErrorNote};
use crate::api::{load_invite, AcceptInvite, ApiError, InviteDetails, MIN_PASSWORD_CHARS};

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let invite = Resource::new(move || token.get(), load_invite);
    view! {
        <Title text="Join the team" />
        <main class="auth">
            <div class="auth-card">
                <p class="brand-mark">"Shopdesk"</p>
                <Suspense fallback=|| view! { <p class="muted">"Loading your invitation…"</p> }>
                    {move || Suspend::new(async move {
                        match invite.await {
                            Ok(details) => {
                                view! { <AcceptForm details token=token.get_untracked() /> }.into_any()
                            }
                            Err(ApiError::NotFound) => view! { <LinkNotValid /> }.into_any(),
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn LinkNotValid() -> impl IntoView {
    view! {
        <h1>"This invitation link is no longer valid"</h1>
        <p class="muted">
            "It has expired, was revoked, or was already used. Ask the person who invited you to send a new invitation."
        </p>
        <a class="button primary" href="/login">"Go to log in"</a>
    }
}

#[component]
fn AcceptForm(details: InviteDetails, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| match error {
                // The link was used or expired while the form was open.
                ApiError::NotFound => {
                    "This invitation link is no longer valid. Ask for a new one.".to_owned()
                }
                error => error.to_string(),
            })
    };
    view! {
        <h1>{format!("Join {} on Shopdesk", details.store_name)}</h1>
        <p class="muted">"You were invited to answer the store's customers in its helpdesk."</p>
        <dl class="invite-facts">
            <dt>"Email"</dt>
            <dd>{details.email.clone()}</dd>
            <dt>"Role"</dt>
            <dd>{details.role.label()}</dd>
        </dl>
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            <label for="name">"Your name"</label>
            <input id="name" name="name" type="text" required maxlength="100" autocomplete="name" />
            <NewPasswordField hint=format!(
                "At least {MIN_PASSWORD_CHARS} characters. You will log in with your email and this password."
            ) />
            <p class="form-error" role="alert">{error}</p>
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Join the team"
            </button>
        </ActionForm>
    }
}
