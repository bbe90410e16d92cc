//! New-ticket emails: sent in the background through a real SMTP server (aiosmtpd),
//! once to each opted-in agent, never holding up the shopper.

use serde_json::{json, Value};

use crate::{
    helpers::{spawn_app, spawn_app_with, test_database},
    smtp::SmtpSink,
};

#[tokio::test]
async fn opted_in_agents_get_one_email_per_new_ticket() {
    let mut sink = SmtpSink::start().await;
    let database = test_database().await;
    let url = sink.url();
    let app = spawn_app_with(&database, |config| {
        config.smtp_url = Some(server::config::Secret::new(url));
        config.smtp_from = Some("Shopdesk <helpdesk@shop.example>".to_owned());
    })
    .await;
    let owner = app.owner_cookie().await;
    let agent = app
        .invited_cookie(&owner, "ivy@shop.example", "agent")
        .await;
    // The invitation itself went out by email, with its link.
    let invitation = sink.next_email().await;
    assert_eq!(invitation.rcpt_tos, ["ivy@shop.example"]);
    assert_eq!(
        invitation.subject,
        "Olga Agent invited you to the Test Shop helpdesk"
    );
    assert!(invitation.text.contains(&app.url("/invite/")));
    let page: Value = app
        .call_ok(
            &owner,
            "settings/save_notifications",
            json!({ "new_ticket_emails": true }),
        )
        .await;
    assert_eq!(page["new_ticket_emails"], true);
    assert_eq!(page["sender"], "helpdesk@shop.example");
    let ivy: Value = app
        .call_ok(&agent, "settings/notifications", json!({}))
        .await;
    assert_eq!(
        ivy["new_ticket_emails"], false,
        "off until the agent turns it on"
    );

    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper
        .send_text(None, "c1", "My parcel never arrived.\nOrder #1001")
        .await;
    let first = shopper.ack("c1").await;
    shopper
        .send_text(Some(&first.conversation_id), "c2", "Any news?")
        .await;
    shopper.ack("c2").await;

    let email = sink.next_email().await;
    assert_eq!(email.rcpt_tos, ["olga@shop.example"]);
    assert!(email.to.contains("olga@shop.example"));
    assert!(email.from.contains("helpdesk@shop.example"));
    assert_eq!(email.subject, "New ticket from Ana");
    assert!(
        email.text.contains("> My parcel never arrived."),
        "{}",
        email.text
    );
    assert!(email.text.contains("> Order #1001"));
    assert!(email
        .text
        .contains(&app.url(&format!("/inbox/{}", first.conversation_id))));

    // A second ticket (another shopper) is one more email; the follow-up message was none.
    let mut ben = app.connected_shopper("7002", "Ben").await;
    ben.send_text(None, "b1", "Do you ship to Lisbon?").await;
    ben.ack("b1").await;
    let second = sink.next_email().await;
    assert_eq!(second.subject, "New ticket from Ben");
    app.stop().await;
}

#[tokio::test]
async fn without_smtp_the_notifications_page_says_so_and_messages_flow() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let page: Value = app
        .call_ok(
            &owner,
            "settings/save_notifications",
            json!({ "new_ticket_emails": true }),
        )
        .await;
    assert_eq!(page["sender"], Value::Null);
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "c1", "Hello").await;
    assert_eq!(shopper.ack("c1").await.body, "Hello");
    app.stop().await;
}

#[tokio::test]
async fn an_unreachable_smtp_server_never_fails_the_shoppers_message() {
    let database = test_database().await;
    // Nothing listens on this port (bound then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let app = spawn_app_with(&database, |config| {
        config.smtp_url = Some(server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
        config.smtp_from = Some("helpdesk@shop.example".to_owned());
    })
    .await;
    let owner = app.owner_cookie().await;
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_notifications",
            json!({ "new_ticket_emails": true }),
        )
        .await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "c1", "Hello").await;
    assert_eq!(shopper.ack("c1").await.body, "Hello");
    app.stop().await;
}
