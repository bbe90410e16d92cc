//! Optional alerts in this browser when a shopper writes: a short sound, and a desktop
//! notification while the helpdesk tab is in the background. Both are off until the
//! agent turns them on (Settings → Notifications); the choice is kept per browser, in
//! local storage.

#[cfg(feature = "hydrate")]
use protocol::Message;

/// What this browser does when a shopper writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertPrefs {
    pub sound: bool,
    pub desktop: bool,
}

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "shopdesk.alerts";

impl AlertPrefs {
    /// The saved choice (both off when nothing is saved, or on the server).
    pub fn load() -> Self {
        #[cfg(feature = "hydrate")]
        {
            let saved = leptos::prelude::window()
                .local_storage()
                .ok()
                .flatten()
                .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
                .unwrap_or_default();
            AlertPrefs {
                sound: saved.contains("sound"),
                desktop: saved.contains("desktop"),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        AlertPrefs::default()
    }

    pub fn save(self) {
        #[cfg(feature = "hydrate")]
        {
            let mut parts = Vec::new();
            if self.sound {
                parts.push("sound");
            }
            if self.desktop {
                parts.push("desktop");
            }
            if let Some(storage) = leptos::prelude::window().local_storage().ok().flatten() {
                let _ = storage.set_item(STORAGE_KEY, &parts.join(","));
            }
        }
    }
}

/// Whether desktop notifications are allowed by the browser ("granted"), refused
/// ("denied"), or not asked yet ("default"); "unsupported" without the API.
pub fn desktop_permission() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let has_api = js_sys::Reflect::has(
            leptos::prelude::window().unchecked_ref(),
            &"Notification".into(),
        )
        .unwrap_or(false);
        if !has_api {
            return "unsupported".to_owned();
        }
        match web_sys::Notification::permission() {
            web_sys::NotificationPermission::Granted => "granted",
            web_sys::NotificationPermission::Denied => "denied",
            _ => "default",
        }
        .to_owned()
    }
    #[cfg(not(feature = "hydrate"))]
    "unsupported".to_owned()
}

/// Asks the browser for permission to show notifications (call from a click).
pub fn ask_desktop_permission(done: impl Fn(String) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(promise) = web_sys::Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                done(desktop_permission());
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = done;
}

/// Alerts for a new shopper message, as the agent chose (the live connection calls it
/// for shopper messages only, once their ticket is known not to be the AI agent's).
#[cfg(feature = "hydrate")]
pub fn message_arrived(message: &Message) {
    let body: String = message.body.chars().take(140).collect();
    alert(&message.author_name, &body, &message.conversation_id);
}

/// Alerts for a chat the AI agent just handed to the team: it needs a person now.
#[cfg(feature = "hydrate")]
pub fn handed_off(conversation_id: &str, reason: &str) {
    alert("A chat needs a person", reason, conversation_id);
}

/// The chime, and a desktop notification while the tab is hidden, as the agent chose.
#[cfg(feature = "hydrate")]
fn alert(title: &str, body: &str, conversation_id: &str) {
    let prefs = AlertPrefs::load();
    if prefs.sound {
        beep();
    }
    let hidden =
        leptos::prelude::document().visibility_state() != web_sys::VisibilityState::Visible;
    if prefs.desktop && hidden && desktop_permission() == "granted" {
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        options.set_tag(conversation_id);
        let _ = web_sys::Notification::new_with_options(title, &options);
    }
}

/// A short two-tone chime made on the spot (no sound file to load).
pub fn beep() {
    #[cfg(feature = "hydrate")]
    chime();
}

#[cfg(feature = "hydrate")]
fn chime() {
    let Ok(context) = web_sys::AudioContext::new() else {
        return;
    };
    let start = context.current_time();
    for (index, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
        else {
            return;
        };
        let at = start + index as f64 * 0.12;
        oscillator.frequency().set_value(frequency);
        gain.gain().set_value(0.0001);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.2, at + 0.02);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.0001, at + 0.25);
        let _ = oscillator.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&context.destination());
        let _ = oscillator.start_with_when(at);
        let _ = oscillator.stop_with_when(at + 0.3);
    }
}
