//! The helpdesk: the agents' single-page inbox, rendered on the server and hydrated in
//! the browser. Also the server functions it calls ([`api`]) and the live connection
//! that keeps it current ([`live`]).

#![recursion_limit = "256"]

mod alerts;
pub mod api;
mod components;
pub mod inbox;
pub mod live;
mod mounted;
mod pages;
mod time;
#[cfg(feature = "hydrate")]
mod upload;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="data:," />
                <meta name="shopdesk-rendered-url" content=rendered_url() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Page-long state, above the router: see `inbox`.
    provide_context(inbox::Inbox::new());
    provide_context(pages::ShortcutHelpOpen::default());
    view! {
        <Stylesheet id="helpdesk-css" href="/pkg/helpdesk.css" />
        <Title formatter=page_title />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/setup") view=pages::SetupPage />
                <Route path=path!("/login") view=pages::LoginPage />
                <ParentRoute path=path!("/inbox") view=pages::InboxLayout>
                    <Route path=path!("") view=pages::NoTicketSelected />
                    <Route path=path!(":id") view=pages::TicketPage />
                </ParentRoute>
                // Settings render whole on the server (no "Loading…" shell): the forms show
                // their values at first paint, before the WASM is live, and without JS.
                <ParentRoute path=path!("/settings") view=pages::SettingsLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::SettingsIndex />
                    <Route path=path!("web-chat") view=pages::WebChatSettingsPage />
                    <Route path=path!("general") view=pages::GeneralSettingsPage />
                    <Route path=path!("faqs") view=pages::FaqsSettings />
                    <Route path=path!("ai-agent") view=pages::AiAgentSettings />
                    <Route path=path!("hours") view=pages::HoursSettings />
                    <Route path=path!("macros") view=pages::MacrosSettings />
                    <Route path=path!("api-keys") view=pages::ApiKeysSettings />
                    <Route path=path!("team") view=pages::TeamSettings />
                    <Route path=path!("notifications") view=pages::NotificationsSettings />
                </ParentRoute>
                <Route path=path!("/invite/:token") view=pages::InvitePage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// "Ana Souza · Shopdesk". Every page's `<Title>` passes through here, and a ticket's
/// title is a shopper's name: on the server it is escaped, because leptos_meta writes a
/// title known before the head is sent into the HTML as it is. In the browser it goes to
/// `document.title`, which is text.
fn page_title(text: String) -> String {
    let title = if text.is_empty() {
        "Shopdesk".to_owned()
    } else {
        format!("{text} · Shopdesk")
    };
    #[cfg(feature = "ssr")]
    let title = escape_html(&title);
    title
}

/// The initial text of a `<textarea>`, given as its child. The textarea's value comes from
/// `prop:value` once the page runs; the child is what the server-rendered page shows
/// before that. tachys writes a textarea's children into the HTML unescaped (it treats
/// the element like `<script>`), so a stored `</textarea><script>` would end the element
/// and run: on the server the text is escaped here, in the browser it is a text node.
pub(crate) fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    let text = escape_html(&text);
    text
}

/// `text` safe inside HTML text and quoted attributes.
#[cfg(feature = "ssr")]
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn a_title_cannot_close_its_element() {
        assert_eq!(
            super::page_title("</title><script>alert(1)</script>".into()),
            "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; · Shopdesk"
        );
        assert_eq!(super::page_title(String::new()), "Shopdesk");
    }
}

/// Entry point of the hydrate bundle.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    if !rendered_here() {
        return;
    }
    // Set before the router sets its own (the first hook set is the one used).
    _ = leptos::server_fn::redirect::set_redirect_hook(replace_page);
    leptos::mount::hydrate_body(App);
}

/// The address this page was rendered for (path and query), written into its head.
fn rendered_url() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.uri.path_and_query().map(|path| path.to_string()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// Whether the page is still at the address it was rendered for. Back or Forward pressed
/// while the bundle loads moves the address (within the page) before it hydrates: the
/// router would then hydrate another route's markup and panic. Such a page is loaded
/// again at its new address instead, once (a second time it hydrates as it is).
#[cfg(feature = "hydrate")]
fn rendered_here() -> bool {
    const RELOADED_FOR: &str = "shopdesk-reloaded-for";
    let Some(window) = web_sys::window() else {
        return true;
    };
    let location = window.location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let rendered = window
        .document()
        .and_then(|document| {
            document
                .query_selector(r#"meta[name="shopdesk-rendered-url"]"#)
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|rendered| !rendered.is_empty());
    let Some(rendered) = rendered else {
        return true;
    };
    let storage = window.session_storage().ok().flatten();
    let href = location.href().unwrap_or_default();
    let reloaded_already = storage
        .as_ref()
        .and_then(|storage| storage.get_item(RELOADED_FOR).ok().flatten())
        .is_some_and(|reloaded| reloaded == href);
    if rendered == here || reloaded_already {
        if let Some(storage) = &storage {
            let _ = storage.remove_item(RELOADED_FOR);
        }
        return true;
    }
    if let Some(storage) = &storage {
        let _ = storage.set_item(RELOADED_FOR, &href);
    }
    location.reload().is_err()
}

/// Where a server function redirects (after logging in, the first-run setup, accepting
/// an invite, logging out), the page is replaced, history entry and all: Back must not
/// bring a signed-in agent to a log-in form rendered in the browser, and what the page
/// held in memory (the inbox, its socket) goes with the session that loaded it.
#[cfg(feature = "hydrate")]
fn replace_page(location: &str) {
    if let Some(window) = web_sys::window() {
        if let Err(error) = window.location().replace(location) {
            leptos::logging::error!("could not go to {location}: {error:?}");
        }
    }
}
