//! Shopify webhooks (`POST /api/shopify/webhooks`): orders and customers become profile
//! data. Each delivery is verified (HMAC-SHA256 of the raw body with the app secret,
//! base64, compared in constant time), recorded once by its webhook id and answered at
//! once; a background job then turns it into profile events and summary fields. The
//! store's customer id is the same one the theme signs for the widget, so a Shopify
//! customer and their web chats share one profile.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use protocol::hub::currency_exponent;
use serde::Deserialize;
use sha2::Sha256;

use crate::{
    error::ApiError,
    ids::rfc3339_ms,
    state::AppState,
    store::{
        fallback_name, KnowledgeError, NewProfileEvent, PlacedOrder, ProfileDetails,
        ShopifyDelivery, Store, StoreError,
    },
};

/// The topics we subscribe to; others are acknowledged and dropped. Products feed the
/// AI agent's knowledge.
pub const TOPICS: [&str; 8] = [
    "orders/create",
    "orders/fulfilled",
    "orders/cancelled",
    "customers/create",
    "customers/update",
    "products/create",
    "products/update",
    "products/delete",
];

/// Whether `signature` (the `X-Shopify-Hmac-Sha256` header) signs `body` with `secret`.
pub fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let Ok(expected) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    // Constant time, whatever the length given.
    mac.verify_slice(&expected).is_ok()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `POST /api/shopify/webhooks`.
pub async fn receive_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    // Not set up: there is no receiver to talk to.
    let secret = state
        .web
        .shopify_webhook_secret
        .as_ref()
        .ok_or(ApiError::NotFound)?;
    let signed = header(&headers, "x-shopify-hmac-sha256")
        .is_some_and(|signature| verify(secret.expose(), &body, signature));
    if !signed {
        tracing::warn!("shopify webhook with a missing or wrong signature refused");
        return Err(ApiError::Unauthorized);
    }
    let topic = header(&headers, "x-shopify-topic").unwrap_or_default();
    let webhook_id = header(&headers, "x-shopify-webhook-id")
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .ok_or_else(|| ApiError::BadRequest("X-Shopify-Webhook-Id is missing".into()))?;
    if !TOPICS.contains(&topic) {
        return Ok(StatusCode::OK);
    }
    let body = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::BadRequest("the body is not UTF-8 JSON".into()))?;
    let delivery = ShopifyDelivery {
        webhook_id: webhook_id.to_owned(),
        topic: topic.to_owned(),
        body,
    };
    if state.store.accept_shopify_webhook(&delivery).await? {
        state.worker.wake();
    }
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct Order {
    id: u64,
    /// As the shop shows it: "#1001".
    name: String,
    created_at: String,
    currency: String,
    total_price: String,
    #[serde(default)]
    line_items: Vec<LineItem>,
    customer: Option<Customer>,
}

#[derive(Debug, Deserialize)]
struct LineItem {
    quantity: i64,
}

#[derive(Debug, Deserialize)]
struct Customer {
    id: u64,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    created_at: Option<String>,
    default_address: Option<Address>,
}

#[derive(Debug, Deserialize)]
struct Address {
    city: Option<String>,
    province: Option<String>,
    country: Option<String>,
}

/// Runs a queued delivery: what it changed, or why it was skipped (never retried: the
/// same body would fail the same way). Store failures are retried by the worker.
pub async fn process(store: &Store, delivery: &ShopifyDelivery) -> Result<String, StoreError> {
    let skipped = |error: String| Ok(format!("skipped: {error}"));
    match delivery.topic.as_str() {
        "customers/create" | "customers/update" => {
            match serde_json::from_str::<Customer>(&delivery.body) {
                Ok(customer) => {
                    let profile = upsert_customer(store, &customer).await?;
                    Ok(format!("customer {profile} updated"))
                }
                Err(error) => skipped(error.to_string()),
            }
        }
        topic @ ("orders/create" | "orders/fulfilled" | "orders/cancelled") => {
            let order = match serde_json::from_str::<Order>(&delivery.body) {
                Ok(order) => order,
                Err(error) => return skipped(error.to_string()),
            };
            let Some(customer) = &order.customer else {
                return skipped("a guest order (no customer)".into());
            };
            let Some(at) = rfc3339_ms(&order.created_at) else {
                return skipped(format!("bad created_at {:?}", order.created_at));
            };
            let profile = upsert_customer(store, customer).await?;
            let event = match topic {
                "orders/create" => {
                    let Some(total_minor) = minor_units(&order.total_price, &order.currency) else {
                        return skipped(format!("bad total_price {:?}", order.total_price));
                    };
                    let placed = PlacedOrder {
                        number: order.name.clone(),
                        total_minor,
                        currency: order.currency.clone(),
                    };
                    let items = order.line_items.iter().map(|item| item.quantity).sum();
                    NewProfileEvent::placed_order(placed, items, at, "shopify")
                }
                "orders/fulfilled" => order_event(&order, "Fulfilled Order", "fulfilled"),
                _ => order_event(&order, "Cancelled Order", "cancelled"),
            };
            let event = NewProfileEvent {
                unique_id: Some(format!("shopify:{topic}:{}", order.id)),
                ..event
            };
            let recorded = store.record_profile_event(&profile, &event).await?;
            Ok(if recorded {
                format!("{} for {profile}", event.summary)
            } else {
                "already recorded".to_owned()
            })
        }
        "products/create" | "products/update" => {
            let product = match serde_json::from_str::<serde_json::Value>(&delivery.body) {
                Ok(product) => product,
                Err(error) => return skipped(error.to_string()),
            };
            match store.import_products(std::slice::from_ref(&product)).await {
                Ok(1) => Ok("product stored".to_owned()),
                Ok(_) => Ok("an older version of the product; kept the stored one".to_owned()),
                Err(KnowledgeError::Store(error)) => Err(error),
                Err(problem) => skipped(problem.to_string()),
            }
        }
        "products/delete" => {
            #[derive(Deserialize)]
            struct Deleted {
                id: i64,
            }
            match serde_json::from_str::<Deleted>(&delivery.body) {
                Ok(Deleted { id }) => Ok(if store.delete_product(id).await? {
                    format!("product {id} deleted")
                } else {
                    format!("product {id} was not stored")
                }),
                Err(error) => skipped(error.to_string()),
            }
        }
        other => skipped(format!("topic {other:?}")),
    }
}

/// "Order #1001 fulfilled", at the time it is processed.
fn order_event(order: &Order, metric: &str, what: &str) -> NewProfileEvent {
    NewProfileEvent {
        metric: metric.to_owned(),
        summary: format!("Order {} {what}", order.name),
        properties: serde_json::json!({ "order_number": order.name, "order_id": order.id }),
        occurred_at: crate::ids::now_ms(),
        source: "shopify".to_owned(),
        unique_id: None,
        order: None,
    }
}

/// The profile of a Shopify customer (created or refreshed); returns its id.
async fn upsert_customer(store: &Store, customer: &Customer) -> Result<String, StoreError> {
    let email = customer.email.clone().unwrap_or_default();
    let full_name = [&customer.first_name, &customer.last_name]
        .iter()
        .filter_map(|part| part.as_deref().map(str::trim))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = if full_name.is_empty() {
        fallback_name(&email)
    } else {
        full_name
    };
    let record = store
        .upsert_customer(&customer.id.to_string(), &name, &email)
        .await?;
    let location = customer.default_address.as_ref().and_then(|address| {
        let parts: Vec<&str> = [&address.city, &address.province, &address.country]
            .iter()
            .filter_map(|part| part.as_deref().map(str::trim))
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    let details = ProfileDetails {
        phone: customer
            .phone
            .clone()
            .filter(|phone| !phone.trim().is_empty()),
        location,
        customer_since: customer.created_at.as_deref().and_then(rfc3339_ms),
    };
    store.update_profile_details(&record.id, &details).await?;
    Ok(record.id)
}

/// A decimal amount ("84.00") in minor units of `currency` (8400), without floats.
fn minor_units(amount: &str, currency: &str) -> Option<i64> {
    let exponent = currency_exponent(currency) as usize;
    let (whole, fraction) = amount.trim().split_once('.').unwrap_or((amount.trim(), ""));
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole)
        || !(fraction.is_empty() || digits(fraction))
        || fraction.len() > exponent.max(2)
    {
        return None;
    }
    // Digits past the currency's own (a "12.50" in yen) must be zero.
    let (kept, dropped) = fraction.split_at(fraction.len().min(exponent));
    if dropped.bytes().any(|b| b != b'0') {
        return None;
    }
    let scale = 10_i64.checked_pow(exponent as u32)?;
    let fraction_value: i64 = if kept.is_empty() {
        0
    } else {
        kept.parse().ok()?
    };
    let fraction_value = fraction_value * 10_i64.pow((exponent - kept.len()) as u32);
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(fraction_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_an_independent_hmac() {
        // Made with Python's hmac: base64(hmac_sha256(b"hush", b'{"id":1}')).
        let body = br#"{"id":1}"#;
        let signature = "VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY=";
        assert!(verify("hush", body, signature));
        assert!(!verify("hush", br#"{"id":2}"#, signature));
        assert!(!verify("other", body, signature));
        assert!(!verify("hush", body, "not base64!"));
        assert!(!verify("hush", body, ""));
    }

    #[test]
    fn amounts_become_minor_units_without_floats() {
        assert_eq!(minor_units("84.00", "USD"), Some(8_400));
        assert_eq!(minor_units("0.1", "USD"), Some(10));
        assert_eq!(minor_units("12", "EUR"), Some(1_200));
        assert_eq!(minor_units("1500", "JPY"), Some(1_500));
        assert_eq!(minor_units("1500.00", "JPY"), Some(1_500));
        assert_eq!(minor_units("1.234", "KWD"), Some(1_234));
        assert_eq!(minor_units("1500.50", "JPY"), None);
        assert_eq!(minor_units("-3.00", "USD"), None);
        assert_eq!(minor_units("3.001", "USD"), None);
        assert_eq!(minor_units("abc", "USD"), None);
        assert_eq!(minor_units("", "USD"), None);
    }
}
