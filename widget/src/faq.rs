//! FAQs first: before a chat starts, the shopper picks from the merchant's published
//! questions and gets the answer on the spot (no network wait), or asks for a person.
//! Opens and "I still need help" are counted for the merchant's deflection stats.

use leptos::{html, prelude::*, task::spawn_local};
use protocol::settings::{FaqEvent, FaqEventKind, PublicFaq};

use crate::chat::Chat;

impl Chat {
    pub fn open_faq(self, faq: PublicFaq) {
        self.record_faq_event(faq.id.clone(), FaqEventKind::Opened);
        self.faq_picks.update(|picks| picks.push(faq));
    }

    /// "I still need help": on to the live chat, counted against the last FAQ read.
    pub fn ask_for_help(self) {
        if let Some(last) = self
            .faq_picks
            .with_untracked(|picks| picks.last().map(|faq| faq.id.clone()))
        {
            self.record_faq_event(last, FaqEventKind::StillNeededHelp);
        }
        self.focus_next.set_value(true);
        self.help_requested.set(true);
    }

    /// Fire and forget: a lost count must never get in the shopper's way.
    fn record_faq_event(self, faq_id: String, kind: FaqEventKind) {
        let url = self
            .config
            .with_value(|config| config.api_url("/api/widget/faq-events"));
        spawn_local(async move {
            crate::http::post_quietly(&url, &FaqEvent { faq_id, kind }).await;
        });
    }
}

/// The picked questions and their answers, as thread items (inside the log).
#[component]
pub fn FaqPicks(chat: Chat) -> impl IntoView {
    view! {
        <For each=move || chat.faq_picks.get() key=|faq| faq.id.clone() let:faq>
            <li class="msg mine pick">
                <p class="bubble">{faq.question}</p>
            </li>
            <li class="msg automated">
                <p class="bubble">{faq.answer}</p>
                <p class="meta">{chat.t.automated}</p>
            </li>
        </For>
    }
}

/// The questions not opened yet, then "I still need help".
#[component]
pub fn FaqChoices(chat: Chat) -> impl IntoView {
    let help = NodeRef::<html::Button>::new();
    let unread = move || {
        let picked = chat.faq_picks.get();
        chat.settings.with(|settings| {
            settings
                .faqs
                .iter()
                .filter(|faq| !picked.iter().any(|pick| pick.id == faq.id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let title = move || {
        if chat.faq_picks.with(Vec::is_empty) {
            chat.t.common_questions
        } else {
            chat.t.other_questions
        }
    };
    let open = move |faq: PublicFaq| {
        chat.open_faq(faq);
        // The picked button is gone; the natural next step keeps focus in the drawer.
        if let Some(help) = help.get_untracked() {
            let _ = help.focus();
        }
    };
    view! {
        <div class="choices">
            <Show when=move || !unread().is_empty()>
                <p class="choices-title" id="sd-faq-title">{title}</p>
                <ul aria-labelledby="sd-faq-title">
                    <For each=unread key=|faq| faq.id.clone() let:faq>
                        <li>
                            <button type="button" class="choice" on:click={
                                let faq = faq.clone();
                                move |_| open(faq.clone())
                            }>{faq.question.clone()}</button>
                        </li>
                    </For>
                </ul>
            </Show>
            <button type="button" class="choice help" node_ref=help on:click=move |_| chat.ask_for_help()>
                {chat.t.still_need_help}
            </button>
        </div>
    }
}
