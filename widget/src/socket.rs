//! The widget's end of the live socket: who to connect as, and what to do on open,
//! on each frame and on a drop. The reconnecting socket itself is `protocol::browser`.

use std::rc::Rc;

use protocol::browser::{self, Handlers};
pub use protocol::browser::{new_client_id, send};

use leptos::prelude::*;

use crate::chat::Chat;

pub fn connect(chat: Chat) {
    browser::keep_connected(Handlers {
        url: Rc::new(move || {
            let token = chat.token.get_untracked()?;
            let version = chat.settings.with_untracked(|settings| settings.version);
            Some(
                chat.config
                    .with_value(|config| config.socket_url(&token, version)),
            )
        }),
        on_open: Rc::new(move || {
            chat.connected.set(true);
            for frame in chat.on_connected() {
                send(&frame);
            }
        }),
        on_frame: Rc::new(move |frame| {
            for reply in chat.apply(frame) {
                send(&reply);
            }
        }),
        on_down: Rc::new(move || chat.connected.set(false)),
    });
}
