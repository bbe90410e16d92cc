//! Merchant settings, as shoppers and agents see their effect: the web chat switch,
//! login status, welcome message, terms links, storefront origins, the identity
//! secret's rotation, FAQs and deflection counts, business hours, and who may change them.

use axum::http::StatusCode;
use protocol::{
    settings::{LauncherSettings, LoginStatus, WidgetSettings},
    AuthorKind, RejectReason, ServerFrame, WidgetSessionRequest,
};
use serde_json::{json, Value};

use crate::helpers::{signed, spawn_app, spawn_app_with, test_database, TestApp, SHOP_ORIGIN};

async fn ticket_count(app: &TestApp, cookie: &str) -> usize {
    app.open_tickets(cookie).await.len()
}

fn web_chat(enabled: bool, login_status: &str, welcome: &str) -> Value {
    json!({ "settings": {
        "enabled": enabled, "login_status": login_status, "welcome_message": welcome
    }})
}

fn general(origins: &[&str], privacy: &str, terms: &str) -> Value {
    json!({ "settings": {
        "store_name": "Acme Outfitters", "brand_color": "#0F766E",
        "launcher_position": "bottom_left", "allowed_origins": origins,
        "privacy_policy_url": privacy, "terms_of_service_url": terms
    }})
}

#[tokio::test]
async fn switching_the_chat_off_reaches_open_widgets_and_refuses_messages() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    // The open widget starts from the current settings (read before the change: the
    // server sends them once the socket is up, which may be after the save below).
    let first = shopper.next_any_frame().await;
    assert!(matches!(first, ServerFrame::Settings { settings } if settings.chat_enabled));

    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_web_chat",
            web_chat(false, "all_users", "Hello!"),
        )
        .await;

    // Then it hears the change live.
    let pushed = shopper.next_any_frame().await;
    assert!(
        matches!(&pushed, ServerFrame::Settings { settings } if !settings.chat_enabled),
        "{pushed:?}"
    );
    // New widget loads and the launcher config say so.
    assert!(!app.shopper("7002", "Ben").await.settings.chat_enabled);
    let launcher: LauncherSettings = app
        .http
        .get(app.url("/api/widget/config"))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("json");
    assert!(!launcher.chat_enabled);
    // And the message endpoint refuses, storing nothing.
    shopper.send_text(None, "c1", "Anyone there?").await;
    let refused = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Rejected { .. }))
        .await;
    assert!(matches!(
        refused,
        ServerFrame::Rejected {
            reason: RejectReason::ChatDisabled,
            ..
        }
    ));
    assert_eq!(ticket_count(&app, &owner).await, 0);

    // Switched back on, the same shopper can write.
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_web_chat",
            web_chat(true, "all_users", "Hello!"),
        )
        .await;
    shopper.send_text(None, "c2", "Anyone there?").await;
    assert_eq!(shopper.ack("c2").await.body, "Anyone there?");
    app.stop().await;
}

#[tokio::test]
async fn login_status_welcome_terms_and_brand_reach_the_widget() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_web_chat",
            web_chat(
                true,
                "logged_in_users",
                "  Welcome to Acme! Ask us anything.  ",
            ),
        )
        .await;
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_general",
            general(
                &[],
                "https://acme.example/policies/privacy",
                "https://acme.example/policies/terms",
            ),
        )
        .await;

    let anonymous = app.widget_session(&WidgetSessionRequest::default()).await;
    let settings: WidgetSettings = anonymous.settings;
    assert_eq!(settings.login_status, LoginStatus::LoggedInUsers);
    assert_eq!(
        settings.welcome_message,
        "Welcome to Acme! Ask us anything."
    );
    assert_eq!(settings.store_name, "Acme Outfitters");
    assert_eq!(settings.brand_color, "#0f766e");
    assert_eq!(
        settings.privacy_policy_url.as_deref(),
        Some("https://acme.example/policies/privacy")
    );
    assert_eq!(
        settings.terms_of_service_url.as_deref(),
        Some("https://acme.example/policies/terms")
    );
    assert!(anonymous.token.is_none());
    let launcher: LauncherSettings = app
        .http
        .get(app.url("/api/widget/config"))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("json");
    assert_eq!(launcher.login_status, LoginStatus::LoggedInUsers);
    assert_eq!(
        launcher.launcher_position,
        protocol::settings::LauncherPosition::BottomLeft
    );
    app.stop().await;
}

#[tokio::test]
async fn invalid_settings_are_refused_field_by_field_and_nothing_is_saved() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let before: Value = app.call_ok(&owner, "settings/general", json!({})).await;

    let response = app
        .call(
            &owner,
            "settings/save_general",
            general(
                &["shop.example/path"],
                "javascript:alert(1)",
                "ftp://x.example",
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.expect("error json");
    let fields: Vec<&str> = error["Fields"]
        .as_array()
        .expect("field errors")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "allowed_origins",
            "privacy_policy_url",
            "terms_of_service_url"
        ]
    );
    let long = "x".repeat(protocol::settings::MAX_WELCOME_CHARS + 1);
    let response = app
        .call(
            &owner,
            "settings/save_web_chat",
            web_chat(true, "all_users", &long),
        )
        .await;
    let error: Value = response.json().await.expect("error json");
    assert_eq!(error["Fields"][0]["field"], "welcome_message");

    let after: Value = app.call_ok(&owner, "settings/general", json!({})).await;
    assert_eq!(before, after);
    let session = app.shopper("7001", "Ana").await;
    assert_ne!(session.settings.welcome_message, long);
    app.stop().await;
}

#[tokio::test]
async fn agents_read_settings_but_only_owners_and_admins_change_them() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let agent = app
        .invited_cookie(&owner, "ivy@shop.example", "agent")
        .await;

    let read: Value = app.call_ok(&agent, "settings/web_chat", json!({})).await;
    assert_eq!(read["enabled"], true);
    for (endpoint, body) in [
        (
            "settings/save_web_chat",
            web_chat(false, "all_users", "Bye"),
        ),
        ("settings/save_general", general(&[], "", "")),
        ("settings/rotate_secret", json!({})),
        (
            "settings/create_faq",
            json!({ "input": { "question": "Q?", "answer": "A.", "published": true } }),
        ),
        (
            "settings/invite",
            json!({ "email": "eve@shop.example", "role": "admin" }),
        ),
    ] {
        let response = app.call(&agent, endpoint, body).await;
        assert!(
            !response.status().is_success(),
            "{endpoint} must be refused"
        );
        let error: Value = response.json().await.expect("error json");
        assert_eq!(error, json!("Forbidden"), "{endpoint}");
    }
    // Nothing changed.
    assert!(app.shopper("7001", "Ana").await.settings.chat_enabled);
    let faqs: Value = app.call_ok(&owner, "settings/faqs", json!({})).await;
    assert_eq!(faqs, json!([]));
    // Without a session, not even reading.
    let anonymous = app
        .http
        .post(app.url("/api/settings/web_chat"))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert!(!anonymous.status().is_success());
    app.stop().await;
}

#[tokio::test]
async fn a_storefront_origin_added_in_settings_may_use_the_widget_api() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/widget/session"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let before = preflight("https://new-shop.example")
        .await
        .expect("preflight");
    assert_eq!(allowed(&before), None);
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_general",
            general(&["https://New-Shop.example/"], "", ""),
        )
        .await;
    let after = preflight("https://new-shop.example")
        .await
        .expect("preflight");
    assert_eq!(allowed(&after).as_deref(), Some("https://new-shop.example"));
    // The configured origin still works.
    let configured = preflight(SHOP_ORIGIN).await.expect("preflight");
    assert_eq!(allowed(&configured).as_deref(), Some(SHOP_ORIGIN));
    app.stop().await;
}

#[tokio::test]
async fn a_rotated_identity_secret_is_shown_once_and_the_old_one_works_for_a_grace_period() {
    let database = test_database().await;
    // No SHOPDESK_IDENTITY_SECRET: the shop's own secret, rotatable from the helpdesk.
    let app = spawn_app_with(&database, |config| config.identity_secret = None).await;
    let owner = app.owner_cookie().await;
    let old_secret = app.store.shop().await.expect("shop").identity_secret;
    let new_secret: String = app
        .call_ok(&owner, "settings/rotate_secret", json!({}))
        .await;
    assert_ne!(new_secret, old_secret);
    assert!(new_secret.len() >= 32);
    let page: Value = app.call_ok(&owner, "settings/general", json!({})).await;
    assert!(!page.to_string().contains(&new_secret), "never shown again");
    assert!(page["previous_secret_valid_until"].as_i64().is_some());

    for secret in [&old_secret, &new_secret] {
        let session = app
            .widget_session(&WidgetSessionRequest {
                signature: Some(server::identity::sign(secret, "7001")),
                ..signed("7001", "Ana")
            })
            .await;
        assert!(session.token.is_some(), "signed with either secret");
    }
    let forged = app
        .widget_session(&WidgetSessionRequest {
            signature: Some(server::identity::sign("not-the-secret-0123456789", "7001")),
            ..signed("7001", "Ana")
        })
        .await;
    assert!(forged.token.is_none());
    app.stop().await;

    // A secret from the environment is the operator's: the helpdesk cannot rotate it.
    let (configured, _database) = spawn_app().await;
    let owner = configured.owner_cookie().await;
    let refused = configured
        .call(&owner, "settings/rotate_secret", json!({}))
        .await;
    assert!(!refused.status().is_success());
    configured.stop().await;
}

#[tokio::test]
async fn published_faqs_reach_the_widget_in_order_and_count_deflection() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    let create = |question: &str, published: bool| {
        json!({ "input": {
            "question": question, "answer": format!("About {question}"), "published": published
        }})
    };
    let shipping: Value = app
        .call_ok(
            &owner,
            "settings/create_faq",
            create("Shipping times?", true),
        )
        .await;
    let draft: Value = app
        .call_ok(
            &owner,
            "settings/create_faq",
            create("Draft question", false),
        )
        .await;
    let returns: Value = app
        .call_ok(
            &owner,
            "settings/create_faq",
            create("How do returns work?", true),
        )
        .await;
    let ids = |faq: &Value| faq["id"].as_str().expect("id").to_owned();
    let _: Value = app
        .call_ok(
            &owner,
            "settings/reorder_faqs",
            json!({ "ids": [ids(&returns), ids(&shipping), ids(&draft)] }),
        )
        .await;

    let pushed = shopper
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Settings { settings } if settings.faqs.len() == 2
                && settings.faqs[0].question == "How do returns work?")
        })
        .await;
    assert!(matches!(pushed, ServerFrame::Settings { .. }));
    let questions: Vec<String> = app
        .widget_session(&WidgetSessionRequest::default())
        .await
        .settings
        .faqs
        .into_iter()
        .map(|faq| faq.question)
        .collect();
    assert_eq!(questions, ["How do returns work?", "Shipping times?"]);

    // Anonymous visitors read FAQs too; their opens count.
    let event = |faq: &Value, kind: &str| {
        app.http
            .post(app.url("/api/widget/faq-events"))
            .header("Origin", SHOP_ORIGIN)
            .json(&json!({ "faq_id": ids(faq), "kind": kind }))
            .send()
    };
    assert_eq!(
        event(&returns, "opened").await.expect("event").status(),
        204
    );
    assert_eq!(
        event(&returns, "opened").await.expect("event").status(),
        204
    );
    assert_eq!(
        event(&returns, "still_needed_help")
            .await
            .expect("event")
            .status(),
        204
    );
    assert_eq!(event(&draft, "opened").await.expect("event").status(), 404);
    let listed: Value = app.call_ok(&owner, "settings/faqs", json!({})).await;
    assert_eq!(listed[0]["question"], "How do returns work?");
    assert_eq!(
        (
            listed[0]["opened"].as_i64(),
            listed[0]["still_needed_help"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(listed[2]["opened"], 0);

    // Unpublished, it leaves the widget.
    let _: Value = app
        .call_ok(
            &owner,
            "settings/update_faq",
            json!({ "id": ids(&returns), "input": {
                "question": "How do returns work?", "answer": "Within 30 days.", "published": false
            }}),
        )
        .await;
    let faqs = app
        .widget_session(&WidgetSessionRequest::default())
        .await
        .settings
        .faqs;
    assert_eq!(faqs.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn outside_business_hours_the_shopper_gets_the_away_message_once_and_the_ticket_is_created() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let (page, back_at) = app
        .closed_today(&owner, "We're out today. Leave a message and we'll reply.")
        .await;
    assert_eq!(page["open_now"], false);
    assert_eq!(page["next_open_at"].as_i64(), Some(back_at));

    let session = app.shopper("7001", "Ana").await;
    assert!(!session.settings.availability.open_now);
    assert_eq!(session.settings.availability.next_open_at, Some(back_at));
    let mut shopper = app
        .shopper_socket(session.token.as_deref().expect("token"))
        .await;
    shopper.send_text(None, "c1", "Is my order shipped?").await;
    let first = shopper.ack("c1").await;
    let away = shopper
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Message { message } if message.author_kind == AuthorKind::System)
        })
        .await;
    let ServerFrame::Message { message: away } = away else {
        unreachable!()
    };
    assert_eq!(
        away.body,
        "We're out today. Leave a message and we'll reply."
    );
    assert_eq!(away.back_at, Some(back_at));
    assert_eq!(away.seq, first.seq + 1);

    // A second message in the same closed period gets no second away message.
    shopper
        .send_text(Some(&first.conversation_id), "c2", "Hello?")
        .await;
    let second = shopper.ack("c2").await;
    shopper
        .send_text(Some(&first.conversation_id), "c3", "Still there?")
        .await;
    let third = shopper.ack("c3").await;
    assert_eq!(third.seq, second.seq + 1, "no away message between them");
    let thread = app
        .store
        .messages_after(&first.conversation_id, 0)
        .await
        .expect("thread");
    let automated = thread
        .iter()
        .filter(|message| message.author_kind == AuthorKind::System)
        .count();
    assert_eq!(automated, 1);
    // The ticket exists for agents.
    assert_eq!(ticket_count(&app, &owner).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn business_hours_are_validated_with_field_errors() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let response = app
        .call(
            &owner,
            "settings/save_business_hours",
            json!({ "hours": {
                "enabled": true, "time_zone": "Mars/Olympus_Mons",
                "weekly": [{ "weekday": 8, "range": { "opens": "09:00", "closes": "17:00" } }],
                "exceptions": [], "away_message": ""
            }}),
        )
        .await;
    assert!(!response.status().is_success());
    let error: Value = response.json().await.expect("json");
    let fields: Vec<&str> = error["Fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    assert!(fields.contains(&"time_zone"), "{fields:?}");
    assert!(fields.contains(&"weekly[0]"), "{fields:?}");
    assert!(fields.contains(&"away_message"), "{fields:?}");
    let page: Value = app
        .call_ok(&owner, "settings/business_hours", json!({}))
        .await;
    assert_eq!(page["hours"]["enabled"], false, "nothing saved");
    assert!(page["time_zones"]
        .as_array()
        .expect("zones")
        .iter()
        .any(|zone| zone == "America/Sao_Paulo"));
    app.stop().await;
}

#[tokio::test]
async fn the_ai_agents_knowledge_is_changed_by_owners_and_admins_and_tried_by_anyone_on_the_team() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let agent = app
        .invited_cookie(&owner, "ivy@shop.example", "agent")
        .await;
    let article = json!({ "input": {
        "title": "Shipping policy",
        "body": "Shipping to Canada: orders arrive in 4 to 8 business days; shipping costs CA$12.95.",
        "published": true
    } });
    let products = json!({ "json": json!({ "products": [{
        "id": 7001, "title": "Canyon Bottle", "handle": "canyon-bottle",
        "body_html": "<p>Keeps water cold for 24 hours.</p>",
        "variants": [{ "title": "Default Title", "price": "34.00" }]
    }] }).to_string() });
    for (endpoint, body) in [
        ("settings/create_article", article.clone()),
        ("settings/import_products", products.clone()),
        ("settings/delete_article", json!({ "id": "missing" })),
    ] {
        let error: Value = app
            .call(&agent, endpoint, body)
            .await
            .json()
            .await
            .expect("error json");
        assert_eq!(error, json!("Forbidden"), "{endpoint}");
    }
    let empty: Value = app
        .call_ok(&agent, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(
        (empty["articles"].clone(), empty["products"].clone()),
        (json!([]), json!(0))
    );

    // Bad input is refused with a reason and stores nothing.
    for (endpoint, body, reason) in [
        (
            "settings/import_products",
            json!({ "json": "{\"orders\": []}" }),
            "not a Shopify products export",
        ),
        (
            "settings/import_products",
            json!({ "json": "not json" }),
            "not a JSON file",
        ),
        (
            "settings/create_article",
            json!({ "input": { "title": "", "body": "x", "published": true } }),
            "needs a title",
        ),
    ] {
        let error = app
            .call(&owner, endpoint, body)
            .await
            .text()
            .await
            .expect("body");
        assert!(error.contains(reason), "{endpoint}: {error}");
    }

    let _: Value = app
        .call_ok(&owner, "settings/create_article", article)
        .await;
    let changed: usize = app
        .call_ok(&owner, "settings/import_products", products)
        .await;
    assert_eq!(changed, 1);
    let summary: Value = app
        .call_ok(&agent, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(summary["products"], json!(1));
    assert_eq!(summary["articles"][0]["title"], json!("Shipping policy"));

    // Any agent may try questions against it.
    let answer: Value = app
        .call_ok(
            &agent,
            "settings/try_ai",
            json!({ "question": "how long does shipping to canada take?" }),
        )
        .await;
    assert_eq!(
        answer["Answer"]["source_title"],
        json!("Shipping policy"),
        "{answer}"
    );
    let bottle: Value = app
        .call_ok(
            &agent,
            "settings/try_ai",
            json!({ "question": "does the canyon bottle keep water cold?" }),
        )
        .await;
    assert_eq!(bottle["Answer"]["source_title"], json!("Canyon Bottle"));
    let handoff: Value = app
        .call_ok(
            &agent,
            "settings/try_ai",
            json!({ "question": "I want to talk to a person" }),
        )
        .await;
    assert_eq!(
        handoff["Handoff"]["reason"],
        json!("The shopper asked for a person.")
    );
    app.stop().await;
}
