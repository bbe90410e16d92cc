//! The events API (`POST /api/events`): a merchant's own systems (email platform,
//! reviews, back office) add events to a shopper's profile timeline, authenticated with a
//! private API key from Settings → API keys. Idempotent by the caller's `unique_id`.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    Json,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    error::ApiError,
    identity,
    ids::{now_ms, rfc3339_ms},
    state::AppState,
    store::{NewProfileEvent, ProfileIdentifiers, ProfileLookupError},
};

const MAX_METRIC_CHARS: usize = 100;
const MAX_SUMMARY_CHARS: usize = 300;
const MAX_UNIQUE_ID_CHARS: usize = 128;
const MAX_PROPERTIES_BYTES: usize = 16 * 1024;
/// 2000-01-01: older times are mistakes (seconds sent for milliseconds, say).
const EARLIEST_MS: i64 = 946_684_800_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRequest {
    metric: String,
    profile: ProfileRequest,
    /// Epoch milliseconds or RFC 3339; now when left out.
    time: Option<Value>,
    #[serde(default)]
    properties: Value,
    summary: Option<String>,
    unique_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileRequest {
    customer_id: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    name: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct EventRecorded {
    /// `false`: an event with this `unique_id` was recorded before; nothing changed.
    pub recorded: bool,
    pub profile_id: String,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

/// `POST /api/events` with `Authorization: Bearer <API key>`.
pub async fn record_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<EventRecorded>), ApiError> {
    let secret = identity::bearer_token(&headers).ok_or(ApiError::Unauthorized)?;
    state
        .store
        .api_key_for_secret(secret)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let request: EventRequest =
        serde_json::from_slice(&body).map_err(|error| bad(format!("invalid event: {error}")))?;
    let (ids, event) = validated(request, now_ms())?;
    let profile_id = state
        .store
        .profile_for(&ids)
        .await
        .map_err(|error| match error {
            ProfileLookupError::Store(error) => ApiError::Store(error),
            other => bad(other.to_string()),
        })?;
    let recorded = state
        .store
        .record_profile_event(&profile_id, &event)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(EventRecorded {
            recorded,
            profile_id,
        }),
    ))
}

/// Checks every field; the profile's identifiers and the event to record.
fn validated(
    request: EventRequest,
    now: i64,
) -> Result<(ProfileIdentifiers, NewProfileEvent), ApiError> {
    let metric = request.metric.trim().to_owned();
    if metric.is_empty()
        || metric.chars().count() > MAX_METRIC_CHARS
        || metric.contains(char::is_control)
    {
        return Err(bad(format!(
            "metric must be 1 to {MAX_METRIC_CHARS} characters of text"
        )));
    }
    let properties = match request.properties {
        Value::Null => Value::Object(Default::default()),
        object @ Value::Object(_) => object,
        _ => return Err(bad("properties must be an object")),
    };
    if properties.to_string().len() > MAX_PROPERTIES_BYTES {
        return Err(bad(format!(
            "properties must be at most {MAX_PROPERTIES_BYTES} bytes of JSON"
        )));
    }
    let occurred_at = match request.time {
        None | Some(Value::Null) => now,
        Some(Value::Number(number)) => number
            .as_i64()
            .ok_or_else(|| bad("time must be epoch milliseconds"))?,
        Some(Value::String(text)) => rfc3339_ms(&text)
            .ok_or_else(|| bad("time must be RFC 3339, like 2026-11-27T10:00:00Z"))?,
        Some(_) => return Err(bad("time must be epoch milliseconds or RFC 3339")),
    };
    if !(EARLIEST_MS..=now + DAY_MS).contains(&occurred_at) {
        return Err(bad(
            "time must be after 2000 and not in the future (epoch milliseconds, not seconds)",
        ));
    }
    let summary = match request.summary.map(|summary| summary.trim().to_owned()) {
        Some(summary) if summary.chars().count() > MAX_SUMMARY_CHARS => {
            return Err(bad(format!(
                "summary must be at most {MAX_SUMMARY_CHARS} characters"
            )))
        }
        Some(summary) if !summary.is_empty() => summary,
        _ => default_summary(&metric, &properties),
    };
    let unique_id = match request.unique_id.map(|id| id.trim().to_owned()) {
        Some(id) if id.is_empty() || id.chars().count() > MAX_UNIQUE_ID_CHARS => {
            return Err(bad(format!(
                "unique_id must be 1 to {MAX_UNIQUE_ID_CHARS} characters"
            )))
        }
        // Namespaced, so an API caller can never collide with Shopify's or the demo's ids.
        Some(id) => Some(format!("api:{id}")),
        None => None,
    };
    let ids = identifiers(request.profile)?;
    let event = NewProfileEvent {
        metric,
        summary,
        properties,
        occurred_at,
        source: "api".to_owned(),
        unique_id,
        order: None,
    };
    Ok((ids, event))
}

fn identifiers(profile: ProfileRequest) -> Result<ProfileIdentifiers, ApiError> {
    let clean =
        |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let customer_id = clean(profile.customer_id);
    if customer_id.as_ref().is_some_and(|id| id.len() > 64) {
        return Err(bad("profile.customer_id must be at most 64 characters"));
    }
    let email = clean(profile.email).map(|email| email.to_lowercase());
    if email
        .as_ref()
        .is_some_and(|email| email.len() > 254 || !email.contains('@'))
    {
        return Err(bad("profile.email is not an email address"));
    }
    let phone = match clean(profile.phone) {
        Some(phone) => Some(
            normalized_phone(&phone).ok_or_else(|| bad("profile.phone is not a phone number"))?,
        ),
        None => None,
    };
    let name = clean(profile.name);
    if name.as_ref().is_some_and(|name| name.chars().count() > 100) {
        return Err(bad("profile.name must be at most 100 characters"));
    }
    if customer_id.is_none() && email.is_none() && phone.is_none() {
        return Err(bad("profile needs a customer_id, an email or a phone"));
    }
    Ok(ProfileIdentifiers {
        customer_id,
        email,
        phone,
        name,
    })
}

/// "+1 (415) 555-0100" as "+14155550100"; `None` when it is not 7 to 15 digits.
pub fn normalized_phone(text: &str) -> Option<String> {
    let plus = text.trim_start().starts_with('+');
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (allowed && (7..=15).contains(&digits.len())).then(|| {
        if plus {
            format!("+{digits}")
        } else {
            digits
        }
    })
}

/// "Received Email: Spring sale" from a subject, title or name property; else the metric.
fn default_summary(metric: &str, properties: &Value) -> String {
    ["subject", "title", "name", "product_name"]
        .iter()
        .find_map(|key| properties.get(key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|detail| !detail.is_empty())
        .map_or_else(
            || metric.to_owned(),
            |detail| {
                let detail: String = detail.chars().take(120).collect();
                format!("{metric}: {detail}")
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: Value) -> Result<(ProfileIdentifiers, NewProfileEvent), ApiError> {
        let request: EventRequest = serde_json::from_value(value).expect("shape");
        validated(request, 1_800_000_000_000)
    }

    #[test]
    fn a_plain_event_gets_its_summary_from_its_properties() {
        let (ids, event) = request(json!({
            "metric": "Received Email",
            "profile": { "email": " Ana@Example.com " },
            "time": "2026-11-27T10:00:00Z",
            "properties": { "subject": "Spring sale" },
            "unique_id": "msg-1"
        }))
        .expect("valid");
        assert_eq!(ids.email.as_deref(), Some("ana@example.com"));
        assert_eq!(event.summary, "Received Email: Spring sale");
        assert_eq!(event.unique_id.as_deref(), Some("api:msg-1"));
        assert_eq!(event.occurred_at, 1_795_773_600_000);
    }

    #[test]
    fn bad_fields_are_refused_with_what_is_wrong() {
        let cases = [
            json!({ "metric": "", "profile": { "email": "a@b.c" } }),
            json!({ "metric": "X", "profile": {} }),
            json!({ "metric": "X", "profile": { "email": "nope" } }),
            json!({ "metric": "X", "profile": { "phone": "call me" } }),
            json!({ "metric": "X", "profile": { "email": "a@b.c" }, "time": 1_700_000_000 }),
            json!({ "metric": "X", "profile": { "email": "a@b.c" }, "time": "tomorrow" }),
            json!({ "metric": "X", "profile": { "email": "a@b.c" }, "properties": [1] }),
            json!({ "metric": "X", "profile": { "email": "a@b.c" }, "unique_id": "" }),
        ];
        for case in cases {
            assert!(
                matches!(request(case.clone()), Err(ApiError::BadRequest(_))),
                "{case}"
            );
        }
    }

    #[test]
    fn phones_keep_digits_and_a_leading_plus() {
        assert_eq!(
            normalized_phone("+1 (415) 555-0100").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            normalized_phone("912 345 678").as_deref(),
            Some("912345678")
        );
        assert_eq!(normalized_phone("12345"), None);
        assert_eq!(normalized_phone("555-CALL-NOW"), None);
    }
}
