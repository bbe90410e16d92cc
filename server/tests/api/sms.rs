//! The SMS channel end to end, against a fake SMS provider (a local server that checks
//! our credentials and parameters and records what it was asked to send): a text opens
//! an SMS ticket live in the inbox, beside the same profile's web chat; the agent's reply
//! goes out by SMS; delivery callbacks move its state forward; STOP stops replies; forged
//! or replayed webhooks change nothing.

use std::sync::{
    atomic::{AtomicU32, Ordering},
    Arc,
};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Json, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use protocol::{Channel, ClientFrame, RejectReason, ServerFrame, TicketThread};
use server::{
    config::{Secret, SmsConfig},
    sms::{INBOUND_PATH, STATUS_PATH},
    store::{ProfileDetails, SMS_SEND_JOB},
};
use sha1::Sha1;
use tokio::sync::mpsc;

use crate::helpers::{spawn_app_with, test_database, TestApp};

const ACCOUNT: &str = "AC0123456789";
const TOKEN: &str = "provider-auth-token";
const OUR_NUMBER: &str = "+15550001111";

/// What the fake provider was asked to send.
#[derive(Debug)]
struct Sent {
    to: String,
    from: String,
    body: String,
    status_callback: String,
}

#[derive(Clone)]
struct Fake {
    sent: mpsc::UnboundedSender<Sent>,
    next: Arc<AtomicU32>,
}

async fn fake_messages(
    State(fake): State<Fake>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, Json<serde_json::Value>) {
    let expected = format!("Basic {}", STANDARD.encode(format!("{ACCOUNT}:{TOKEN}")));
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&expected);
    if account != ACCOUNT || !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "message": "auth" })),
        );
    }
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).expect("form");
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let (Some(to), Some(from), Some(text), Some(callback)) =
        (get("To"), get("From"), get("Body"), get("StatusCallback"))
    else {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "message": "params" })),
        );
    };
    let sid = format!("SMfake{}", fake.next.fetch_add(1, Ordering::SeqCst));
    fake.sent
        .send(Sent {
            to,
            from,
            body: text,
            status_callback: callback,
        })
        .expect("test listening");
    (
        StatusCode::CREATED,
        Json(serde_json::json!({ "sid": sid, "status": "queued" })),
    )
}

/// The fake provider's base URL, and what it was asked to send.
async fn fake_provider() -> (String, mpsc::UnboundedReceiver<Sent>) {
    let (sent, received) = mpsc::unbounded_channel();
    let fake = Fake {
        sent,
        next: Arc::new(AtomicU32::new(1)),
    };
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(fake_messages),
        )
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn app_with_sms() -> (
    TestApp,
    crate::helpers::TestDatabase,
    mpsc::UnboundedReceiver<Sent>,
) {
    let (provider, sent) = fake_provider().await;
    let database = test_database().await;
    let app = spawn_app_with(&database, |config| {
        config.sms = Some(SmsConfig {
            account_sid: ACCOUNT.into(),
            auth_token: Secret::new(TOKEN),
            from: OUR_NUMBER.into(),
            api_base: provider,
        });
    })
    .await;
    (app, database, sent)
}

fn signature(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(TOKEN.as_bytes()).expect("key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

async fn webhook(
    app: &TestApp,
    path: &str,
    params: &[(&str, &str)],
    signed: Option<String>,
) -> u16 {
    let mut request = app.http.post(app.url(path)).form(params);
    if let Some(signature) = signed {
        request = request.header("X-Twilio-Signature", signature);
    }
    request.send().await.expect("webhook").status().as_u16()
}

async fn text_in(app: &TestApp, sid: &str, body: &str) -> u16 {
    let params = [
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT),
        ("From", "+1 (415) 555-0100"),
        ("To", OUR_NUMBER),
        ("Body", body),
        ("NumMedia", "0"),
    ];
    webhook(
        app,
        INBOUND_PATH,
        &params,
        Some(signature(&app.url(INBOUND_PATH), &params)),
    )
    .await
}

async fn thread(app: &TestApp, cookie: &str, id: &str) -> TicketThread {
    app.server_fn(Some(cookie), "load_ticket", &[("id", id)])
        .await
        .json()
        .await
        .expect("thread")
}

#[tokio::test]
async fn a_text_becomes_a_live_sms_ticket_and_the_reply_goes_out_by_sms() {
    let (app, _database, mut sent) = app_with_sms().await;
    let cookie = app.owner_cookie().await;
    // Ana chats on the web, and her profile has her phone: her text joins her profile.
    let mut widget = app.connected_shopper("7001", "Ana Souza").await;
    widget.send_text(None, "a1", "Hi from the web").await;
    let chat_ticket = widget.ack("a1").await.conversation_id;
    let ana = app
        .store
        .conversation_customer(&chat_ticket)
        .await
        .expect("q")
        .expect("ana");
    let phone = ProfileDetails {
        phone: Some("+14155550100".into()),
        ..ProfileDetails::default()
    };
    app.store
        .update_profile_details(&ana, &phone)
        .await
        .expect("phone");
    let mut agent = app.agent_socket(&cookie).await;

    let params = [
        ("MessageSid", "SM100"),
        ("From", "+1 (415) 555-0100"),
        ("To", OUR_NUMBER),
        ("Body", "Do you ship to Canada?"),
        ("NumMedia", "1"),
        ("MediaUrl0", "https://media.example/photo.jpg"),
    ];
    let signed = signature(&app.url(INBOUND_PATH), &params);
    assert_eq!(
        webhook(&app, INBOUND_PATH, &params, Some(signed.clone())).await,
        200
    );
    // Live in the inbox, as an SMS ticket of Ana's.
    let frame = agent
        .next_matching(|f| matches!(f, ServerFrame::Message { message } if message.body.starts_with("Do you ship")))
        .await;
    let ServerFrame::Message { message } = frame else {
        unreachable!()
    };
    assert_eq!(
        message.body,
        "Do you ship to Canada?\nhttps://media.example/photo.jpg"
    );
    let sms_ticket = message.conversation_id.clone();
    assert_ne!(sms_ticket, chat_ticket);
    let opened = thread(&app, &cookie, &sms_ticket).await;
    assert_eq!(opened.ticket.channel, Channel::Sms);
    assert_eq!(opened.ticket.customer_name, "Ana Souza");
    assert_eq!(
        app.open_tickets(&cookie).await.len(),
        2,
        "a chat and an SMS ticket at once"
    );

    // The provider retries the same text: stored once.
    assert_eq!(
        webhook(&app, INBOUND_PATH, &params, Some(signed)).await,
        200
    );
    // Forged or unsigned: refused.
    let forged = signature("https://elsewhere.example/api/sms/inbound", &params);
    assert_eq!(
        webhook(&app, INBOUND_PATH, &params, Some(forged)).await,
        403
    );
    assert_eq!(webhook(&app, INBOUND_PATH, &params, None).await, 403);
    assert_eq!(thread(&app, &cookie, &sms_ticket).await.messages.len(), 1);
    // The refusal says what is wrong: the signature, not an origin.
    let refusal: serde_json::Value = app
        .http
        .post(app.url(INBOUND_PATH))
        .form(&params)
        .send()
        .await
        .expect("webhook")
        .json()
        .await
        .expect("a JSON error");
    assert!(
        refusal["error"]
            .as_str()
            .is_some_and(|error| error.contains("X-Twilio-Signature")),
        "{refusal}"
    );

    // The agent replies in the helpdesk; it goes out through the provider.
    agent
        .send_text(Some(&sms_ticket), "r1", "Yes, we ship to Canada!")
        .await;
    let reply = agent.ack("r1").await;
    assert_eq!(reply.delivery_status.as_deref(), Some("queued"));
    let out = sent.recv().await.expect("an SMS went out");
    assert_eq!(out.to, "+14155550100");
    assert_eq!(out.from, OUR_NUMBER);
    assert_eq!(out.body, "Yes, we ship to Canada!");
    assert_eq!(out.status_callback, app.url(STATUS_PATH));

    // Delivery callbacks move the state forward, never back.
    let status = |s: &'static str| {
        [
            ("MessageSid", "SMfake1"),
            ("MessageStatus", s),
            ("AccountSid", ACCOUNT),
        ]
    };
    let delivered = status("delivered");
    let signed = signature(&app.url(STATUS_PATH), &delivered);
    // Its job may still be recording the provider's answer: wait for it.
    while app.store.unfinished_jobs(SMS_SEND_JOB).await.expect("jobs") > 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        webhook(&app, STATUS_PATH, &delivered, Some(signed)).await,
        204
    );
    let late = status("sent");
    assert_eq!(
        webhook(
            &app,
            STATUS_PATH,
            &late,
            Some(signature(&app.url(STATUS_PATH), &late))
        )
        .await,
        204
    );
    assert_eq!(
        app.store
            .delivery_status(&reply.id)
            .await
            .expect("q")
            .as_deref(),
        Some("delivered")
    );
    let shown = thread(&app, &cookie, &sms_ticket).await.messages;
    assert_eq!(shown[1].delivery_status.as_deref(), Some("delivered"));
    let forged = status("failed");
    assert_eq!(
        webhook(&app, STATUS_PATH, &forged, Some("bm9wZQ==".into())).await,
        403
    );
    assert_eq!(
        app.store
            .delivery_status(&reply.id)
            .await
            .expect("q")
            .as_deref(),
        Some("delivered")
    );

    // None of the SMS thread reached Ana's widget: the first frames it got since are
    // those of its own web chat.
    widget.send_text(None, "a2", "Still on the web").await;
    let frames = widget
        .frames_until(|f| matches!(f, ServerFrame::Ack { client_id, .. } if client_id == "a2"))
        .await;
    let leaked: Vec<&ServerFrame> = frames
        .iter()
        .filter(|frame| format!("{frame:?}").contains(&sms_ticket))
        .collect();
    assert!(
        leaked.is_empty(),
        "SMS frames reached the widget: {leaked:?}"
    );
    // And the widget cannot write, read or end it by naming it.
    widget
        .send_text(Some(&sms_ticket), "a3", "Sent to your SMS ticket?")
        .await;
    assert!(matches!(
        widget
            .next_matching(|f| matches!(f, ServerFrame::Rejected { .. }))
            .await,
        ServerFrame::Rejected {
            reason: RejectReason::NotFound,
            ..
        }
    ));
    for frame in [
        ClientFrame::Resume {
            conversation_id: sms_ticket.clone(),
            after_seq: 0,
        },
        ClientFrame::EndChat {
            conversation_id: sms_ticket.clone(),
        },
    ] {
        widget.send(&frame).await;
        assert!(matches!(
            widget
                .next_matching(|f| matches!(f, ServerFrame::ResumeRefused { .. }))
                .await,
            ServerFrame::ResumeRefused { conversation_id } if conversation_id == sms_ticket
        ));
    }
    let still = thread(&app, &cookie, &sms_ticket).await;
    assert_eq!(still.messages.len(), 2, "nothing was added by the widget");
    assert_eq!(still.ticket.status, protocol::TicketStatus::Open);
    assert!(
        sent.try_recv().is_err(),
        "nothing the widget sent went out by SMS"
    );
    app.stop().await;
}

#[tokio::test]
async fn stop_opts_the_profile_out_until_start() {
    let (app, _database, mut sent) = app_with_sms().await;
    let cookie = app.owner_cookie().await;
    let mut agent = app.agent_socket(&cookie).await;
    assert_eq!(text_in(&app, "SM1", "Is my order late?").await, 200);
    let ServerFrame::Message { message } = agent
        .next_matching(|f| matches!(f, ServerFrame::Message { .. }))
        .await
    else {
        unreachable!()
    };
    let ticket = message.conversation_id;
    // Images cannot go by SMS: said at once, nothing queued.
    agent
        .send(&protocol::ClientFrame::Send {
            conversation_id: Some(ticket.clone()),
            client_id: "img".into(),
            body: "Here is a photo".into(),
            attachments: vec!["someimage".into()],
        })
        .await;
    let refused = agent
        .next_matching(|f| matches!(f, ServerFrame::Rejected { .. }))
        .await;
    assert!(
        matches!(refused, ServerFrame::Rejected { detail, .. } if detail.contains("text only"))
    );

    assert_eq!(text_in(&app, "SM2", "stop").await, 200);

    agent
        .send_text(Some(&ticket), "r1", "Sorry to see you go")
        .await;
    let refused = agent
        .next_matching(|f| matches!(f, ServerFrame::Rejected { .. }))
        .await;
    assert!(
        matches!(refused, ServerFrame::Rejected { reason: RejectReason::Invalid, detail, .. }
        if detail.contains("opted out"))
    );
    assert_eq!(
        app.store.unfinished_jobs(SMS_SEND_JOB).await.expect("jobs"),
        0
    );
    assert!(sent.try_recv().is_err(), "nothing was sent");
    let sidebar: protocol::profile::TicketProfile = app
        .call_ok(
            &cookie,
            "inbox/profile",
            serde_json::json!({ "id": ticket }),
        )
        .await;
    assert!(
        sidebar.profile.sms_opted_out_at.is_some(),
        "the sidebar shows the opt-out"
    );

    assert_eq!(text_in(&app, "SM3", "START").await, 200);
    agent.send_text(Some(&ticket), "r2", "Welcome back!").await;
    agent.ack("r2").await;
    assert_eq!(sent.recv().await.expect("sent").body, "Welcome back!");
    let messages = thread(&app, &cookie, &ticket).await.messages;
    let bodies: Vec<_> = messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Is my order late?", "stop", "START", "Welcome back!"]
    );
    app.stop().await;
}
