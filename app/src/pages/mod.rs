//! The helpdesk's pages; folders mirror the screen: sign-in pages (and the invitation
//! page), the navigation rail, the inbox layout with its ticket list, the ticket view,
//! and the settings.

mod auth;
mod icons;
mod inbox;
mod invite;
mod macros;
mod profile;
mod rail;
mod settings;
mod shortcuts;
mod ticket;
mod ticket_actions;

pub use auth::{LoginPage, SetupPage};
pub use inbox::{InboxLayout, NoTicketSelected};
pub use invite::InvitePage;
pub use settings::{
    AiAgentSettings, ApiKeysSettings, FaqsSettings, GeneralSettingsPage, HoursSettings,
    MacrosSettings, NotificationsSettings, SettingsIndex, SettingsLayout, TeamSettings,
    WebChatSettingsPage,
};
pub use shortcuts::ShortcutHelpOpen;
pub use ticket::TicketPage;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::ApiError;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth">
            <div class="auth-card">
                <h1>"Page not found"</h1>
                <p class="muted">"The page you asked for does not exist."</p>
                <a class="button primary" href="/inbox">"Go to the inbox"</a>
            </div>
        </main>
    }
}

/// An error from a server function, with a way forward.
#[component]
fn ErrorNote(error: ApiError) -> impl IntoView {
    let login = matches!(error, ApiError::Unauthorized);
    view! {
        <div class="error-note" role="alert">
            <p>{error.to_string()}</p>
            {login.then(|| view! { <a href="/login">"Log in"</a> })}
        </div>
    }
}
