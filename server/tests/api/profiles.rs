//! The ticket sidebar's profile and event history, and reply macros: who may read and
//! manage them, validation, and paging.

use protocol::profile::{Macro, ProfileEventsPage, TicketProfile, EVENTS_PAGE};
use serde_json::json;
use server::store::{NewProfileEvent, PlacedOrder, ProfileDetails};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_ticket_shows_its_shoppers_profile_and_history() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana Souza").await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;
    let customer = app
        .store
        .conversation_customer(&ticket)
        .await
        .expect("query")
        .expect("customer");
    let details = ProfileDetails {
        phone: Some("+351 912 345 678".into()),
        location: Some("Lisbon, Portugal".into()),
        customer_since: Some(1_600_000_000_000),
    };
    app.store
        .update_profile_details(&customer, &details)
        .await
        .expect("details");
    let order = PlacedOrder {
        number: "#1001".into(),
        total_minor: 8_400,
        currency: "USD".into(),
    };
    app.store
        .record_profile_event(
            &customer,
            &NewProfileEvent::placed_order(order, 2, 1_700_000_000_000, "test"),
        )
        .await
        .expect("order");
    for index in 0..EVENTS_PAGE as i64 {
        let email = NewProfileEvent {
            metric: "Received Email".into(),
            summary: format!("Received email {index}"),
            properties: json!({ "subject": format!("News {index}") }),
            occurred_at: 1_700_000_100_000 + index,
            source: "test".into(),
            unique_id: None,
            order: None,
        };
        app.store
            .record_profile_event(&customer, &email)
            .await
            .expect("email");
    }

    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    let profile = &sidebar.profile;
    assert_eq!(profile.name, "Ana Souza");
    assert_eq!(profile.location.as_deref(), Some("Lisbon, Portugal"));
    assert_eq!(profile.customer_since, 1_600_000_000_000);
    assert_eq!(
        (profile.orders_count, profile.total_spent_minor),
        (1, 8_400)
    );
    assert_eq!(profile.last_order_number.as_deref(), Some("#1001"));
    assert!(sidebar.other_tickets.is_empty());
    assert_eq!(sidebar.events.events.len(), EVENTS_PAGE);
    assert_eq!(
        sidebar.events.events[0].summary,
        format!("Received email {}", EVENTS_PAGE - 1)
    );
    let older: ProfileEventsPage = app
        .call_ok(
            &cookie,
            "inbox/profile_events",
            json!({ "customer_id": customer, "after": sidebar.events.next }),
        )
        .await;
    assert_eq!(older.events.len(), 1);
    assert_eq!(
        older.events[0].summary,
        "Placed order #1001, 2 items, $84.00"
    );
    assert!(older.next.is_none());

    let missing = app
        .call(&cookie, "inbox/profile", json!({ "id": "nope" }))
        .await;
    assert_eq!(missing.status(), 404);
    let anonymous = app
        .call(
            "shopdesk_session=forged",
            "inbox/profile",
            json!({ "id": ticket }),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn admins_manage_macros_and_every_agent_uses_them() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let agent = app
        .invited_cookie(&owner, "ivy@shop.example", "agent")
        .await;

    let bad = app
        .call(
            &owner,
            "settings/create_macro",
            json!({ "input": { "name": "", "body": "Hi {{firstname}}" } }),
        )
        .await;
    assert_eq!(bad.status(), 400);
    let text = bad.text().await.expect("body");
    assert!(text.contains("{{firstname}}"), "{text}");

    let created: Macro = app
        .call_ok(
            &owner,
            "settings/create_macro",
            json!({ "input": { "name": " Shipping ", "body": "Hi {{first_name}}, it ships today." } }),
        )
        .await;
    assert_eq!(created.name, "Shipping");
    let refused = app
        .call(
            &agent,
            "settings/create_macro",
            json!({ "input": { "name": "Mine", "body": "Hello" } }),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let seen: Vec<Macro> = app.call_ok(&agent, "macros", json!({})).await;
    assert_eq!(seen, vec![created.clone()]);

    app.call_ok::<()>(
        &owner,
        "settings/update_macro",
        json!({ "id": created.id, "input": { "name": "Shipping", "body": "Ships in 2 days, {{first_name}}." } }),
    )
    .await;
    let deleted_by_agent = app
        .call(&agent, "settings/delete_macro", json!({ "id": created.id }))
        .await;
    assert_eq!(deleted_by_agent.status(), 403);
    let seen: Vec<Macro> = app.call_ok(&agent, "macros", json!({})).await;
    assert_eq!(seen[0].body, "Ships in 2 days, {{first_name}}.");
    app.call_ok::<()>(&owner, "settings/delete_macro", json!({ "id": created.id }))
        .await;
    let gone = app
        .call(&owner, "settings/delete_macro", json!({ "id": created.id }))
        .await;
    assert_eq!(gone.status(), 404);
    let seen: Vec<Macro> = app.call_ok(&owner, "macros", json!({})).await;
    assert!(seen.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_shared_email_is_only_a_suggestion_until_an_agent_links_the_profiles() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    // Ana chats on the web; the email platform knows her by email only, and a second
    // web identity uses the same email (unverified: it proves nothing by itself).
    let mut ana = app.connected_shopper("7001", "Ana Souza").await;
    ana.send_text(None, "a1", "Hello").await;
    let ticket = ana.ack("a1").await.conversation_id;
    let ana_id = app
        .store
        .conversation_customer(&ticket)
        .await
        .expect("q")
        .expect("ana");
    let mut twin_widget = app.connected_shopper("9009", "A. Souza").await;
    twin_widget
        .send_text(None, "t1", "Second account here")
        .await;
    let twin_ticket = twin_widget.ack("t1").await.conversation_id;
    // The same address, written differently.
    app.store
        .upsert_customer("7001", "Ana Souza", "ana@example.com")
        .await
        .expect("ana");
    let twin = app
        .store
        .upsert_customer("9009", "A. Souza", "ANA@example.com")
        .await
        .expect("twin");
    let email = NewProfileEvent {
        metric: "Received Email".into(),
        summary: "Received Email: Spring sale".into(),
        properties: json!({}),
        occurred_at: 1_700_000_000_000,
        source: "test".into(),
        unique_id: None,
        order: None,
    };
    app.store
        .record_profile_event(&twin.id, &email)
        .await
        .expect("event");

    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert_eq!(sidebar.suggestions.len(), 1);
    assert_eq!(sidebar.suggestions[0].profile.id, twin.id);
    assert_eq!(sidebar.suggestions[0].matched_on, "email");
    assert!(sidebar.linked.is_empty());
    assert!(
        sidebar.other_tickets.is_empty(),
        "nothing shared before an agent decides"
    );
    assert!(sidebar.events.events.is_empty());

    // Linked: each side shows the other's tickets and history.
    let decide = |same: Option<bool>| json!({ "customer_id": ana_id, "other_id": twin.id, "same_person": same });
    let _: () = app
        .call_ok(&cookie, "inbox/decide_profiles", decide(Some(true)))
        .await;
    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert!(sidebar.suggestions.is_empty());
    assert_eq!(sidebar.linked[0].id, twin.id);
    assert_eq!(sidebar.other_tickets[0].id, twin_ticket);
    assert_eq!(
        sidebar.events.events[0].summary,
        "Received Email: Spring sale"
    );
    let theirs: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": twin_ticket }))
        .await;
    assert_eq!(theirs.linked[0].id, ana_id);
    // Each shopper still reaches only their own conversation.
    ana.send(&protocol::ClientFrame::Resume {
        conversation_id: twin_ticket.clone(),
        after_seq: 0,
    })
    .await;
    let answer = ana
        .next_matching(|frame| {
            matches!(frame, protocol::ServerFrame::ResumeRefused { .. })
                || matches!(frame, protocol::ServerFrame::Message { message }
                    if message.conversation_id == twin_ticket)
        })
        .await;
    assert!(matches!(
        answer,
        protocol::ServerFrame::ResumeRefused { .. }
    ));

    // Undo, then "not the same person": the suggestion stays away.
    let _: () = app
        .call_ok(&cookie, "inbox/decide_profiles", decide(None))
        .await;
    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert!(sidebar.linked.is_empty() && sidebar.other_tickets.is_empty());
    assert_eq!(sidebar.suggestions.len(), 1);
    let _: () = app
        .call_ok(&cookie, "inbox/decide_profiles", decide(Some(false)))
        .await;
    let sidebar: TicketProfile = app
        .call_ok(&cookie, "inbox/profile", json!({ "id": ticket }))
        .await;
    assert!(sidebar.suggestions.is_empty() && sidebar.linked.is_empty());
    // Unknown profiles: 404, nothing recorded.
    let unknown = json!({ "customer_id": ana_id, "other_id": "nope", "same_person": true });
    assert_eq!(
        app.call(&cookie, "inbox/decide_profiles", unknown)
            .await
            .status(),
        404
    );
    app.stop().await;
}
