//! Shopper→agent delivery through the real server: shoppers send over their widget
//! sockets, one agent socket receives, and each message's time from the shopper's send
//! to the agent's receipt is recorded. Two phases per backend:
//! - **paced**: many chats (1,000), each sending a message every few seconds (live
//!   traffic); gives
//!   `delivery_p50_ms` / `delivery_p99_ms`;
//! - **saturated**: shoppers send as fast as acks come back; gives `messages_per_s`.
//!
//! - **exchange**: one shopper and one agent take turns, each answering the other's
//!   message as soon as it arrives (both sockets send, then receive: where Nagle's
//!   algorithm meets delayed ACKs); gives `exchange_p50_ms` / `exchange_p99_ms`, one
//!   shopper → agent → shopper turn.
//!
//! - **idle sockets**: a separate server process holds as many idle widget sockets as it
//!   can, up to BENCH_IDLE_SOCKETS (default 50,000), for 100 shoppers with many tabs each;
//!   gives `idle_sockets_held` and the server's resident memory per socket,
//!   `idle_socket_bytes_shared_shoppers`. Then, on a fresh process, BENCH_DISTINCT_SHOPPERS
//!   (default 5,000) sockets of as many distinct shoppers: `idle_socket_bytes`; and after
//!   those and BENCH_DEPARTURE_ROUNDS (default 3) more rounds of new shoppers have
//!   connected and left, the memory kept per departed shopper,
//!   `retained_bytes_per_departed_shopper`, and the hub topics left, `hub_topics_left`.
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
    distinct_shoppers(
        knob("BENCH_DISTINCT_SHOPPERS", 5_000),
        knob("BENCH_DEPARTURE_ROUNDS", 3),
    )
    .await;
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

const IDLE_SECRET: &str = "bench-identity-secret-0123456789";

/// A bare WebSocket upgrade to `/ws/widget` (no client library: thousands of them must
/// cost the bench little), from `socket`'s bound address. A server out of descriptors
/// leaves connections unaccepted in its backlog: each handshake has a deadline.
async fn open_widget_socket(
    socket: tokio::net::TcpSocket,
    port: u16,
    token: &str,
) -> Option<tokio::net::TcpStream> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let handshake = async {
        let mut stream = socket.connect(([127, 0, 0, 1], port).into()).await.ok()?;
        let request = format!(
            "GET /ws/widget?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = [0u8; 12];
        stream.read_exact(&mut response).await.ok()?;
        (&response[9..12] == b"101").then_some(stream)
    };
    tokio::time::timeout(Duration::from_secs(2), handshake)
        .await
        .ok()
        .flatten()
}

/// A `shopdesk` process for the memory figures: loopback clients by the thousand, so
/// the per-address limits are off.
async fn memory_node(dir: &std::path::Path) -> node::Node {
    node::start_node(
        dir,
        IDLE_SECRET,
        &[
            ("RUST_LOG", "error"),
            ("SHOPDESK_LIMIT_SOCKETS_PER_ADDRESS", "off"),
            ("SHOPDESK_LIMIT_SESSIONS_PER_ADDRESS", "off"),
        ],
    )
    .await
}

/// Widget tokens for `count` shoppers named `{prefix}-{n}`, each with the settings
/// version its socket names (as the widget does, so no settings are sent).
async fn widget_tokens(node: &node::Node, prefix: &str, count: usize) -> Vec<String> {
    use futures_util::stream;
    let http = reqwest::Client::new();
    stream::iter(0..count)
        .map(|shopper| {
            let http = http.clone();
            async move {
                let session = node
                    .widget_session(&http, IDLE_SECRET, &format!("{prefix}-{shopper}"), "Idle")
                    .await;
                format!(
                    "{}&settings_version={}",
                    session.token.expect("token"),
                    session.settings.version
                )
            }
        })
        .buffer_unordered(8)
        .collect()
        .await
}

/// One gauge from the node's `/metrics` (loopback may scrape), summed over its labels.
async fn gauge(http: &reqwest::Client, port: u16, name: &str, label: &str) -> f64 {
    let text = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .filter(|line| line.starts_with(name) && line.contains(label))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Waits until the node has let every widget socket go (closed sockets are noticed
/// asynchronously) and no hub topic is left, or 30 s have passed; returns the topics left.
async fn settle_departures(port: u16) -> f64 {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let open = gauge(&http, port, "shopdesk_sockets_open", "widget").await;
        let topics = gauge(&http, port, "shopdesk_hub_topics", "").await;
        if (open == 0.0 && topics == 0.0) || Instant::now() > deadline {
            return topics;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens one socket per token, from `source`; all or nothing.
async fn connect_all(
    port: u16,
    source: std::net::Ipv4Addr,
    tokens: &[String],
) -> Vec<tokio::net::TcpStream> {
    let mut held = Vec::with_capacity(tokens.len());
    for token in tokens {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind((source, 0).into()).expect("bind");
        held.push(
            open_widget_socket(socket, port, token)
                .await
                .expect("the widget socket opens"),
        );
    }
    held
}

/// Memory per idle socket when each is a different shopper (each shopper has its hub
/// topic and its session's state), then what stays behind once shoppers have left.
/// The allocator keeps freed pages for reuse, so what a departure leaves behind is
/// measured over rounds after a first one: each round, new shoppers connect and leave;
/// growth across those rounds is what departed shoppers still hold.
async fn distinct_shoppers(shoppers: usize, rounds: usize) {
    if shoppers == 0 {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let node = memory_node(dir.path()).await;
    let port = node.port;
    let pid = node.child.id().expect("pid");

    // Every round's shoppers get their sessions first: the database (and SQLite's page
    // cache, which grows with it up to its bound) then holds them all before any figure.
    let mut rounds_tokens = Vec::with_capacity(rounds + 1);
    for round in 0..=rounds {
        rounds_tokens.push(widget_tokens(&node, &format!("distinct-{round}"), shoppers).await);
    }
    let tokens = rounds_tokens.remove(0);
    settle_departures(port).await;
    let baseline = resident_bytes(pid);
    let held = connect_all(port, std::net::Ipv4Addr::new(127, 0, 10, 1), &tokens).await;
    let connected = resident_bytes(pid);
    println!(
        "idle_socket_bytes {:.0} bytes",
        connected.saturating_sub(baseline) as f64 / held.len() as f64
    );
    drop(held);
    settle_departures(port).await;
    let after_first = resident_bytes(pid);

    let mut topics_left = 0.0;
    for (round, tokens) in (1..=rounds).zip(rounds_tokens) {
        let source = std::net::Ipv4Addr::new(127, 0, 10 + round as u8, 1);
        drop(connect_all(port, source, &tokens).await);
        topics_left = settle_departures(port).await;
    }
    if rounds > 0 {
        let retained = resident_bytes(pid).saturating_sub(after_first) as f64;
        println!(
            "retained_bytes_per_departed_shopper {:.0} bytes",
            retained / (rounds * shoppers) as f64
        );
        println!("hub_topics_left {topics_left} count");
    }
    let mut child = node.child;
    let _ = child.kill().await;
}

/// Opens idle widget sockets against a separate `shopdesk` process until `wanted` are
/// held or the machine refuses more; prints how many and the server's memory per socket.
async fn idle_sockets(wanted: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let node = memory_node(dir.path()).await;
    // A hundred shoppers, each with many tabs open.
    let tokens = widget_tokens(&node, "idle", 100).await;
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
        let Some(stream) = open_widget_socket(socket, port, &tokens[index % tokens.len()]).await
        else {
            break;
        };
        held.push(stream);
    }
    // The last few upgrades may still be settling in; over thousands of sockets that is noise.
    let settled = resident_bytes(pid);
    println!("idle_sockets_held {} count", held.len());
    if !held.is_empty() {
        println!(
            "idle_socket_bytes_shared_shoppers {:.0} bytes",
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

    let mut exchanges = target.exchange_ms(knob("BENCH_EXCHANGES", 200)).await;
    exchanges.sort_by(f64::total_cmp);
    println!(
        "exchange_p50_ms{suffix} {:.2} ms",
        percentile(&exchanges, 0.50)
    );
    println!(
        "exchange_p99_ms{suffix} {:.2} ms",
        percentile(&exchanges, 0.99)
    );

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

    /// The agent's socket, logged in.
    async fn agent_socket(
        &self,
    ) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>
    {
        let mut request = format!("ws://127.0.0.1:{}/ws/agent", self.port)
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "Cookie",
            HeaderValue::from_str(&format!("shopdesk_session={}", self.agent_token))
                .expect("cookie"),
        );
        tokio_tungstenite::connect_async(request)
            .await
            .expect("agent connects")
            .0
    }

    /// One shopper and the agent answer each other `turns` times, each as soon as the
    /// other's message arrives; returns each turn's time (shopper sends → the agent's
    /// answer reaches the shopper) in ms. Both sockets have just sent when the next
    /// frame comes, the case delayed ACKs hold up without TCP_NODELAY.
    async fn exchange_ms(&self, turns: usize) -> Vec<f64> {
        let customer = self
            .store
            .upsert_customer("exchange", "Exchange Shopper", "")
            .await
            .expect("customer");
        let token = self
            .store
            .start_widget_session(&customer.id)
            .await
            .expect("token");
        let (mut shopper, _) = tokio_tungstenite::connect_async(format!(
            "ws://127.0.0.1:{}/ws/widget?token={token}",
            self.port
        ))
        .await
        .expect("shopper connects");
        let mut agent = self.agent_socket().await;
        let send = |client_id: String, conversation_id: Option<String>| {
            let frame = ClientFrame::Send {
                conversation_id,
                client_id,
                body: "How long does shipping take?".into(),
                attachments: Vec::new(),
            };
            Message::Text(serde_json::to_string(&frame).expect("json").into())
        };
        let mut turn_times = Vec::with_capacity(turns);
        let mut conversation = None;
        for turn in 0..turns {
            let started = Instant::now();
            shopper
                .send(send(
                    format!("exchange-shopper-{turn}"),
                    conversation.clone(),
                ))
                .await
                .expect("shopper sends");
            // The agent answers the shopper's message the moment it arrives.
            let asked = loop {
                let Some(Ok(Message::Text(text))) = agent.next().await else {
                    continue;
                };
                if let Ok(ServerFrame::Message { message }) = serde_json::from_str(&text) {
                    if message.author_kind == protocol::AuthorKind::Shopper {
                        break message.conversation_id;
                    }
                }
            };
            conversation = Some(asked.clone());
            agent
                .send(send(format!("exchange-agent-{turn}"), Some(asked)))
                .await
                .expect("agent sends");
            loop {
                let Some(Ok(Message::Text(text))) = shopper.next().await else {
                    continue;
                };
                if let Ok(ServerFrame::Message { message }) = serde_json::from_str(&text) {
                    if message.author_kind == protocol::AuthorKind::Agent {
                        break;
                    }
                }
            }
            turn_times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        turn_times
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
        let mut agent = self.agent_socket().await;
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
