//! The live socket, for the two browser front-ends (feature `browser`).
//!
//! One WebSocket per page, kept open: when it drops, it reconnects with backoff and
//! calls `on_open` again, where the caller catches up and re-sends what was not
//! acknowledged. Frames that cannot go out now return `false` from [`send`]; callers
//! keep them queued, so nothing typed is lost while offline.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use serde::de::DeserializeOwned;

use crate::{thread::reconnect_delay_ms, ClientFrame};

thread_local! {
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    /// Failed attempts since the last successful open, for the backoff.
    static ATTEMPTS: Cell<u32> = const { Cell::new(0) };
    /// The next connection attempt while one waits out its backoff: run by the timer,
    /// or at once when the browser comes back online, whichever is first.
    static WAITING: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
    /// Gives up the open connection (on_down, then a reconnect), for the offline handler.
    static GIVE_UP: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
    static WATCHING_NETWORK: Cell<bool> = const { Cell::new(false) };
}

/// What the page does with its connection; `F` is the frame type the page reads
/// ([`crate::ServerFrame`] for agents, [`crate::ShopperFrame`] for the widget).
pub struct Handlers<F> {
    /// The URL to connect to now (`None`: stop trying).
    pub url: Rc<dyn Fn() -> Option<String>>,
    /// The socket (re)opened.
    pub on_open: Rc<dyn Fn()>,
    /// A frame arrived.
    pub on_frame: Rc<dyn Fn(F)>,
    /// The socket closed; a reconnect is scheduled.
    pub on_down: Rc<dyn Fn()>,
}

// Not derived: a derive would ask `F: Clone`, and only the `Rc`s are cloned.
impl<F> Clone for Handlers<F> {
    fn clone(&self) -> Self {
        Self {
            url: self.url.clone(),
            on_open: self.on_open.clone(),
            on_frame: self.on_frame.clone(),
            on_down: self.on_down.clone(),
        }
    }
}

/// Connects and keeps the connection up for the life of the page.
pub fn keep_connected<F: DeserializeOwned + 'static>(handlers: Handlers<F>) {
    watch_network();
    let Some(url) = (handlers.url)() else {
        return;
    };
    let Ok(socket) = WebSocket::new(&url) else {
        reconnect_later(handlers);
        return;
    };
    let on_open = {
        let handlers = handlers.clone();
        Closure::<dyn FnMut()>::new(move || {
            ATTEMPTS.with(|attempts| attempts.set(0));
            (handlers.on_open)();
        })
    };
    let on_message = {
        let handlers = handlers.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let frame = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<F>(&text).ok());
            if let Some(frame) = frame {
                (handlers.on_frame)(frame);
            }
        })
    };
    let give_up = {
        let handlers = handlers.clone();
        move || {
            (handlers.on_down)();
            reconnect_later(handlers);
        }
    };
    GIVE_UP.with(|held| *held.borrow_mut() = Some(Box::new(give_up)));
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_event: CloseEvent| {
        SOCKET.with(|held| held.borrow_mut().take());
        if let Some(give_up) = GIVE_UP.with(|held| held.borrow_mut().take()) {
            give_up();
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as their socket: one set per connection.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    SOCKET.with(|held| *held.borrow_mut() = Some(socket));
}

fn reconnect_later<F: DeserializeOwned + 'static>(handlers: Handlers<F>) {
    let attempt = ATTEMPTS.with(|attempts| {
        let attempt = attempts.get();
        attempts.set(attempt.saturating_add(1));
        attempt
    });
    let jitter = (js_sys::Math::random() * 250.0) as u64;
    let delay = reconnect_delay_ms(attempt, jitter);
    WAITING.with(|waiting| {
        *waiting.borrow_mut() = Some(Box::new(move || keep_connected(handlers)));
    });
    let retry = Closure::once_into_js(connect_if_waiting);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            retry.unchecked_ref(),
            i32::try_from(delay).unwrap_or(i32::MAX),
        );
    }
}

fn connect_if_waiting() {
    if let Some(connect) = WAITING.with(|waiting| waiting.borrow_mut().take()) {
        connect();
    }
}

/// Follows the browser's network state. Offline, a socket can linger half-dead for a
/// long time, swallowing frames: drop it, so messages queue as "sending" and go out
/// (once, by their client ids) on reconnect. Back online, reconnect at once instead of
/// waiting out the backoff.
fn watch_network() {
    if WATCHING_NETWORK.with(|watching| watching.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let offline = Closure::<dyn FnMut()>::new(|| {
        // Its close event may take long to come offline: give it up now, without it.
        if let Some(socket) = SOCKET.with(|held| held.borrow_mut().take()) {
            socket.set_onclose(None);
            socket.set_onmessage(None);
            let _ = socket.close();
        }
        if let Some(give_up) = GIVE_UP.with(|held| held.borrow_mut().take()) {
            give_up();
        }
    });
    let online = Closure::<dyn FnMut()>::new(|| {
        ATTEMPTS.with(|attempts| attempts.set(0));
        connect_if_waiting();
    });
    let _ = window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    // Listening for the life of the page.
    offline.forget();
    online.forget();
}

/// Sends a frame if the socket is open; `false` means the caller keeps it queued.
pub fn send(frame: &ClientFrame) -> bool {
    let Ok(text) = serde_json::to_string(frame) else {
        return false;
    };
    SOCKET.with(|held| {
        held.borrow().as_ref().is_some_and(|socket| {
            socket.ready_state() == WebSocket::OPEN && socket.send_with_str(&text).is_ok()
        })
    })
}

/// A new client message id: 128 bits from the browser's CSPRNG, as hex.
pub fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in bytes.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The files of a file list (from a file picker, a paste or a drop).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .collect()
}
