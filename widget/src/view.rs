//! The drawer's markup: header, the Chat tab, the thread and the composer. Message
//! text is always rendered as text (Leptos escapes it), never as HTML.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use protocol::{AuthorKind, Message};

use crate::chat::{Chat, Pending, Phase};

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
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            chat.close();
        }
    };
    let title = move || {
        let name = chat.store_name.get();
        if name.is_empty() {
            "Support".to_owned()
        } else {
            name
        }
    };
    view! {
        <style>{STYLES}</style>
        <div
            class="drawer"
            role="dialog"
            aria-labelledby="sd-title"
            hidden=move || !chat.open.get()
            on:keydown=on_keydown
        >
            <header class="head">
                <div>
                    <p class="eyebrow">"Customer Hub"</p>
                    <h2 id="sd-title">{title}</h2>
                </div>
                <button
                    class="close"
                    type="button"
                    aria-label="Close"
                    node_ref=close_button
                    on:click=move |_| chat.close()
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
            </header>
            <div class="tabs" role="tablist" aria-label="Customer Hub">
                <button role="tab" id="sd-tab-chat" aria-selected="true" aria-controls="sd-panel-chat" type="button">
                    "Chat"
                </button>
            </div>
            <section id="sd-panel-chat" class="panel" role="tabpanel" aria-labelledby="sd-tab-chat">
                {move || match chat.phase.get() {
                    Phase::Loading => view! { <p class="status">"Loading…"</p> }.into_any(),
                    Phase::LoginRequired => view! { <LoginPrompt chat /> }.into_any(),
                    Phase::Unavailable(reason) => {
                        view! { <p class="status error" role="alert">{reason}</p> }.into_any()
                    }
                    Phase::Ready => view! { <Thread chat /> <Composer chat /> }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn LoginPrompt(chat: Chat) -> impl IntoView {
    let login_url = chat.config.with_value(|config| config.login_url.clone());
    view! {
        <div class="login">
            <p class="bubble automated">{move || chat.welcome.get()}</p>
            <p>"Log in to your account to chat with our team. We'll keep your conversation with your order history."</p>
            <a class="button" href=login_url>"Log in"</a>
        </div>
    }
}

#[component]
fn Thread(chat: Chat) -> impl IntoView {
    let log = NodeRef::<html::Ol>::new();
    Effect::new(move |_| {
        chat.messages.track();
        chat.pending.track();
        chat.open.track();
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    view! {
        <Show when=move || !chat.connected.get()>
            <p class="status" role="status">"Connecting…"</p>
        </Show>
        <ol class="thread" node_ref=log role="log" aria-live="polite" aria-label="Conversation">
            <li class="msg automated">
                <p class="bubble">{move || chat.welcome.get()}</p>
            </li>
            <For each=move || chat.messages.get() key=|message| message.seq let:message>
                <MessageItem message />
            </For>
            <For
                each=move || chat.pending.get()
                key=|pending| (pending.client_id.clone(), pending.failed.clone())
                let:pending
            >
                <PendingItem chat pending />
            </For>
        </ol>
    }
}

#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let (class, who) = match message.author_kind {
        AuthorKind::Shopper => ("msg mine", "You".to_owned()),
        AuthorKind::Agent => ("msg theirs", message.author_name.clone()),
        AuthorKind::System => ("msg automated", "Automated".to_owned()),
    };
    view! {
        <li class=class>
            <p class="bubble">{message.body}</p>
            <p class="meta">{who} " · " {clock(message.created_at)}</p>
        </li>
    }
}

#[component]
fn PendingItem(chat: Chat, pending: Pending) -> impl IntoView {
    let retry_id = pending.client_id.clone();
    let discard_id = pending.client_id.clone();
    let failed = pending.failed.is_some();
    view! {
        <li class="msg mine pending" class:failed=failed>
            <p class="bubble">{pending.body}</p>
            <p class="meta">
                {match pending.failed {
                    Some(reason) => view! {
                        <span>{reason}</span>
                        " "
                        <button type="button" class="link" on:click=move |_| chat.retry(&retry_id)>"Retry"</button>
                        <button type="button" class="link" on:click=move |_| chat.discard(&discard_id)>"Remove"</button>
                    }.into_any(),
                    None => view! { <span>"Sending…"</span> }.into_any(),
                }}
            </p>
        </li>
    }
}

#[component]
fn Composer(chat: Chat) -> impl IntoView {
    let (body, set_body) = signal(String::new());
    let submit = move || {
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        chat.send(text);
        set_body.set(String::new());
    };
    view! {
        <form
            class="composer"
            on:submit=move |event| {
                event.prevent_default();
                submit();
            }
        >
            <label for="sd-message" class="sr-only">"Message"</label>
            <textarea
                id="sd-message"
                rows="1"
                maxlength="5000"
                placeholder="Type your message…"
                prop:value=body
                on:input=move |event| set_body.set(event_target_value(&event))
                on:keydown=move |event: KeyboardEvent| {
                    if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
                        event.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <button type="submit" class="send" aria-label="Send" disabled=move || body.with(|text| text.trim().is_empty())>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 12l16-8-6 16-2-7z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}

/// Local clock time "14:05".
fn clock(at: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
