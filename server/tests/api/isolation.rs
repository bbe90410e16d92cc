//! A shopper only ever reads and writes their own conversations.

use protocol::{ClientFrame, RejectReason, ServerFrame};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_shopper_cannot_read_or_write_another_shoppers_conversation() {
    let (app, _database) = spawn_app().await;
    let ana = app.shopper("7001", "Ana").await;
    let ben = app.shopper("7002", "Ben").await;
    let mut ana_socket = app
        .shopper_socket(ana.token.as_deref().expect("token"))
        .await;
    let mut ben_socket = app
        .shopper_socket(ben.token.as_deref().expect("token"))
        .await;

    ana_socket
        .send_text(None, "a1", "My address is 1 Private St")
        .await;
    let anas = ana_socket.ack("a1").await;

    // Ben names Ana's conversation: refused, and nothing is stored.
    ben_socket
        .send_text(Some(&anas.conversation_id), "b1", "Let me in")
        .await;
    assert!(matches!(
        ben_socket.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::NotFound,
            ..
        }
    ));
    ben_socket
        .send(&ClientFrame::Resume {
            conversation_id: anas.conversation_id.clone(),
            after_seq: 0,
        })
        .await;
    assert_eq!(
        ben_socket.next_frame().await,
        ServerFrame::ResumeRefused {
            conversation_id: anas.conversation_id.clone()
        }
    );

    // Ana writes again; Ben's next frame is his own ack, not Ana's message
    // (Ana's message was published before her ack, so it would have come first).
    ana_socket
        .send_text(None, "a2", "And my phone number")
        .await;
    ana_socket.ack("a2").await;
    ben_socket.send_text(None, "b2", "My own question").await;
    match ben_socket.next_frame().await {
        ServerFrame::Ack { client_id, message } => {
            assert_eq!(client_id, "b2");
            assert_ne!(message.conversation_id, anas.conversation_id);
        }
        other => panic!("Ben received something not his: {other:?}"),
    }

    let stored = app
        .store
        .messages_after(&anas.conversation_id, 0)
        .await
        .expect("messages");
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|message| message.author_name == "Ana"));

    // A fresh session for Ben does not include Ana's conversation either.
    let ben_again = app.shopper("7002", "Ben").await;
    let bens = ben_again.conversation.expect("Ben's own conversation");
    assert_ne!(bens.id, anas.conversation_id);
    app.stop().await;
}
