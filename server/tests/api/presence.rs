//! Passing signals: typing both ways, agents viewing a ticket, and read receipts from
//! the shopper's widget, each reaching only who may see it. An absent signal is shown
//! by a later one arriving first (frames on a socket keep their order).

use protocol::{AuthorKind, ClientFrame, ServerFrame};

use crate::helpers::spawn_app;

fn is_message(frame: &ServerFrame, body: &str) -> bool {
    matches!(frame, ServerFrame::Message { message } if message.body == body)
}

#[tokio::test]
async fn typing_reaches_the_other_side_and_nobody_else() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut ana = app.connected_shopper("7001", "Ana").await;
    let mut ben = app.connected_shopper("7002", "Ben").await;
    ana.send_text(None, "a1", "Hello").await;
    let anas = ana.ack("a1").await.conversation_id;
    ben.send_text(None, "b1", "Hi").await;
    ben.ack("b1").await;
    let mut agent = app.agent_socket(&cookie).await;

    // Ana types (her open chat, named or not); the agent hears it with her name.
    ana.send(&ClientFrame::Typing {
        conversation_id: None,
    })
    .await;
    let typing = agent
        .next_matching(|frame| matches!(frame, ServerFrame::Typing { .. }))
        .await;
    let ServerFrame::Typing {
        conversation_id,
        who,
    } = typing
    else {
        unreachable!()
    };
    assert_eq!(conversation_id, anas);
    assert_eq!((who.kind, who.name.as_str()), (AuthorKind::Shopper, "Ana"));

    // Ben names Ana's chat: nothing goes out. His next message arrives with no typing before it.
    ben.send(&ClientFrame::Typing {
        conversation_id: Some(anas.clone()),
    })
    .await;
    ben.send_text(None, "b2", "Still there?").await;
    let frames = agent
        .frames_until(|frame| is_message(frame, "Still there?"))
        .await;
    assert!(
        !frames
            .iter()
            .any(|frame| matches!(frame, ServerFrame::Typing { .. })),
        "{frames:?}"
    );

    // The agent types in Ana's chat: Ana sees it, Ben does not.
    agent
        .send(&ClientFrame::Typing {
            conversation_id: Some(anas.clone()),
        })
        .await;
    let seen_by_ana = ana
        .next_matching(|frame| matches!(frame, ServerFrame::Typing { .. }))
        .await;
    assert!(matches!(seen_by_ana, ServerFrame::Typing { who, .. }
        if who.kind == AuthorKind::Agent && who.name == "Olga Agent"));
    agent.send_text(Some(&anas), "o1", "Here!").await;
    agent.ack("o1").await;
    ben.send_text(None, "b3", "ok").await;
    let ben_frames = ben
        .frames_until(
            |frame| matches!(frame, ServerFrame::Ack { client_id, .. } if client_id == "b3"),
        )
        .await;
    assert!(
        !ben_frames
            .iter()
            .any(|frame| matches!(frame, ServerFrame::Typing { .. })),
        "{ben_frames:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn agents_see_who_else_has_a_ticket_open() {
    let (app, _database) = spawn_app().await;
    let olga_cookie = app.owner_cookie().await;
    let ivy_cookie = app
        .invited_cookie(&olga_cookie, "ivy@shop.example", "agent")
        .await;
    let mut olga = app.agent_socket(&olga_cookie).await;
    let mut ivy = app.agent_socket(&ivy_cookie).await;
    olga.send(&ClientFrame::Viewing {
        conversation_id: Some("ticket-1".into()),
    })
    .await;
    let frame = ivy
        .next_matching(|frame| matches!(frame, ServerFrame::Viewing { .. }))
        .await;
    assert!(
        matches!(frame, ServerFrame::Viewing { conversation_id: Some(id), who }
        if id == "ticket-1" && who.name == "Olga Agent")
    );
    olga.send(&ClientFrame::Viewing {
        conversation_id: None,
    })
    .await;
    let frame = ivy
        .next_matching(|frame| matches!(frame, ServerFrame::Viewing { .. }))
        .await;
    assert!(matches!(
        frame,
        ServerFrame::Viewing {
            conversation_id: None,
            ..
        }
    ));
    app.stop().await;
}

#[tokio::test]
async fn receipts_move_forward_only_for_the_shoppers_own_chat() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut ana = app.connected_shopper("7001", "Ana").await;
    let mut ben = app.connected_shopper("7002", "Ben").await;
    ana.send_text(None, "a1", "Hello").await;
    let anas = ana.ack("a1").await.conversation_id;
    let mut agent = app.agent_socket(&cookie).await;
    agent.send_text(Some(&anas), "o1", "Hi Ana!").await;
    let reply = agent.ack("o1").await;

    ana.send(&ClientFrame::Delivered {
        conversation_id: anas.clone(),
        seq: reply.seq,
    })
    .await;
    let delivered = agent
        .next_matching(|frame| matches!(frame, ServerFrame::Receipt { .. }))
        .await;
    assert_eq!(
        delivered,
        ServerFrame::Receipt {
            conversation_id: anas.clone(),
            delivered_seq: 2,
            seen_seq: 0
        }
    );
    // Seen far beyond the thread is capped at its last message.
    ana.send(&ClientFrame::Seen {
        conversation_id: anas.clone(),
        seq: 99,
    })
    .await;
    let seen = agent
        .next_matching(|frame| matches!(frame, ServerFrame::Receipt { .. }))
        .await;
    assert_eq!(
        seen,
        ServerFrame::Receipt {
            conversation_id: anas.clone(),
            delivered_seq: 2,
            seen_seq: 2
        }
    );

    // Ben cannot mark Ana's chat; going backwards changes nothing.
    ben.send(&ClientFrame::Seen {
        conversation_id: anas.clone(),
        seq: 1,
    })
    .await;
    ana.send(&ClientFrame::Seen {
        conversation_id: anas.clone(),
        seq: 1,
    })
    .await;
    ana.send_text(Some(&anas), "a2", "Thanks").await;
    let frames = agent
        .frames_until(|frame| is_message(frame, "Thanks"))
        .await;
    assert!(
        !frames
            .iter()
            .any(|frame| matches!(frame, ServerFrame::Receipt { .. })),
        "{frames:?}"
    );
    let tickets = app.open_tickets(&cookie).await;
    assert_eq!(
        (
            tickets[0].shopper_delivered_seq,
            tickets[0].shopper_seen_seq
        ),
        (2, 2)
    );
    app.stop().await;
}
