//! Keyboard shortcuts for triage, and their help dialog. Shortcuts act through the
//! page's own controls (found by id), so a shortcut does exactly what the click does.
//! They are ignored while typing in a field or with a modifier held.

use leptos::prelude::*;

/// Every shortcut, as the help dialog lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("j / k", "Next / previous ticket in the list"),
    ("Enter", "Open the highlighted ticket"),
    ("r", "Reply"),
    ("e", "Close the ticket"),
    ("s", "Snooze the ticket"),
    ("a", "Assign the ticket"),
    ("u", "Mark the ticket unread"),
    ("/", "Search"),
    ("?", "Show these shortcuts"),
    ("Esc", "Close a menu or dialog"),
];

/// Starts listening for shortcuts on the window (browser only).
/// Whether the shortcut list is open. Provided by `App`, for the life of the page, like
/// the key listener that opens it.
#[derive(Clone, Copy)]
pub struct ShortcutHelpOpen(pub RwSignal<bool>);

impl Default for ShortcutHelpOpen {
    fn default() -> Self {
        ShortcutHelpOpen(RwSignal::new(false))
    }
}

/// Starts listening for the keys, once per page (in the browser).
pub fn listen(help_open: ShortcutHelpOpen) {
    #[cfg(feature = "hydrate")]
    browser::listen(help_open.0);
    #[cfg(not(feature = "hydrate"))]
    let _ = help_open;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::{ev, prelude::*};
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, KeyboardEvent};

    thread_local! {
        static LISTENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    pub fn listen(help_open: RwSignal<bool>) {
        if LISTENING.with(|listening| listening.replace(true)) {
            return;
        }
        let handle = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) {
                return;
            }
            let handled = match event.key().as_str() {
                "j" => move_in_list(1),
                "k" => move_in_list(-1),
                "r" => focus("reply"),
                "e" => click("action-close"),
                "s" => click("action-snooze"),
                "a" => focus("assignee"),
                "u" => click("action-unread"),
                "/" => focus("search"),
                "?" => {
                    help_open.set(true);
                    true
                }
                _ => false,
            };
            if handled {
                event.prevent_default();
            }
        });
        // The listener lives as long as the page.
        std::mem::forget(handle);
    }

    /// Whether the key goes into a text field (or a select, or a dialog's button).
    fn typing(event: &KeyboardEvent) -> bool {
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        else {
            return false;
        };
        matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || target.is_content_editable()
    }

    fn element(id: &str) -> Option<HtmlElement> {
        document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<HtmlElement>().ok())
    }

    fn focus(id: &str) -> bool {
        element(id).is_some_and(|element| element.focus().is_ok())
    }

    fn click(id: &str) -> bool {
        element(id).map(|element| element.click()).is_some()
    }

    /// Moves the focus `step` rows down (or up) the ticket list, starting from the
    /// focused row, else the open ticket's row, else the top.
    fn move_in_list(step: i32) -> bool {
        let Ok(rows) = document().query_selector_all(".ticket-row") else {
            return false;
        };
        let count = rows.length() as i32;
        if count == 0 {
            return false;
        }
        let active = document().active_element();
        let mut current = None;
        for index in 0..count {
            let Some(row) = rows.item(index as u32) else {
                continue;
            };
            let is_active = active
                .as_ref()
                .is_some_and(|active| active.is_same_node(Some(&row)));
            let is_selected = row
                .dyn_ref::<web_sys::Element>()
                .is_some_and(|row| row.class_list().contains("selected"));
            if is_active || (current.is_none() && is_selected) {
                current = Some(index);
            }
            if is_active {
                break;
            }
        }
        let next = match current {
            Some(index) => (index + step).clamp(0, count - 1),
            None => 0,
        };
        rows.item(next as u32)
            .and_then(|row| row.dyn_into::<HtmlElement>().ok())
            .is_some_and(|row| row.focus().is_ok())
    }
}

/// The list of shortcuts, as a modal dialog.
#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let close_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(button) = close_ref.get() {
                let _ = button.focus();
            }
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| open.set(false)></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-title"
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        open.set(false);
                    }
                }
            >
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl class="shortcuts">
                    {SHORTCUTS.iter().map(|(keys, what)| view! {
                        <div><dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd></div>
                    }).collect_view()}
                </dl>
                <div class="modal-actions">
                    <button type="button" class="primary" node_ref=close_ref on:click=move |_| open.set(false)>
                        "Got it"
                    </button>
                </div>
            </div>
        </Show>
    }
}
