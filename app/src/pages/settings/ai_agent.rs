//! Settings → AI agent: what the AI agent answers from (published FAQs, knowledge
//! articles, the product catalogue), and a box to try a shopper's question against it
//! before any shopper does. Articles are written here; products come from a Shopify
//! `products.json` export or the products webhooks.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{
    AiKnowledgeSummary, AiTrial, KnowledgeArticle, KnowledgeArticleInput, MAX_ARTICLE_BODY_CHARS,
    MAX_ARTICLE_TITLE_CHARS, MAX_PRODUCTS_IMPORT_BYTES,
};

use super::{
    ago, ai_handoff::AiChatForm, focus_first, Controls, FormFeedback, Now, Outcome, ReadOnlyNote,
    SettingsBody, SettingsHead,
};
use crate::{
    api::{
        ai_knowledge, create_article, delete_article, import_products, try_ai, update_article,
        ApiError,
    },
    mounted::Mounted,
};

#[component]
pub fn AiAgentSettings() -> impl IntoView {
    let summary = Resource::new(|| (), |_| ai_knowledge());
    view! {
        <Title text="AI agent" />
        <SettingsHead
            title="AI agent"
            intro="The AI agent answers from your own words only: published FAQs, the articles below and your product catalogue. Each answer names its source, and anything it cannot answer well goes to your team."
        />
        <SettingsBody data=summary form=move |me, summary| {
            let can_edit = me.role().manages();
            view! { <AiKnowledge summary can_edit /> }
        } />
    }
}

#[component]
fn AiKnowledge(summary: AiKnowledgeSummary, can_edit: bool) -> impl IntoView {
    let summary = RwSignal::new(summary);
    let controls = Controls::new(can_edit);
    view! {
        <ReadOnlyNote can_edit />
        <AiChatForm summary can_edit />
        <TryQuestion />
        <Sources summary controls />
        <Articles summary controls />
    }
}

/// Fetches what the page shows again, after a change.
async fn reload(summary: RwSignal<AiKnowledgeSummary>) -> Result<(), ApiError> {
    summary.set(ai_knowledge().await?);
    Ok(())
}

/// The merchant asks what a shopper would, and sees the answer or the handoff.
#[component]
fn TryQuestion() -> impl IntoView {
    let question = RwSignal::new(String::new());
    let ask = Action::new(move |question: &String| try_ai(question.clone()));
    let outcome = Outcome::of(ask);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        ask.dispatch(question.get_untracked());
    };
    let result = move || {
        ask.value().get().and_then(Result::ok).map(|trial| match trial {
            AiTrial::Answer {
                source_title,
                text,
                confidence_percent,
                written_by,
            } => view! {
                <div class="ai-trial answer">
                    <p class="ai-trial-label">"It would answer"</p>
                    <blockquote>{text}</blockquote>
                    <p class="muted">
                        {format!("From: {source_title} · {confidence_percent}% sure it answers the question")}
                        {written_by.map(|model| format!(" · written by {model}"))}
                    </p>
                </div>
            }
            .into_any(),
            AiTrial::Handoff { reason } => view! {
                <div class="ai-trial handoff">
                    <p class="ai-trial-label">"It would hand the shopper to your team"</p>
                    <p>{reason}</p>
                </div>
            }
            .into_any(),
        })
    };
    view! {
        <form class="card" on:submit=submit aria-labelledby="ai-try-title">
            <h2 id="ai-try-title">"Try a question"</h2>
            <div class="field">
                <label for="ai-try-question">"A shopper asks"</label>
                <input
                    id="ai-try-question"
                    type="text"
                    maxlength=500
                    placeholder="Can I return boots I wore outside?"
                    prop:value=question
                    on:input=move |event| question.set(event_target_value(&event))
                />
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || outcome.pending.get()>
                    "Ask"
                </button>
            </div>
            <p class="form-error" role="alert">{move || outcome.error.get().map(|error| error.to_string())}</p>
            <div aria-live="polite">{result}</div>
        </form>
    }
}

/// What the agent knows, and the products import.
#[component]
fn Sources(summary: RwSignal<AiKnowledgeSummary>, controls: Controls) -> impl IntoView {
    let Now(now) = expect_context::<Now>();
    let import = Action::new(move |file: &FileText| {
        let text = file.0.clone();
        async move {
            let changed = import_products(text).await?;
            reload(summary).await?;
            Ok::<usize, ApiError>(changed)
        }
    });
    let outcome = Outcome::of(import);
    let mounted = Mounted::new();
    let chosen = move |event: leptos::ev::Event| {
        read_chosen_file(event, move |file| {
            // Reading the file takes a moment: the page may be gone by then.
            if mounted.get() {
                import.dispatch(file);
            }
        });
    };
    let imported = move || {
        import
            .value()
            .get()
            .and_then(Result::ok)
            .map(|changed| match changed {
                1 => "1 product added or updated".to_owned(),
                count => format!("{count} products added or updated"),
            })
    };
    view! {
        <section class="card" aria-labelledby="ai-sources-title">
            <h2 id="ai-sources-title">"What it answers from"</h2>
            <ul class="ai-sources">
                <li>{move || match summary.with(|s| s.faqs_published) {
                    1 => "1 published FAQ".to_owned(),
                    count => format!("{count} published FAQs"),
                }} " (" <a href="/settings/faqs">"FAQs"</a> ")"</li>
                <li>{move || match summary.with(|s| s.articles.iter().filter(|a| a.published).count()) {
                    1 => "1 published article".to_owned(),
                    count => format!("{count} published articles"),
                }}</li>
                <li>
                    {move || match summary.with(|s| s.products) {
                        1 => "1 product".to_owned(),
                        count => format!("{count} products"),
                    }}
                    {move || summary.with(|s| s.products_updated_at).map(|at| format!(", updated {}", ago(at, now.get())))}
                </li>
            </ul>
            <p class="muted">{move || match summary.with(|s| s.model.clone()) {
                Some(model) => format!("Answers are written by {model} from the best matching passages only. Keep each paragraph of an article about one thing."),
                None => "Answers quote the best matching passage word for word (no model is set up: SHOPDESK_AI_URL, SHOPDESK_AI_MODEL and SHOPDESK_AI_KEY). Keep each paragraph of an article about one thing.".to_owned(),
            }}</p>
            <div class="field">
                <label for="ai-products-file">"Import products (Shopify products.json)"</label>
                <input
                    id="ai-products-file"
                    type="file"
                    accept=".json,application/json"
                    aria-describedby="ai-products-hint"
                    disabled=move || controls.locked() || outcome.pending.get()
                    on:change=chosen
                />
                <p class="hint" id="ai-products-hint">
                    {format!("Your store's /products.json (up to {} MB). With the products webhooks set up, changes arrive by themselves.", MAX_PRODUCTS_IMPORT_BYTES / (1024 * 1024))}
                </p>
            </div>
            <p class="form-error" role="alert">{move || outcome.error.get().map(|error| error.to_string())}</p>
            <p class="saved" role="status">{imported}</p>
        </section>
    }
}

/// A chosen file's text.
#[derive(Clone)]
struct FileText(String);

/// Reads the file an `<input type=file>` change picked, then calls `then` with its text.
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn read_chosen_file(event: leptos::ev::Event, then: impl Fn(FileText) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file may be chosen again after fixing it.
        input.set_value("");
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                then(FileText(text.as_string().unwrap_or_default()));
            }
        });
    }
}

/// The knowledge articles: the list, and one form to add or edit.
#[component]
fn Articles(summary: RwSignal<AiKnowledgeSummary>, controls: Controls) -> impl IntoView {
    let editing = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<String>);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let published = RwSignal::new(true);

    let save = Action::new(
        move |(id, input): &(Option<String>, KnowledgeArticleInput)| {
            let (id, input) = (id.clone(), input.clone());
            async move {
                let saved = match id {
                    Some(id) => update_article(id, input).await?,
                    None => create_article(input).await?,
                };
                reload(summary).await?;
                editing.set(None);
                title.set(String::new());
                body.set(String::new());
                published.set(true);
                focus_first(vec![format!("article-{}-edit", saved.id)]);
                Ok::<(), ApiError>(())
            }
        },
    );
    let remove = Action::new(move |id: &String| {
        let id = id.clone();
        async move {
            delete_article(id).await?;
            deleting.set(None);
            reload(summary).await?;
            focus_first(vec!["article-title".to_owned()]);
            Ok::<(), ApiError>(())
        }
    });
    let outcome = Outcome::of(save);
    let remove_outcome = Outcome::of(remove);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if controls.locked() {
            return;
        }
        save.dispatch((
            editing.get_untracked(),
            KnowledgeArticleInput {
                title: title.get_untracked(),
                body: body.get_untracked(),
                published: published.get_untracked(),
            },
        ));
    };
    let start_edit = move |article: KnowledgeArticle| {
        deleting.set(None);
        editing.set(Some(article.id));
        title.set(article.title);
        body.set(article.body);
        published.set(article.published);
        focus_first(vec!["article-title".to_owned()]);
    };
    let cancel = move |_| {
        editing.set(None);
        title.set(String::new());
        body.set(String::new());
        published.set(true);
    };

    view! {
        <section class="card" aria-labelledby="article-list-title">
            <h2 id="article-list-title">"Knowledge articles"</h2>
            <Show
                when=move || summary.with(|s| !s.articles.is_empty())
                fallback=|| view! { <p class="muted">"No articles yet. Add your shipping, returns and sizing policies."</p> }
            >
                <ul class="macro-list">
                    <For
                        each=move || summary.with(|s| s.articles.clone())
                        key=|article| (article.id.clone(), article.updated_at, article.published)
                        let:article
                    >
                        {
                            let id = article.id.clone();
                            let confirm_id = article.id.clone();
                            let confirming = move || deleting.get().as_deref() == Some(id.as_str());
                            let paragraphs = article.body.split("\n\n").filter(|p| !p.trim().is_empty()).count();
                            let edit_article = article.clone();
                            view! {
                                <li class="macro-row">
                                    <div class="macro-text">
                                        <p class="macro-name">{article.title.clone()}</p>
                                        <p class="muted">
                                            {if article.published { "Published" } else { "Draft" }}
                                            {format!(" · {paragraphs} paragraph{}", if paragraphs == 1 { "" } else { "s" })}
                                        </p>
                                    </div>
                                    <Show
                                        when=confirming
                                        fallback=move || {
                                            let edit_article = edit_article.clone();
                                            let ask_id = edit_article.id.clone();
                                            view! {
                                                <div class="row-actions">
                                                    <button type="button" class="secondary small"
                                                        id=format!("article-{}-edit", edit_article.id)
                                                        disabled=move || controls.locked()
                                                        on:click=move |_| start_edit(edit_article.clone())>
                                                        "Edit"
                                                    </button>
                                                    <button type="button" class="secondary small"
                                                        disabled=move || controls.locked()
                                                        on:click=move |_| {
                                                            deleting.set(Some(ask_id.clone()));
                                                            focus_first(vec![format!("article-{ask_id}-confirm-delete")]);
                                                        }>
                                                        "Delete"
                                                    </button>
                                                </div>
                                            }
                                        }
                                    >
                                        <div class="confirm">
                                            <p>"Delete this article? The AI agent stops answering from it."</p>
                                            <button type="button" class="danger small"
                                                id=format!("article-{}-confirm-delete", confirm_id)
                                                on:click={
                                                    let id = confirm_id.clone();
                                                    move |_| { remove.dispatch(id.clone()); }
                                                }>"Delete"</button>
                                            <button type="button" class="secondary small" on:click=move |_| deleting.set(None)>"Keep"</button>
                                        </div>
                                    </Show>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            <FormFeedback outcome=remove_outcome saved_text="" />
        </section>
        <form class="card" on:submit=submit aria-labelledby="article-form-title">
            <h2 id="article-form-title">{move || if editing.with(Option::is_some) { "Edit the article" } else { "Add an article" }}</h2>
            <div class="field">
                <label for="article-title">"Title"</label>
                <input
                    id="article-title"
                    type="text"
                    maxlength=MAX_ARTICLE_TITLE_CHARS
                    placeholder="Returns policy"
                    prop:value=title
                    on:input=move |event| title.set(event_target_value(&event))
                    disabled=move || controls.locked()
                />
            </div>
            <div class="field">
                <label for="article-body">"Text"</label>
                <textarea
                    id="article-body"
                    rows=10
                    maxlength=MAX_ARTICLE_BODY_CHARS
                    aria-describedby="article-body-hint"
                    placeholder="Return window: unworn items within 60 days…"
                    prop:value=body
                    on:input=move |event| body.set(event_target_value(&event))
                    disabled=move || controls.locked()
                ></textarea>
                <p class="hint" id="article-body-hint">"Separate paragraphs with a blank line. A short lead-in (\"Return shipping:\") helps the agent find the right one."</p>
            </div>
            <div class="check-row">
                <input
                    id="article-published"
                    type="checkbox"
                    prop:checked=published
                    on:change=move |event| published.set(event_target_checked(&event))
                    disabled=move || controls.locked()
                />
                <label for="article-published">"Published: the AI agent answers from it"</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                    {move || if editing.with(Option::is_some) { "Save article" } else { "Add article" }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" class="secondary" on:click=cancel>"Cancel"</button>
                </Show>
            </div>
            <FormFeedback outcome saved_text="Saved" />
        </form>
    }
}
