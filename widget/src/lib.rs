//! The storefront chat drawer (the Customer Hub's Chat tab), mounted by the loader
//! (`widget/loader/widget.js`) inside a Shadow DOM on the shop's page.
//!
//! The loader draws the launcher and imports this bundle on idle or first click, then
//! calls [`mount`] and [`set_open`]. Everything here talks to the chat server
//! cross-origin: a widget session (HTTP, CORS) and one WebSocket.

mod chat;
mod config;
mod conversation;
mod faq;
mod hours;
mod http;
mod hub;
mod i18n;
mod session;
mod settings;
mod socket;
mod view;

use wasm_bindgen::prelude::*;

use crate::{chat::Chat, config::WidgetConfig};

thread_local! {
    /// The mounted drawer's state, for [`set_open`].
    static CHAT: std::cell::Cell<Option<Chat>> = const { std::cell::Cell::new(None) };
}

/// Mounts the drawer into `root` (an element inside the loader's shadow root).
/// `config_json` is the loader's reading of the embed tag's `data-*` attributes.
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement, config_json: &str) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let config: WidgetConfig = serde_json::from_str(config_json)
        .map_err(|error| JsValue::from_str(&format!("shopdesk: bad widget config: {error}")))?;
    let events_target = root.clone();
    let handle = leptos::mount::mount_to(root, move || {
        let chat = Chat::new(config.clone(), events_target.clone());
        CHAT.with(|held| held.set(Some(chat)));
        chat.start();
        view::Drawer(view::DrawerProps { chat })
    });
    // The drawer lives as long as the page.
    handle.forget();
    Ok(())
}

/// Opens or closes the drawer (the loader's launcher calls this).
#[wasm_bindgen]
pub fn set_open(open: bool) {
    if let Some(chat) = CHAT.with(std::cell::Cell::get) {
        chat.set_open(open);
    }
}
