//! Ticket search through the helpdesk API, on whichever backend the suite runs on
//! (SQLite FTS5, or PostgreSQL full-text): words in messages, shoppers' names and
//! email parts, ranking, bad queries, and who may search.

use protocol::search::SearchHit;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

async fn search(app: &TestApp, cookie: &str, query: &str) -> Vec<SearchHit> {
    app.call_ok(cookie, "inbox/search", json!({ "query": query }))
        .await
}

fn names(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter()
        .map(|hit| hit.ticket.customer_name.as_str())
        .collect()
}

#[tokio::test]
async fn agents_find_tickets_by_words_names_and_emails() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut ana = app.connected_shopper("7001", "Ana Souza").await;
    let mut ben = app.connected_shopper("7002", "Ben Okafor").await;
    ana.send_text(None, "a1", "Where is my order #1001? It was a gift.")
        .await;
    let anas = ana.ack("a1").await.conversation_id;
    ben.send_text(None, "b1", "I would like a refund for order 1002")
        .await;
    ben.ack("b1").await;
    ben.send_text(None, "b2", "The refund, please").await;
    let bens = ben.ack("b2").await.conversation_id;
    // The indexer runs a moment after messages are stored; catch it up now.
    app.store.index_all_messages().await.expect("indexed");

    let refund = search(&app, &cookie, "refund").await;
    assert_eq!(names(&refund), ["Ben Okafor"]);
    assert_eq!(refund[0].ticket.id, bens);
    assert!(refund[0]
        .snippet
        .iter()
        .any(|part| part.hit && part.text == "refund"));

    assert_eq!(names(&search(&app, &cookie, "#1001").await), ["Ana Souza"]);
    assert_eq!(names(&search(&app, &cookie, "GIFT").await), ["Ana Souza"]);
    let by_name = search(&app, &cookie, "souz").await;
    assert_eq!(by_name[0].ticket.id, anas);
    assert!(by_name[0].customer_matched);
    // The test shoppers' emails are "<name>@example.com" (see helpers::signed).
    let by_email = search(&app, &cookie, "okafor@example.com").await;
    assert_eq!(names(&by_email), ["Ben Okafor"]);
    let orders = search(&app, &cookie, "order").await;
    assert_eq!(orders.len(), 2);
    assert!(search(&app, &cookie, "lisbon").await.is_empty());
    assert!(search(&app, &cookie, "   ").await.is_empty());

    let too_long = app
        .call(&cookie, "inbox/search", json!({ "query": "x".repeat(201) }))
        .await;
    assert_eq!(too_long.status(), 400);
    let anonymous = app
        .call(
            "shopdesk_session=forged",
            "inbox/search",
            json!({ "query": "refund" }),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    app.stop().await;
}
