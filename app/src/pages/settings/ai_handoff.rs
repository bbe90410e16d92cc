//! Settings → AI agent, the chat part: whether it answers web chats first, how sure
//! it must be to answer, where it hands a shopper off (this helpdesk, Zendesk, Gorgias,
//! or a closing message), after how many unhelpful answers, and how it has done so far.
//!
//! The Zendesk token and Gorgias key are never sent back to the browser: the field
//! stays empty, says a secret is kept, and saving it empty keeps it.

use leptos::{ev::SubmitEvent, prelude::*};
use protocol::settings::{
    AiAgentSettings, AiAgentStats, AiKnowledgeSummary, AnswerCaution, HandoffTarget,
    MAX_HANDOFF_MESSAGE_CHARS, MAX_UNHELPFUL_LIMIT,
};

use super::{
    described_by, invalid, Controls, FieldMessage, Outcome, RadioChoice, SaveActions, SettingSwitch,
};
use crate::api::save_ai_agent;

/// The caution choices, as their radio group lists them. The hints give the rates
/// measured on the evaluation set (`server/benches/ai_eval`), rounded.
const CAUTIONS: [(AnswerCaution, &str, &str, &str); 3] = [
    (
        AnswerCaution::Careful,
        "caution-careful",
        "Careful",
        "Answers only when very sure. The fewest wrong answers; more chats come to your team.",
    ),
    (
        AnswerCaution::Balanced,
        "caution-balanced",
        "Balanced (recommended)",
        "Answers when it is fairly sure, and hands off when two answers seem as likely.",
    ),
    (
        AnswerCaution::Eager,
        "caution-eager",
        "Eager",
        "Answers more questions on its own, and is wrong more often.",
    ),
];

/// The handoff choices, as the radio group lists them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Helpdesk,
    Zendesk,
    Gorgias,
    CustomMessage,
}

const KINDS: [(Kind, &str, &str, &str); 4] = [
    (
        Kind::Helpdesk,
        "handoff-helpdesk",
        "This helpdesk",
        "The ticket opens in your inbox with the whole conversation; the chat goes on live with your team.",
    ),
    (
        Kind::Zendesk,
        "handoff-zendesk",
        "Zendesk",
        "A Zendesk ticket is created with the conversation; the shopper hears back by email.",
    ),
    (
        Kind::Gorgias,
        "handoff-gorgias",
        "Gorgias",
        "A Gorgias ticket is created with the conversation; the shopper hears back by email.",
    ),
    (
        Kind::CustomMessage,
        "handoff-message",
        "A message of your own",
        "The shopper reads your message (\"Email us at …\") and the AI chat ends.",
    ),
];

/// The text fields of every target, kept while the merchant switches between them.
#[derive(Clone, Copy)]
struct Fields {
    kind: RwSignal<Kind>,
    zendesk_subdomain: RwSignal<String>,
    zendesk_email: RwSignal<String>,
    zendesk_token: RwSignal<String>,
    gorgias_domain: RwSignal<String>,
    gorgias_username: RwSignal<String>,
    gorgias_key: RwSignal<String>,
    message: RwSignal<String>,
}

impl Fields {
    fn new(target: &HandoffTarget) -> Self {
        let text = |value: &str| RwSignal::new(value.to_owned());
        let fields = Fields {
            kind: RwSignal::new(Kind::Helpdesk),
            zendesk_subdomain: text(""),
            zendesk_email: text(""),
            zendesk_token: text(""),
            gorgias_domain: text(""),
            gorgias_username: text(""),
            gorgias_key: text(""),
            message: text(""),
        };
        fields.show(target);
        fields
    }

    fn show(&self, target: &HandoffTarget) {
        match target {
            HandoffTarget::Helpdesk => self.kind.set(Kind::Helpdesk),
            HandoffTarget::Zendesk {
                subdomain,
                email,
                api_token,
            } => {
                self.kind.set(Kind::Zendesk);
                self.zendesk_subdomain.set(subdomain.clone());
                self.zendesk_email.set(email.clone());
                self.zendesk_token.set(api_token.clone());
            }
            HandoffTarget::Gorgias {
                domain,
                username,
                api_key,
            } => {
                self.kind.set(Kind::Gorgias);
                self.gorgias_domain.set(domain.clone());
                self.gorgias_username.set(username.clone());
                self.gorgias_key.set(api_key.clone());
            }
            HandoffTarget::CustomMessage { message } => {
                self.kind.set(Kind::CustomMessage);
                self.message.set(message.clone());
            }
        }
    }

    fn target(&self) -> HandoffTarget {
        match self.kind.get_untracked() {
            Kind::Helpdesk => HandoffTarget::Helpdesk,
            Kind::Zendesk => HandoffTarget::Zendesk {
                subdomain: self.zendesk_subdomain.get_untracked(),
                email: self.zendesk_email.get_untracked(),
                api_token: self.zendesk_token.get_untracked(),
            },
            Kind::Gorgias => HandoffTarget::Gorgias {
                domain: self.gorgias_domain.get_untracked(),
                username: self.gorgias_username.get_untracked(),
                api_key: self.gorgias_key.get_untracked(),
            },
            Kind::CustomMessage => HandoffTarget::CustomMessage {
                message: self.message.get_untracked(),
            },
        }
    }
}

#[component]
pub fn AiChatForm(summary: RwSignal<AiKnowledgeSummary>, can_edit: bool) -> impl IntoView {
    let initial = summary.with_untracked(|summary| summary.settings.clone());
    let enabled = RwSignal::new(initial.enabled);
    let limit = RwSignal::new(initial.unhelpful_limit);
    let caution = RwSignal::new(initial.caution);
    let fields = Fields::new(&initial.handoff);
    let secret_saved = Memo::new(move |_| summary.with(|summary| summary.secret_saved));
    let save = Action::new(move |input: &AiAgentSettings| {
        let input = input.clone();
        async move {
            let saved = save_ai_agent(input).await?;
            enabled.set(saved.settings.enabled);
            limit.set(saved.settings.unhelpful_limit);
            caution.set(saved.settings.caution);
            fields.show(&saved.settings.handoff);
            summary.set(saved.clone());
            Ok(saved)
        }
    });
    let outcome = Outcome::of(save);
    let controls = Controls::new(can_edit);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if can_edit {
            save.dispatch(AiAgentSettings {
                enabled: enabled.get_untracked(),
                handoff: fields.target(),
                unhelpful_limit: limit.get_untracked(),
                caution: caution.get_untracked(),
            });
        }
    };
    let stats = Memo::new(move |_| summary.with(|summary| summary.stats));
    view! {
        <form class="settings-form" novalidate on:submit=submit aria-labelledby="ai-chat-title">
            <section class="card">
                <h2 id="ai-chat-title">"In the chat"</h2>
                <SettingSwitch
                    id="ai-enabled"
                    label="Let the AI agent answer new chats first"
                    hint="Shoppers get an instant, cited answer and can choose \"Talk to a person\" at any time. Chats it is answering wait in the inbox's AI agent view; they move to Open when it hands off or when you reply, and all of them when you switch it off."
                    value=enabled
                    controls
                />
                <Stats stats />
            </section>
            <fieldset class="card">
                <legend>"How sure it must be to answer"</legend>
                {CAUTIONS.iter().map(|&(level, id, label, hint)| view! {
                    <RadioChoice id name="caution" label hint choice=level value=caution controls />
                }).collect_view()}
            </fieldset>
            <fieldset class="card">
                <legend>"When it cannot help, hand off to"</legend>
                {KINDS.iter().map(|&(kind, id, label, hint)| view! {
                    <RadioChoice id name="handoff" label hint choice=kind value=fields.kind controls />
                }).collect_view()}
                <TargetFields fields outcome controls secret_saved />
            </fieldset>
            <section class="card">
                <label for="ai-unhelpful">"Hand off after this many unhelpful answers"</label>
                <p class="hint" id="ai-unhelpful-hint">
                    "Each answer asks \"Did that answer your question?\". This many \"No\"s in a row hand the chat off."
                </p>
                <select
                    id="ai-unhelpful"
                    aria-describedby="ai-unhelpful-hint"
                    disabled=move || controls.locked()
                    on:change=move |event| {
                        if let Ok(value) = event_target_value(&event).parse() {
                            limit.set(value);
                        }
                    }
                >
                    {(1..=MAX_UNHELPFUL_LIMIT).map(|count| view! {
                        <option value=count.to_string() selected=move || limit.get() == count>
                            {count.to_string()}
                        </option>
                    }).collect_view()}
                </select>
                <FieldMessage id="ai-unhelpful-error" message=outcome.field("unhelpful_limit") />
            </section>
            <SaveActions outcome controls />
        </form>
    }
}

/// How the AI agent has done: answers, the shoppers' Yes/No, handoffs.
#[component]
fn Stats(stats: Memo<AiAgentStats>) -> impl IntoView {
    let rated = move || {
        let stats = stats.get();
        stats.helpful + stats.unhelpful
    };
    view! {
        <dl class="ai-stats">
            <div><dt>"Answers given"</dt><dd>{move || stats.get().answers}</dd></div>
            <div><dt>"Helped (Yes)"</dt><dd>{move || stats.get().helpful}</dd></div>
            <div><dt>"Did not help (No)"</dt><dd>{move || stats.get().unhelpful}</dd></div>
            <div><dt>"Handed off"</dt><dd>{move || stats.get().handoffs}</dd></div>
        </dl>
        <p class="hint">
            {move || match rated() {
                0 => "No shopper has rated an answer yet.".to_owned(),
                rated => format!(
                    "{}% of rated answers helped.",
                    stats.get().helpful * 100 / rated
                ),
            }}
        </p>
    }
}

/// One text input of a target, with its hint and error.
#[component]
fn TargetField(
    id: &'static str,
    label: &'static str,
    input_type: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    error_id: &'static str,
    hint_id: &'static str,
    #[prop(into)] hint: Signal<Option<&'static str>>,
    controls: Controls,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id>{move || hint.get()}</p>
            <input
                id=id
                type=input_type
                autocomplete="off"
                prop:value=value
                on:input=move |event| value.set(event_target_value(&event))
                disabled=move || controls.locked()
                aria-invalid=invalid(error)
                aria-describedby=described_by(Some(hint_id), error_id, error)
            />
            <FieldMessage id=error_id message=error />
        </div>
    }
}

/// The fields of the chosen target.
#[component]
fn TargetFields(
    fields: Fields,
    outcome: Outcome,
    controls: Controls,
    secret_saved: Memo<bool>,
) -> impl IntoView {
    let secret_hint = Signal::derive(move || {
        secret_saved
            .get()
            .then_some("A secret is saved; leave this empty to keep it.")
    });
    let fixed = |text: &'static str| Signal::derive(move || Some(text));
    move || match fields.kind.get() {
        Kind::Helpdesk => ().into_any(),
        Kind::Zendesk => view! {
            <div class="target-fields">
                <TargetField id="zendesk-subdomain" label="Zendesk subdomain" input_type="text"
                    value=fields.zendesk_subdomain error=outcome.field("zendesk_subdomain")
                    error_id="zendesk-subdomain-error" hint_id="zendesk-subdomain-hint"
                    hint=fixed("yourstore in yourstore.zendesk.com") controls />
                <TargetField id="zendesk-email" label="Agent email" input_type="email"
                    value=fields.zendesk_email error=outcome.field("zendesk_email")
                    error_id="zendesk-email-error" hint_id="zendesk-email-hint"
                    hint=fixed("The Zendesk agent the API token belongs to.") controls />
                <TargetField id="zendesk-token" label="API token" input_type="password"
                    value=fields.zendesk_token error=outcome.field("zendesk_token")
                    error_id="zendesk-token-error" hint_id="zendesk-token-hint"
                    hint=secret_hint controls />
            </div>
        }
        .into_any(),
        Kind::Gorgias => view! {
            <div class="target-fields">
                <TargetField id="gorgias-domain" label="Gorgias domain" input_type="text"
                    value=fields.gorgias_domain error=outcome.field("gorgias_domain")
                    error_id="gorgias-domain-error" hint_id="gorgias-domain-hint"
                    hint=fixed("yourstore in yourstore.gorgias.com") controls />
                <TargetField id="gorgias-username" label="Username (email)" input_type="email"
                    value=fields.gorgias_username error=outcome.field("gorgias_username")
                    error_id="gorgias-username-error" hint_id="gorgias-username-hint"
                    hint=fixed("The Gorgias user the API key belongs to.") controls />
                <TargetField id="gorgias-key" label="API key" input_type="password"
                    value=fields.gorgias_key error=outcome.field("gorgias_key")
                    error_id="gorgias-key-error" hint_id="gorgias-key-hint"
                    hint=secret_hint controls />
            </div>
        }
        .into_any(),
        Kind::CustomMessage => {
            let error = outcome.field("custom_message");
            let count = move || fields.message.with(|text| text.chars().count());
            view! {
                <div class="field target-fields">
                    <label for="handoff-custom-message">"Your message"</label>
                    <textarea
                        id="handoff-custom-message"
                        rows="3"
                        placeholder="Our team is not on chat right now. Email us at help@yourstore.com and we'll reply within a day."
                        prop:value=fields.message
                        on:input=move |event| fields.message.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(error)
                        aria-describedby=described_by(Some("handoff-custom-message-count"), "handoff-custom-message-error", error)
                    ></textarea>
                    <p class="counter" id="handoff-custom-message-count" class:over=move || { count() > MAX_HANDOFF_MESSAGE_CHARS }>
                        {move || format!("{} / {MAX_HANDOFF_MESSAGE_CHARS} characters", count())}
                    </p>
                    <FieldMessage id="handoff-custom-message-error" message=error />
                </div>
            }
            .into_any()
        }
    }
}
