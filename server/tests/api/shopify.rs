//! Shopify webhooks through the real server: signed deliveries become profile events and
//! summary fields (in the background), each delivery and each order counts once, and
//! tampered, unsigned or replayed deliveries change nothing.

use std::time::Duration;

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use protocol::{hub::ShopperOrder, profile::TicketProfile};
use serde_json::json;
use server::store::SHOPIFY_WEBHOOK_JOB;
use sha2::Sha256;

use crate::helpers::{spawn_app, TestApp, SHOPIFY_SECRET};

fn sign(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SHOPIFY_SECRET.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

async fn deliver(
    app: &TestApp,
    topic: &str,
    webhook_id: &str,
    body: &str,
    signature: Option<&str>,
) -> u16 {
    let mut request = app
        .http
        .post(app.url("/api/shopify/webhooks"))
        .header("Content-Type", "application/json")
        .header("X-Shopify-Topic", topic)
        .header("X-Shopify-Webhook-Id", webhook_id)
        .header("X-Shopify-Shop-Domain", "clay-and-kiln.myshopify.com")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("X-Shopify-Hmac-Sha256", signature);
    }
    request.send().await.expect("webhook").status().as_u16()
}

/// Waits until the background worker has run every queued delivery.
async fn processed(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app
        .store
        .unfinished_jobs(SHOPIFY_WEBHOOK_JOB)
        .await
        .expect("jobs")
        > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhooks not processed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn order(id: u64, customer_id: u64) -> String {
    json!({
        "id": id,
        "name": "#1001",
        "email": "ana@example.com",
        "created_at": "2026-11-20T10:00:00-05:00",
        "currency": "USD",
        "total_price": "84.00",
        "line_items": [{ "quantity": 1, "title": "Speckled mug" }, { "quantity": 1, "title": "Sage bowl" }],
        "customer": {
            "id": customer_id,
            "email": "ana@example.com",
            "first_name": "Ana",
            "last_name": "Souza",
            "phone": null,
            "created_at": "2024-02-01T09:00:00Z",
            "default_address": { "city": "Lisbon", "province": null, "country": "Portugal" }
        }
    })
    .to_string()
}

#[tokio::test]
async fn a_signed_order_reaches_the_shoppers_profile_once() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    // Ana chats first: the theme signs the same customer id Shopify sends.
    let session = app.shopper("7001", "Ana Souza").await;
    let token = session.token.expect("token");
    let mut widget = app.shopper_socket(&token).await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;

    let body = order(450789469, 7001);
    assert_eq!(
        deliver(&app, "orders/create", "w-1", &body, Some(&sign(&body))).await,
        200
    );
    // Shopify delivers it again, and then the same order under another delivery id.
    assert_eq!(
        deliver(&app, "orders/create", "w-1", &body, Some(&sign(&body))).await,
        200
    );
    assert_eq!(
        deliver(&app, "orders/create", "w-2", &body, Some(&sign(&body))).await,
        200
    );
    processed(&app).await;

    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    let profile = &sidebar.profile;
    assert_eq!(
        (
            profile.orders_count,
            profile.total_spent_minor,
            profile.currency.as_str()
        ),
        (1, 8_400, "USD")
    );
    assert_eq!(profile.last_order_number.as_deref(), Some("#1001"));
    assert_eq!(profile.location.as_deref(), Some("Lisbon, Portugal"));
    assert_eq!(profile.customer_since, 1_706_778_000_000);
    let summaries: Vec<_> = sidebar
        .events
        .events
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(summaries, ["Placed order #1001, 2 items, $84.00"]);
    // The shopper's Orders tab shows it too.
    let orders: Vec<ShopperOrder> = app
        .http
        .get(app.url("/api/widget/orders"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("orders")
        .json()
        .await
        .expect("json");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].placed_at, 1_795_186_800_000);

    // Cancelled, then the customer's phone changes.
    let cancelled = order(450789469, 7001);
    assert_eq!(
        deliver(
            &app,
            "orders/cancelled",
            "w-3",
            &cancelled,
            Some(&sign(&cancelled))
        )
        .await,
        200
    );
    let customer = json!({
        "id": 7001, "email": "ana@example.com", "first_name": "Ana", "last_name": "Souza",
        "phone": "+351912345678", "created_at": "2024-02-01T09:00:00Z",
        "default_address": { "city": "Porto", "country": "Portugal" }
    })
    .to_string();
    assert_eq!(
        deliver(
            &app,
            "customers/update",
            "w-4",
            &customer,
            Some(&sign(&customer))
        )
        .await,
        200
    );
    processed(&app).await;
    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert_eq!(sidebar.profile.phone.as_deref(), Some("+351912345678"));
    assert_eq!(sidebar.profile.location.as_deref(), Some("Porto, Portugal"));
    assert_eq!(sidebar.events.events[0].summary, "Order #1001 cancelled");
    app.stop().await;
}

#[tokio::test]
async fn unsigned_tampered_and_unknown_deliveries_change_nothing() {
    let (app, _database) = spawn_app().await;
    let body = order(1, 7001);
    let signature = sign(&body);
    let tampered = body.replace("84.00", "0.01");
    assert_eq!(
        deliver(&app, "orders/create", "w-1", &tampered, Some(&signature)).await,
        401
    );
    assert_eq!(
        deliver(&app, "orders/create", "w-2", &body, None).await,
        401
    );
    assert_eq!(
        deliver(&app, "orders/create", "w-3", &body, Some("bm90IGl0")).await,
        401
    );
    // Signed with another shop's secret.
    let mut mac = Hmac::<Sha256>::new_from_slice(b"another-app-secret").expect("key");
    mac.update(body.as_bytes());
    let foreign = STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(
        deliver(&app, "orders/create", "w-4", &body, Some(&foreign)).await,
        401
    );
    assert_eq!(
        app.store
            .unfinished_jobs(SHOPIFY_WEBHOOK_JOB)
            .await
            .expect("jobs"),
        0
    );

    // A topic we do not use is acknowledged and dropped; a missing delivery id is refused.
    let other = r#"{"id":5}"#;
    assert_eq!(
        deliver(
            &app,
            "inventory_levels/update",
            "w-5",
            other,
            Some(&sign(other))
        )
        .await,
        200
    );
    assert_eq!(
        deliver(&app, "orders/create", "", &body, Some(&signature)).await,
        400
    );
    assert_eq!(
        app.store
            .unfinished_jobs(SHOPIFY_WEBHOOK_JOB)
            .await
            .expect("jobs"),
        0
    );
    assert!(app
        .store
        .customer_for_external_id("7001")
        .await
        .expect("query")
        .is_none());
    app.stop().await;
}

#[tokio::test]
async fn product_webhooks_keep_the_ai_agents_catalogue_current() {
    let (app, _database) = spawn_app().await;
    let product = |title: &str, updated_at: &str| {
        json!({
            "id": 632910392,
            "title": title,
            "handle": "summit-down-puffer",
            "body_html": "<p>Warmth you can stuff in a pocket.</p><ul><li>Fill: 800-fill-power down</li></ul>",
            "product_type": "Jackets",
            "tags": "down, winter",
            "updated_at": updated_at,
            "variants": [{ "title": "M / Black", "price": "279.00" }],
            "options": [{ "name": "Size", "values": ["S", "M"] }]
        })
        .to_string()
    };
    let titles = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .knowledge()
                .await
                .expect("knowledge")
                .sources
                .into_iter()
                .map(|source| (source.id, source.title))
                .collect::<Vec<_>>()
        }
    };

    let created = product("Summit Down Puffer", "2026-11-20T10:00:00-05:00");
    let stale = product("Summit Puffer (old name)", "2026-11-01T10:00:00-05:00");
    for (topic, id, body) in [
        ("products/create", "p-1", &created),
        // Shopify's deliveries can arrive out of order: an older update is ignored.
        ("products/update", "p-2", &stale),
    ] {
        assert_eq!(deliver(&app, topic, id, body, Some(&sign(body))).await, 200);
    }
    processed(&app).await;
    assert_eq!(
        titles(&app).await,
        vec![(
            "product-summit-down-puffer".to_owned(),
            "Summit Down Puffer".to_owned()
        )]
    );

    let deleted = r#"{"id":632910392}"#;
    assert_eq!(
        deliver(
            &app,
            "products/delete",
            "p-3",
            deleted,
            Some(&sign(deleted))
        )
        .await,
        200
    );
    processed(&app).await;
    assert!(titles(&app).await.is_empty());
    app.stop().await;
}
