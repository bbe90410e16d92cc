//! The SMS channel, through a provider with Twilio's API shape. Inbound texts arrive at
//! `POST /api/sms/inbound` (form-encoded `From`, `To`, `Body`, `MessageSid`, media URLs)
//! and join the sender's open SMS ticket; agents' replies on SMS tickets go out through
//! the provider's REST API from a background job; the provider reports delivery at
//! `POST /api/sms/status`. Webhooks are signed: base64 HMAC-SHA1, with the account's auth
//! token, of the webhook's URL followed by each parameter's name and value in name order.
//! STOP (and the usual synonyms) opts the profile out: no SMS goes to it until START.

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::IntoResponse,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use protocol::{Channel, MAX_BODY_CHARS};
use serde::Deserialize;
use sha1::Sha1;

use crate::{
    config::SmsConfig,
    error::ApiError,
    events_api::normalized_phone,
    state::AppState,
    store::{AppendError, NewMessage, OutgoingSms, Sender, Store, StoreError},
};

pub const INBOUND_PATH: &str = "/api/sms/inbound";
pub const STATUS_PATH: &str = "/api/sms/status";
const OPT_OUT: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "REVOKE",
];
const OPT_IN: [&str; 4] = ["START", "UNSTOP", "YES", "OPTIN"];
/// The most media links kept from one text.
const MAX_MEDIA: usize = 10;

/// Whether `signature` signs a webhook to `url` with these form `params`.
pub fn verify(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(expected) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return false;
    };
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac.verify_slice(&expected).is_ok()
}

/// The signed form of a webhook to `path`, or the answer refusing it.
fn signed_form(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(SmsConfig, Vec<(String, String)>), ApiError> {
    let config = state.web.sms.clone().ok_or(ApiError::NotFound)?;
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| ApiError::BadRequest("the body is not a form".into()))?;
    let url = format!("{}{path}", state.web.public_url.trim_end_matches('/'));
    let signed = headers
        .get("x-twilio-signature")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|signature| verify(config.auth_token.expose(), &url, &params, signature));
    if !signed {
        tracing::warn!(
            path,
            "SMS webhook with a missing or wrong signature refused"
        );
        return Err(ApiError::Forbidden(
            "the X-Twilio-Signature header is missing or does not sign this request",
        ));
    }
    Ok((config, params))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// An empty TwiML answer: nothing to reply automatically.
fn empty_twiml() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
    )
}

/// `POST /api/sms/inbound`: a text from a shopper.
pub async fn receive_sms(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let (_, params) = signed_form(&state, INBOUND_PATH, &headers, &body)?;
    let from = param(&params, "From")
        .and_then(normalized_phone)
        .ok_or_else(|| ApiError::BadRequest("From is not a phone number".into()))?;
    let sid = param(&params, "MessageSid")
        .filter(|sid| {
            (1..=64).contains(&sid.len()) && sid.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .ok_or_else(|| ApiError::BadRequest("MessageSid is missing".into()))?;
    let text = param(&params, "Body").unwrap_or_default().trim();
    let media: Vec<&str> = (0..MAX_MEDIA)
        .filter_map(|index| param(&params, &format!("MediaUrl{index}")))
        .filter(|url| url.starts_with("https://"))
        .collect();
    let mut body: String = text.chars().take(MAX_BODY_CHARS).collect();
    for url in &media {
        // Kept as links: fetching them needs the provider's credentials (see README).
        if body.chars().count() + url.len() < MAX_BODY_CHARS {
            body.push_str(if body.is_empty() { "" } else { "\n" });
            body.push_str(url);
        }
    }
    if body.is_empty() {
        return Ok(empty_twiml());
    }

    let customer_id = state.store.profile_for_phone(&from).await?;
    let keyword = text.to_ascii_uppercase();
    if OPT_OUT.contains(&keyword.as_str()) {
        state.store.set_sms_opt_out(&customer_id, true).await?;
    } else if OPT_IN.contains(&keyword.as_str()) {
        state.store.set_sms_opt_out(&customer_id, false).await?;
    }
    let (conversation_id, opened) = state.store.open_sms_ticket(&customer_id).await?;
    let appended = state
        .store
        .append_message(NewMessage {
            sender: Sender::Shopper {
                customer_id: customer_id.clone(),
                name: from.clone(),
                channel: Channel::Sms,
            },
            conversation_id: Some(conversation_id),
            client_id: format!("sms-{sid}"),
            body,
            back_at: None,
            attachments: Vec::new(),
            ai_first: false,
        })
        .await
        .map_err(|error| match error {
            AppendError::Store(error) => ApiError::Store(error),
            // Closed between opening and appending: the provider retries, and the
            // retry opens a new ticket.
            other => {
                tracing::warn!(error = %other, "inbound SMS not stored; the provider will retry");
                ApiError::Store(StoreError::WriterStopped)
            }
        })?;
    // A provider retry is announced again: the first try may have died before it was.
    state
        .fanout
        .message_stored(&appended.customer_id, appended.channel, &appended.message)
        .await;
    if opened {
        state.worker.wake();
    }
    Ok(empty_twiml())
}

/// `POST /api/sms/status`: how far a reply got.
pub async fn receive_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let (_, params) = signed_form(&state, STATUS_PATH, &headers, &body)?;
    let (Some(sid), Some(status)) = (
        param(&params, "MessageSid"),
        param(&params, "MessageStatus"),
    ) else {
        return Err(ApiError::BadRequest(
            "MessageSid and MessageStatus are needed".into(),
        ));
    };
    state.store.record_sms_status(sid, status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends agents' replies through the provider's REST API.
#[derive(Clone)]
pub struct SmsSender {
    config: SmsConfig,
    status_callback: String,
    http: reqwest::Client,
}

/// What sending one reply came to.
pub enum Sent {
    /// Finished: sent, refused for good, or not to be sent.
    Done(String),
    /// Try again later (the provider or the network failed).
    Retry(String),
}

#[derive(Deserialize)]
struct ProviderMessage {
    sid: String,
    status: Option<String>,
}

impl SmsSender {
    pub fn new(config: SmsConfig, public_url: &str) -> Self {
        SmsSender {
            config,
            status_callback: format!("{}{STATUS_PATH}", public_url.trim_end_matches('/')),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .unwrap_or_default(),
        }
    }

    /// Sends the reply `message_id` once: a reply the provider already took is not sent again.
    pub async fn send(&self, store: &Store, message_id: &str) -> Result<Sent, StoreError> {
        let Some(sms) = store.outgoing_sms(message_id).await? else {
            return Ok(Sent::Done("skipped: not an SMS reply (or no phone)".into()));
        };
        if sms.provider_id.is_some() {
            return Ok(Sent::Done("already sent".into()));
        }
        if sms.opted_out {
            store.record_sms_sent(message_id, None, "failed").await?;
            return Ok(Sent::Done("not sent: the shopper opted out".into()));
        }
        match self.post(&sms).await {
            Ok(taken) => {
                let status = taken.status.unwrap_or_else(|| "queued".to_owned());
                store
                    .record_sms_sent(message_id, Some(&taken.sid), &status)
                    .await?;
                Ok(Sent::Done(format!("sent as {}", taken.sid)))
            }
            Err(ProviderError::Refused(reason)) => {
                store.record_sms_sent(message_id, None, "failed").await?;
                Ok(Sent::Done(format!("refused: {reason}")))
            }
            Err(ProviderError::Unavailable(reason)) => Ok(Sent::Retry(reason)),
        }
    }

    async fn post(&self, sms: &OutgoingSms) -> Result<ProviderMessage, ProviderError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.config.api_base.trim_end_matches('/'),
            self.config.account_sid
        );
        let response = self
            .http
            .post(url)
            .basic_auth(
                &self.config.account_sid,
                Some(self.config.auth_token.expose()),
            )
            .form(&[
                ("To", sms.to.as_str()),
                ("From", self.config.from.as_str()),
                ("Body", sms.body.as_str()),
                ("StatusCallback", self.status_callback.as_str()),
            ])
            .send()
            .await
            .map_err(|error| ProviderError::Unavailable(error.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            response
                .json()
                .await
                .map_err(|error| ProviderError::Unavailable(format!("unreadable answer: {error}")))
        } else if status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(ProviderError::Refused(format!("HTTP {status}")))
        } else {
            Err(ProviderError::Unavailable(format!("HTTP {status}")))
        }
    }
}

enum ProviderError {
    Refused(String),
    Unavailable(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_providers_documented_example() {
        // Twilio's published example for its request validation.
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675310"),
            ("Digits", "1234"),
            ("From", "+14158675310"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert!(verify(
            "12345",
            url,
            &params,
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        ));
        assert!(!verify(
            "12346",
            url,
            &params,
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        ));
        assert!(!verify(
            "12345",
            "https://mycompany.com/other",
            &params,
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        ));
        let mut tampered = params.clone();
        tampered[2].1 = "9999".into();
        assert!(!verify(
            "12345",
            url,
            &tampered,
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        ));
    }
}
