//! Shopper→agent delivery through the real server: shoppers send over their widget
//! sockets, one agent socket receives, and each message's time from the shopper's send
//! to the agent's receipt is recorded. Two phases per backend:
//! - **paced**: many chats (1,000), each sending a message every few seconds (live
//!   traffic); gives
//!   `delivery_p50_ms` / `delivery_p99_ms`;
//! - **saturated**: shoppers send as fast as acks come back; gives `messages_per_s`.
//!
//! - **idle sockets**: a separate server process holds as many idle widget sockets as it
//!   can, up to BENCH_IDLE_SOCKETS (default 50,000); gives `idle_sockets_held` and the
//!   server's resident memory per socket, `idle_socket_bytes`.
//!
//! - **inbox at scale**: 100k tickets and 1M messages (BENCH_INBOX_TICKETS,
//!   BENCH_INBOX_MESSAGES_EACH) written in bulk, then the agent's inbox first page over
//!   HTTP; gives `inbox_page_p50_ms` / `inbox_page_p99_ms`; then ticket search over the
//!   same data (names, emails, order numbers, common and half-typed words); gives
//!   `search_p50_ms` / `search_p99_ms`.
//!
//! Runs on SQLite, then on PostgreSQL when SHOPDESK_BENCH_PG_URL names a server (figures
//! with a `_pg` suffix). Run by `scripts/bench` (release build), which starts a throwaway
//! PostgreSQL. Prints `name value unit` lines. Knobs: BENCH_CHATS, BENCH_ROUNDS, BENCH_PACE_MS,
//! BENCH_SATURATING_SHOPPERS, BENCH_SATURATING_EACH.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

#[path = "support/inbox.rs"]
mod inbox;
#[path = "../tests/support/node.rs"]
mod node;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientFrame, ServerFrame};
use server::{config::Secret, store::Store, Application, Config};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    println!("delivery_chats {} count", knob("BENCH_CHATS", 1000));
    run_backend(None, "").await;
    if let Ok(admin_url) = std::env::var("SHOPDESK_BENCH_PG_URL") {
        let url = server::store::create_scratch_database(&admin_url)
            .await
            .expect("scratch database");
        run_backend(Some(url), "_pg").await;
    }
    idle_sockets(knob("BENCH_IDLE_SOCKETS", 50_000)).await;
}

/// Resident memory of a process, from /proc (Linux).
fn resident_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kib| kib * 1024)
}

/// Opens idle widget sockets against a separate `shopdesk` process until `wanted` are
/// held or the machine refuses more; prints how many and the server's memory per socket.
async fn idle_sockets(wanted: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const SECRET: &str = "bench-identity-secret-0123456789";
    let dir = tempfile::tempdir().expect("temp dir");
    // Thousands of sockets from loopback: the per-address limits would refuse them.
    let node = node::start_node(
        dir.path(),
        SECRET,
        &[
            ("RUST_LOG", "error"),
            ("SHOPDESK_LIMIT_SOCKETS_PER_ADDRESS", "off"),
            ("SHOPDESK_LIMIT_SESSIONS_PER_ADDRESS", "off"),
        ],
    )
    .await;
    // A hundred shoppers, each with many tabs open.
    let http = reqwest::Client::new();
    // Each socket names the settings it holds, as the widget does (so none is sent).
    let mut tokens = Vec::new();
    for shopper in 0..100 {
        let session = node
            .widget_session(&http, SECRET, &format!("idle-{shopper}"), "Idle")
            .await;
        tokens.push(format!(
            "{}&settings_version={}",
            session.token.expect("token"),
            session.settings.version
        ));
    }
    let (mut child, port) = (node.child, node.port);
    let pid = child.id().expect("pid");

    let baseline = resident_bytes(pid);
    let mut held = Vec::with_capacity(wanted);
    for index in 0..wanted {
        // Spread the clients over loopback addresses: one source address has ~28k ports.
        let source = std::net::Ipv4Addr::new(127, 0, 1 + (index / 20_000) as u8, 1);
        let Ok(socket) = tokio::net::TcpSocket::new_v4() else {
            break;
        };
        if socket.bind((source, 0).into()).is_err() {
            break;
        }
        // A server out of descriptors leaves connections unaccepted in its backlog: give
        // each handshake a deadline and stop at the first that misses it.
        let handshake = async {
            let mut stream = socket.connect(([127, 0, 0, 1], port).into()).await.ok()?;
            let request = format!(
                "GET /ws/widget?token={} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                 Sec-WebSocket-Version: 13\r\n\r\n",
                tokens[index % tokens.len()]
            );
            stream.write_all(request.as_bytes()).await.ok()?;
            let mut response = [0u8; 12];
            stream.read_exact(&mut response).await.ok()?;
            (&response[9..12] == b"101").then_some(stream)
        };
        let Ok(Some(stream)) = tokio::time::timeout(Duration::from_secs(2), handshake).await else {
            break;
        };
        held.push(stream);
    }
    // The last few upgrades may still be settling in; over thousands of sockets that is noise.
    let settled = resident_bytes(pid);
    println!("idle_sockets_held {} count", held.len());
    if !held.is_empty() {
        println!(
            "idle_socket_bytes {:.0} bytes",
            settled.saturating_sub(baseline) as f64 / held.len() as f64
        );
    }
    drop(held);
    let _ = child.kill().await;
}

/// Both phases on a fresh database; prints the figures with `suffix`.
async fn run_backend(database_url: Option<String>, suffix: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed_url = database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rw",
            dir.path().join("shopdesk.db").display()
        )
    });
    let app = Application::build(Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        demo_addr: None,
        data_dir: dir.path().to_path_buf(),
        database_url: database_url.map(Secret::new),
        site_root: dir.path().join("site"),
        public_url: None,
        allowed_origins: Vec::new(),
        identity_secret: Some(Secret::new("bench-identity-secret-0123456789")),
        store_name: "Bench".into(),
        // A thousand chats from loopback, sending as fast as acks return.
        limits: server::limits::Limits::none(),
        ..Config::local_defaults()
    })
    .await
    .expect("app builds");
    let target = Target {
        port: app.port(),
        store: app.store().clone(),
        agent_token: app
            .store()
            .create_owner("Bench Agent", "agent@bench.example", "bench password 123")
            .await
            .expect("owner"),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let (floor, floor_p99) = target.floor_ms().await;
    println!("delivery_floor_ms{suffix} {floor:.2} ms");
    // The floor's own tail: how far one echo plus one commit stray on this machine.
    println!("delivery_floor_p99_ms{suffix} {floor_p99:.2} ms");

    let paced = target
        .drive(
            "paced",
            knob("BENCH_CHATS", 1000),
            knob("BENCH_ROUNDS", 3),
            Some(Duration::from_millis(knob("BENCH_PACE_MS", 3000) as u64)),
        )
        .await;
    let mut latencies = paced.latencies;
    latencies.sort_by(f64::total_cmp);
    println!("delivery_messages{suffix} {} count", latencies.len());
    println!(
        "delivery_p50_ms{suffix} {:.2} ms",
        percentile(&latencies, 0.50)
    );
    println!(
        "delivery_p99_ms{suffix} {:.2} ms",
        percentile(&latencies, 0.99)
    );
    println!(
        "delivery_max_ms{suffix} {:.2} ms",
        percentile(&latencies, 1.0)
    );
    println!(
        "delivery_p99_floor_ratio{suffix} {:.1} x",
        percentile(&latencies, 0.99) / floor
    );

    let saturated = target
        .drive(
            "saturating",
            knob("BENCH_SATURATING_SHOPPERS", 100),
            knob("BENCH_SATURATING_EACH", 10),
            None,
        )
        .await;
    println!(
        "messages_per_s{suffix} {:.0} msg/s",
        saturated.latencies.len() as f64 / saturated.elapsed.as_secs_f64()
    );

    // The inbox with 100k tickets and 1M messages behind it.
    let tickets = knob("BENCH_INBOX_TICKETS", 100_000);
    let messages_each = knob("BENCH_INBOX_MESSAGES_EACH", 10);
    let seeded_s = inbox::seed(&seed_url, tickets, messages_each).await;
    println!("inbox_tickets{suffix} {tickets} count");
    println!("inbox_messages{suffix} {} count", tickets * messages_each);
    println!("inbox_seed_s{suffix} {seeded_s:.1} s");
    // The background indexer catches up with the bulk-written messages first, so it
    // neither competes with the timings below nor leaves search half-indexed.
    let indexing = Instant::now();
    target
        .store
        .index_all_messages()
        .await
        .expect("search index");
    println!(
        "search_index_s{suffix} {:.1} s",
        indexing.elapsed().as_secs_f64()
    );
    inbox::analyze(&seed_url).await;
    let pages = inbox::inbox_page_ms(target.port, &target.agent_token, 200).await;
    println!(
        "inbox_page_p50_ms{suffix} {:.2} ms",
        percentile(&pages, 0.50)
    );
    println!(
        "inbox_page_p99_ms{suffix} {:.2} ms",
        percentile(&pages, 0.99)
    );
    let queries = inbox::search_queries(tickets);
    let searches = inbox::search_ms(target.port, &target.agent_token, &queries, 300).await;
    println!(
        "search_p50_ms{suffix} {:.2} ms",
        percentile(&searches, 0.50)
    );
    println!(
        "search_p99_ms{suffix} {:.2} ms",
        percentile(&searches, 0.99)
    );

    let _ = stop.send(());
    let _ = server.await;
}

struct Target {
    port: u16,
    store: Store,
    agent_token: String,
}

struct Outcome {
    latencies: Vec<f64>,
    elapsed: Duration,
}

impl Target {
    /// The least a delivery can cost here: a bare WebSocket echo round trip on loopback
    /// plus one durable single-row commit on the same database (medians of 200 each),
    /// and the same from their 99th percentiles.
    async fn floor_ms(&self) -> (f64, f64) {
        const SAMPLES: usize = 200;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let echo_addr = listener.local_addr().expect("addr");
        let echo = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept");
            let mut socket = tokio_tungstenite::accept_async(stream)
                .await
                .expect("handshake");
            while let Some(Ok(message)) = socket.next().await {
                if message.is_text() && socket.send(message).await.is_err() {
                    break;
                }
            }
        });
        let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{echo_addr}"))
            .await
            .expect("echo connects");
        let mut round_trips = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let started = Instant::now();
            client
                .send(Message::Text("ping".into()))
                .await
                .expect("send");
            client.next().await.expect("echo").expect("read");
            round_trips.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        drop(client);
        echo.abort();

        // A durable single-row upsert in its own transaction (a customer's details).
        let mut commits = Vec::with_capacity(SAMPLES);
        for sample in 0..SAMPLES {
            let started = Instant::now();
            self.store
                .upsert_customer("floor", &format!("Floor {sample}"), "")
                .await
                .expect("commit");
            commits.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        round_trips.sort_by(f64::total_cmp);
        commits.sort_by(f64::total_cmp);
        (
            percentile(&round_trips, 0.5) + percentile(&commits, 0.5),
            percentile(&round_trips, 0.99) + percentile(&commits, 0.99),
        )
    }

    /// `shoppers` chats each send `each` messages, `pace` apart (or as fast as acks
    /// return); returns each message's shopper-send → agent-receipt time in ms.
    async fn drive(
        &self,
        label: &str,
        shoppers: usize,
        each: usize,
        pace: Option<Duration>,
    ) -> Outcome {
        let total = shoppers * each;
        let port = self.port;
        // client id → when the shopper sent it.
        let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
        let mut agent_request = format!("ws://127.0.0.1:{port}/ws/agent")
            .into_client_request()
            .expect("request");
        agent_request.headers_mut().insert(
            "Cookie",
            HeaderValue::from_str(&format!("shopdesk_session={}", self.agent_token))
                .expect("cookie"),
        );
        let (mut agent, _) = tokio_tungstenite::connect_async(agent_request)
            .await
            .expect("agent connects");
        let receiver = {
            let sent_at = Arc::clone(&sent_at);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(total);
                while latencies.len() < total {
                    let Some(Ok(Message::Text(text))) = agent.next().await else {
                        continue;
                    };
                    if let Ok(ServerFrame::Message { message }) = serde_json::from_str(&text) {
                        let received = Instant::now();
                        if let Some(sent) = sent_at.lock().expect("lock").remove(&message.client_id)
                        {
                            latencies.push(received.duration_since(sent).as_secs_f64() * 1000.0);
                        }
                    }
                }
                latencies
            })
        };

        // Sessions first, so the timed part is the chat traffic alone.
        let mut tokens = Vec::with_capacity(shoppers);
        for shopper in 0..shoppers {
            let customer = self
                .store
                .upsert_customer(
                    &format!("{label}-{shopper}"),
                    &format!("Shopper {shopper}"),
                    "",
                )
                .await
                .expect("customer");
            tokens.push(
                self.store
                    .start_widget_session(&customer.id)
                    .await
                    .expect("token"),
            );
        }
        // Every chat is connected before the clock starts: the figure is live traffic
        // on 1,000 open chats, not a thousand handshakes racing the first messages.
        let mut connecting = Vec::with_capacity(shoppers);
        for token in tokens {
            connecting.push(tokio::spawn(async move {
                let url = format!("ws://127.0.0.1:{port}/ws/widget?token={token}");
                let (socket, _) = tokio_tungstenite::connect_async(url)
                    .await
                    .expect("shopper connects");
                socket
            }));
        }
        let mut sockets = Vec::with_capacity(shoppers);
        for connection in connecting {
            sockets.push(connection.await.expect("connect task"));
        }
        let started = Instant::now();
        let mut senders = Vec::new();
        for (shopper, mut socket) in sockets.into_iter().enumerate() {
            let sent_at = Arc::clone(&sent_at);
            // Paced chats start spread over one interval, as live traffic would.
            let offset = pace.map(|pace| pace.mul_f64(shopper as f64 / shoppers as f64));
            let label = label.to_owned();
            senders.push(tokio::spawn(async move {
                if let Some(offset) = offset {
                    tokio::time::sleep(offset).await;
                }
                let mut next_send = Instant::now();
                for index in 0..each {
                    if let Some(pace) = pace {
                        tokio::time::sleep_until(next_send.into()).await;
                        next_send += pace;
                    }
                    let client_id = format!("{label}-{shopper}-{index}");
                    let frame = ClientFrame::Send {
                        conversation_id: None,
                        client_id: client_id.clone(),
                        body: format!("Message {index} from shopper {shopper}"),
                        attachments: Vec::new(),
                    };
                    sent_at.lock().expect("lock").insert(client_id.clone(), Instant::now());
                    let text = serde_json::to_string(&frame).expect("json");
                    socket.send(Message::Text(text.into())).await.expect("send");
                    // Wait for the ack, as the widget does, before the next message.
                    loop {
                        let Some(Ok(Message::Text(text))) = socket.next().await else {
                            continue;
                        };
                        if matches!(serde_json::from_str(&text), Ok(ServerFrame::Ack { client_id: id, .. }) if id == client_id) {
                            break;
                        }
                    }
                }
            }));
        }
        for sender in senders {
            sender.await.expect("sender");
        }
        let latencies = tokio::time::timeout(Duration::from_secs(120), receiver)
            .await
            .expect("all messages delivered")
            .expect("receiver");
        Outcome {
            latencies,
            elapsed: started.elapsed(),
        }
    }
}
