//! The Customer Hub around the live chat: the tab list (Chat, and Orders when the
//! store sent any), the Chat tab's tools (past chats, end chat) with the shopper's
//! ended chats read-only, and the Orders tab.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use protocol::hub::PastChat;

use crate::{
    chat::{Chat, ChatPane, Tab},
    conversation::{Footer, MessageItem, Thread},
    hours::AwayBanner,
    i18n::{fill, format_money},
};

/// Chat and Orders, as ARIA tabs: arrow keys move between them.
#[component]
pub fn Tabs(chat: Chat) -> impl IntoView {
    let t = chat.t;
    let has_orders = Memo::new(move |_| !chat.orders.with(Vec::is_empty));
    let chat_tab = NodeRef::<html::Button>::new();
    let orders_tab = NodeRef::<html::Button>::new();
    // An order list that turns out empty must not leave its tab selected.
    Effect::new(move |_| {
        if !has_orders.get() && chat.tab.get_untracked() == Tab::Orders {
            chat.tab.set(Tab::Chat);
        }
    });
    let on_keydown = move |event: KeyboardEvent| {
        let next = match event.key().as_str() {
            "ArrowLeft" | "Home" => Tab::Chat,
            "ArrowRight" | "End" if has_orders.get_untracked() => Tab::Orders,
            _ => return,
        };
        event.prevent_default();
        chat.tab.set(next);
        let target = match next {
            Tab::Chat => chat_tab.get_untracked(),
            Tab::Orders => orders_tab.get_untracked(),
        };
        if let Some(target) = target {
            let _ = target.focus();
        }
    };
    let tab = move |which: Tab,
                    id: &'static str,
                    panel: &'static str,
                    label: &'static str,
                    node: NodeRef<html::Button>| {
        let selected = move || chat.tab.get() == which;
        view! {
            <button
                role="tab"
                id=id
                type="button"
                aria-controls=panel
                aria-selected=move || selected().to_string()
                tabindex=move || if selected() { "0" } else { "-1" }
                node_ref=node
                on:click=move |_| chat.tab.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label=t.customer_hub on:keydown=on_keydown>
            {tab(Tab::Chat, "sd-tab-chat", "sd-panel-chat", t.tab_chat, chat_tab)}
            <Show when=move || has_orders.get()>
                {tab(Tab::Orders, "sd-tab-orders", "sd-panel-orders", t.tab_orders, orders_tab)}
            </Show>
        </div>
    }
}

/// The Chat tab: its tools, then the live chat or a past one.
#[component]
pub fn ChatTab(chat: Chat) -> impl IntoView {
    move || match chat.pane.get() {
        ChatPane::Live => view! {
            <ChatTools chat />
            <AwayBanner chat />
            <Thread chat />
            <Show when=move || chat.live_chat.get()>
                <Footer chat />
            </Show>
        }
        .into_any(),
        ChatPane::PastList => view! { <PastChatList chat /> }.into_any(),
        ChatPane::Past(conversation) => view! { <PastChatView chat conversation /> }.into_any(),
    }
}

/// "Past chats" and "End chat", when there is something for them to do.
#[component]
fn ChatTools(chat: Chat) -> impl IntoView {
    let t = chat.t;
    let has_past = Memo::new(move |_| !chat.past_chats.with(Vec::is_empty));
    let can_end = Memo::new(move |_| {
        chat.conversation_id.with(Option::is_some)
            && !chat.ended.get()
            && chat.token.with(Option::is_some)
    });
    view! {
        <Show when=move || has_past.get() || can_end.get()>
            <div class="tools">
                <Show when=move || has_past.get()>
                    <button type="button" class="link" on:click=move |_| chat.pane.set(ChatPane::PastList)>
                        {t.past_chats}
                    </button>
                </Show>
                <Show when=move || can_end.get()>
                    <button
                        type="button"
                        class="link end"
                        aria-expanded=move || chat.confirming_end.get().to_string()
                        on:click=move |_| chat.confirming_end.set(true)
                    >
                        {t.end_chat}
                    </button>
                </Show>
            </div>
        </Show>
    }
}

/// "Back to chat" (from the list) or "All past chats" (from one of them).
#[component]
fn BackButton(chat: Chat, to: ChatPane) -> impl IntoView {
    let back = NodeRef::<html::Button>::new();
    // A new pane: focus its way back, so keyboard users stay in the drawer.
    Effect::new(move |_| {
        if let Some(back) = back.get() {
            let _ = back.focus();
        }
    });
    let label = if to == ChatPane::Live {
        chat.t.back_to_chat
    } else {
        chat.t.back_to_list
    };
    view! {
        <div class="tools">
            <button type="button" class="link" node_ref=back on:click=move |_| chat.pane.set(to.clone())>
                "← " {label}
            </button>
        </div>
    }
}

#[component]
fn PastChatList(chat: Chat) -> impl IntoView {
    let t = chat.t;
    let item = move |past: PastChat| {
        let id = past.id.clone();
        let meta = format!(
            "{} · {}",
            fill(t.ended_on, "when", &chat.day(past.ended_at)),
            t.count(&t.messages, past.message_count)
        );
        view! {
            <li>
                <button type="button" class="past" on:click=move |_| chat.open_past_chat(id.clone())>
                    <span class="past-preview">{past.preview}</span>
                    <span class="meta">{meta}</span>
                </button>
            </li>
        }
    };
    view! {
        <BackButton chat to=ChatPane::Live />
        <div class="scroll">
            <h3 class="pane-title" id="sd-past-title">{t.past_chats}</h3>
            <ul class="past-list" aria-labelledby="sd-past-title">
                {move || chat.past_chats.get().into_iter().map(item).collect_view()}
            </ul>
        </div>
    }
}

/// One ended chat, read-only.
#[component]
fn PastChatView(chat: Chat, conversation: protocol::ConversationView) -> impl IntoView {
    let t = chat.t;
    let ended_at = conversation.messages.last().map_or(0, |m| m.created_at);
    let title = fill(t.ended_on, "when", &chat.day(ended_at));
    view! {
        <BackButton chat to=ChatPane::PastList />
        <div class="scroll">
            <h3 class="pane-title" id="sd-past-chat-title">{title}</h3>
            <ol class="thread" aria-labelledby="sd-past-chat-title">
                {conversation
                    .messages
                    .into_iter()
                    .map(|message| view! { <MessageItem chat message /> })
                    .collect_view()}
            </ol>
            <p class="off">{t.chat_ended}</p>
        </div>
    }
}

/// The shopper's latest orders, as the store sent them.
#[component]
pub fn Orders(chat: Chat) -> impl IntoView {
    let t = chat.t;
    let locale = chat.config.with_value(|config| config.locale.clone());
    view! {
        <section id="sd-panel-orders" class="panel" role="tabpanel" aria-labelledby="sd-tab-orders">
            <div class="scroll">
                <ul class="orders">
                    {move || {
                        chat.orders
                            .get()
                            .into_iter()
                            .map(|order| {
                                let meta = format!(
                                    "{} · {}",
                                    fill(t.placed_on, "when", &chat.day(order.placed_at)),
                                    t.count(&t.items, order.items)
                                );
                                let total = format_money(order.total_minor, &order.currency, &locale);
                                view! {
                                    <li class="order">
                                        <div>
                                            <p class="order-number">{fill(t.order, "number", &order.number)}</p>
                                            <p class="meta">{meta}</p>
                                        </div>
                                        <p class="order-total">{total}</p>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </section>
    }
}
