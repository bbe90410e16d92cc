//! Settings → General: the store's name, brand colour and launcher corner, the storefront
//! origins allowed to embed the widget, the policy links, the identity secret (rotated
//! here unless the server's configuration sets it) and the embed snippet.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{
    GeneralSettings, LauncherPosition, WaitingAlerts, MAX_STORE_NAME_CHARS, MAX_URL_CHARS,
    SECRET_GRACE_HOURS,
};

use super::{
    ago, described_by, focus_first, invalid, Controls, CopyField, FieldMessage, Now, Outcome,
    ReadOnlyNote, SaveActions, SettingsBody, SettingsHead,
};
use crate::time::LocalTime;
use crate::{
    api::{get_general, rotate_identity_secret, save_general, ApiError, GeneralPage},
    time::now_ms,
};

#[component]
pub fn GeneralSettingsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_general());
    view! {
        <Title text="General settings" />
        <SettingsHead
            title="General"
            intro="Your store as shoppers see it in the chat, where the chat may be embedded, and how your storefront identifies customers."
        />
        <SettingsBody data=page form=move |me, page| {
            let can_edit = me.role().manages(); view! { <GeneralEditor page can_edit /> }
        } />
    }
}

/// The identity secret's state, as the card shows it (never the secret itself).
#[derive(Clone, Copy)]
struct SecretState {
    rotated_at: RwSignal<Option<i64>>,
    previous_valid_until: RwSignal<Option<i64>>,
}

impl SecretState {
    fn show(self, page: &GeneralPage) {
        self.rotated_at.set(page.secret_rotated_at);
        self.previous_valid_until
            .set(page.previous_secret_valid_until);
    }
}

#[component]
fn GeneralEditor(page: GeneralPage, can_edit: bool) -> impl IntoView {
    let secret = SecretState {
        rotated_at: RwSignal::new(page.secret_rotated_at),
        previous_valid_until: RwSignal::new(page.previous_secret_valid_until),
    };
    view! {
        <GeneralForm settings=page.settings.clone() configured_origins=page.configured_origins.clone() secret can_edit />
        <IdentitySecretCard secret from_config=page.secret_from_config can_edit />
        <EmbedSnippet script_url=page.widget_script_url />
    }
}

#[component]
fn GeneralForm(
    settings: GeneralSettings,
    /// Allowed by the server's configuration, whatever the box says.
    configured_origins: Vec<String>,
    secret: SecretState,
    can_edit: bool,
) -> impl IntoView {
    let store_name = RwSignal::new(settings.store_name);
    let brand_color = RwSignal::new(settings.brand_color);
    let position = RwSignal::new(settings.launcher_position);
    let origins = RwSignal::new(settings.allowed_origins.join("\n"));
    let privacy = RwSignal::new(settings.privacy_policy_url);
    let terms = RwSignal::new(settings.terms_of_service_url);
    let warn_minutes = RwSignal::new(settings.waiting_alerts.warn_minutes.to_string());
    let alert_minutes = RwSignal::new(settings.waiting_alerts.alert_minutes.to_string());

    let save = Action::new(move |input: &GeneralSettings| {
        let input = input.clone();
        async move {
            let page = save_general(input).await?;
            // Show what was stored (trimmed, lower-cased, duplicates dropped).
            let stored = &page.settings;
            store_name.set(stored.store_name.clone());
            brand_color.set(stored.brand_color.clone());
            position.set(stored.launcher_position);
            origins.set(stored.allowed_origins.join("\n"));
            privacy.set(stored.privacy_policy_url.clone());
            terms.set(stored.terms_of_service_url.clone());
            warn_minutes.set(stored.waiting_alerts.warn_minutes.to_string());
            alert_minutes.set(stored.waiting_alerts.alert_minutes.to_string());
            secret.show(&page);
            Ok(())
        }
    });
    let outcome = Outcome::of(save);
    let controls = Controls::new(can_edit);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !can_edit {
            return;
        }
        save.dispatch(GeneralSettings {
            store_name: store_name.get_untracked(),
            brand_color: brand_color.get_untracked(),
            launcher_position: position.get_untracked(),
            allowed_origins: origins.with_untracked(|text| {
                text.lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            privacy_policy_url: privacy.get_untracked(),
            terms_of_service_url: terms.get_untracked(),
            // Unreadable numbers become 0, which validation refuses beside the field.
            waiting_alerts: WaitingAlerts {
                warn_minutes: warn_minutes.with_untracked(|m| m.trim().parse().unwrap_or(0)),
                alert_minutes: alert_minutes.with_untracked(|m| m.trim().parse().unwrap_or(0)),
            },
        });
    };

    let name_error = outcome.field("store_name");
    let color_error = outcome.field("brand_color");
    let origins_error = outcome.field("allowed_origins");
    let privacy_error = outcome.field("privacy_policy_url");
    let terms_error = outcome.field("terms_of_service_url");
    let warn_error = outcome.field("waiting_alerts.warn_minutes");
    let alert_error = outcome.field("waiting_alerts.alert_minutes");
    // The colour picker only takes #rrggbb; anything else waits for the text field.
    let picker_value = move || {
        brand_color.with(|color| {
            let valid = color.len() == 7
                && color.starts_with('#')
                && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if valid {
                color.to_ascii_lowercase()
            } else {
                "#000000".to_owned()
            }
        })
    };

    view! {
        <form class="settings-form" novalidate on:submit=submit>
            <ReadOnlyNote can_edit />
            <section class="card">
                <h2>"Store"</h2>
                <div class="field">
                    <label for="store-name">"Store name"</label>
                    <input
                        id="store-name"
                        type="text"
                        maxlength=MAX_STORE_NAME_CHARS.to_string()
                        autocomplete="organization"
                        value=store_name.get_untracked()
                        prop:value=store_name
                        on:input=move |event| store_name.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(name_error)
                        aria-describedby=described_by(Some("store-name-hint"), "store-name-error", name_error)
                    />
                    <p class="hint" id="store-name-hint">"Shown at the top of the chat."</p>
                    <FieldMessage id="store-name-error" message=name_error />
                </div>
                <div class="field">
                    <label for="brand-color">"Brand colour"</label>
                    <div class="color-row">
                        <label for="brand-color-picker" class="sr-only">"Pick the brand colour"</label>
                        <input
                            id="brand-color-picker"
                            type="color"
                            value=untrack(picker_value)
                            prop:value=picker_value
                            on:input=move |event| brand_color.set(event_target_value(&event))
                            disabled=move || controls.locked()
                        />
                        <input
                            id="brand-color"
                            type="text"
                            class="hex"
                            maxlength="7"
                            spellcheck="false"
                            value=brand_color.get_untracked()
                            prop:value=brand_color
                            on:input=move |event| brand_color.set(event_target_value(&event))
                            disabled=move || controls.locked()
                            aria-invalid=invalid(color_error)
                            aria-describedby=described_by(Some("brand-color-hint"), "brand-color-error", color_error)
                        />
                    </div>
                    <p class="hint" id="brand-color-hint">"The launcher and the shopper's messages use it. A hex colour like #3b5bdb."</p>
                    <FieldMessage id="brand-color-error" message=color_error />
                </div>
                <fieldset class="field">
                    <legend>"Launcher position"</legend>
                    <div class="inline-choices">
                        <PositionChoice position value=LauncherPosition::BottomRight id="launcher-right" label="Bottom right" controls />
                        <PositionChoice position value=LauncherPosition::BottomLeft id="launcher-left" label="Bottom left" controls />
                    </div>
                </fieldset>
            </section>
            <section class="card">
                <h2>"Storefront"</h2>
                <div class="field">
                    <label for="allowed-origins">"Allowed storefront origins"</label>
                    <textarea
                        id="allowed-origins"
                        rows="3"
                        spellcheck="false"
                        placeholder="https://shop.example"
                        prop:value=origins
                        on:input=move |event| origins.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(origins_error)
                        aria-describedby=described_by(Some("allowed-origins-hint"), "allowed-origins-error", origins_error)
                    >
                        {crate::textarea_text(origins.get_untracked())}
                    </textarea>
                    <p class="hint" id="allowed-origins-hint">
                        "One per line, like https://shop.example. Only these sites can embed the chat."
                        {configured_origins_hint(&configured_origins)}
                    </p>
                    <FieldMessage id="allowed-origins-error" message=origins_error />
                </div>
                <div class="field">
                    <PolicyLinkInput
                        id="privacy-url"
                        error_id="privacy-url-error"
                        label="Privacy policy URL"
                        placeholder="https://shop.example/policies/privacy-policy"
                        value=privacy
                        error=privacy_error
                        controls
                    />
                </div>
                <div class="field">
                    <PolicyLinkInput
                        id="terms-url"
                        error_id="terms-url-error"
                        label="Terms of service URL"
                        placeholder="https://shop.example/policies/terms-of-service"
                        value=terms
                        error=terms_error
                        controls
                    />
                    <p class="hint" id="policy-links-hint">
                        "Shoppers see these links before they send their first message. Leave empty to hide."
                    </p>
                </div>
            </section>
            <section class="card" aria-labelledby="waiting-title">
                <h2 id="waiting-title">"Waiting shoppers"</h2>
                <p class="hint" id="waiting-hint">
                    "The inbox shows how long each shopper has waited for a reply, amber and then red. Checking in every 3 to 5 minutes keeps a live chat alive."
                </p>
                <div class="field-row">
                    <div class="field">
                        <label for="warn-minutes">"Amber after (minutes)"</label>
                        <input
                            id="warn-minutes"
                            type="number"
                            min="1"
                            max="1440"
                            inputmode="numeric"
                            prop:value=warn_minutes
                            on:input=move |event| warn_minutes.set(event_target_value(&event))
                            disabled=move || controls.locked()
                            aria-invalid=invalid(warn_error)
                            aria-describedby=described_by(Some("waiting-hint"), "warn-minutes-error", warn_error)
                        />
                        <FieldMessage id="warn-minutes-error" message=warn_error />
                    </div>
                    <div class="field">
                        <label for="alert-minutes">"Red after (minutes)"</label>
                        <input
                            id="alert-minutes"
                            type="number"
                            min="1"
                            max="1440"
                            inputmode="numeric"
                            prop:value=alert_minutes
                            on:input=move |event| alert_minutes.set(event_target_value(&event))
                            disabled=move || controls.locked()
                            aria-invalid=invalid(alert_error)
                            aria-describedby=described_by(Some("waiting-hint"), "alert-minutes-error", alert_error)
                        />
                        <FieldMessage id="alert-minutes-error" message=alert_error />
                    </div>
                </div>
            </section>
            <SaveActions outcome controls />
        </form>
    }
}

#[component]
fn PositionChoice(
    position: RwSignal<LauncherPosition>,
    value: LauncherPosition,
    id: &'static str,
    label: &'static str,
    controls: Controls,
) -> impl IntoView {
    view! {
        <span class="choice">
            <input
                id=id
                type="radio"
                name="launcher_position"
                value=value.as_str()
                checked=position.get_untracked() == value
                prop:checked=move || position.get() == value
                on:change=move |_| position.set(value)
                disabled=move || controls.locked()
            />
            <label for=id>{label}</label>
        </span>
    }
}

/// The identity secret: when it was rotated, and a two-step Rotate that shows the new
/// secret once.
#[component]
fn IdentitySecretCard(secret: SecretState, from_config: bool, can_edit: bool) -> impl IntoView {
    let now = expect_context::<Now>().0;
    let confirming = RwSignal::new(false);
    let controls = Controls::new(can_edit);
    let rotate = Action::new(move |_: &()| async move {
        let new_secret = rotate_identity_secret().await?;
        match get_general().await {
            Ok(page) => secret.show(&page),
            Err(_) => secret.rotated_at.set(Some(now_ms())),
        }
        Ok::<_, ApiError>(new_secret)
    });
    let pending = rotate.pending();
    let error = move || {
        rotate.value().with(|value| {
            value
                .as_ref()
                .and_then(|r| r.as_ref().err().map(ToString::to_string))
        })
    };
    let new_secret = move || {
        rotate
            .value()
            .with(|value| value.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    };
    let start = move |_| {
        confirming.set(true);
        focus_first(vec!["rotate-confirm".to_owned()]);
    };
    let cancel = move |_| {
        confirming.set(false);
        focus_first(vec!["rotate-secret".to_owned()]);
    };
    let confirm = move |_| {
        confirming.set(false);
        rotate.dispatch(());
    };
    // Once the new secret is in, put the focus on it.
    Effect::new(move |_| {
        if new_secret().is_some() {
            focus_first(vec!["new-secret".to_owned()]);
        }
    });

    let rotation = move || {
        if from_config {
            return view! {
                <p class="note">
                    "This secret is set in the server's configuration (SHOPDESK_IDENTITY_SECRET). The server's operator changes it there."
                </p>
            }
            .into_any();
        }
        view! {
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        id="rotate-secret"
                        class="secondary"
                        on:click=start
                        disabled=move || controls.locked() || pending.get()
                    >
                        {move || if pending.get() { "Rotating…" } else { "Rotate secret" }}
                    </button>
                }
            >
                <div class="confirm" role="group" aria-labelledby="rotate-question">
                    <p id="rotate-question">
                        {format!("Are you sure? Your storefront must then sign customers with the new secret. The current one keeps working for {SECRET_GRACE_HOURS} hours while you switch over.")}
                    </p>
                    <button type="button" id="rotate-confirm" class="danger" on:click=confirm>"Confirm"</button>
                    <button type="button" class="secondary" on:click=cancel>"Cancel"</button>
                </div>
            </Show>
        }
        .into_any()
    };

    view! {
        <section class="card" aria-labelledby="secret-title">
            <h2 id="secret-title">"Identity secret"</h2>
            <p>
                "Your storefront signs each logged-in customer's id with this secret (HMAC-SHA256), so the chat knows who they are and shows them only their own conversations. Keep it on your server; never put it in a page."
            </p>
            <p class="secret-state">
                {move || match secret.rotated_at.get() {
                    Some(at) => format!("Rotated {}", ago(at, now.get())),
                    None => "Never rotated".to_owned(),
                }}
            </p>
            {move || secret.previous_valid_until.get().map(|until| view! {
                <p class="hint">"The previous secret keeps working until " <LocalTime at=until /> "."</p>
            })}
            {move || new_secret().map(|value| view! {
                <div class="new-secret">
                    <CopyField id="new-secret" label="New identity secret" value />
                    <p class="warning">"Copy it now and store it safely: it will not be shown again."</p>
                </div>
            })}
            {rotation}
            <p class="form-error" role="alert">{error}</p>
        </section>
    }
}

/// The origins the server's own configuration allows, so an empty box does not read as
/// "no storefront can embed the chat".
fn configured_origins_hint(origins: &[String]) -> Option<String> {
    (!origins.is_empty()).then(|| {
        format!(
            " Also allowed by the server's configuration (SHOPDESK_ALLOWED_ORIGINS, or the demo storefront): {}.",
            origins.join(", ")
        )
    })
}

/// The tag a storefront's theme adds (Shopify Liquid, as the README documents it).
#[component]
fn EmbedSnippet(script_url: String) -> impl IntoView {
    let snippet = [
        "{%- if customer -%}",
        "  {%- capture shopdesk_identity -%}{{ customer.id }}|{{ customer.email }}|{{ customer.name }}{%- endcapture -%}",
        "  {%- assign shopdesk_signature = shopdesk_identity | hmac_sha256: settings.shopdesk_identity_secret -%}",
        "{%- endif -%}",
        &format!("<script src=\"{script_url}\""),
        "  data-locale=\"{{ request.locale.iso_code }}\"",
        "  data-login-url=\"{{ routes.account_login_url }}\"",
        "  {%- if customer %}",
        "  data-customer-id=\"{{ customer.id }}\"",
        "  data-customer-name=\"{{ customer.name | escape }}\"",
        "  data-customer-email=\"{{ customer.email | escape }}\"",
        "  data-signature=\"{{ shopdesk_signature }}\"",
        "  {%- endif %}",
        "  async></script>",
    ]
    .join("\n");
    view! {
        <section class="card" aria-labelledby="embed-title">
            <h2 id="embed-title">"Embed snippet"</h2>
            <p>
                "Your theme adds this tag before </body> (in Shopify: layout/theme.liquid). Keep the identity secret in a theme setting: Liquid runs on the store's servers, so shoppers never see it. The signature is the hex HMAC-SHA256, made with the identity secret, of the customer's id, email and name joined by |, so agents can trust all three."
            </p>
            // Focusable: it scrolls sideways, and keyboard users must reach all of it.
            <pre class="snippet" tabindex="0" aria-label="Embed snippet"><code>{snippet}</code></pre>
        </section>
    }
}

/// A policy link's label, URL input and error; the hint below the last one explains both.
#[component]
fn PolicyLinkInput(
    id: &'static str,
    error_id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    controls: Controls,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type="url"
            inputmode="url"
            maxlength=MAX_URL_CHARS.to_string()
            placeholder=placeholder
            value=value.get_untracked()
            prop:value=value
            on:input=move |event| value.set(event_target_value(&event))
            disabled=move || controls.locked()
            aria-invalid=invalid(error)
            aria-describedby=described_by(Some("policy-links-hint"), error_id, error)
        />
        <FieldMessage id=error_id message=error />
    }
}
