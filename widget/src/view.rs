//! The drawer's frame: its shadow-root styles, header, tabs, focus kept inside, and the
//! image viewer. The Customer Hub's tabs are in `hub`, the live conversation in
//! `conversation`.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    chat::{Chat, Phase, Tab},
    hub::{ChatTab, Orders, Tabs},
};

/// The drawer's styles, inlined into its shadow root so no theme CSS reaches in.
const STYLES: &str = include_str!("../../style/widget.css");

#[component]
pub fn Drawer(chat: Chat) -> impl IntoView {
    let close_button = NodeRef::<html::Button>::new();
    // Move focus into the drawer when it opens (the loader returns it on close).
    Effect::new(move |_| {
        if chat.open.get() {
            if let Some(button) = close_button.get() {
                let _ = button.focus();
            }
        }
    });
    let drawer = NodeRef::<html::Div>::new();
    let on_keydown = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.stop_propagation();
            chat.close();
        }
        "Tab" => {
            if let Some(drawer) = drawer.get_untracked() {
                keep_focus_inside(&drawer, &event);
            }
        }
        _ => {}
    };
    let t = chat.t;
    let title = Memo::new(move |_| {
        chat.settings
            .with(|settings| match settings.store_name.as_str() {
                "" => t.support.to_owned(),
                name => name.to_owned(),
            })
    });
    view! {
        <style>{STYLES}</style>
        <div
            class="drawer"
            class:left=move || chat.on_left()
            style=move || chat.brand_style()
            role="dialog"
            aria-labelledby="sd-title"
            aria-modal="true"
            hidden=move || !chat.open.get()
            on:keydown=on_keydown
            node_ref=drawer
        >
            <header class="head">
                <div>
                    <p class="eyebrow">{t.customer_hub}</p>
                    <h2 id="sd-title">{title}</h2>
                </div>
                <button
                    class="close"
                    type="button"
                    aria-label=t.close
                    node_ref=close_button
                    on:click=move |_| chat.close()
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
            </header>
            <Tabs chat />
            <section
                id="sd-panel-chat"
                class="panel"
                role="tabpanel"
                aria-labelledby="sd-tab-chat"
                hidden=move || chat.tab.get() != Tab::Chat
            >
                {move || match chat.phase.get() {
                    Phase::Loading => view! { <p class="status">{t.loading}</p> }.into_any(),
                    Phase::Unavailable(reason) => {
                        view! { <p class="status error" role="alert">{reason}</p> }.into_any()
                    }
                    Phase::Ready | Phase::LoginRequired => view! { <ChatTab chat /> }.into_any(),
                }}
            </section>
            <Show when=move || chat.tab.get() == Tab::Orders>
                <Orders chat />
            </Show>
            <Lightbox chat />
        </div>
    }
}

/// The drawer is modal while open: Tab from its last control goes to its first, and
/// Shift+Tab from its first to its last, so focus never wanders onto the page behind.
fn keep_focus_inside(drawer: &web_sys::HtmlDivElement, event: &KeyboardEvent) {
    const FOCUSABLE: &str = "button:not([disabled]), a[href], textarea:not([disabled]), \
                             input:not([disabled]):not([tabindex='-1']), [tabindex='0']";
    let Ok(found) = drawer.query_selector_all(FOCUSABLE) else {
        return;
    };
    // Only what is shown: hidden panels keep their controls in the tree.
    let shown: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|index| found.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|element| element.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
        return;
    };
    let target = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
    let at = |element: &web_sys::HtmlElement| {
        target
            .as_ref()
            .is_some_and(|target| target.is_same_node(Some(element)))
    };
    let wrap_to = if event.shift_key() && at(first) {
        last
    } else if !event.shift_key() && at(last) {
        first
    } else {
        return;
    };
    event.prevent_default();
    let _ = wrap_to.focus();
}

/// The full-size image over the drawer; Esc or the close button closes it.
#[component]
pub fn Lightbox(chat: Chat) -> impl IntoView {
    let close_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if chat.lightbox.with(Option::is_some) {
            if let Some(button) = close_ref.get() {
                let _ = button.focus();
            }
        }
    });
    move || {
        chat.lightbox.get().map(|(src, alt)| {
            let label = alt.clone();
            view! {
                <div
                    class="lightbox"
                    role="dialog"
                    aria-modal="true"
                    aria-label=label
                    on:keydown=move |event: KeyboardEvent| {
                        if event.key() == "Escape" {
                            // Closes the image, not the drawer.
                            event.stop_propagation();
                            chat.lightbox.set(None);
                        }
                    }
                >
                    <img src=src alt=alt />
                    <button type="button" class="button" node_ref=close_ref on:click=move |_| chat.lightbox.set(None)>
                        {chat.t.close}
                    </button>
                </div>
            }
        })
    }
}
