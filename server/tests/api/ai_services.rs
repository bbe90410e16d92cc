//! The AI agent's outside services against local fakes that check what they receive as
//! the vendors document it: Zendesk's and Gorgias's ticket creation (method, path, basic
//! auth, JSON shape) and an OpenAI-compatible chat-completions endpoint.

use std::sync::{Arc, Mutex};

use axum::{
    body::Bytes,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::IntoResponse,
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};
use server::{
    ai::{
        generator::{Generator, Grounding},
        handoff::{Gorgias, HandoffError, Transcript, TranscriptLine, Zendesk},
    },
    config::Secret,
};

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub path: String,
    pub authorization: String,
    pub body: Value,
}

/// A vendor stand-in on a random loopback port: records every request and answers
/// each with `status` and `reply`.
pub struct Fake {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Fake {
    pub async fn start(status: StatusCode, reply: Value) -> Fake {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = Arc::clone(&received);
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let log = Arc::clone(&log);
                let reply = reply.clone();
                async move {
                    log.lock().expect("log").push(Received {
                        method,
                        path: uri.path().to_owned(),
                        authorization: headers
                            .get("authorization")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or_default()
                            .to_owned(),
                        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                    });
                    (status, axum::Json(reply)).into_response()
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake serves");
        });
        Fake {
            url,
            received,
            server,
        }
    }

    pub fn only_request(&self) -> Received {
        let received = self.received.lock().expect("log");
        assert_eq!(received.len(), 1, "{received:?}");
        received[0].clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

fn transcript(email: Option<&str>) -> Transcript {
    Transcript {
        shopper_name: "Ana Souza".into(),
        shopper_email: email.map(str::to_owned),
        subject: "Chat with Ana Souza".into(),
        reason: "The shopper asks for a person.".into(),
        lines: vec![
            TranscriptLine {
                from_shopper: true,
                author: "Ana Souza".into(),
                body: "Do you ship to Canada?".into(),
                at: 1_795_000_000_000,
            },
            TranscriptLine {
                from_shopper: false,
                author: "AI assistant".into(),
                body: "Yes, in 4 to 8 business days.".into(),
                at: 1_795_000_001_000,
            },
            TranscriptLine {
                from_shopper: true,
                author: "Ana Souza".into(),
                body: "Can I talk to a person?".into(),
                at: 1_795_000_002_000,
            },
        ],
    }
}

#[tokio::test]
async fn a_zendesk_handoff_creates_a_ticket_with_the_requester_and_the_transcript() {
    let fake = Fake::start(
        StatusCode::CREATED,
        json!({ "ticket": { "id": 35436, "subject": "Chat with Ana Souza" } }),
    )
    .await;
    let zendesk = Zendesk::new("juniper", "agent@juniper.example", Secret::new("tok-123"))
        .expect("subdomain")
        .at(&fake.url);
    let http = reqwest::Client::new();
    let id = zendesk
        .create_ticket(&http, &transcript(Some("ana@example.com")))
        .await
        .expect("created");
    assert_eq!(id, "35436");

    let request = fake.only_request();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/api/v2/tickets.json");
    assert_eq!(
        request.authorization,
        basic("agent@juniper.example/token", "tok-123")
    );
    let ticket = &request.body["ticket"];
    assert_eq!(ticket["subject"], json!("Chat with Ana Souza"));
    assert_eq!(
        ticket["requester"],
        json!({ "name": "Ana Souza", "email": "ana@example.com" })
    );
    let comment = ticket["comment"]["body"].as_str().expect("comment body");
    assert!(comment.starts_with("Handed off by the AI assistant: The shopper asks for a person."));
    let order: Vec<usize> = [
        "Do you ship to Canada?",
        "Yes, in 4 to 8",
        "Can I talk to a person?",
    ]
    .iter()
    .map(|line| comment.find(line).expect("line in the transcript"))
    .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{comment}");

    // Without an email Zendesk cannot reply: refused before any request.
    let error = zendesk
        .create_ticket(&http, &transcript(None))
        .await
        .unwrap_err();
    assert!(matches!(error, HandoffError::NoEmail("Zendesk")));
    assert_eq!(fake.received.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn a_gorgias_handoff_sends_the_conversation_as_messages() {
    let fake = Fake::start(StatusCode::CREATED, json!({ "id": 9012, "status": "open" })).await;
    let gorgias = Gorgias::new("juniper", "api@juniper.example", Secret::new("key-456"))
        .expect("domain")
        .at(&fake.url);
    let id = gorgias
        .create_ticket(
            &reqwest::Client::new(),
            &transcript(Some("ana@example.com")),
        )
        .await
        .expect("created");
    assert_eq!(id, "9012");

    let request = fake.only_request();
    assert_eq!(
        (request.method, request.path.as_str()),
        (Method::POST, "/api/tickets")
    );
    assert_eq!(
        request.authorization,
        basic("api@juniper.example", "key-456")
    );
    let body = &request.body;
    assert_eq!(
        body["customer"],
        json!({ "email": "ana@example.com", "name": "Ana Souza" })
    );
    assert_eq!(
        (body["channel"].clone(), body["via"].clone()),
        (json!("api"), json!("api"))
    );
    let messages = body["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 4, "three lines and the handoff reason");
    assert_eq!(messages[0]["from_agent"], json!(false));
    assert_eq!(messages[0]["sender"], json!({ "email": "ana@example.com" }));
    assert_eq!(messages[0]["body_text"], json!("Do you ship to Canada?"));
    assert_eq!(
        messages[0]["created_datetime"],
        json!("2026-11-18T11:06:40Z")
    );
    assert_eq!(messages[1]["from_agent"], json!(true));
    assert_eq!(
        messages[1]["sender"],
        json!({ "email": "api@juniper.example" })
    );
    assert!(messages[3]["body_text"]
        .as_str()
        .expect("reason")
        .contains("asks for a person"));
}

#[tokio::test]
async fn vendor_failures_say_whether_trying_again_may_help() {
    let http = reqwest::Client::new();
    let down = Fake::start(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({ "error": "maintenance" }),
    )
    .await;
    let error = Zendesk::new("juniper", "a@b.c", Secret::new("t"))
        .expect("subdomain")
        .at(&down.url)
        .create_ticket(&http, &transcript(Some("ana@example.com")))
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error}");

    let invalid = Fake::start(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "error": "RecordInvalid" }),
    )
    .await;
    let error = Gorgias::new("juniper", "a@b.c", Secret::new("k"))
        .expect("domain")
        .at(&invalid.url)
        .create_ticket(&http, &transcript(Some("ana@example.com")))
        .await
        .unwrap_err();
    assert!(!error.is_transient(), "{error}");
    assert!(error.to_string().contains("RecordInvalid"), "{error}");
    // The error names the service's reply, never our credentials.
    assert!(!error.to_string().contains("\"k\""));
}

#[tokio::test]
async fn the_generator_answers_from_the_passages_or_says_it_cannot() {
    let fake = Fake::start(
        StatusCode::OK,
        json!({ "choices": [{ "index": 0, "message": { "role": "assistant",
            "content": "Yes! Orders to Canada arrive in 4 to 8 business days." } }] }),
    )
    .await;
    let generator = Generator::new(
        &format!("{}/v1/", fake.url),
        "small-model",
        Secret::new("sk-9"),
    );
    let passages = [Grounding {
        title: "Shipping policy",
        text: "Canada: orders arrive in 4 to 8 business days.",
    }];
    let http = reqwest::Client::new();
    let answer = generator
        .answer(&http, "Juniper & Pine", "do you ship to canada?", &passages)
        .await
        .expect("answer");
    assert_eq!(
        answer.as_deref(),
        Some("Yes! Orders to Canada arrive in 4 to 8 business days.")
    );
    let request = fake.only_request();
    assert_eq!(
        (request.method, request.path.as_str()),
        (Method::POST, "/v1/chat/completions")
    );
    assert_eq!(request.authorization, "Bearer sk-9");
    assert_eq!(request.body["model"], json!("small-model"));
    assert_eq!(request.body["temperature"], json!(0));
    let messages = request.body["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["role"], json!("system"));
    let system = messages[0]["content"].as_str().expect("system");
    assert!(system.contains("Juniper & Pine") && system.contains("Use only the passages"));
    assert!(system.contains("[1] Shipping policy\nCanada: orders arrive in 4 to 8 business days."));
    assert_eq!(
        messages[1],
        json!({ "role": "user", "content": "do you ship to canada?" })
    );

    let unsure = Fake::start(
        StatusCode::OK,
        json!({ "choices": [{ "message": { "role": "assistant", "content": "HANDOFF" } }] }),
    )
    .await;
    let generator = Generator::new(&unsure.url, "small-model", Secret::new("sk-9"));
    assert_eq!(
        generator
            .answer(&http, "Juniper & Pine", "do you sell kayaks?", &passages)
            .await
            .expect("reply"),
        None
    );
}

/// A server whose AI agent writes answers with the model at `url`, and knows one article.
async fn app_with_model(
    url: &str,
) -> (
    crate::helpers::TestApp,
    crate::helpers::TestDatabase,
    String,
) {
    let database = crate::helpers::test_database().await;
    let url = url.to_owned();
    let app = crate::helpers::spawn_app_with(&database, move |config| {
        config.ai_model = Some(server::config::AiModelConfig {
            url,
            model: "small-model".into(),
            api_key: Secret::new("sk-9"),
        });
    })
    .await;
    let owner = app.owner_cookie().await;
    let _: Value = app
        .call_ok(
            &owner,
            "settings/create_article",
            json!({ "input": {
                "title": "Shipping policy",
                "body": "Shipping to Canada: orders arrive in 4 to 8 business days.",
                "published": true
            } }),
        )
        .await;
    (app, database, owner)
}

#[tokio::test]
async fn with_a_model_set_up_trying_a_question_shows_its_written_answer() {
    let fake = Fake::start(
        StatusCode::OK,
        json!({ "choices": [{ "message": { "role": "assistant",
            "content": "Yes, we ship to Canada: 4 to 8 business days." } }] }),
    )
    .await;
    let (app, _database, owner) = app_with_model(&fake.url).await;
    let summary: Value = app
        .call_ok(&owner, "settings/ai_knowledge", json!({}))
        .await;
    assert_eq!(summary["model"], json!("small-model"));

    let trial: Value = app
        .call_ok(
            &owner,
            "settings/try_ai",
            json!({ "question": "do you ship to canada?" }),
        )
        .await;
    let answer = &trial["Answer"];
    assert_eq!(answer["source_title"], json!("Shipping policy"));
    assert_eq!(
        answer["text"],
        json!("Yes, we ship to Canada: 4 to 8 business days.")
    );
    assert_eq!(answer["written_by"], json!("small-model"));
    // Retrieval's confidence, which let the model answer at all.
    let confidence = answer["confidence_percent"].as_f64().expect("a percentage");
    assert!(
        (server::ai::confidence::MIN_CONFIDENCE * 100.0..=100.0).contains(&confidence),
        "{trial}"
    );
    // The model was given the passage retrieval found, and nothing decided by it alone:
    // a question retrieval hands off never reaches the model.
    let _: Value = app
        .call_ok(
            &owner,
            "settings/try_ai",
            json!({ "question": "can I talk to a human?" }),
        )
        .await;
    let request = fake.only_request();
    assert!(request.body["messages"][0]["content"]
        .as_str()
        .expect("system")
        .contains("Shipping to Canada: orders arrive in 4 to 8 business days."));
    app.stop().await;
}

#[tokio::test]
async fn when_the_model_fails_the_passage_itself_is_the_answer() {
    let fake = Fake::start(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "overloaded" }),
    )
    .await;
    let (app, _database, owner) = app_with_model(&fake.url).await;
    let trial: Value = app
        .call_ok(
            &owner,
            "settings/try_ai",
            json!({ "question": "do you ship to canada?" }),
        )
        .await;
    assert_eq!(
        trial["Answer"]["text"],
        json!("Shipping to Canada: orders arrive in 4 to 8 business days.")
    );
    assert_eq!(trial["Answer"]["written_by"], Value::Null);
    app.stop().await;
}
