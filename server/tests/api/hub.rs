//! The Customer Hub's own data through the real server: a shopper's ended chats
//! (listed, then read one by one) and their orders, each only with their own token.

use protocol::{
    hub::{PastChat, ShopperOrder},
    ClientFrame, ConversationView, ServerFrame, TicketStatus,
};
use server::store::{NewProfileEvent, PlacedOrder};

use crate::helpers::{spawn_app, TestApp, SHOP_ORIGIN};

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url(path)).header("Origin", SHOP_ORIGIN);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn get_json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, token: &str) -> T {
    let response = get(app, path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["cache-control"],
        "private, no-store",
        "{path} is private"
    );
    response.json().await.expect("json")
}

#[tokio::test]
async fn an_ended_chat_is_listed_and_readable_by_its_shopper_only() {
    let (app, _database) = spawn_app().await;
    let ana = app.shopper("7001", "Ana").await;
    let ana_token = ana.token.clone().expect("token");
    let carl_token = app.shopper("7002", "Carl").await.token.expect("token");
    let mut socket = app.shopper_socket(&ana_token).await;
    socket.send_text(None, "a1", "Is the blue mug back?").await;
    socket.send_text(None, "a2", "Thanks anyway!").await;
    socket.ack("a1").await;
    let ended = socket.ack("a2").await.conversation_id;

    // Still open: not history yet (the session carries the open chat).
    let listed: Vec<PastChat> = get_json(&app, "/api/widget/history", &ana_token).await;
    assert!(listed.is_empty());
    assert_eq!(
        get(
            &app,
            &format!("/api/widget/history/{ended}"),
            Some(&ana_token)
        )
        .await
        .status(),
        404
    );

    socket
        .send(&ClientFrame::EndChat {
            conversation_id: ended.clone(),
        })
        .await;
    socket
        .next_matching(|frame| matches!(frame, ServerFrame::Ended { .. }))
        .await;
    // A new chat begins; only the ended one is history.
    socket.send_text(None, "b1", "New question").await;
    let current = socket.ack("b1").await.conversation_id;
    assert_ne!(current, ended);

    let listed: Vec<PastChat> = get_json(&app, "/api/widget/history", &ana_token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, ended);
    assert_eq!(listed[0].preview, "Thanks anyway!");
    assert_eq!(listed[0].message_count, 2);
    assert!(listed[0].ended_at >= listed[0].started_at);

    let chat: ConversationView =
        get_json(&app, &format!("/api/widget/history/{ended}"), &ana_token).await;
    assert_eq!(chat.status, TicketStatus::Closed);
    let bodies: Vec<_> = chat.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Is the blue mug back?", "Thanks anyway!"]);

    // Someone else's chat, an unknown one, no token, a wrong token: nothing.
    let carls: Vec<PastChat> = get_json(&app, "/api/widget/history", &carl_token).await;
    assert!(carls.is_empty());
    for (path, token, status) in [
        (
            format!("/api/widget/history/{ended}"),
            Some(carl_token.as_str()),
            404,
        ),
        (
            "/api/widget/history/nope".to_owned(),
            Some(ana_token.as_str()),
            404,
        ),
        (format!("/api/widget/history/{ended}"), None, 401),
        ("/api/widget/history".to_owned(), None, 401),
        ("/api/widget/history".to_owned(), Some("forged"), 401),
    ] {
        assert_eq!(get(&app, &path, token).await.status(), status, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn orders_come_from_the_shoppers_own_profile_newest_first() {
    let (app, _database) = spawn_app().await;
    let ana_token = app.shopper("7001", "Ana").await.token.expect("token");
    let carl_token = app.shopper("7002", "Carl").await.token.expect("token");
    let ana = app
        .store
        .customer_for_widget_token(&ana_token)
        .await
        .expect("query")
        .expect("customer");
    let orders: Vec<ShopperOrder> = get_json(&app, "/api/widget/orders", &ana_token).await;
    assert!(
        orders.is_empty(),
        "no orders sent yet: the tab stays hidden"
    );

    for (number, total, at) in [
        ("#1001", 8_400, 1_700_000_000_000),
        ("#1002", 1_250, 1_700_000_500_000),
    ] {
        let order = PlacedOrder {
            number: number.into(),
            total_minor: total,
            currency: "BRL".into(),
        };
        app.store
            .record_profile_event(
                &ana.id,
                &NewProfileEvent::placed_order(order, 2, at, "test"),
            )
            .await
            .expect("order");
    }
    let orders: Vec<ShopperOrder> = get_json(&app, "/api/widget/orders", &ana_token).await;
    let numbers: Vec<_> = orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["#1002", "#1001"]);
    assert_eq!(orders[0].total_minor, 1_250);
    assert_eq!(orders[0].currency, "BRL");
    assert_eq!(orders[0].items, 2);
    assert_eq!(orders[0].placed_at, 1_700_000_500_000);

    let carls: Vec<ShopperOrder> = get_json(&app, "/api/widget/orders", &carl_token).await;
    assert!(carls.is_empty());
    assert_eq!(get(&app, "/api/widget/orders", None).await.status(), 401);
    app.stop().await;
}
