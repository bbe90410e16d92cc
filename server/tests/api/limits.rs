//! Limits on what one visitor may ask: each refusal says when to try again, refuses
//! before anything is stored, and what was accepted before stays accepted.

use std::time::Duration;

use protocol::{RejectReason, ServerFrame, TicketThread};
use server::limits::{Limits, Rate};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue};

use crate::{
    helpers::{signed, spawn_app_with, test_database, Socket, TestApp, SHOP_ORIGIN},
    uploads::{shopper_upload, TINY_PNG},
};

/// A server with only `limits` on.
async fn app_with(limits: Limits) -> (TestApp, crate::helpers::TestDatabase) {
    let database = test_database().await;
    let app = spawn_app_with(&database, |config| config.limits = limits).await;
    (app, database)
}

async fn thread(app: &TestApp, cookie: &str, id: &str) -> TicketThread {
    app.server_fn(Some(cookie), "load_ticket", &[("id", id)])
        .await
        .json()
        .await
        .expect("thread")
}

/// The ack or the refusal of `client_id`.
async fn answer(socket: &mut Socket, client_id: &str) -> ServerFrame {
    socket
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Ack { client_id: id, .. }
                | ServerFrame::Rejected { client_id: id, .. } if id == client_id)
        })
        .await
}

#[tokio::test]
async fn a_shopper_sending_too_fast_is_told_when_to_try_again_and_loses_nothing() {
    let (app, _database) = app_with(Limits {
        socket_messages: Some(Rate::new(3, 1)),
        ..Limits::none()
    })
    .await;
    let owner = app.owner_cookie().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    for index in 0..5 {
        shopper
            .send_text(None, &format!("m{index}"), &format!("Message {index}"))
            .await;
    }
    let mut conversation = String::new();
    let mut refused = Vec::new();
    for index in 0..5 {
        match answer(&mut shopper, &format!("m{index}")).await {
            ServerFrame::Ack { message, .. } => conversation = message.conversation_id,
            ServerFrame::Rejected {
                client_id,
                reason: RejectReason::RateLimited { retry_after_ms },
                detail,
            } => {
                assert!(retry_after_ms <= 1000, "{retry_after_ms}");
                assert!(detail.contains("too fast"), "{detail}");
                refused.push((client_id, retry_after_ms));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        refused
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        ["m3", "m4"],
        "a burst of 3 passes"
    );
    assert_eq!(thread(&app, &owner, &conversation).await.messages.len(), 3);

    // Sent again after the wait the server asked for (as the widget does, again if it
    // is asked to wait once more), the same messages go in, each once.
    for (client_id, mut retry_after_ms) in refused {
        let index = &client_id[1..];
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries <= 5, "{client_id} never accepted");
            tokio::time::sleep(Duration::from_millis(retry_after_ms)).await;
            shopper
                .send_text(None, &client_id, &format!("Message {index}"))
                .await;
            match answer(&mut shopper, &client_id).await {
                ServerFrame::Ack { .. } => break,
                ServerFrame::Rejected {
                    reason:
                        RejectReason::RateLimited {
                            retry_after_ms: wait,
                        },
                    ..
                } => retry_after_ms = wait,
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    let bodies: Vec<String> = thread(&app, &owner, &conversation)
        .await
        .messages
        .into_iter()
        .map(|message| message.body)
        .collect();
    assert_eq!(
        bodies,
        (0..5).map(|i| format!("Message {i}")).collect::<Vec<_>>()
    );
    app.stop().await;
}

#[tokio::test]
async fn the_shoppers_limit_holds_across_all_their_tabs_but_not_for_agents() {
    let (app, _database) = app_with(Limits {
        shopper_messages: Some(Rate::new(4, 60)),
        ..Limits::none()
    })
    .await;
    let owner = app.owner_cookie().await;
    let session = app.shopper("7001", "Ana").await;
    let token = session.token.expect("token");
    let mut first_tab = app.shopper_socket(&token).await;
    let mut second_tab = app.shopper_socket(&token).await;
    let mut conversation = String::new();
    for index in 0..4 {
        let tab = if index % 2 == 0 {
            &mut first_tab
        } else {
            &mut second_tab
        };
        tab.send_text(None, &format!("m{index}"), "Hello").await;
        match answer(tab, &format!("m{index}")).await {
            ServerFrame::Ack { message, .. } => conversation = message.conversation_id,
            other => panic!("within the burst: {other:?}"),
        }
    }
    second_tab.send_text(None, "m4", "Hello again").await;
    assert!(matches!(
        answer(&mut second_tab, "m4").await,
        ServerFrame::Rejected {
            reason: RejectReason::RateLimited { .. },
            ..
        }
    ));
    // The team answers as often as it likes.
    let mut agent = app.agent_socket(&owner).await;
    for index in 0..10 {
        agent
            .send_text(Some(&conversation), &format!("a{index}"), "On it")
            .await;
        assert!(matches!(
            answer(&mut agent, &format!("a{index}")).await,
            ServerFrame::Ack { .. }
        ));
    }
    app.stop().await;
}

#[tokio::test]
async fn one_address_may_hold_only_so_many_chat_sockets() {
    let (app, _database) = app_with(Limits {
        sockets_per_address: Some(2),
        ..Limits::none()
    })
    .await;
    let token = app.shopper("7001", "Ana").await.token.expect("token");
    let first = app.shopper_socket(&token).await;
    let _second = app.shopper_socket(&token).await;
    let mut request = format!("ws://127.0.0.1:{}/ws/widget?token={token}", app.port)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("Origin", HeaderValue::from_static(SHOP_ORIGIN));
    match tokio_tungstenite::connect_async(request.clone()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("a third socket must be refused: {:?}", other.map(|_| ())),
    }
    // One closes: there is room again.
    first.close().await;
    let mut reopened = None;
    for _ in 0..50 {
        // The server notices the close a moment after the client sends it.
        match tokio_tungstenite::connect_async(request.clone()).await {
            Ok(socket) => {
                reopened = Some(socket);
                break;
            }
            Err(_) => tokio::task::yield_now().await,
        }
    }
    assert!(reopened.is_some(), "a place came free");
    app.stop().await;
}

#[tokio::test]
async fn widget_sessions_and_uploads_are_limited_with_a_retry_after() {
    let (app, _database) = app_with(Limits {
        sessions_per_address: Some(Rate::new(2, 60)),
        shopper_uploads: Some(Rate::new(1, 60)),
        ..Limits::none()
    })
    .await;
    let token = app.shopper("7001", "Ana").await.token.expect("token");
    app.shopper("7002", "Ben").await;
    let refused = app
        .http
        .post(app.url("/api/widget/session"))
        .header("Origin", SHOP_ORIGIN)
        .json(&signed("7003", "Cleo"))
        .send()
        .await
        .expect("session request");
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&wait), "{wait}");
    let body: serde_json::Value = refused.json().await.expect("json");
    assert!(body["error"]
        .as_str()
        .is_some_and(|error| error.contains("chat sessions")));
    assert!(
        app.store
            .customer_for_external_id("7003")
            .await
            .expect("lookup")
            .is_none(),
        "a refused session stores nothing"
    );

    assert_eq!(
        shopper_upload(&app, Some(&token), TINY_PNG.to_vec())
            .await
            .status(),
        200
    );
    let second = shopper_upload(&app, Some(&token), TINY_PNG.to_vec()).await;
    assert_eq!(second.status(), 429);
    assert!(second.headers().get("retry-after").is_some());
    app.stop().await;
}
