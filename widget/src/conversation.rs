//! The live conversation inside the Chat tab: the thread (messages, images, the AI
//! agent's sources, messages still sending) and the footer under it (the composer, or
//! why there is none). Message text is always rendered as text, never as HTML.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use protocol::{AuthorKind, Message};
use wasm_bindgen::JsCast;

use crate::{
    chat::{Chat, Pending, Phase},
    faq::{FaqChoices, FaqPicks},
    hours::localized_time,
    i18n::fill,
};

/// Below the thread in the live chat: the composer, or why there is none.
#[component]
pub(crate) fn Footer(chat: Chat) -> impl IntoView {
    let enabled = Memo::new(move |_| chat.settings.with(|settings| settings.chat_enabled));
    move || {
        if !enabled.get() {
            // Nothing here can take focus; don't hand it to a composer that may come back.
            chat.focus_next.set_value(false);
            view! { <ChatOff chat /> }.into_any()
        } else if chat.phase.get() == Phase::LoginRequired {
            view! { <LoginPrompt chat /> }.into_any()
        } else if chat.ended.get() {
            view! { <ChatEnded chat /> }.into_any()
        } else if chat.confirming_end.get() {
            view! { <EndChatConfirm chat /> }.into_any()
        } else {
            view! {
                <Show when=move || chat.ai_answering.get()>
                    <div class="handoff">
                        <button type="button" class="button secondary" on:click=move |_| chat.talk_to_person()>
                            {chat.t.talk_to_person}
                        </button>
                    </div>
                </Show>
                <Composer chat />
            }
            .into_any()
        }
    }
}

#[component]
fn ChatOff(chat: Chat) -> impl IntoView {
    let notice = NodeRef::<html::P>::new();
    // Switched off while the shopper was typing: the composer holding focus is gone, and
    // focus on the page's body would leave Esc and Tab outside the drawer.
    Effect::new(move |_| {
        if let Some(notice) = notice.get() {
            let lost = web_sys::window()
                .and_then(|window| window.document())
                .and_then(|document| document.active_element())
                .is_none_or(|active| active.tag_name() == "BODY");
            if lost && chat.open.get_untracked() {
                let _ = notice.focus();
            }
        }
    });
    view! {
        <p class="off" role="status" tabindex="-1" node_ref=notice>
            {chat.t.chat_off}
        </p>
    }
}

/// The conversation is over: say so, and offer a new one.
#[component]
fn ChatEnded(chat: Chat) -> impl IntoView {
    view! {
        <div class="ended" role="status">
            <p>{chat.t.chat_ended}</p>
            <button type="button" class="button" on:click=move |_| chat.start_new_chat()>
                {chat.t.start_new_chat}
            </button>
        </div>
    }
}

/// Focuses `target` once mounted if "I still need help" asked for it.
fn take_focus_once<E>(chat: Chat, target: NodeRef<E>)
where
    E: html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        if let Some(element) = target.get() {
            if chat.focus_next.get_value() {
                chat.focus_next.set_value(false);
                if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
        }
    });
}

#[component]
fn LoginPrompt(chat: Chat) -> impl IntoView {
    let login_url = chat.config.with_value(|config| config.login_url.clone());
    let link = NodeRef::<html::A>::new();
    take_focus_once(chat, link);
    view! {
        <div class="login">
            <p>{chat.t.login_prompt}</p>
            <a class="button" href=login_url node_ref=link>{chat.t.log_in}</a>
        </div>
    }
}

/// "By chatting, you agree to our Terms of Service and Privacy Policy.", with the
/// links the merchant set; nothing when neither is. Only where the shopper can write.
#[component]
fn TermsNotice(chat: Chat) -> impl IntoView {
    let links = Memo::new(move |_| {
        let can_write = chat.token.with(Option::is_some)
            && chat.settings.with(|settings| settings.chat_enabled);
        can_write
            .then(|| chat.policy_links())
            .filter(|links| links != &(None, None))
    });
    let t = chat.t;
    let link = |url: String, label: &'static str| {
        view! { <a href=url target="_blank" rel="noopener">{label}</a> }
    };
    move || {
        links.get().map(|(terms, privacy)| {
            let and = (terms.is_some() && privacy.is_some()).then_some(t.terms_and);
            view! {
                <li class="notice">
                    {t.terms_before}
                    {terms.map(|url| link(url, t.terms_of_service))}
                    {and}
                    {privacy.map(|url| link(url, t.privacy_policy))}
                    {t.terms_after}
                </li>
            }
        })
    }
}

#[component]
pub(crate) fn Thread(chat: Chat) -> impl IntoView {
    let scroller = NodeRef::<html::Div>::new();
    let welcome = Memo::new(move |_| {
        chat.settings
            .with(|settings| settings.welcome_message.clone())
    });
    Effect::new(move |_| {
        chat.messages.track();
        chat.pending.track();
        chat.open.track();
        chat.faq_picks.track();
        // What opens below the thread (the Talk to a person button, the End chat
        // question) shrinks it: the newest message must stay in view all the same.
        chat.ai_answering.track();
        chat.confirming_end.track();
        chat.ended.track();
        let live = chat.live_chat.get();
        if let Some(scroller) = scroller.get() {
            scroller.set_scroll_top(if live {
                scroller.scroll_height()
            } else {
                latest_pick_top(&scroller)
            });
        }
        // The newest message is in view now: if the drawer is open in a visible tab,
        // the team's messages count as seen.
        chat.report_seen();
    });
    view! {
        <Show when=move || chat.live_chat.get() && chat.phase.get() == Phase::Ready && !chat.connected.get()>
            <p class="status" role="status">{chat.t.connecting}</p>
        </Show>
        <div class="scroll" node_ref=scroller>
            // The log is a wrapper: on the list itself, the role would hide its items' list semantics.
            <div role="log" aria-live="polite" aria-label=chat.t.conversation>
            <ol class="thread">
                <FaqPicks chat />
                <Show when=move || chat.live_chat.get()>
                    <TermsNotice chat />
                    <li class="msg automated">
                        <p class="bubble">{welcome}</p>
                    </li>
                </Show>
                <For each=move || chat.messages.get() key=|message| message.seq let:message>
                    <MessageItem chat message />
                </For>
                <For
                    each=move || chat.pending.get()
                    key=|pending| (pending.client_id.clone(), pending.failed.clone(), pending.waiting.clone())
                    let:pending
                >
                    <PendingItem chat pending />
                </For>
            </ol>
            </div>
            <Show when=move || !chat.live_chat.get()>
                <FaqChoices chat />
            </Show>
        </div>
        <p class="typing" aria-live="polite">
            {move || chat.agent_typing.get().map(|(name, _)| fill(chat.t.typing, "name", &name))}
        </p>
    }
}

/// Where to scroll so the latest picked question heads the view (a long answer would
/// push it out of sight if we scrolled to the bottom); the top when none is picked.
fn latest_pick_top(scroller: &web_sys::HtmlDivElement) -> i32 {
    scroller
        .query_selector_all("li.pick")
        .ok()
        .and_then(|picks| picks.item(picks.length().checked_sub(1)?))
        .and_then(|pick| pick.dyn_into::<web_sys::HtmlElement>().ok())
        .map_or(0, |pick| pick.offset_top() - 12)
}

#[component]
pub(crate) fn MessageItem(chat: Chat, message: Message) -> impl IntoView {
    let (class, who) = match message.author_kind {
        AuthorKind::Shopper => ("msg mine", chat.t.you.to_owned()),
        AuthorKind::Agent => ("msg theirs", message.author_name.clone()),
        AuthorKind::System => ("msg automated", chat.t.automated.to_owned()),
        AuthorKind::Ai => ("msg automated ai", chat.t.ai_assistant.to_owned()),
    };
    let answer = message
        .ai
        .clone()
        .map(|ai| view! { <AnswerSource chat message_id=message.id.clone() ai /> });
    // An away message says when the team is back, in the shopper's own time.
    let back = message.back_at.map(|at| {
        let when = chat
            .config
            .with_value(|config| localized_time(at, &config.locale));
        view! { <p class="back">{fill(chat.t.back_at, "when", &when)}</p> }
    });
    let has_text = !message.body.is_empty();
    let images = message.attachments.clone();
    view! {
        <li class=class>
            {has_text.then(|| view! { <p class="bubble">{message.body.clone()}</p> })}
            {(!images.is_empty()).then(|| view! { <Images chat images who=who.clone() /> })}
            {back}
            <p class="meta">{who} " · " {chat.clock(message.created_at)}</p>
            {answer}
        </li>
    }
}

/// Under an AI answer: its source, and "Did that answer your question? Yes / No".
#[component]
fn AnswerSource(chat: Chat, message_id: String, ai: protocol::AiAnswer) -> impl IntoView {
    let verdict = RwSignal::new(ai.helpful);
    let rate = move |helpful: bool| {
        let message_id = message_id.clone();
        move |_| {
            if chat.rate_answer(message_id.clone(), helpful) {
                verdict.set(Some(helpful));
            }
        }
    };
    view! {
        <p class="source">{fill(chat.t.from_source, "source", &ai.source_title)}</p>
        {move || match verdict.get() {
            Some(_) => view! { <p class="feedback" role="status">{chat.t.thanks_for_feedback}</p> }.into_any(),
            None if chat.ended.get() => ().into_any(),
            None => view! {
                <div class="feedback" role="group" aria-label=chat.t.did_that_help>
                    <span>{chat.t.did_that_help}</span>
                    <button type="button" class="chip" on:click=rate(true)>{chat.t.yes}</button>
                    <button type="button" class="chip" on:click=rate(false)>{chat.t.no}</button>
                </div>
            }.into_any(),
        }}
    }
}

/// A message's images; each opens full size in the drawer.
#[component]
fn Images(
    chat: Chat,
    images: Vec<protocol::attachments::Attachment>,
    who: String,
) -> impl IntoView {
    view! {
        <div class="images">
            {images.into_iter().map(|image| {
                let src = chat.image_url(&image);
                let alt = fill(chat.t.image_from, "who", &who);
                let open = {
                    let (src, alt) = (src.clone(), alt.clone());
                    move |_| chat.lightbox.set(Some((src.clone(), alt.clone())))
                };
                view! {
                    <button type="button" class="image-button" aria-label=fill(chat.t.open_image_from, "who", &who) on:click=open>
                        <img src=src alt=alt width=image.width height=image.height loading="lazy" />
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn PendingItem(chat: Chat, pending: Pending) -> impl IntoView {
    let retry_id = pending.client_id.clone();
    let discard_id = pending.client_id.clone();
    let failed = pending.failed.is_some();
    view! {
        <li class="msg mine pending" class:failed=failed>
            {(!pending.body.is_empty()).then(|| view! { <p class="bubble">{pending.body.clone()}</p> })}
            {(!pending.attachments.is_empty()).then(|| view! {
                <Images chat images=pending.attachments.clone() who=chat.t.you.to_owned() />
            })}
            <p class="meta">
                {match pending.failed {
                    Some(reason) => view! {
                        <span>{reason}</span>
                        " "
                        <Show when=move || chat.settings.with(|settings| settings.chat_enabled)>
                            <button type="button" class="link" on:click={
                                let retry_id = retry_id.clone();
                                move |_| chat.retry(&retry_id)
                            }>{chat.t.retry}</button>
                        </Show>
                        <button type="button" class="link" on:click=move |_| chat.discard(&discard_id)>{chat.t.remove}</button>
                    }.into_any(),
                    None => view! { <span>{pending.waiting.unwrap_or_else(|| chat.t.sending.to_owned())}</span> }.into_any(),
                }}
            </p>
        </li>
    }
}

#[component]
fn Composer(chat: Chat) -> impl IntoView {
    let (body, set_body) = signal(String::new());
    let field = NodeRef::<html::Textarea>::new();
    take_focus_once(chat, field);
    let file_input = NodeRef::<html::Input>::new();
    let submit = move || {
        let text = body.get_untracked().trim().to_owned();
        let images = chat.attached.get_untracked();
        if (text.is_empty() && images.is_empty()) || chat.uploading.get_untracked() > 0 {
            return;
        }
        chat.attached.set(Vec::new());
        chat.send(text, images);
        set_body.set(String::new());
    };
    view! {
        <Show when=move || !chat.attached.with(Vec::is_empty) || chat.uploading.get() != 0>
            <ul class="attached" aria-label=chat.t.images_to_send>
                <For each=move || chat.attached.get() key=|image| image.id.clone() let:image>
                    <li>
                        <img src=chat.image_url(&image) alt="" />
                        <button
                            type="button"
                            class="remove"
                            aria-label=chat.t.remove_image
                            on:click={
                                let id = image.id.clone();
                                move |_| chat.attached.update(|images| images.retain(|held| held.id != id))
                            }
                        >"×"</button>
                    </li>
                </For>
                <Show when=move || chat.uploading.get() != 0>
                    <li class="uploading" role="status">{chat.t.uploading}</li>
                </Show>
            </ul>
        </Show>
        {move || chat.upload_error.get().map(|error| view! { <p class="upload-error" role="alert">{error}</p> })}
        <form
            class="composer"
            on:dragover=|event| event.prevent_default()
            on:drop=move |event| {
                event.prevent_default();
                chat.upload(protocol::browser::files_of(event.data_transfer().and_then(|data| data.files())));
            }
            on:submit=move |event| {
                event.prevent_default();
                submit();
            }
        >
            <button
                type="button"
                class="attach"
                aria-label=chat.t.attach_images
                on:click=move |_| {
                    if let Some(input) = file_input.get_untracked() {
                        input.click();
                    }
                }
            >
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M21 12.5l-8.5 8.5a5 5 0 01-7-7l9-9a3.5 3.5 0 015 5l-9 9a2 2 0 01-3-3l8-8" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
            </button>
            <EmojiButton chat on_pick=move |emoji: &'static str| {
                set_body.update(|text| text.push_str(emoji));
                if let Some(field) = field.get_untracked() {
                    let _ = field.focus();
                }
            } />
            <input
                type="file"
                class="sr-only"
                tabindex="-1"
                aria-hidden="true"
                accept="image/png,image/jpeg,image/gif,image/webp"
                multiple
                node_ref=file_input
                on:change=move |event| {
                    let input = event_target::<web_sys::HtmlInputElement>(&event);
                    chat.upload(protocol::browser::files_of(input.files()));
                    input.set_value("");
                }
            />
            <label for="sd-message" class="sr-only">{chat.t.message}</label>
            <textarea
                id="sd-message"
                node_ref=field
                rows="1"
                maxlength="5000"
                placeholder=chat.t.placeholder
                prop:value=body
                on:input=move |event| {
                    set_body.set(event_target_value(&event));
                    chat.typing();
                }
                on:paste=move |event| {
                    let files = protocol::browser::files_of(event.clipboard_data().and_then(|data| data.files()));
                    if !files.is_empty() {
                        event.prevent_default();
                        chat.upload(files);
                    }
                }
                on:keydown=move |event: KeyboardEvent| {
                    if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
                        event.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <button
                type="submit"
                class="send"
                aria-label=chat.t.send
                disabled=move || {
                    chat.uploading.get() > 0
                        || (body.with(|text| text.trim().is_empty()) && chat.attached.with(Vec::is_empty))
                }
            >
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 12l16-8-6 16-2-7z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}

/// Emoji most used in shop support chats.
const EMOJI: [&str; 24] = [
    "😀", "😊", "😂", "😍", "🙏", "👍", "👎", "👏", "🎉", "❤️", "😢", "😮", "🤔", "😅", "🙌", "👋",
    "✅", "❌", "📦", "🚚", "🎁", "💳", "⭐", "🔥",
];

/// The composer's emoji picker: a grid of buttons; Esc or picking closes it.
#[component]
fn EmojiButton(
    chat: Chat,
    on_pick: impl Fn(&'static str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (open, set_open) = signal(false);
    let first = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(first) = first.get() {
            let _ = first.focus();
        }
    });
    view! {
        <div class="emoji">
            <button
                type="button"
                class="attach"
                aria-label=chat.t.emoji
                aria-expanded=move || open.get().to_string()
                aria-controls="sd-emoji"
                on:click=move |_| set_open.update(|open| *open = !*open)
            >
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
                    <path d="M8.5 14.5a4.5 4.5 0 007 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    <circle cx="9" cy="10" r="1.2" fill="currentColor" />
                    <circle cx="15" cy="10" r="1.2" fill="currentColor" />
                </svg>
            </button>
            <Show when=move || open.get()>
                <div
                    id="sd-emoji"
                    class="emoji-grid"
                    role="group"
                    aria-label=chat.t.emoji
                    on:keydown=move |event: KeyboardEvent| {
                        if event.key() == "Escape" {
                            event.stop_propagation();
                            set_open.set(false);
                        }
                    }
                >
                    {EMOJI
                        .iter()
                        .enumerate()
                        .map(|(index, emoji)| {
                            let node = if index == 0 { first } else { NodeRef::new() };
                            view! {
                                <button
                                    type="button"
                                    node_ref=node
                                    on:click=move |_| {
                                        set_open.set(false);
                                        on_pick(emoji);
                                    }
                                >
                                    {*emoji}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
    }
}

/// "End this chat?" in place of the composer; Cancel has focus, Esc cancels.
#[component]
fn EndChatConfirm(chat: Chat) -> impl IntoView {
    let t = chat.t;
    let cancel = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(cancel) = cancel.get() {
            let _ = cancel.focus();
        }
    });
    view! {
        <div
            class="confirm"
            role="alertdialog"
            aria-labelledby="sd-end-title"
            aria-describedby="sd-end-detail"
            on:keydown=move |event: KeyboardEvent| {
                if event.key() == "Escape" {
                    // Cancels the question, not the drawer.
                    event.stop_propagation();
                    chat.confirming_end.set(false);
                }
            }
        >
            <p id="sd-end-title" class="confirm-title">{t.end_chat_question}</p>
            <p id="sd-end-detail">{t.end_chat_detail}</p>
            <div class="confirm-actions">
                <button type="button" class="button secondary" node_ref=cancel on:click=move |_| chat.confirming_end.set(false)>
                    {t.cancel}
                </button>
                <button type="button" class="button danger" on:click=move |_| chat.end_chat()>
                    {t.end_chat}
                </button>
            </div>
        </div>
    }
}
