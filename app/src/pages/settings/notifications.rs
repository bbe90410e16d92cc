//! Settings → Notifications: each agent's own choice of emails. The switch saves as soon
//! as it changes; without SMTP on the server the preference is kept but nothing is sent.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{Controls, FormFeedback, Loading, Outcome, SettingsHead};
use crate::{
    alerts::{ask_desktop_permission, desktop_permission, AlertPrefs},
    api::{get_notifications, save_notifications, NotificationsPage},
    pages::ErrorNote,
};

#[component]
pub fn NotificationsSettings() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_notifications());
    view! {
        <Title text="Notifications" />
        <SettingsHead
            title="Notifications"
            intro="Your own notifications: each member of the team chooses theirs."
        />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <NotificationsForm page /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotificationsForm(page: NotificationsPage) -> impl IntoView {
    let new_ticket_emails = RwSignal::new(page.new_ticket_emails);
    let save = Action::new(move |wanted: &bool| {
        let wanted = *wanted;
        async move {
            match save_notifications(wanted).await {
                Ok(page) => {
                    new_ticket_emails.set(page.new_ticket_emails);
                    Ok(page)
                }
                Err(error) => {
                    // The switch shows what is stored.
                    new_ticket_emails.set(!wanted);
                    Err(error)
                }
            }
        }
    });
    let outcome = Outcome::of(save);
    let controls = Controls::new(true);
    let hint = match &page.sender {
        Some(sender) => format!(
            "Sent to {} from {sender}. Saved as soon as you change it.",
            page.email
        ),
        None => format!("Sent to {}. Saved as soon as you change it.", page.email),
    };
    view! {
        {page.sender.is_none().then(|| view! {
            <div class="warning-box" role="note">
                <p>
                    <strong>"Email is not set up on this server, so no notification emails can be sent."</strong>
                    " The server's operator sets SHOPDESK_SMTP_URL and SHOPDESK_SMTP_FROM."
                </p>
                <p>"You can still choose below; your choice applies once email is set up."</p>
            </div>
        })}
        <section class="card">
            <div class="switch-row">
                <input
                    id="new-ticket-emails"
                    type="checkbox"
                    role="switch"
                    class="switch"
                    checked=new_ticket_emails.get_untracked()
                    prop:checked=new_ticket_emails
                    on:change=move |event| {
                        let wanted = event_target_checked(&event);
                        new_ticket_emails.set(wanted);
                        save.dispatch(wanted);
                    }
                    disabled=move || controls.locked()
                    aria-describedby="new-ticket-emails-hint"
                />
                <label for="new-ticket-emails">"Email me when a new ticket arrives"</label>
            </div>
            <p class="hint" id="new-ticket-emails-hint">
                {hint}
            </p>
            <div class="form-actions">
                <FormFeedback outcome />
            </div>
        </section>
        <BrowserAlerts />
    }
}

/// Sound and desktop notifications in this browser (kept in this browser only).
#[component]
fn BrowserAlerts() -> impl IntoView {
    let prefs = RwSignal::new(AlertPrefs::default());
    let permission = RwSignal::new(String::from("unsupported"));
    let controls = Controls::new(true);
    // Browser only: what this browser saved, and what it allows.
    Effect::new(move |_| {
        prefs.set(AlertPrefs::load());
        permission.set(desktop_permission());
    });
    let change = move |update: AlertPrefs| {
        prefs.set(update);
        update.save();
    };
    let desktop_hint = move || match permission.get().as_str() {
        "denied" => {
            "Your browser blocks notifications from this site; allow them in its site settings."
        }
        "unsupported" => "This browser cannot show desktop notifications.",
        _ => "Shown while the helpdesk tab is in the background.",
    };
    view! {
        <section class="card" aria-labelledby="browser-alerts-title">
            <h2 id="browser-alerts-title">"In this browser"</h2>
            <p class="hint">"When a shopper writes. Off unless you turn them on; kept in this browser only."</p>
            <div class="switch-row">
                <input
                    id="alert-sound"
                    type="checkbox"
                    role="switch"
                    class="switch"
                    prop:checked=move || prefs.get().sound
                    disabled=move || controls.locked()
                    on:change=move |event| {
                        let sound = event_target_checked(&event);
                        change(AlertPrefs { sound, ..prefs.get_untracked() });
                        if sound {
                            crate::alerts::beep();
                        }
                    }
                />
                <label for="alert-sound">"Play a sound"</label>
            </div>
            <div class="switch-row">
                <input
                    id="alert-desktop"
                    type="checkbox"
                    role="switch"
                    class="switch"
                    prop:checked=move || prefs.get().desktop
                    disabled=move || controls.locked() || permission.get() == "denied" || permission.get() == "unsupported"
                    aria-describedby="alert-desktop-hint"
                    on:change=move |event| {
                        let desktop = event_target_checked(&event);
                        change(AlertPrefs { desktop, ..prefs.get_untracked() });
                        if desktop && permission.get_untracked() == "default" {
                            ask_desktop_permission(move |answer| {
                                if answer != "granted" {
                                    change(AlertPrefs { desktop: false, ..prefs.get_untracked() });
                                }
                                permission.set(answer);
                            });
                        }
                    }
                />
                <label for="alert-desktop">"Show a desktop notification"</label>
            </div>
            <p class="hint" id="alert-desktop-hint">{desktop_hint}</p>
        </section>
    }
}
