//! Shopper→agent delivery latency through the real server: shoppers send over their
//! widget sockets, one agent socket receives, and each message's time from the
//! shopper's send to the agent's receipt is recorded. Prints `name value unit` lines.
//!
//! Runs on SQLite, then on PostgreSQL when SHOPDESK_BENCH_PG_URL names a server (figures
//! with a `_pg` suffix). Run by `scripts/bench` (release build), which starts a throwaway
//! PostgreSQL. Knobs: BENCH_SHOPPERS, BENCH_MESSAGES_EACH.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientFrame, ServerFrame};
use server::{config::Secret, Application, Config};
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
    let shoppers = knob("BENCH_SHOPPERS", 100);
    let each = knob("BENCH_MESSAGES_EACH", 10);
    println!("delivery_concurrent_shoppers {shoppers} count");
    run(shoppers, each, None, "").await;
    if let Ok(admin_url) = std::env::var("SHOPDESK_BENCH_PG_URL") {
        let url = server::store::create_scratch_database(&admin_url)
            .await
            .expect("scratch database");
        run(shoppers, each, Some(url), "_pg").await;
    }
}

/// One delivery run on a fresh database; prints its figures with `suffix`.
async fn run(shoppers: usize, each: usize, database_url: Option<String>, suffix: &str) {
    let total = shoppers * each;
    let dir = tempfile::tempdir().expect("temp dir");
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
        metrics_token: None,
    })
    .await
    .expect("app builds");
    let port = app.port();
    let store = app.store().clone();
    let agent_token = store
        .create_owner("Bench Agent", "agent@bench.example", "bench password 123")
        .await
        .expect("owner");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // client id → when the shopper sent it.
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut agent_request = format!("ws://127.0.0.1:{port}/ws/agent")
        .into_client_request()
        .expect("request");
    agent_request.headers_mut().insert(
        "Cookie",
        HeaderValue::from_str(&format!("shopdesk_session={agent_token}")).expect("cookie"),
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
                    if let Some(sent) = sent_at.lock().expect("lock").remove(&message.client_id) {
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
        let customer = store
            .upsert_customer(
                &format!("bench-{shopper}"),
                &format!("Shopper {shopper}"),
                "",
            )
            .await
            .expect("customer");
        tokens.push(
            store
                .start_widget_session(&customer.id)
                .await
                .expect("token"),
        );
    }
    let started = Instant::now();
    let mut senders = Vec::new();
    for (shopper, token) in tokens.into_iter().enumerate() {
        let sent_at = Arc::clone(&sent_at);
        senders.push(tokio::spawn(async move {
            let url = format!("ws://127.0.0.1:{port}/ws/widget?token={token}");
            let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("shopper connects");
            for index in 0..each {
                let client_id = format!("s{shopper}-{index}");
                let frame = ClientFrame::Send {
                    conversation_id: None,
                    client_id: client_id.clone(),
                    body: format!("Message {index} from shopper {shopper}"),
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
    let mut latencies = tokio::time::timeout(Duration::from_secs(120), receiver)
        .await
        .expect("all messages delivered")
        .expect("receiver");
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);

    println!("delivery_messages{suffix} {total} count");
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
    println!("messages_per_s{suffix} {:.0} msg/s", total as f64 / elapsed);

    let _ = stop.send(());
    let _ = server.await;
}
