//! Images: uploads by agents and shoppers, checked from their bytes; sending them in a
//! message (only the uploader, only once); serving them as images and nothing else.

use protocol::{attachments::Attachment, AuthorKind, RejectReason, ServerFrame};
use reqwest::StatusCode;

use crate::helpers::{spawn_app, TestApp, SHOP_ORIGIN};

/// The smallest valid PNG: one transparent pixel.
pub(crate) const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

async fn agent_upload(
    app: &TestApp,
    cookie: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> reqwest::Response {
    app.http
        .post(app.url("/api/uploads"))
        .header("Cookie", cookie)
        .header("Origin", format!("http://127.0.0.1:{}", app.port))
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

pub(crate) async fn shopper_upload(
    app: &TestApp,
    token: Option<&str>,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut request = app
        .http
        .post(app.url("/api/widget/uploads"))
        .header("Origin", SHOP_ORIGIN)
        .header("Content-Type", "image/png")
        .body(bytes);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request.send().await.expect("upload")
}

#[tokio::test]
async fn images_go_both_ways_and_are_served_only_as_images() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let session = app.shopper("7001", "Ana").await;
    let token = session.token.clone().expect("token");
    let mut shopper = app.shopper_socket(&token).await;

    // The shopper sends a photo with no text.
    let upload = shopper_upload(&app, Some(&token), TINY_PNG.to_vec()).await;
    assert_eq!(upload.status(), StatusCode::OK);
    let photo: Attachment = upload.json().await.expect("attachment");
    assert_eq!(
        (photo.content_type.as_str(), photo.width, photo.height),
        ("image/png", 1, 1)
    );
    shopper
        .send(&protocol::ClientFrame::Send {
            conversation_id: None,
            client_id: "s1".into(),
            body: String::new(),
            attachments: vec![photo.id.clone()],
        })
        .await;
    let sent = shopper.ack("s1").await;
    assert_eq!(sent.attachments, vec![photo.clone()]);
    let tickets = app.open_tickets(&cookie).await;
    assert_eq!(tickets[0].preview, "📷 Image");

    // The agent answers with an image of their own, which the shopper receives live.
    let upload = agent_upload(&app, &cookie, TINY_PNG.to_vec(), "image/png").await;
    let reply_image: Attachment = upload.json().await.expect("attachment");
    let mut agent = app.agent_socket(&cookie).await;
    agent
        .send(&protocol::ClientFrame::Send {
            conversation_id: Some(sent.conversation_id.clone()),
            client_id: "o1".into(),
            body: "Like this one?".into(),
            attachments: vec![reply_image.id.clone()],
        })
        .await;
    agent.ack("o1").await;
    let received = shopper
        .next_matching(|frame| matches!(frame, ServerFrame::Message { message } if message.author_kind == AuthorKind::Agent))
        .await;
    assert!(
        matches!(received, ServerFrame::Message { message } if message.attachments == vec![reply_image.clone()])
    );

    // Served as the image it is, and never as a page.
    let file = app
        .http
        .get(app.url(&photo.path()))
        .send()
        .await
        .expect("get");
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert!(file.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("sandbox"));
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), TINY_PNG);
    let missing = app
        .http
        .get(app.url("/files/0123456789abcdef"))
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn uploads_that_are_not_images_or_too_big_are_refused_clearly() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let text = agent_upload(
        &app,
        &cookie,
        b"<svg onload=alert(1)>".to_vec(),
        "image/png",
    )
    .await;
    assert_eq!(text.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = text.json().await.expect("json");
    assert_eq!(
        body["error"],
        "Only PNG, JPEG, GIF and WebP images can be sent."
    );

    let mut big = TINY_PNG.to_vec();
    big.resize(protocol::attachments::MAX_IMAGE_BYTES + 1, 0);
    let too_big = agent_upload(&app, &cookie, big, "image/png").await;
    assert_eq!(too_big.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = too_big.json().await.expect("json");
    assert_eq!(body["error"], "Images can be at most 5 MB.");
    let huge = agent_upload(&app, &cookie, vec![0; 12 * 1024 * 1024], "image/png").await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let anonymous = shopper_upload(&app, None, TINY_PNG.to_vec()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let forged = shopper_upload(&app, Some("not-a-token"), TINY_PNG.to_vec()).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let cross_site = app
        .http
        .post(app.url("/api/uploads"))
        .header("Cookie", &cookie)
        .header("Origin", "https://evil.example")
        .body(TINY_PNG.to_vec())
        .send()
        .await
        .expect("upload");
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn an_image_is_sent_once_and_only_by_whoever_uploaded_it() {
    let (app, _database) = spawn_app().await;
    app.owner_cookie().await;
    let ana = app.shopper("7001", "Ana").await;
    let ben = app.shopper("7002", "Ben").await;
    let anas: Attachment = shopper_upload(&app, ana.token.as_deref(), TINY_PNG.to_vec())
        .await
        .json()
        .await
        .expect("attachment");
    let mut ben_socket = app
        .shopper_socket(ben.token.as_deref().expect("token"))
        .await;
    let send = |client_id: &str, attachments: Vec<String>| protocol::ClientFrame::Send {
        conversation_id: None,
        client_id: client_id.into(),
        body: "look".into(),
        attachments,
    };
    ben_socket.send(&send("b1", vec![anas.id.clone()])).await;
    assert!(matches!(
        ben_socket.next_frame().await,
        ServerFrame::Rejected {
            reason: RejectReason::Invalid,
            ..
        }
    ));
    assert_eq!(
        app.live_ticket_count().await,
        0,
        "the refused message opened nothing"
    );

    let mut ana_socket = app
        .shopper_socket(ana.token.as_deref().expect("token"))
        .await;
    ana_socket.send(&send("a1", vec![anas.id.clone()])).await;
    ana_socket.ack("a1").await;
    let rejected = |frame: &ServerFrame| matches!(frame, ServerFrame::Rejected { .. });
    ana_socket.send(&send("a2", vec![anas.id.clone()])).await;
    assert!(matches!(
        ana_socket.next_matching(rejected).await,
        ServerFrame::Rejected { reason: RejectReason::Invalid, client_id, .. } if client_id == "a2"
    ));
    let too_many = (0..5).map(|index| format!("id{index}")).collect();
    ana_socket.send(&send("a3", too_many)).await;
    assert!(matches!(
        ana_socket.next_matching(rejected).await,
        ServerFrame::Rejected { reason: RejectReason::Invalid, client_id, .. } if client_id == "a3"
    ));
    app.stop().await;
}
