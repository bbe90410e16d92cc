//! The live chat loop and its delivery guarantees.

use protocol::{AuthorKind, ClientFrame, RejectReason, ServerFrame, TicketSummary};

use crate::helpers::{spawn_app, spawn_app_on, test_database};

#[tokio::test]
async fn shopper_and_agent_chat_live_in_both_directions() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut agent = app.agent_socket(&cookie).await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;

    shopper
        .send_text(None, "s1", "Hi, where is my order #1001?")
        .await;
    let stored = shopper.ack("s1").await;
    assert_eq!(stored.seq, 1);
    assert_eq!(stored.author_kind, AuthorKind::Shopper);

    // The agent sees the new ticket's message and its inbox row, live.
    let seen = agent
        .next_matching(|frame| matches!(frame, ServerFrame::Message { .. }))
        .await;
    assert_eq!(
        seen,
        ServerFrame::Message {
            message: stored.clone()
        }
    );
    let ServerFrame::Ticket { ticket } = agent
        .next_matching(|frame| matches!(frame, ServerFrame::Ticket { .. }))
        .await
    else {
        unreachable!()
    };
    assert_eq!(ticket.customer_name, "Ana");
    assert_eq!(ticket.preview, "Hi, where is my order #1001?");
    assert!(ticket.is_unread());

    // The agent replies; the shopper sees it live; the ticket is now the agent's.
    agent
        .send_text(Some(&stored.conversation_id), "a1", "It ships today!")
        .await;
    let reply = agent.ack("a1").await;
    assert_eq!(reply.seq, 2);
    let delivered = shopper
        .next_matching(
            |frame| matches!(frame, ServerFrame::Message { message } if message.seq == 2),
        )
        .await;
    let ServerFrame::Message { message } = delivered else {
        unreachable!()
    };
    assert_eq!(message.body, "It ships today!");
    assert_eq!(message.author_kind, AuthorKind::Agent);
    assert_eq!(message.author_name, "Olga Agent");

    let tickets: Vec<TicketSummary> = app.open_tickets(&cookie).await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].assignee_name.as_deref(), Some("Olga Agent"));
    assert_eq!(tickets[0].last_seq, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_repeated_client_id_is_stored_once_even_from_a_new_connection() {
    let (app, _database) = spawn_app().await;
    let session = app.shopper("7001", "Ana").await;
    let token = session.token.expect("token");
    let mut first = app.shopper_socket(&token).await;
    first.send_text(None, "same-id", "Hello").await;
    let original = first.ack("same-id").await;
    first.send_text(None, "same-id", "Hello").await;
    assert_eq!(first.ack("same-id").await, original);
    first.close().await;

    let mut second = app.shopper_socket(&token).await;
    second
        .send_text(Some(&original.conversation_id), "same-id", "Hello")
        .await;
    assert_eq!(second.ack("same-id").await, original);

    let stored = app
        .store
        .messages_after(&original.conversation_id, 0)
        .await
        .expect("messages");
    assert_eq!(stored.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn reconnect_and_resume_delivers_exactly_the_missed_messages() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut agent = app.agent_socket(&cookie).await;
    let session = app.shopper("7001", "Ana").await;
    let token = session.token.expect("token");
    let mut shopper = app.shopper_socket(&token).await;
    shopper.send_text(None, "s1", "Are you there?").await;
    let first = shopper.ack("s1").await;
    shopper.close().await;

    // While the shopper is away, the agent writes three messages.
    for (index, text) in ["Yes!", "Checking your order", "Found it"]
        .iter()
        .enumerate()
    {
        let client_id = format!("a{index}");
        agent
            .send_text(Some(&first.conversation_id), &client_id, text)
            .await;
        agent.ack(&client_id).await;
    }

    let mut back = app.shopper_socket(&token).await;
    back.send(&ClientFrame::Resume {
        conversation_id: first.conversation_id.clone(),
        after_seq: first.seq,
    })
    .await;
    let mut missed = Vec::new();
    for _ in 0..3 {
        match back.next_frame().await {
            ServerFrame::Message { message } => missed.push((message.seq, message.body)),
            other => panic!("expected a missed message, got {other:?}"),
        }
    }
    assert_eq!(
        missed,
        vec![
            (2, "Yes!".to_owned()),
            (3, "Checking your order".to_owned()),
            (4, "Found it".to_owned())
        ]
    );
    // Nothing else was queued: the next frame is the ack of a new message.
    back.send_text(Some(&first.conversation_id), "s2", "Thanks")
        .await;
    match back.next_frame().await {
        ServerFrame::Ack { client_id, message } => {
            assert_eq!(client_id, "s2");
            assert_eq!(message.seq, 5);
        }
        other => panic!("expected the ack, got {other:?}"),
    }
    app.stop().await;
}

#[tokio::test]
async fn messages_survive_a_server_restart_and_resends_are_not_duplicated() {
    let database = test_database().await;
    let app = spawn_app_on(&database).await;
    let session = app.shopper("7001", "Ana").await;
    let token = session.token.expect("token");
    let mut shopper = app.shopper_socket(&token).await;
    shopper
        .send_text(None, "before-restart", "Do you ship to Lisbon?")
        .await;
    let stored = shopper.ack("before-restart").await;
    app.stop().await;

    let app = spawn_app_on(&database).await;
    let mut request = crate::helpers::signed("7001", "Ana");
    request.token = Some(token.clone());
    let session = app.widget_session(&request).await;
    assert_eq!(
        session.token.as_deref(),
        Some(token.as_str()),
        "token reused"
    );
    let conversation = session.conversation.expect("open conversation restored");
    assert_eq!(conversation.messages, vec![stored.clone()]);

    // A client that never saw the ack re-sends: it gets the original back.
    let mut shopper = app.shopper_socket(&token).await;
    shopper
        .send_text(None, "before-restart", "Do you ship to Lisbon?")
        .await;
    assert_eq!(shopper.ack("before-restart").await, stored);
    app.stop().await;
}

#[tokio::test]
async fn ended_chat_cannot_receive_new_messages() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "s1", "Thanks, bye").await;
    let first = shopper.ack("s1").await;
    let closer = server::store::Closer::Agent {
        name: "Olga".into(),
    };
    app.store
        .close_ticket(&first.conversation_id, &closer)
        .await
        .expect("close");

    shopper
        .send_text(Some(&first.conversation_id), "s2", "One more thing")
        .await;
    let refused = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Rejected { .. }))
        .await;
    assert!(matches!(
        refused,
        ServerFrame::Rejected {
            reason: RejectReason::Closed,
            ..
        }
    ));
    let mut agent = app.agent_socket(&cookie).await;
    agent
        .send_text(Some(&first.conversation_id), "a1", "Wait!")
        .await;
    assert!(matches!(
        agent.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::Closed,
            ..
        }
    ));

    // Writing again without a conversation starts a new ticket.
    shopper.send_text(None, "s3", "New question").await;
    let next = shopper.ack("s3").await;
    assert_ne!(next.conversation_id, first.conversation_id);
    assert_eq!(next.seq, 1);
    app.stop().await;
}

#[tokio::test]
async fn invalid_messages_are_refused_and_nothing_is_stored() {
    let (app, _database) = spawn_app().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "blank", "   ").await;
    assert!(matches!(
        shopper.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::Invalid,
            ..
        }
    ));
    shopper
        .send_text(None, "too-long", &"x".repeat(protocol::MAX_BODY_CHARS + 1))
        .await;
    assert!(matches!(
        shopper.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::Invalid,
            ..
        }
    ));
    shopper.send_text(None, "bad id!", "hello").await;
    assert!(matches!(
        shopper.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::Invalid,
            ..
        }
    ));
    assert!(app.live_ticket_count().await == 0);
    app.stop().await;
}

#[tokio::test]
async fn the_longest_message_in_the_widest_characters_arrives_whole() {
    // 5,000 four-byte characters: a 20 KB frame, far past the socket's 1 KiB read buffer.
    let (app, _database) = spawn_app().await;
    let mut shopper = app.connected_shopper("7002", "Ana").await;
    let body = "🙂".repeat(protocol::MAX_BODY_CHARS);
    shopper.send_text(None, "widest", &body).await;
    let stored = shopper.ack("widest").await;
    assert_eq!(stored.body, body);
    // The socket goes on reading small frames after the big one.
    shopper
        .send_text(Some(&stored.conversation_id), "after", "and a short one")
        .await;
    assert_eq!(shopper.ack("after").await.body, "and a short one");
    app.stop().await;
}

#[tokio::test]
async fn opening_a_ticket_marks_it_read_until_the_shopper_writes_again() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "s1", "Hello?").await;
    let first = shopper.ack("s1").await;

    let unread = |tickets: Vec<TicketSummary>| tickets[0].is_unread();
    let list = || app.open_tickets(&cookie);
    assert!(unread(list().await));
    let opened: protocol::TicketThread = app
        .server_fn(
            Some(&cookie),
            "load_ticket",
            &[("id", &first.conversation_id)],
        )
        .await
        .json()
        .await
        .expect("thread json");
    assert_eq!(opened.messages, vec![first.clone()]);
    assert!(!opened.ticket.is_unread());
    assert!(!unread(list().await));

    shopper
        .send_text(Some(&first.conversation_id), "s2", "Anyone?")
        .await;
    shopper.ack("s2").await;
    assert!(unread(list().await));
    app.stop().await;
}
