//! The merchant's storefront settings in the drawer: where they start (the loader's
//! reading, until the session answers), how a new copy is applied (session or a live
//! `Settings` frame), and what the loader hears of them (`shopdesk:settings`).

use leptos::prelude::*;
use protocol::settings::{
    check_link_url, Availability, LauncherPosition, LoginStatus, WidgetSettings,
};
use wasm_bindgen::JsValue;

use crate::{chat::Chat, config::WidgetConfig};

/// Placeholder settings until the session arrives: only the look matters then.
pub fn initial(config: &WidgetConfig) -> WidgetSettings {
    WidgetSettings {
        // Unknown until the session arrives: any version the server holds is newer.
        version: -1,
        chat_enabled: true,
        login_status: LoginStatus::AllUsers,
        store_name: String::new(),
        welcome_message: String::new(),
        brand_color: config.brand.clone().unwrap_or_default(),
        launcher_position: config.position,
        privacy_policy_url: None,
        terms_of_service_url: None,
        faqs: Vec::new(),
        availability: Availability {
            open_now: true,
            next_open_at: None,
        },
        ai_agent: false,
    }
}

impl Chat {
    pub fn apply_settings(self, settings: WidgetSettings) {
        self.settings.set(settings);
        self.schedule_reopen();
        self.emit_settings();
    }

    /// Tells the loader how to draw the launcher, and whether to draw it at all:
    /// `{enabled, brand, position, hidden}`.
    pub fn emit_settings(self) {
        let anonymous = self.token.with_untracked(Option::is_none);
        let (enabled, brand, position, hidden) = self.settings.with_untracked(|settings| {
            let login_first = settings.login_status == LoginStatus::LoggedInUsers && anonymous;
            (
                settings.chat_enabled,
                brand_color(&settings.brand_color).map_or(JsValue::NULL, JsValue::from_str),
                settings.launcher_position.as_str(),
                !settings.chat_enabled || login_first,
            )
        });
        let detail = js_sys::Object::new();
        for (key, value) in [
            ("enabled", JsValue::from_bool(enabled)),
            ("brand", brand),
            ("position", JsValue::from_str(position)),
            ("hidden", JsValue::from_bool(hidden)),
        ] {
            let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), &value);
        }
        self.emit("shopdesk:settings", &detail);
    }

    /// The drawer's inline style: the brand colour and a readable colour on it.
    pub fn brand_style(self) -> String {
        self.settings.with(|settings| {
            brand_color(&settings.brand_color).map_or_else(String::new, |brand| {
                format!("--sd-brand:{brand};--sd-on-brand:{}", on_brand(brand))
            })
        })
    }

    pub fn on_left(self) -> bool {
        self.settings
            .with(|settings| settings.launcher_position == LauncherPosition::BottomLeft)
    }

    /// The terms and privacy links worth showing (absolute http(s) URLs only).
    pub fn policy_links(self) -> (Option<String>, Option<String>) {
        let usable = |url: &Option<String>| {
            url.as_deref()
                .and_then(|url| check_link_url(url).ok())
                .filter(|url| !url.is_empty())
        };
        self.settings.with(|settings| {
            (
                usable(&settings.terms_of_service_url),
                usable(&settings.privacy_policy_url),
            )
        })
    }
}

/// `#rrggbb`, or `None`: the colour goes into a style attribute, so nothing else may.
fn brand_color(value: &str) -> Option<&str> {
    let hex = value.strip_prefix('#')?;
    (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(value)
}

/// Dark text on light brand colours (perceived brightness, as the loader does).
fn on_brand(brand: &str) -> &'static str {
    let channel = |at: usize| u32::from_str_radix(&brand[at..at + 2], 16).unwrap_or(0);
    let brightness = (channel(1) * 299 + channel(3) * 587 + channel(5) * 114) / 1000;
    if brightness > 160 {
        "#111827"
    } else {
        "#fff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_reach_the_style() {
        assert_eq!(brand_color("#3b5bdb"), Some("#3b5bdb"));
        assert_eq!(brand_color("#3b5bdb;color:red"), None);
        assert_eq!(brand_color("red"), None);
        assert_eq!(on_brand("#ffff00"), "#111827");
        assert_eq!(on_brand("#3b5bdb"), "#fff");
    }
}
