//! The AI agent in the web chat, through the real server and sockets: cited answers,
//! handoffs to the inbox (live), "Talk to a person", the Yes/No verdicts and their
//! counts, and handoffs to Zendesk (a local fake that checks the request), to a
//! closing message, and back to the inbox when Zendesk refuses.

use axum::http::StatusCode;
use protocol::{
    inbox::TicketEventKind, AuthorKind, ClientFrame, Message, ServerFrame, TicketStatus,
    TicketThread,
};
use serde_json::{json, Value};

use crate::{
    ai_services::{basic, Fake},
    helpers::{spawn_app, spawn_app_with, test_database, Socket, TestApp},
};

const RETURNS: &str = "Returns: you can return unworn items within 30 days of delivery for a \
     full refund. Start a return from your account.";

/// Publishes the returns article and sets the AI agent up with `handoff`.
async fn set_up_ai(app: &TestApp, owner: &str, handoff: Value) {
    let _: Value = app
        .call_ok(
            owner,
            "settings/create_article",
            json!({ "input": { "title": "Returns policy", "body": RETURNS, "published": true } }),
        )
        .await;
    let _: Value = app
        .call_ok(
            owner,
            "settings/save_ai_agent",
            json!({ "settings": { "enabled": true, "handoff": handoff, "unhelpful_limit": 2 } }),
        )
        .await;
}

/// The next message someone else wrote (the shopper's own come back too, for their
/// other tabs).
async fn next_message(socket: &mut Socket) -> Message {
    match socket
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Message { message } if message.author_kind != AuthorKind::Shopper)
        })
        .await
    {
        ServerFrame::Message { message } => message,
        _ => unreachable!(),
    }
}

async fn thread(app: &TestApp, cookie: &str, id: &str) -> TicketThread {
    let response = app
        .server_fn(Some(cookie), "load_ticket", &[("id", id)])
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("thread json")
}

fn view(status: &str) -> Value {
    json!({ "status": status, "scope": "all", "sort": "activity" })
}

#[tokio::test]
async fn a_known_question_gets_an_instant_cited_answer_and_waits_in_the_ai_view() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-1", "Ana").await;

    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    let answer = next_message(&mut shopper).await;
    assert_eq!(answer.author_kind, AuthorKind::Ai);
    assert_eq!(answer.author_name, "AI assistant");
    assert_eq!(answer.body, RETURNS);
    let ai = answer.ai.clone().expect("cited");
    assert_eq!(ai.source_title, "Returns policy");
    assert_eq!(ai.helpful, None);

    // The team does not see it as work until it is handed off, only in the AI view.
    assert!(app.open_tickets(&owner).await.is_empty());
    let ai_page = app.inbox(&owner, view("ai")).await;
    assert_eq!(ai_page.counts.ai, 1, "the AI agent tab counts its chats");
    assert_eq!(ai_page.counts.unread, 0, "and they are nobody's to read");
    let ai_view = ai_page.tickets;
    assert_eq!(ai_view.len(), 1);
    assert_eq!(ai_view[0].status, TicketStatus::Ai);
    assert_eq!(ai_view[0].waiting_since, None, "answered");
    let thread = thread(&app, &owner, &question.conversation_id).await;
    assert_eq!(thread.messages.len(), 2);
    assert_eq!(thread.messages[1].ai, answer.ai);

    // A reload gets the same answer, still cited, with the chat still the AI agent's.
    let session = app.shopper("c-1", "Ana").await;
    let conversation = session.conversation.expect("open chat");
    assert_eq!(conversation.status, TicketStatus::Ai);
    assert_eq!(conversation.messages[1], answer);
    assert!(session.settings.ai_agent);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_question_hands_off_to_the_inbox_live_with_the_transcript() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut agent = app.agent_socket(&owner).await;
    let mut shopper = app.connected_shopper("c-2", "Bea").await;

    shopper.send_text(None, "q1", "Do you sell kayaks?").await;
    let question = shopper.ack("q1").await;
    // The note, stored with the handoff, then word that "Talk to a person" is over.
    let note = next_message(&mut shopper).await;
    let handed_off = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::HandedOff { .. }))
        .await;
    assert!(
        matches!(handed_off, ServerFrame::HandedOff { conversation_id } if conversation_id == question.conversation_id)
    );
    assert_eq!(note.author_kind, AuthorKind::System);
    assert!(
        note.body.contains("A person will reply here"),
        "{}",
        note.body
    );

    // The agents see it arrive as an open ticket, with the reason in the thread.
    let ticket = agent
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Ticket { ticket } if ticket.status == TicketStatus::Open)
        })
        .await;
    let ServerFrame::Ticket { ticket } = ticket else {
        unreachable!()
    };
    assert_eq!(ticket.id, question.conversation_id);
    assert!(ticket.waiting_since.is_some(), "waits for a person now");
    let open = app.open_tickets(&owner).await;
    assert_eq!(open.len(), 1);
    let thread = thread(&app, &owner, &question.conversation_id).await;
    let bodies: Vec<&str> = thread.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies[0], "Do you sell kayaks?");
    assert!(thread.events.iter().any(|event| matches!(
        &event.kind,
        TicketEventKind::HandedOff { to, reason, .. }
            if to == "Helpdesk" && reason.contains("would not guess")
    )));

    // From now on the team answers: the shopper's next message gets no AI reply.
    shopper.send_text(None, "q2", "Hello?").await;
    shopper.ack("q2").await;
    agent
        .send_text(
            Some(&question.conversation_id),
            "r1",
            "Hi Bea, no kayaks, sorry!",
        )
        .await;
    let reply = next_message(&mut shopper).await;
    assert_eq!(reply.author_kind, AuthorKind::Agent);
    let thread = self::thread(&app, &owner, &question.conversation_id).await;
    assert!(thread
        .messages
        .iter()
        .all(|message| message.author_kind != AuthorKind::Ai));
    app.stop().await;
}

#[tokio::test]
async fn talk_to_a_person_hands_off_at_any_point_but_only_your_own_chat() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-3", "Cai").await;
    shopper
        .send_text(None, "q1", "How long do I have to return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    assert_eq!(next_message(&mut shopper).await.author_kind, AuthorKind::Ai);

    // Someone else cannot hand this chat off.
    let mut stranger = app.connected_shopper("c-4", "Dee").await;
    stranger
        .send(&ClientFrame::TalkToPerson {
            conversation_id: question.conversation_id.clone(),
        })
        .await;
    assert!(matches!(
        stranger.next_frame().await,
        ServerFrame::ResumeRefused { .. }
    ));
    assert!(app.open_tickets(&owner).await.is_empty());

    shopper
        .send(&ClientFrame::TalkToPerson {
            conversation_id: question.conversation_id.clone(),
        })
        .await;
    let note = next_message(&mut shopper).await;
    assert!(note.body.contains("A person will reply here"));
    let open = app.open_tickets(&owner).await;
    assert_eq!(open.len(), 1);
    let thread = thread(&app, &owner, &question.conversation_id).await;
    assert!(thread.events.iter().any(|event| matches!(
        &event.kind,
        TicketEventKind::HandedOff { reason, .. } if reason == "The shopper asked for a person."
    )));

    // Asking again changes nothing: one handoff, one note.
    shopper
        .send(&ClientFrame::TalkToPerson {
            conversation_id: question.conversation_id.clone(),
        })
        .await;
    shopper.send_text(None, "q2", "thanks").await;
    shopper.ack("q2").await;
    let thread = self::thread(&app, &owner, &question.conversation_id).await;
    let notes = thread
        .messages
        .iter()
        .filter(|message| message.author_kind == AuthorKind::System)
        .count();
    assert_eq!(notes, 1);
    app.stop().await;
}

#[tokio::test]
async fn unhelpful_answers_in_a_row_hand_off_and_settings_count_the_verdicts() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-5", "Eli").await;

    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    let first = next_message(&mut shopper).await;
    let rate = |message_id: &str, helpful| ClientFrame::AiFeedback {
        message_id: message_id.to_owned(),
        helpful,
    };
    shopper.send(&rate(&first.id, false)).await;
    let sorry = next_message(&mut shopper).await;
    assert!(sorry.body.contains("Talk to a person"), "{}", sorry.body);

    // One verdict per answer; another shopper's answers are not theirs to rate.
    shopper.send(&rate(&first.id, true)).await;
    assert!(matches!(
        shopper.next_frame().await,
        ServerFrame::Rejected { detail, .. } if detail.contains("already")
    ));
    let mut stranger = app.connected_shopper("c-6", "Fay").await;
    stranger.send(&rate(&first.id, true)).await;
    assert!(matches!(
        stranger.next_frame().await,
        ServerFrame::Rejected { detail, .. } if detail.contains("not found")
    ));

    shopper
        .send_text(None, "q2", "Can I get a full refund for unworn items?")
        .await;
    shopper.ack("q2").await;
    let second = next_message(&mut shopper).await;
    assert_eq!(second.author_kind, AuthorKind::Ai);
    shopper.send(&rate(&second.id, false)).await;
    let note = next_message(&mut shopper).await;
    assert!(
        note.body.contains("A person will reply here"),
        "{}",
        note.body
    );
    assert_eq!(app.open_tickets(&owner).await.len(), 1);

    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(
        summary["stats"],
        json!({ "answers": 2, "helpful": 0, "unhelpful": 2, "handoffs": 1 })
    );
    let thread = thread(&app, &owner, &question.conversation_id).await;
    assert_eq!(
        thread
            .events
            .iter()
            .filter(|event| matches!(event.kind, TicketEventKind::AiFeedback { helpful: false }))
            .count(),
        2
    );
    assert_eq!(
        thread.messages[1].ai.as_ref().and_then(|ai| ai.helpful),
        Some(false)
    );
    app.stop().await;
}

#[tokio::test]
async fn an_agent_reply_takes_a_chat_over_from_the_ai_agent() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-7", "Gus").await;
    let mut agent = app.agent_socket(&owner).await;
    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    next_message(&mut shopper).await;
    agent
        .send_text(Some(&question.conversation_id), "r1", "I can help too!")
        .await;
    agent.ack("r1").await;
    let open = app.open_tickets(&owner).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].assignee_name.as_deref(), Some("Olga Agent"));
    // The AI agent is out: the next question waits for the team.
    shopper
        .send_text(None, "q2", "Can I return unworn items?")
        .await;
    shopper.ack("q2").await;
    agent
        .send_text(
            Some(&question.conversation_id),
            "r2",
            "Yes, within 30 days.",
        )
        .await;
    let reply = next_message(&mut shopper).await;
    assert_eq!(
        reply.author_kind,
        AuthorKind::Agent,
        "no AI answer came first"
    );
    app.stop().await;
}

/// A server whose Zendesk is the fake at `url`.
async fn app_with_zendesk(url: &str) -> (TestApp, crate::helpers::TestDatabase, String) {
    let database = test_database().await;
    let url = url.to_owned();
    let app = spawn_app_with(&database, move |config| {
        config.handoff_urls.zendesk = Some(url);
    })
    .await;
    let owner = app.owner_cookie().await;
    set_up_ai(
        &app,
        &owner,
        json!({ "type": "zendesk", "subdomain": "juniper", "email": "help@juniper.example",
                "api_token": "zd-token-1" }),
    )
    .await;
    (app, database, owner)
}

#[tokio::test]
async fn a_zendesk_handoff_creates_the_ticket_there_and_ends_the_chat_here() {
    let zendesk = Fake::start(StatusCode::CREATED, json!({ "ticket": { "id": 4242 } })).await;
    let (app, _database, owner) = app_with_zendesk(&zendesk.url).await;

    // The token never goes back to the browser, and saving without it keeps it.
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(summary["settings"]["handoff"]["api_token"], json!(""));
    assert_eq!(summary["secret_saved"], json!(true));
    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_ai_agent",
            json!({ "settings": { "enabled": true, "unhelpful_limit": 2, "handoff": {
                "type": "zendesk", "subdomain": "juniper", "email": "help@juniper.example",
                "api_token": "" } } }),
        )
        .await;

    let mut shopper = app.connected_shopper("c-8", "Hal").await;
    shopper.send_text(None, "q1", "Do you sell kayaks?").await;
    let question = shopper.ack("q1").await;
    let note = next_message(&mut shopper).await;
    assert!(
        note.body.contains("reply by email to hal@example.com"),
        "{}",
        note.body
    );
    let ended = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Ended { .. }))
        .await;
    assert!(
        matches!(ended, ServerFrame::Ended { conversation_id } if conversation_id == question.conversation_id)
    );

    let request = zendesk.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v2/tickets.json");
    assert_eq!(
        request.authorization,
        basic("help@juniper.example/token", "zd-token-1")
    );
    let ticket = &request.body["ticket"];
    assert_eq!(ticket["requester"]["email"], json!("hal@example.com"));
    assert_eq!(ticket["subject"], json!("Do you sell kayaks?"));
    let comment = ticket["comment"]["body"].as_str().expect("comment");
    assert!(comment.contains("Do you sell kayaks?"), "{comment}");
    assert!(comment.contains("would not guess"), "{comment}");

    assert_eq!(
        app.store
            .external_ticket(&question.conversation_id)
            .await
            .expect("read"),
        Some("Zendesk 4242".to_owned())
    );
    assert!(app.open_tickets(&owner).await.is_empty());
    let thread = thread(&app, &owner, &question.conversation_id).await;
    assert_eq!(thread.ticket.status, TicketStatus::Closed);
    assert!(thread.events.iter().any(|event| matches!(
        &event.kind,
        TicketEventKind::HandedOff { to, external_id: Some(id), .. } if to == "Zendesk" && id == "4242"
    )));
    app.stop().await;
}

#[tokio::test]
async fn a_refused_zendesk_handoff_comes_to_the_inbox_with_a_note() {
    let zendesk = Fake::start(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "error": "RecordInvalid" }),
    )
    .await;
    let (app, _database, owner) = app_with_zendesk(&zendesk.url).await;
    let mut agent = app.agent_socket(&owner).await;
    let mut shopper = app.connected_shopper("c-9", "Ida").await;
    shopper.send_text(None, "q1", "Do you sell kayaks?").await;
    let question = shopper.ack("q1").await;
    let promised = next_message(&mut shopper).await;
    assert!(promised.body.contains("by email"));
    let fallback = next_message(&mut shopper).await;
    assert!(
        fallback.body.contains("reply here instead"),
        "{}",
        fallback.body
    );

    let event = agent
        .next_matching(|frame| matches!(frame, ServerFrame::TicketEvent { .. }))
        .await;
    assert!(matches!(
        event,
        ServerFrame::TicketEvent { event } if matches!(
            &event.kind,
            TicketEventKind::HandoffFailed { to, error } if to == "Zendesk" && error.contains("422")
        )
    ));
    let open = app.open_tickets(&owner).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, question.conversation_id);
    assert_eq!(zendesk.only_request().path, "/api/v2/tickets.json");
    app.stop().await;
}

#[tokio::test]
async fn a_custom_message_ends_the_ai_chat() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let message = "Email us at help@juniper.example and we'll reply within a day.";
    set_up_ai(
        &app,
        &owner,
        json!({ "type": "custom_message", "message": message }),
    )
    .await;
    let mut shopper = app.connected_shopper("c-10", "Jo").await;
    shopper.send_text(None, "q1", "Do you sell kayaks?").await;
    let question = shopper.ack("q1").await;
    let said = next_message(&mut shopper).await;
    assert_eq!(said.body, message);
    let ended = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Ended { .. }))
        .await;
    assert!(
        matches!(ended, ServerFrame::Ended { conversation_id } if conversation_id == question.conversation_id)
    );
    assert!(app.open_tickets(&owner).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn bad_ai_settings_are_refused_and_nothing_changes() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let response = app
        .call(
            &owner,
            "settings/save_ai_agent",
            json!({ "settings": { "enabled": true, "unhelpful_limit": 9, "handoff": {
                "type": "gorgias", "domain": "my store!", "username": "not-an-email",
                "api_key": "" } } }),
        )
        .await;
    assert!(!response.status().is_success());
    let body: Value = response.json().await.expect("json");
    let text = body.to_string();
    for field in [
        "unhelpful_limit",
        "gorgias_domain",
        "gorgias_username",
        "gorgias_key",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(summary["settings"]["enabled"], json!(false));
    assert_eq!(
        summary["settings"]["handoff"],
        json!({ "type": "helpdesk" })
    );

    // Agents read the page but cannot change it.
    let agent = app
        .invited_cookie(&owner, "ivy@shop.example", "agent")
        .await;
    let refused = app
        .call(
            &agent,
            "settings/save_ai_agent",
            json!({ "settings": { "enabled": true, "unhelpful_limit": 2,
                "handoff": { "type": "helpdesk" } } }),
        )
        .await;
    assert!(!refused.status().is_success());
    app.stop().await;
}

#[tokio::test]
async fn a_handoff_outside_business_hours_says_when_the_team_is_back() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let (_, back_at) = app
        .closed_today(&owner, "We're out today; we'll reply when we're back.")
        .await;
    let mut shopper = app.connected_shopper("c-11", "Kim").await;

    // The AI agent still answers what it knows, with no away message.
    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    shopper.ack("q1").await;
    assert_eq!(next_message(&mut shopper).await.author_kind, AuthorKind::Ai);

    shopper.send_text(None, "q2", "Do you sell kayaks?").await;
    shopper.ack("q2").await;
    let note = next_message(&mut shopper).await;
    assert_eq!(
        note.body,
        "I've passed this to our team. We're out today; we'll reply when we're back."
    );
    assert_eq!(note.back_at, Some(back_at));
    app.stop().await;
}

#[tokio::test]
async fn a_gorgias_handoff_creates_the_ticket_there_with_the_conversation_as_messages() {
    let gorgias = Fake::start(StatusCode::CREATED, json!({ "id": 987 })).await;
    let database = test_database().await;
    let url = gorgias.url.clone();
    let app = spawn_app_with(&database, move |config| {
        config.handoff_urls.gorgias = Some(url);
    })
    .await;
    let owner = app.owner_cookie().await;
    set_up_ai(
        &app,
        &owner,
        json!({ "type": "gorgias", "domain": "https://juniper.gorgias.com/app",
                "username": "api@juniper.example", "api_key": "gg-key-1" }),
    )
    .await;
    // The pasted address is kept as the account's subdomain.
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(summary["settings"]["handoff"]["domain"], json!("juniper"));

    let mut shopper = app.connected_shopper("c-12", "Lea").await;
    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    next_message(&mut shopper).await;
    shopper
        .send(&ClientFrame::TalkToPerson {
            conversation_id: question.conversation_id.clone(),
        })
        .await;
    shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Ended { .. }))
        .await;

    let request = gorgias.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/tickets");
    assert_eq!(
        request.authorization,
        basic("api@juniper.example", "gg-key-1")
    );
    assert_eq!(request.body["customer"]["email"], json!("lea@example.com"));
    assert_eq!(request.body["channel"], json!("api"));
    let messages = request.body["messages"].as_array().expect("messages");
    let bodies: Vec<&str> = messages
        .iter()
        .filter_map(|message| message["body_text"].as_str())
        .collect();
    assert_eq!(bodies[0], "Can I return unworn items?");
    assert_eq!(bodies[1], RETURNS);
    assert!(bodies
        .iter()
        .any(|body| body.contains("asked for a person")));
    assert_eq!(messages[0]["from_agent"], json!(false));
    assert_eq!(messages[1]["from_agent"], json!(true));
    assert_eq!(
        app.store
            .external_ticket(&question.conversation_id)
            .await
            .expect("read"),
        Some("Gorgias 987".to_owned())
    );
    app.stop().await;
}

#[tokio::test]
async fn a_portuguese_shopper_hears_the_ai_agent_in_portuguese() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-13", "Rui").await;
    shopper.send_text(None, "q1", "Olá, bom dia!").await;
    shopper.ack("q1").await;
    let greeting = next_message(&mut shopper).await;
    assert!(
        greeting.body.starts_with("Olá! Sou o assistente"),
        "{}",
        greeting.body
    );
    assert_eq!(greeting.ai, None, "small talk cites nothing");

    shopper
        .send_text(None, "q2", "Vocês vendem caiaques?")
        .await;
    shopper.ack("q2").await;
    let note = next_message(&mut shopper).await;
    assert_eq!(
        note.body,
        "Passei sua conversa para nossa equipe. Uma pessoa vai responder aqui assim que puder."
    );
    app.stop().await;
}

#[tokio::test]
async fn switching_the_ai_agent_off_hands_its_chats_to_the_team_at_once() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let mut shopper = app.connected_shopper("c-14", "Max").await;
    shopper
        .send_text(None, "q1", "Can I return unworn items?")
        .await;
    let question = shopper.ack("q1").await;
    assert_eq!(next_message(&mut shopper).await.author_kind, AuthorKind::Ai);
    assert!(app.open_tickets(&owner).await.is_empty());

    let _: Value = app
        .call_ok(
            &owner,
            "settings/save_ai_agent",
            json!({ "settings": { "enabled": false, "handoff": { "type": "helpdesk" },
                "unhelpful_limit": 2 } }),
        )
        .await;
    let note = next_message(&mut shopper).await;
    assert!(
        note.body.contains("A person will reply here"),
        "{}",
        note.body
    );
    let open = app.open_tickets(&owner).await;
    assert_eq!(open.len(), 1);
    let thread = thread(&app, &owner, &question.conversation_id).await;
    assert!(thread.events.iter().any(|event| matches!(
        &event.kind,
        TicketEventKind::HandedOff { reason, .. } if reason == "The AI agent was switched off."
    )));
    app.stop().await;
}

#[tokio::test]
async fn the_merchants_caution_decides_how_sure_the_agent_must_be_to_answer() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    // Saved without a caution, as before there was one: the default.
    set_up_ai(&app, &owner, json!({ "type": "helpdesk" })).await;
    let _: Value = app
        .call_ok(
            &owner,
            "settings/create_article",
            json!({ "input": { "title": "Warranty", "published": true,
                "body": "Our warranty covers defects for life: we repair or replace the item." } }),
        )
        .await;
    let caution = |summary: &Value| summary["settings"]["caution"].clone();
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(caution(&summary), json!("balanced"));
    // Both sources speak to it, the returns policy a little more: fairly sure (88%).
    let question = json!({ "question": "replace or refund" });
    let trial: Value = app
        .call_ok(&owner, "settings/try_ai", question.clone())
        .await;
    assert_eq!(
        trial["Answer"]["source_title"],
        json!("Returns policy"),
        "{trial}"
    );

    let save = |caution: &str| {
        json!({ "settings": { "enabled": true, "handoff": { "type": "helpdesk" },
            "unhelpful_limit": 2, "caution": caution } })
    };
    let summary: Value = app
        .call_ok(&owner, "settings/save_ai_agent", save("careful"))
        .await;
    assert_eq!(caution(&summary), json!("careful"));
    let trial: Value = app
        .call_ok(&owner, "settings/try_ai", question.clone())
        .await;
    assert!(trial.get("Handoff").is_some(), "{trial}");

    // A level that does not exist is refused, and the saved one stays.
    let refused = app
        .call(&owner, "settings/save_ai_agent", save("reckless"))
        .await;
    let status = refused.status();
    let text = refused.text().await.expect("body");
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("unknown variant `reckless`"), "{text}");
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(caution(&summary), json!("careful"));
}
