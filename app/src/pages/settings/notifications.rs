//! Settings → Notifications: each agent's own choice of emails. The switch saves as soon
//! as it changes; without SMTP on the server the preference is kept but nothing is sent.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{Controls, FormFeedback, Loading, Outcome, SettingsHead};
use crate::{
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
    }
}
