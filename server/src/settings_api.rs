//! What saving a setting does beyond storing it: validation that needs the server
//! (time zones), telling every node and open widget, the identity secret's rotation,
//! and invitation emails. Called by the helpdesk's server functions (`backend.rs`),
//! which have already checked the agent's role and the form's plain fields.

use app::api::{AgentProfile, ApiError, GeneralPage, HoursPage, InviteLink, NotificationsPage};
use protocol::settings::{
    BusinessHours, GeneralSettings, Role, WebChatSettings, SECRET_GRACE_HOURS,
};

use crate::{
    backend::internal,
    hours::{time_zone_names, Schedule},
    ids::now_ms,
    mailer::Email,
    state::AppState,
    store::{Section, INVITE_TTL_MS},
};

/// How long the previous identity secret keeps working after a rotation, so themes can
/// be updated without logged-in shoppers losing the chat meanwhile.
pub const SECRET_GRACE_MS: i64 = SECRET_GRACE_HOURS * 60 * 60 * 1000;

pub async fn save_web_chat(
    state: &AppState,
    settings: WebChatSettings,
) -> Result<WebChatSettings, ApiError> {
    state
        .store
        .save_section(Section::WebChat, &settings)
        .await
        .map_err(internal)?;
    state.fanout.settings_changed().await;
    Ok(state.settings.current().shop.web_chat.clone())
}

pub fn general_page(state: &AppState) -> GeneralPage {
    let settings = state.settings.current();
    let now = now_ms();
    GeneralPage {
        settings: settings.shop.general.clone(),
        secret_from_config: state.web.identity_secret_configured,
        secret_rotated_at: settings.shop.secret_rotated_at,
        previous_secret_valid_until: settings
            .shop
            .previous_secret
            .as_ref()
            .map(|(_, until)| *until)
            .filter(|until| *until > now),
        widget_script_url: format!("{}/widget.js", state.web.public_url),
        configured_origins: state.web.allowed_origins.clone(),
    }
}

pub async fn save_general(
    state: &AppState,
    settings: GeneralSettings,
) -> Result<GeneralPage, ApiError> {
    state
        .store
        .save_section(Section::General, &settings)
        .await
        .map_err(internal)?;
    state.fanout.settings_changed().await;
    Ok(general_page(state))
}

pub async fn rotate_identity_secret(state: &AppState) -> Result<String, ApiError> {
    if state.web.identity_secret_configured {
        return Err(ApiError::Invalid(
            "The identity secret is set by the server's SHOPDESK_IDENTITY_SECRET; change it there."
                .into(),
        ));
    }
    let secret = state
        .store
        .rotate_identity_secret(SECRET_GRACE_MS)
        .await
        .map_err(internal)?;
    state.fanout.settings_changed().await;
    tracing::info!("identity secret rotated; the previous one works for 24 hours");
    Ok(secret)
}

pub fn hours_page(state: &AppState) -> HoursPage {
    let settings = state.settings.current();
    let availability = settings.availability(now_ms());
    HoursPage {
        hours: settings.shop.hours.clone(),
        time_zones: time_zone_names(),
        open_now: availability.open_now,
        next_open_at: availability.next_open_at,
    }
}

pub async fn save_hours(state: &AppState, hours: BusinessHours) -> Result<HoursPage, ApiError> {
    let (_, cleaned) = Schedule::parse(&hours).map_err(ApiError::Fields)?;
    state
        .store
        .save_section(Section::BusinessHours, &cleaned)
        .await
        .map_err(internal)?;
    state.fanout.settings_changed().await;
    Ok(hours_page(state))
}

pub async fn invite(
    state: &AppState,
    by: &AgentProfile,
    email: &str,
    role: Role,
) -> Result<InviteLink, ApiError> {
    let (_, token) = state.store.invite(email, role, &by.id).await?;
    let link = format!("{}/invite/{token}", state.web.public_url);
    let expires_at = now_ms() + INVITE_TTL_MS;
    let Some(mailer) = state.worker.mailer().cloned() else {
        return Ok(InviteLink {
            link,
            emailed: false,
            expires_at,
        });
    };
    let store_name = state.settings.current().shop.general.store_name.clone();
    let email = Email {
        to_name: String::new(),
        to_address: email.to_owned(),
        subject: format!("{} invited you to the {store_name} helpdesk", by.name),
        text: format!(
            "{} invited you to answer {store_name}'s customers as {}.\n\n\
             Join the team: {link}\n\nThe link works once, for 7 days.\n",
            by.name,
            role.label().to_lowercase(),
        ),
    };
    // The admin also gets the link to share, so a mail failure loses nothing.
    let emailed = match mailer.send(&email).await {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(error = %error, "invitation email failed");
            false
        }
    };
    Ok(InviteLink {
        link,
        emailed,
        expires_at,
    })
}

pub async fn notifications_page(
    state: &AppState,
    agent: &AgentProfile,
) -> Result<NotificationsPage, ApiError> {
    Ok(NotificationsPage {
        new_ticket_emails: state
            .store
            .notify_new_tickets(&agent.id)
            .await
            .map_err(internal)?,
        email: agent.email.clone(),
        sender: state.worker.mailer().map(|mailer| mailer.from_address()),
    })
}
