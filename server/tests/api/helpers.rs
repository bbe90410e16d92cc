//! `spawn_app()` and the clients the tests drive it with.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientFrame, ServerFrame, WidgetSession, WidgetSessionRequest};
use server::{config::Secret, store::Store, Application, Config};
use tokio::{net::TcpStream, sync::oneshot, task::JoinHandle};
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

pub const SECRET: &str = "test-identity-secret-0123456789";
/// The Shopify app secret the test server verifies webhooks with.
pub const SHOPIFY_SECRET: &str = "shpss_test_webhook_secret";
pub const SHOP_ORIGIN: &str = "https://shop.example";
/// Bound on waiting for a frame, so a broken server fails the test instead of hanging it.
const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestApp {
    pub port: u16,
    pub store: Store,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), server::StartError>>>,
}

/// A fresh database for one test: SQLite in a temporary directory, or a new database on
/// the PostgreSQL server named by `SHOPDESK_TEST_PG_URL` (scripts/test starts one).
pub struct TestDatabase {
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

pub async fn test_database() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match std::env::var("SHOPDESK_TEST_PG_URL") {
        Ok(admin_url) => Some(
            server::store::create_scratch_database(&admin_url)
                .await
                .expect("scratch database"),
        ),
        Err(_) => None,
    };
    TestDatabase { dir, url }
}

/// A server on a fresh database.
pub async fn spawn_app() -> (TestApp, TestDatabase) {
    let database = test_database().await;
    let app = spawn_app_on(&database).await;
    (app, database)
}

/// A server on `database` (call again to restart on the same data).
pub async fn spawn_app_on(database: &TestDatabase) -> TestApp {
    spawn_app_with(database, |_| {}).await
}

/// A server on `database` with test-specific configuration.
pub async fn spawn_app_with(
    database: &TestDatabase,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        demo_addr: None,
        data_dir: database.dir.path().to_path_buf(),
        database_url: database.url.clone().map(Secret::new),
        site_root: database.dir.path().join("site"),
        public_url: None,
        allowed_origins: vec![SHOP_ORIGIN.to_owned()],
        identity_secret: Some(Secret::new(SECRET)),
        store_name: "Test Shop".to_owned(),
        metrics_token: None,
        smtp_url: None,
        smtp_from: None,
        shopify_webhook_secret: Some(Secret::new(SHOPIFY_SECRET)),
        sms: None,
        ai_model: None,
        handoff_urls: Default::default(),
        limits: Default::default(),
        client_ip_header: None,
    };
    configure(&mut config);
    let app = Application::build(config).await.expect("app builds");
    let port = app.port();
    let store = app.store().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        port,
        store,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        stop: Some(stop),
        task: Some(task),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Stops the server and waits until it has closed its sockets and database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }

    pub async fn widget_session(&self, request: &WidgetSessionRequest) -> WidgetSession {
        let response = self
            .http
            .post(self.url("/api/widget/session"))
            .header("Origin", SHOP_ORIGIN)
            .json(request)
            .send()
            .await
            .expect("session request");
        assert_eq!(response.status(), 200, "widget session status");
        response.json().await.expect("session json")
    }

    /// A logged-in shopper's session (signed like the theme signs it).
    pub async fn shopper(&self, customer_id: &str, name: &str) -> WidgetSession {
        self.widget_session(&signed(customer_id, name)).await
    }

    /// A logged-in shopper with an open socket.
    pub async fn connected_shopper(&self, customer_id: &str, name: &str) -> Socket {
        let session = self.shopper(customer_id, name).await;
        self.shopper_socket(session.token.as_deref().expect("token"))
            .await
    }

    pub async fn shopper_socket(&self, token: &str) -> Socket {
        let mut request = format!("ws://127.0.0.1:{}/ws/widget?token={token}", self.port)
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_static(SHOP_ORIGIN));
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("shopper socket connects");
        Socket { stream }
    }

    /// Creates the owner account through the first-run server function; returns the cookie.
    pub async fn owner_cookie(&self) -> String {
        let response = self
            .http
            .post(self.url("/api/create_owner"))
            .form(&[
                ("name", "Olga Agent"),
                ("email", "olga@shop.example"),
                ("password", "correct horse battery"),
            ])
            .send()
            .await
            .expect("create owner");
        assert!(
            response.status().is_success(),
            "create owner: {}",
            response.status()
        );
        session_cookie(&response)
    }

    pub async fn agent_socket(&self, cookie: &str) -> Socket {
        let mut request = format!("ws://127.0.0.1:{}/ws/agent", self.port)
            .into_client_request()
            .expect("request");
        let headers = request.headers_mut();
        headers.insert("Cookie", HeaderValue::from_str(cookie).expect("cookie"));
        headers.insert(
            "Origin",
            HeaderValue::from_str(&format!("http://127.0.0.1:{}", self.port)).expect("origin"),
        );
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("agent socket connects");
        Socket { stream }
    }

    /// Calls a helpdesk server function with the agent's cookie.
    pub async fn server_fn(
        &self,
        cookie: Option<&str>,
        name: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url(&format!("/api/{name}")))
            .header("Origin", format!("http://127.0.0.1:{}", self.port))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send().await.expect("server fn request")
    }
}

impl TestApp {
    /// Calls a helpdesk server function that takes JSON, with the agent's cookie.
    pub async fn call(
        &self,
        cookie: &str,
        name: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/{name}")))
            .header("Origin", format!("http://127.0.0.1:{}", self.port))
            .header("Cookie", cookie)
            .json(&body)
            .send()
            .await
            .expect("server fn request")
    }

    /// Like [`TestApp::call`], expecting success, returning the JSON answer.
    pub async fn call_ok<T: serde::de::DeserializeOwned>(
        &self,
        cookie: &str,
        name: &str,
        body: serde_json::Value,
    ) -> T {
        let response = self.call(cookie, name, body).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{name}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}: {text}"))
    }

    /// The agent's Open / All inbox view (first page).
    pub async fn open_tickets(&self, cookie: &str) -> Vec<protocol::TicketSummary> {
        self.inbox(
            cookie,
            serde_json::json!({"status": "open", "scope": "all", "sort": "activity"}),
        )
        .await
        .tickets
    }

    /// The first page of an inbox view, e.g. `{"status": "open", "scope": "mine", "sort": "waiting"}`.
    pub async fn inbox(&self, cookie: &str, view: serde_json::Value) -> protocol::inbox::InboxPage {
        self.call_ok(
            cookie,
            "inbox/tickets",
            serde_json::json!({ "view": view, "after": null }),
        )
        .await
    }

    /// Business hours open every day all day, except today (UTC) with `away_message`:
    /// the saved page, and when the team is back (tomorrow at midnight, epoch ms).
    pub async fn closed_today(&self, owner: &str, away_message: &str) -> (serde_json::Value, i64) {
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let weekly: Vec<serde_json::Value> = (1..=7)
            .map(|weekday| {
                serde_json::json!({ "weekday": weekday, "range": { "opens": "00:00", "closes": "24:00" } })
            })
            .collect();
        let page = self
            .call_ok(
                owner,
                "settings/save_business_hours",
                serde_json::json!({ "hours": {
                    "enabled": true, "time_zone": "UTC", "weekly": weekly,
                    "exceptions": [{ "date": today.to_string(), "ranges": [], "label": "Stocktake" }],
                    "away_message": away_message
                }}),
            )
            .await;
        let back_at = today
            .tomorrow()
            .expect("tomorrow")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .expect("midnight")
            .timestamp()
            .as_millisecond();
        (page, back_at)
    }

    /// Tickets not closed, straight from the database (for "nothing was created" checks).
    pub async fn live_ticket_count(&self) -> i64 {
        let counts = self.store.view_counts("").await.expect("counts");
        counts.open.all + counts.snoozed.all
    }

    /// Invites someone as `role` and accepts the invitation; returns their cookie.
    pub async fn invited_cookie(&self, owner_cookie: &str, email: &str, role: &str) -> String {
        let invite: serde_json::Value = self
            .call_ok(
                owner_cookie,
                "settings/invite",
                serde_json::json!({ "email": email, "role": role }),
            )
            .await;
        let link = invite["link"].as_str().expect("invite link");
        let token = link.rsplit('/').next().expect("token");
        let response = self
            .server_fn(
                None,
                "accept_invite",
                &[
                    ("token", token),
                    ("name", "Ivy Invited"),
                    ("password", "another long password"),
                ],
            )
            .await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "accept invite: {}",
            response.status()
        );
        session_cookie(&response)
    }
}

/// A logged-in shopper's session request, signed as the theme signs it (id, email and
/// name together).
pub fn signed(customer_id: &str, name: &str) -> WidgetSessionRequest {
    let email = format!("{}@example.com", name.to_lowercase());
    let identity =
        server::identity::identity_string(customer_id, &email, name).expect("plain identity");
    WidgetSessionRequest {
        customer_id: Some(customer_id.to_owned()),
        name: Some(name.to_owned()),
        email: Some(email),
        signature: Some(server::identity::sign(SECRET, &identity)),
        token: None,
    }
}

/// A session request signed the old way, for the customer id alone: the name and email
/// beside it are the page's claims.
pub fn signed_id_only(customer_id: &str, name: &str, email: &str) -> WidgetSessionRequest {
    WidgetSessionRequest {
        customer_id: Some(customer_id.to_owned()),
        name: Some(name.to_owned()),
        email: Some(email.to_owned()),
        signature: Some(server::identity::sign(SECRET, customer_id)),
        token: None,
    }
}

/// `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with("shopdesk_session="))
        .and_then(|cookie| cookie.split(';').next())
        .expect("session cookie set")
        .to_owned()
}

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, frame: &ClientFrame) {
        let text = serde_json::to_string(frame).expect("frame json");
        self.stream
            .send(Message::Text(text.into()))
            .await
            .expect("socket send");
    }

    pub async fn send_text(&mut self, conversation_id: Option<&str>, client_id: &str, body: &str) {
        self.send(&ClientFrame::Send {
            conversation_id: conversation_id.map(str::to_owned),
            client_id: client_id.to_owned(),
            body: body.to_owned(),
            attachments: Vec::new(),
        })
        .await;
    }

    /// The next protocol frame, pings and settings pushes skipped (a widget socket starts
    /// with the current settings).
    pub async fn next_frame(&mut self) -> ServerFrame {
        loop {
            let frame = self.next_any_frame().await;
            if !matches!(frame, ServerFrame::Settings { .. }) {
                return frame;
            }
        }
    }

    /// The next protocol frame (pings skipped).
    pub async fn next_any_frame(&mut self) -> ServerFrame {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.stream.next())
                .await
                .expect("a frame within the timeout")
                .expect("socket still open")
                .expect("socket read");
            if let Message::Text(text) = message {
                return serde_json::from_str(&text).expect("server frame json");
            }
        }
    }

    /// Skips frames until one matches, returning it.
    pub async fn next_matching(
        &mut self,
        mut wanted: impl FnMut(&ServerFrame) -> bool,
    ) -> ServerFrame {
        loop {
            let frame = self.next_any_frame().await;
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// Every frame up to and including the first that matches `last`.
    pub async fn frames_until(
        &mut self,
        mut last: impl FnMut(&ServerFrame) -> bool,
    ) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        loop {
            let frame = self.next_any_frame().await;
            let done = last(&frame);
            frames.push(frame);
            if done {
                return frames;
            }
        }
    }

    /// The ack of `client_id` (frames before it are skipped).
    pub async fn ack(&mut self, client_id: &str) -> protocol::Message {
        match self
            .next_matching(|frame| {
                matches!(frame, ServerFrame::Ack { client_id: id, .. } | ServerFrame::Rejected { client_id: id, .. } if id == client_id)
            })
            .await
        {
            ServerFrame::Ack { message, .. } => message,
            other => panic!("expected an ack for {client_id}, got {other:?}"),
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
