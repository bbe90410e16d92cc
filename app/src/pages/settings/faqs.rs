//! Settings → FAQs: the questions the chat shows first, in order, with how often each
//! was opened and how often it spared the team a chat. Every change reloads the list.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{Faq, FaqInput, MAX_FAQ_ANSWER_CHARS, MAX_FAQ_QUESTION_CHARS};

use super::{
    focus_first, invalid, Controls, FieldMessage, FormFeedback, Outcome, ReadOnlyNote,
    SettingsBody, SettingsHead,
};
use crate::api::{create_faq, delete_faq, list_faqs, reorder_faqs, update_faq, ApiError};

#[component]
pub fn FaqsSettings() -> impl IntoView {
    let faqs = Resource::new(|| (), |_| list_faqs());
    view! {
        <Title text="FAQs" />
        <SettingsHead
            title="FAQs"
            intro="Published FAQs open the storefront chat: shoppers pick one for an instant answer before they write to the team."
        />
        <SettingsBody data=faqs form=move |me, faqs| {
            let can_edit = me.role().manages(); view! { <FaqManager faqs can_edit /> }
        } />
    }
}

/// A change to the list from a row's buttons.
#[derive(Debug, Clone)]
enum Change {
    Publish {
        faq: Faq,
        published: bool,
    },
    Delete {
        id: String,
    },
    /// Moves `id` one place up or down; `ids` is the full new order.
    Move {
        id: String,
        up: bool,
        ids: Vec<String>,
    },
}

/// What the list's rows share.
#[derive(Clone, Copy)]
struct Faqs {
    list: RwSignal<Vec<Faq>>,
    editing: RwSignal<Option<String>>,
    deleting: RwSignal<Option<String>>,
    change: Action<Change, Result<(), ApiError>>,
    can_edit: bool,
    controls: Controls,
}

impl Faqs {
    /// Reloads the list from the server.
    async fn reload(self) -> Result<(), ApiError> {
        let fresh = list_faqs().await?;
        self.list.set(fresh);
        Ok(())
    }
}

#[component]
fn FaqManager(faqs: Vec<Faq>, can_edit: bool) -> impl IntoView {
    let list = RwSignal::new(faqs);
    let editing = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<String>);
    let change = Action::new(move |change: &Change| {
        let change = change.clone();
        async move {
            // Where the keyboard goes after a delete: the next FAQ, else the previous one.
            let neighbour = match &change {
                Change::Delete { id } => list.with_untracked(|list| {
                    let at = list.iter().position(|faq| faq.id == *id)?;
                    list.get(at + 1)
                        .or_else(|| list.get(at.checked_sub(1)?))
                        .map(|faq| faq.id.clone())
                }),
                _ => None,
            };
            match &change {
                Change::Publish { faq, published } => {
                    let input = FaqInput {
                        question: faq.question.clone(),
                        answer: faq.answer.clone(),
                        published: *published,
                    };
                    update_faq(faq.id.clone(), input).await?;
                }
                Change::Delete { id } => {
                    delete_faq(id.clone()).await?;
                    deleting.set(None);
                }
                Change::Move { ids, .. } => reorder_faqs(ids.clone()).await?,
            }
            list.set(list_faqs().await?);
            // Keep the keyboard where it was: the buttons were rebuilt.
            match change {
                Change::Publish { faq, .. } => focus_first(vec![format!("faq-{}-publish", faq.id)]),
                Change::Move { id, up, .. } => {
                    let (same, other) = if up { ("up", "down") } else { ("down", "up") };
                    focus_first(vec![
                        format!("faq-{id}-{same}"),
                        format!("faq-{id}-{other}"),
                    ]);
                }
                Change::Delete { .. } => {
                    let mut targets: Vec<String> = neighbour
                        .map(|id| format!("faq-{id}-edit"))
                        .into_iter()
                        .collect();
                    targets.push("new-faq-question-input".to_owned());
                    focus_first(targets);
                }
            }
            Ok(())
        }
    });
    let faqs = Faqs {
        list,
        editing,
        deleting,
        change,
        can_edit,
        controls: Controls::new(can_edit),
    };
    let error = move || {
        change.value().with(|value| {
            value
                .as_ref()
                .and_then(|r| r.as_ref().err().map(ToString::to_string))
        })
    };
    let rows = move || {
        list.with(|list| {
            let last = list.len().saturating_sub(1);
            list.iter()
                .cloned()
                .enumerate()
                .map(|(index, faq)| (index, index == last, faq))
                .collect::<Vec<_>>()
        })
    };

    let create = Action::new(move |input: &FaqInput| {
        let input = input.clone();
        async move {
            create_faq(input).await?;
            faqs.reload().await
        }
    });

    view! {
        <ReadOnlyNote can_edit />
        <section class="card" aria-labelledby="faq-list-title">
            <h2 id="faq-list-title">"All FAQs"</h2>
            <p class="form-error" role="alert">{error}</p>
            <Show
                when=move || list.with(|list| !list.is_empty())
                fallback=|| view! { <p class="muted">"No FAQs yet. Add the questions shoppers ask most."</p> }
            >
                <ol class="faq-list">
                    <For
                        each=rows
                        key=|(index, last, faq)| {
                            (
                                *index,
                                *last,
                                faq.id.clone(),
                                faq.question.clone(),
                                faq.answer.clone(),
                                faq.published,
                                faq.opened,
                                faq.still_needed_help,
                            )
                        }
                        let:row
                    >
                        <FaqRow faqs index=row.0 last=row.1 faq=row.2 />
                    </For>
                </ol>
            </Show>
        </section>
        <section class="card" aria-labelledby="new-faq-title">
            <h2 id="new-faq-title">"Add an FAQ"</h2>
            <FaqForm
                prefix="new-faq".to_owned()
                initial=FaqInput { published: true, ..FaqInput::default() }
                save=create
                submit_label="Add FAQ"
                saved_text="Added"
                can_edit
                reset_after_save=true
            />
        </section>
    }
}

/// (opened − still needed help) / opened, as "75%"; "—" before anyone opened it.
fn deflection(faq: &Faq) -> String {
    if faq.opened <= 0 {
        return "—".to_owned();
    }
    let deflected = (faq.opened - faq.still_needed_help).clamp(0, faq.opened);
    format!("{}%", (deflected * 100 + faq.opened / 2) / faq.opened)
}

#[component]
fn FaqRow(faqs: Faqs, index: usize, last: bool, faq: Faq) -> impl IntoView {
    let id = faq.id.clone();
    let is_editing = {
        let id = id.clone();
        move || {
            faqs.editing
                .with(|editing| editing.as_deref() == Some(id.as_str()))
        }
    };
    let view_row = {
        let faq = faq.clone();
        move || view! { <FaqSummary faqs index last faq=faq.clone() /> }
    };
    let edit_form = move || {
        let faq = faq.clone();
        let id = faq.id.clone();
        let save = Action::new(move |input: &FaqInput| {
            let input = input.clone();
            let id = id.clone();
            async move {
                update_faq(id.clone(), input).await?;
                faqs.reload().await?;
                faqs.editing.set(None);
                focus_first(vec![format!("faq-{id}-edit")]);
                Ok(())
            }
        });
        let cancel_id = faq.id.clone();
        view! {
            <FaqForm
                prefix=format!("faq-{}", faq.id)
                initial=FaqInput {
                    question: faq.question.clone(),
                    answer: faq.answer.clone(),
                    published: faq.published,
                }
                save
                submit_label="Save"
                saved_text="Saved"
                can_edit=faqs.can_edit
                on_cancel=Callback::new(move |()| {
                    faqs.editing.set(None);
                    focus_first(vec![format!("faq-{cancel_id}-edit")]);
                })
            />
        }
    };
    view! {
        <li class="faq">
            <Show when=is_editing.clone() fallback=view_row.clone()>
                {edit_form.clone()}
            </Show>
        </li>
    }
}

#[component]
fn FaqSummary(faqs: Faqs, index: usize, last: bool, faq: Faq) -> impl IntoView {
    let id = faq.id.clone();
    let question_id = format!("faq-{id}-question");
    let button_id = move |what: &str| format!("faq-{id}-{what}");
    let confirming = {
        let id = faq.id.clone();
        move || {
            faqs.deleting
                .with(|deleting| deleting.as_deref() == Some(id.as_str()))
        }
    };
    let pending = faqs.change.pending();
    let busy = move || faqs.controls.locked() || pending.get();

    let edit = {
        let id = faq.id.clone();
        move |_| {
            faqs.deleting.set(None);
            faqs.editing.set(Some(id.clone()));
            focus_first(vec![format!("faq-{id}-question-input")]);
        }
    };
    let shift = |up: bool| {
        let id = faq.id.clone();
        move |_| {
            let mut ids: Vec<String> = faqs
                .list
                .with_untracked(|list| list.iter().map(|faq| faq.id.clone()).collect());
            let Some(at) = ids.iter().position(|held| *held == id) else {
                return;
            };
            let to = if up {
                at.checked_sub(1)
            } else {
                Some(at + 1).filter(|to| *to < ids.len())
            };
            if let Some(to) = to {
                ids.swap(at, to);
                faqs.change.dispatch(Change::Move {
                    id: id.clone(),
                    up,
                    ids,
                });
            }
        }
    };
    let toggle = {
        let faq = faq.clone();
        move |_| {
            faqs.change.dispatch(Change::Publish {
                faq: faq.clone(),
                published: !faq.published,
            });
        }
    };
    let ask_delete = {
        let id = faq.id.clone();
        move |_| {
            faqs.deleting.set(Some(id.clone()));
            focus_first(vec![format!("faq-{id}-confirm-delete")]);
        }
    };
    let confirm_delete = {
        let id = faq.id.clone();
        move |_| {
            faqs.change.dispatch(Change::Delete { id: id.clone() });
        }
    };
    let cancel_delete = {
        let id = faq.id.clone();
        move |_| {
            faqs.deleting.set(None);
            focus_first(vec![format!("faq-{id}-delete")]);
        }
    };
    let stats = format!(
        "Opened {} · Still needed help {} · Deflected {}",
        faq.opened,
        faq.still_needed_help,
        deflection(&faq)
    );
    let (state_class, state_label) = if faq.published {
        ("pill published", "Published")
    } else {
        ("pill draft", "Draft")
    };

    view! {
        <div class="faq-head">
            <span class="faq-number" aria-hidden="true">{index + 1}</span>
            <h3 class="faq-question" id=question_id.clone()>{faq.question.clone()}</h3>
            <span class=state_class>{state_label}</span>
        </div>
        <p class="faq-answer">{faq.answer.clone()}</p>
        <p class="faq-stats">{stats}</p>
        <div class="row-actions" role="group" aria-labelledby=question_id.clone()>
            <button type="button" class="secondary" id=button_id("edit") on:click=edit disabled=busy>
                "Edit"
            </button>
            <button type="button" class="secondary" id=button_id("up") on:click=shift(true) disabled=move || busy() || index == 0>
                "Move up"
            </button>
            <button type="button" class="secondary" id=button_id("down") on:click=shift(false) disabled=move || busy() || last>
                "Move down"
            </button>
            <button type="button" class="secondary" id=button_id("publish") on:click=toggle disabled=busy>
                {if faq.published { "Unpublish" } else { "Publish" }}
            </button>
            <button type="button" class="secondary danger-text" id=button_id("delete") on:click=ask_delete disabled=busy>
                "Delete"
            </button>
        </div>
        <Show when=confirming.clone()>
            <div class="confirm" role="group" aria-labelledby=button_id("delete-question")>
                <p id=button_id("delete-question")>
                    {format!("Delete “{}”? Shoppers will no longer see it.", faq.question)}
                </p>
                <button type="button" class="danger" id=button_id("confirm-delete") on:click=confirm_delete.clone() disabled=busy>
                    "Delete"
                </button>
                <button type="button" class="secondary" on:click=cancel_delete.clone()>"Cancel"</button>
            </div>
        </Show>
    }
}

/// The add form, and the same form inline for editing one FAQ.
#[component]
fn FaqForm(
    /// Prefix of the form's element ids (unique per form on the page).
    prefix: String,
    initial: FaqInput,
    save: Action<FaqInput, Result<(), ApiError>>,
    submit_label: &'static str,
    saved_text: &'static str,
    can_edit: bool,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    /// Empties the form after a successful save (the add form).
    #[prop(optional)]
    reset_after_save: bool,
) -> impl IntoView {
    let question = RwSignal::new(initial.question);
    let answer = RwSignal::new(initial.answer);
    let published = RwSignal::new(initial.published);
    let outcome = Outcome::of(save);
    let controls = Controls::new(can_edit);
    let question_error = outcome.field("question");
    let answer_error = outcome.field("answer");
    if reset_after_save {
        Effect::new(move |_| {
            if outcome.saved.get() {
                question.set(String::new());
                answer.set(String::new());
                published.set(true);
            }
        });
    }
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if can_edit {
            save.dispatch(FaqInput {
                question: question.get_untracked(),
                answer: answer.get_untracked(),
                published: published.get_untracked(),
            });
        }
    };
    let id = |suffix: &str| format!("{prefix}-{suffix}");
    let (question_id, answer_id, published_id) =
        (id("question-input"), id("answer"), id("published"));
    let (question_error_id, answer_error_id, published_hint) = (
        id("question-error"),
        id("answer-error"),
        id("published-hint"),
    );
    let describe = |error_id: String, message: Signal<Option<String>>| {
        move || message.with(Option::is_some).then(|| error_id.clone())
    };

    view! {
        <form class="faq-form" novalidate on:submit=submit>
            <div class="field">
                <label for=question_id.clone()>"Question"</label>
                <input
                    id=question_id
                    type="text"
                    maxlength=MAX_FAQ_QUESTION_CHARS.to_string()
                    value=question.get_untracked()
                    prop:value=question
                    on:input=move |event| question.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(question_error)
                    aria-describedby=describe(question_error_id.clone(), question_error)
                />
                <FieldMessage id=question_error_id message=question_error />
            </div>
            <div class="field">
                <label for=answer_id.clone()>"Answer"</label>
                <textarea
                    id=answer_id
                    rows="4"
                    maxlength=MAX_FAQ_ANSWER_CHARS.to_string()
                    prop:value=answer
                    on:input=move |event| answer.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(answer_error)
                    aria-describedby=describe(answer_error_id.clone(), answer_error)
                >
                    {crate::textarea_text(answer.get_untracked())}
                </textarea>
                <FieldMessage id=answer_error_id message=answer_error />
            </div>
            <div class="check-row">
                <input
                    id=published_id.clone()
                    type="checkbox"
                    checked=published.get_untracked()
                    prop:checked=published
                    on:change=move |event| published.set(event_target_checked(&event))
                    disabled=move || controls.locked()
                    aria-describedby=published_hint.clone()
                />
                <label for=published_id>"Published"</label>
                <span class="hint" id=published_hint>"Drafts stay hidden from shoppers."</span>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                    {move || if outcome.pending.get() { "Saving…" } else { submit_label }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="secondary" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
                <FormFeedback outcome saved_text />
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq(opened: i64, still_needed_help: i64) -> Faq {
        Faq {
            id: "f".into(),
            question: "q".into(),
            answer: "a".into(),
            published: true,
            opened,
            still_needed_help,
        }
    }

    #[test]
    fn deflection_reads_as_a_percentage() {
        assert_eq!(deflection(&faq(0, 0)), "—");
        assert_eq!(deflection(&faq(4, 1)), "75%");
        assert_eq!(deflection(&faq(3, 1)), "67%");
        assert_eq!(deflection(&faq(2, 5)), "0%");
    }
}
