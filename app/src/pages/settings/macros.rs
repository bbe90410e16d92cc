//! Settings → Macros: the team's canned replies, with `{{variables}}` filled from the
//! shopper's profile when an agent inserts one. Every change reloads the list.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::profile::{Macro, MacroInput, MACRO_VARIABLES, MAX_MACRO_NAME_CHARS};

use super::{
    invalid, Controls, FieldMessage, FormFeedback, Outcome, ReadOnlyNote, SettingsBody,
    SettingsHead,
};
use crate::api::{create_macro, delete_macro, list_macros, update_macro, ApiError};

#[component]
pub fn MacrosSettings() -> impl IntoView {
    let macros = Resource::new(|| (), |_| list_macros());
    view! {
        <Title text="Macros" />
        <SettingsHead
            title="Macros"
            intro="Canned replies agents insert from the composer. Variables like {{first_name}} are filled from the shopper's profile."
        />
        <SettingsBody data=macros form=move |me, macros| {
            let can_edit = me.role().manages();
            view! { <MacroManager macros can_edit /> }
        } />
    }
}

/// What the page saves: a new macro, or changes to one.
#[derive(Debug, Clone)]
struct Save {
    id: Option<String>,
    input: MacroInput,
}

#[component]
fn MacroManager(macros: Vec<Macro>, can_edit: bool) -> impl IntoView {
    let list = RwSignal::new(macros);
    let editing = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let controls = Controls::new(can_edit);

    let save = Action::new(move |save: &Save| {
        let save = save.clone();
        async move {
            match save.id {
                Some(id) => update_macro(id, save.input).await?,
                None => {
                    create_macro(save.input).await?;
                }
            }
            list.set(list_macros().await?);
            editing.set(None);
            name.set(String::new());
            body.set(String::new());
            Ok::<(), ApiError>(())
        }
    });
    let remove = Action::new(move |id: &String| {
        let id = id.clone();
        async move {
            delete_macro(id).await?;
            deleting.set(None);
            list.set(list_macros().await?);
            Ok::<(), ApiError>(())
        }
    });
    let outcome = Outcome::of(save);
    let remove_outcome = Outcome::of(remove);
    let name_error = outcome.field("name");
    let body_error = outcome.field("body");

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if controls.locked() {
            return;
        }
        save.dispatch(Save {
            id: editing.get_untracked(),
            input: MacroInput {
                name: name.get_untracked(),
                body: body.get_untracked(),
            },
        });
    };
    let start_edit = move |chosen: Macro| {
        editing.set(Some(chosen.id));
        name.set(chosen.name);
        body.set(chosen.body);
        if let Some(field) = leptos::prelude::document().get_element_by_id("macro-name") {
            use leptos::wasm_bindgen::JsCast;
            if let Some(field) = field.dyn_ref::<leptos::web_sys::HtmlElement>() {
                let _ = field.focus();
            }
        }
    };
    let cancel = move |_| {
        editing.set(None);
        name.set(String::new());
        body.set(String::new());
    };

    view! {
        <ReadOnlyNote can_edit />
        <section class="card" aria-labelledby="macro-list-title">
            <h2 id="macro-list-title">{move || match list.with(Vec::len) {
                0 => "No macros yet".to_owned(),
                1 => "1 macro".to_owned(),
                count => format!("{count} macros"),
            }}</h2>
            <ul class="macro-list">
                <For each=move || list.get() key=|m| (m.id.clone(), m.name.clone(), m.body.clone()) let:item>
                    {
                        let id = item.id.clone();
                        let id_for_delete = item.id.clone();
                        let id_for_confirm = item.id.clone();
                        let chosen = item.clone();
                        let confirming = move || deleting.get().as_deref() == Some(id.as_str());
                        view! {
                            <li class="macro-row">
                                <div class="macro-text">
                                    <p class="macro-name">{item.name.clone()}</p>
                                    <p class="macro-body muted">{item.body.clone()}</p>
                                </div>
                                <Show
                                    when=confirming
                                    fallback=move || {
                                        let chosen = chosen.clone();
                                        let id_for_delete = id_for_delete.clone();
                                        view! {
                                            <div class="row-actions">
                                                <button type="button" class="secondary small" disabled=move || controls.locked()
                                                    on:click=move |_| start_edit(chosen.clone())>
                                                    "Edit"
                                                </button>
                                                <button type="button" class="secondary small" disabled=move || controls.locked()
                                                    on:click=move |_| deleting.set(Some(id_for_delete.clone()))>
                                                    "Delete"
                                                </button>
                                            </div>
                                        }
                                    }
                                >
                                    <div class="confirm">
                                        <p>"Delete this macro for the whole team?"</p>
                                        <button type="button" class="danger small" on:click={
                                            let id = id_for_confirm.clone();
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
            <FormFeedback outcome=remove_outcome saved_text="" />
        </section>
        <form class="card" on:submit=submit aria-labelledby="macro-form-title">
            <h2 id="macro-form-title">{move || if editing.get().is_some() { "Edit macro" } else { "New macro" }}</h2>
            <div class="field">
                <label for="macro-name">"Name"</label>
                <input
                    id="macro-name"
                    type="text"
                    maxlength=MAX_MACRO_NAME_CHARS
                    placeholder="Where is my order"
                    prop:value=name
                    on:input=move |event| name.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(name_error)
                    aria-describedby=move || name_error.with(Option::is_some).then_some("macro-name-error")
                />
                <FieldMessage id="macro-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="macro-body">"Reply"</label>
                <textarea
                    id="macro-body"
                    rows="5"
                    maxlength="5000"
                    placeholder="Hi {{first_name}}, your order {{last_order_number}} is on its way!"
                    prop:value=body
                    on:input=move |event| body.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(body_error)
                    aria-describedby=move || {
                        let mut ids = "macro-variables".to_owned();
                        if body_error.with(Option::is_some) {
                            ids.push_str(" macro-body-error");
                        }
                        ids
                    }
                ></textarea>
                <FieldMessage id="macro-body-error" message=body_error />
                <div class="variables" id="macro-variables">
                    <p class="hint">"Variables (click to add):"</p>
                    <ul>
                        {MACRO_VARIABLES.iter().map(|(variable, meaning)| view! {
                            <li>
                                <button
                                    type="button"
                                    class="chip"
                                    title=*meaning
                                    disabled=move || controls.locked()
                                    on:click=move |_| body.update(|text| {
                                        text.push_str(&format!("{{{{{variable}}}}}"));
                                    })
                                >{format!("{{{{{variable}}}}}")}</button>
                                <span class="sr-only">{format!(": {meaning}")}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                    {move || match (outcome.pending.get(), editing.get().is_some()) {
                        (true, _) => "Saving…",
                        (false, true) => "Save changes",
                        (false, false) => "Add macro",
                    }}
                </button>
                <Show when=move || editing.get().is_some()>
                    <button type="button" class="secondary" on:click=cancel>"Cancel"</button>
                </Show>
                <FormFeedback outcome />
            </div>
        </form>
    }
}
