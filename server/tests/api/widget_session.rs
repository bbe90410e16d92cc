//! Widget sessions: identity verification, CORS and socket authentication.

use protocol::WidgetSessionRequest;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue};

use crate::helpers::{signed, signed_id_only, spawn_app, SHOP_ORIGIN};

#[tokio::test]
async fn a_signed_customer_gets_a_token_and_the_welcome_message() {
    let (app, _database) = spawn_app().await;
    let session = app.shopper("7001", "Ana").await;
    assert!(session.token.is_some());
    assert_eq!(session.shopper.expect("shopper").name, "Ana");
    assert_eq!(session.settings.store_name, "Test Shop");
    assert!(!session.settings.welcome_message.is_empty());
    assert!(session.conversation.is_none());
    app.stop().await;
}

#[tokio::test]
async fn a_bad_or_missing_signature_means_an_anonymous_visitor() {
    let (app, _database) = spawn_app().await;
    let mut forged = signed("7001", "Ana");
    forged.signature = Some(server::identity::sign("not-the-shop-secret-at-all", "7001"));
    let mut other_customer = signed("7001", "Ana");
    other_customer.customer_id = Some("7002".to_owned());
    let unsigned = WidgetSessionRequest {
        customer_id: Some("7001".to_owned()),
        ..WidgetSessionRequest::default()
    };
    for request in [
        forged,
        other_customer,
        unsigned,
        WidgetSessionRequest::default(),
    ] {
        let session = app.widget_session(&request).await;
        assert_eq!(session.token, None, "{request:?}");
        assert_eq!(session.shopper, None);
        assert_eq!(session.conversation, None);
    }
    // No customer row was created for a forged identity.
    assert!(app.live_ticket_count().await == 0);
    app.stop().await;
}

#[tokio::test]
async fn a_name_the_signature_does_not_cover_is_shown_as_unverified() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    // The old snippet signed the id alone: the shopper is known, the name is a claim.
    let session = app
        .widget_session(&signed_id_only(
            "7001",
            "</title><script>alert(1)</script>",
            "ana@example.com",
        ))
        .await;
    let mut shopper = app
        .shopper_socket(session.token.as_deref().expect("a token"))
        .await;
    shopper.send_text(None, "c1", "Hello").await;
    shopper.ack("c1").await;
    let ticket = app.open_tickets(&cookie).await.remove(0);
    assert!(!ticket.customer_verified, "{ticket:?}");

    // The theme's new snippet signs the id, email and name together: now vouched for.
    let mut whole = signed("7001", "Ana");
    whole.token = session.token.clone();
    app.widget_session(&whole).await;
    let ticket = app.open_tickets(&cookie).await.remove(0);
    assert!(ticket.customer_verified);
    assert_eq!(ticket.customer_name, "Ana");

    // A claim after that changes nothing the agents see.
    app.widget_session(&signed_id_only("7001", "Mallory", "mallory@evil.example"))
        .await;
    let ticket = app.open_tickets(&cookie).await.remove(0);
    assert_eq!(
        (
            ticket.customer_name.as_str(),
            ticket.customer_email.as_str()
        ),
        ("Ana", "ana@example.com")
    );
    assert!(ticket.customer_verified);
    app.stop().await;
}

#[tokio::test]
async fn oversized_fields_are_refused_with_a_clear_error() {
    let (app, _database) = spawn_app().await;
    let mut request = signed("7001", "Ana");
    request.name = Some("A".repeat(500));
    let response = app
        .http
        .post(app.url("/api/widget/session"))
        .json(&request)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"], "name is longer than 100 characters");
    app.stop().await;
}

#[tokio::test]
async fn the_widget_api_answers_cors_only_for_allowed_storefronts() {
    let (app, _database) = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/widget/session"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight(SHOP_ORIGIN).await.expect("preflight");
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().ok()),
        Some(Some(SHOP_ORIGIN))
    );
    let refused = preflight("https://evil.example").await.expect("preflight");
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    app.stop().await;
}

#[tokio::test]
async fn widget_sockets_need_a_valid_token_and_an_allowed_origin() {
    let (app, _database) = spawn_app().await;
    let bogus = format!("ws://127.0.0.1:{}/ws/widget?token=not-a-token", app.port);
    let error = tokio_tungstenite::connect_async(bogus)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("401"), "{error}");

    let session = app.shopper("7001", "Ana").await;
    let mut request = format!(
        "ws://127.0.0.1:{}/ws/widget?token={}",
        app.port,
        session.token.expect("token")
    )
    .into_client_request()
    .expect("request");
    request
        .headers_mut()
        .insert("Origin", HeaderValue::from_static("https://evil.example"));
    let error = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("403"), "{error}");
    app.stop().await;
}
