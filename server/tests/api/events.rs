//! Private API keys (created, listed without their secret, revoked; owners and admins
//! only) and the events API they open: events land on the right profile's timeline,
//! once per unique id, and bad keys or bad events change nothing.

use protocol::{
    api_keys::{ApiKey, CreatedApiKey},
    profile::TicketProfile,
};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn post_event(app: &TestApp, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = app.http.post(app.url("/api/events")).json(&body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("event");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn keys_are_shown_once_and_only_admins_manage_them() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let agent = app
        .invited_cookie(&owner, "ben@shop.example", "agent")
        .await;

    let created: CreatedApiKey = app
        .call_ok(
            &owner,
            "settings/create_api_key",
            json!({ "name": " Email platform " }),
        )
        .await;
    assert!(created.secret.starts_with("sdk_"));
    assert_eq!(created.key.name, "Email platform");
    assert!(created
        .secret
        .starts_with(created.key.hint.trim_end_matches('…')));
    let listed: Vec<ApiKey> = app.call_ok(&owner, "settings/api_keys", json!({})).await;
    assert_eq!(listed, vec![created.key.clone()]);
    let listed_text = app
        .call(&owner, "settings/api_keys", json!({}))
        .await
        .text()
        .await
        .expect("text");
    assert!(
        !listed_text.contains(&created.secret),
        "the secret is never listed"
    );

    assert_eq!(
        app.call(&agent, "settings/api_keys", json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&agent, "settings/create_api_key", json!({ "name": "Mine" }))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&owner, "settings/create_api_key", json!({ "name": "  " }))
            .await
            .status(),
        400
    );
    assert_eq!(
        app.call(
            &agent,
            "settings/revoke_api_key",
            json!({ "id": created.key.id })
        )
        .await
        .status(),
        403
    );
    app.stop().await;
}

#[tokio::test]
async fn events_reach_the_profile_once_and_revoked_keys_stop_working() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let created: CreatedApiKey = app
        .call_ok(
            &owner,
            "settings/create_api_key",
            json!({ "name": "Email platform" }),
        )
        .await;
    let key = created.secret.as_str();
    let mut widget = app.connected_shopper("7001", "Ana Souza").await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;

    let event = json!({
        "metric": "Received Email",
        "profile": { "customer_id": "7001" },
        "time": "2026-11-26T09:30:00Z",
        "properties": { "subject": "Your order is on its way" },
        "unique_id": "campaign-42:ana"
    });
    let (status, first) = post_event(&app, Some(key), event.clone()).await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["recorded"], true);
    let (status, again) = post_event(&app, Some(key), event).await;
    assert_eq!(status, 202);
    assert_eq!(again["recorded"], false);
    assert_eq!(again["profile_id"], first["profile_id"]);

    let sidebar: TicketProfile = app
        .call_ok(&owner, "inbox/profile", json!({ "id": ticket }))
        .await;
    let summaries: Vec<_> = sidebar
        .events
        .events
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(summaries, ["Received Email: Your order is on its way"]);
    assert_eq!(sidebar.profile.id, first["profile_id"]);
    let listed: Vec<ApiKey> = app.call_ok(&owner, "settings/api_keys", json!({})).await;
    assert!(listed[0].last_used_at.is_some());

    // By email alone: a new profile, then the same one again.
    let by_email = json!({ "metric": "Viewed Product", "profile": { "email": "Cleo@Example.com", "name": "Cleo Lima" },
                           "properties": { "product_name": "Speckled mug" } });
    let (status, cleo) = post_event(&app, Some(key), by_email.clone()).await;
    assert_eq!(status, 202, "{cleo}");
    let (_, cleo_again) = post_event(&app, Some(key), by_email).await;
    assert_eq!(cleo_again["profile_id"], cleo["profile_id"]);
    assert_ne!(cleo["profile_id"], first["profile_id"]);

    // An email two profiles share is not guessed.
    app.store
        .upsert_customer("8001", "Dan", "shared@example.com")
        .await
        .expect("dan");
    app.store
        .upsert_customer("8002", "Dana", "shared@example.com")
        .await
        .expect("dana");
    let (status, ambiguous) = post_event(
        &app,
        Some(key),
        json!({ "metric": "Opened Email", "profile": { "email": "shared@example.com" } }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(ambiguous["error"]
        .as_str()
        .expect("error")
        .contains("customer_id"));

    // Bad events say what is wrong.
    let (status, bad) = post_event(
        &app,
        Some(key),
        json!({ "metric": "X", "profile": {}, "color": 1 }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(bad["error"].as_str().expect("error").contains("color"));

    // No key, a wrong key, a revoked key: 401, nothing recorded.
    let fine = json!({ "metric": "Opened Email", "profile": { "customer_id": "7001" } });
    assert_eq!(post_event(&app, None, fine.clone()).await.0, 401);
    assert_eq!(
        post_event(&app, Some("sdk_wrong"), fine.clone()).await.0,
        401
    );
    let _: () = app
        .call_ok(
            &owner,
            "settings/revoke_api_key",
            json!({ "id": created.key.id }),
        )
        .await;
    assert_eq!(post_event(&app, Some(key), fine).await.0, 401);
    let sidebar: TicketProfile = app
        .call_ok(&owner, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert_eq!(sidebar.events.events.len(), 1);
    let listed: Vec<ApiKey> = app.call_ok(&owner, "settings/api_keys", json!({})).await;
    assert!(listed.is_empty());
    app.stop().await;
}
