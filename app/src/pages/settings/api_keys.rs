//! Settings → API keys: private keys for the events API (`POST /api/events`), which lets
//! the merchant's other systems add events to shoppers' profiles. A new key's secret is
//! shown once; keys can be revoked. Owners and admins only: a key can write to profiles.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::api_keys::{ApiKey, CreatedApiKey, MAX_API_KEY_NAME_CHARS};

use super::{
    ago, invalid, Controls, CopyField, FieldMessage, FormFeedback, Now, Outcome, ReadOnlyNote,
    SettingsBody, SettingsHead,
};
use crate::api::{create_api_key, list_api_keys, revoke_api_key, ApiError};

#[component]
pub fn ApiKeysSettings() -> impl IntoView {
    let keys = Resource::new(|| (), |_| list_api_keys());
    view! {
        <Title text="API keys" />
        <SettingsHead
            title="API keys"
            intro="Private keys your other systems use to add events (emails sent, products viewed…) to shoppers' profiles through the events API. Treat them like passwords."
        />
        <SettingsBody data=keys form=move |me, keys| {
            let can_edit = me.role().manages();
            view! { <KeyManager keys can_edit /> }
        } />
    }
}

#[component]
fn KeyManager(keys: Vec<ApiKey>, can_edit: bool) -> impl IntoView {
    let list = RwSignal::new(keys);
    let name = RwSignal::new(String::new());
    let revoking = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<CreatedApiKey>);
    let controls = Controls::new(can_edit);
    let Now(now) = expect_context::<Now>();

    let create = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            let key = create_api_key(name).await?;
            created.set(Some(key));
            list.set(list_api_keys().await?);
            Ok::<(), ApiError>(())
        }
    });
    let revoke = Action::new(move |id: &String| {
        let id = id.clone();
        async move {
            revoke_api_key(id).await?;
            revoking.set(None);
            list.set(list_api_keys().await?);
            Ok::<(), ApiError>(())
        }
    });
    let outcome = Outcome::of(create);
    let revoke_outcome = Outcome::of(revoke);
    let name_error = outcome.field("name");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if controls.locked() {
            return;
        }
        created.set(None);
        create.dispatch(name.get_untracked());
    };
    // The form clears once its key exists (the name shows in the list).
    Effect::new(move |_| {
        if created.with(Option::is_some) {
            name.set(String::new());
        }
    });

    view! {
        <ReadOnlyNote can_edit />
        <Show when=move || created.with(Option::is_some)>
            <section class="card callout" aria-labelledby="new-key-title">
                <h2 id="new-key-title">{move || created.with(|key| key.as_ref().map(|key| format!("“{}” is ready", key.key.name)))}</h2>
                <p>"Copy the key now: it is shown only this once. Lost it? Revoke it and create another."</p>
                {move || created.get().map(|key| view! {
                    <CopyField id="new-api-key" label="API key" value=key.secret />
                })}
            </section>
        </Show>
        <section class="card" aria-labelledby="key-list-title">
            <h2 id="key-list-title">{move || match list.with(Vec::len) {
                0 => "No API keys yet".to_owned(),
                1 => "1 API key".to_owned(),
                count => format!("{count} API keys"),
            }}</h2>
            <ul class="macro-list">
                <For each=move || list.get() key=|key| (key.id.clone(), key.last_used_at) let:key>
                    {
                        let id = key.id.clone();
                        let id_for_revoke = key.id.clone();
                        let id_for_confirm = key.id.clone();
                        let confirming = move || revoking.get().as_deref() == Some(id.as_str());
                        let created_at = key.created_at;
                        let last_used = key.last_used_at;
                        view! {
                            <li class="macro-row">
                                <div class="macro-text">
                                    <p class="macro-name">{key.name.clone()} " " <code>{key.hint.clone()}</code></p>
                                    <p class="muted">
                                        {format!("Created by {} ", key.created_by)}
                                        {move || ago(created_at, now.get())}
                                        " · "
                                        {move || last_used.map_or_else(|| "never used".to_owned(), |at| format!("last used {}", ago(at, now.get())))}
                                    </p>
                                </div>
                                <Show
                                    when=confirming
                                    fallback=move || {
                                        let id_for_revoke = id_for_revoke.clone();
                                        view! {
                                            <div class="row-actions">
                                                <button type="button" class="secondary small" disabled=move || controls.locked()
                                                    on:click=move |_| revoking.set(Some(id_for_revoke.clone()))>
                                                    "Revoke"
                                                </button>
                                            </div>
                                        }
                                    }
                                >
                                    <div class="confirm">
                                        <p>"Revoke this key? Anything using it stops working at once."</p>
                                        <button type="button" class="danger small" on:click={
                                            let id = id_for_confirm.clone();
                                            move |_| { revoke.dispatch(id.clone()); }
                                        }>"Revoke"</button>
                                        <button type="button" class="secondary small" on:click=move |_| revoking.set(None)>"Keep"</button>
                                    </div>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
            <FormFeedback outcome=revoke_outcome saved_text="" />
        </section>
        <form class="card" on:submit=submit aria-labelledby="key-form-title">
            <h2 id="key-form-title">"New API key"</h2>
            <div class="field">
                <label for="api-key-name">"Name"</label>
                <input
                    id="api-key-name"
                    type="text"
                    maxlength=MAX_API_KEY_NAME_CHARS
                    placeholder="Email platform"
                    prop:value=name
                    on:input=move |event| name.set(event_target_value(&event))
                    disabled=move || controls.locked()
                    aria-invalid=invalid(name_error)
                    aria-describedby=move || name_error.with(Option::is_some).then_some("api-key-name-error")
                />
                <FieldMessage id="api-key-name-error" message=name_error />
            </div>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                    "Create key"
                </button>
            </div>
            <FormFeedback outcome saved_text="" />
        </form>
    }
}
