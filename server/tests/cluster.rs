//! Two server processes on one PostgreSQL database, as behind a load balancer: a shopper
//! on one node and an agent on the other chat live, and when a node is killed with
//! SIGKILL mid-conversation, the shopper moves to the other node and the transcript is
//! complete and free of duplicates.
//!
//! Runs in the PostgreSQL pass of scripts/test, which sets SHOPDESK_TEST_PG_URL (the test
//! fails without it rather than passing vacuously).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::{ClientFrame, ServerFrame};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

const SECRET: &str = "cluster-identity-secret-0123456789";
const TIMEOUT: Duration = Duration::from_secs(15);
/// The message in flight when its node is killed.
const UNACKED: &str = "Are you still there?";

#[path = "support/node.rs"]
mod node;

use node::{start_node, Node};

async fn start_cluster_node(database_url: &str, data_dir: &std::path::Path) -> Node {
    start_node(data_dir, SECRET, &[("DATABASE_URL", database_url)]).await
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn send_frame(socket: &mut Socket, frame: &ClientFrame) {
    let text = serde_json::to_string(frame).expect("json");
    socket.send(Message::Text(text.into())).await.expect("send");
}

async fn send(socket: &mut Socket, conversation_id: Option<&str>, client_id: &str, body: &str) {
    let frame = ClientFrame::Send {
        conversation_id: conversation_id.map(str::to_owned),
        client_id: client_id.to_owned(),
        body: body.to_owned(),
        attachments: Vec::new(),
    };
    send_frame(socket, &frame).await;
}

async fn next_matching(socket: &mut Socket, wanted: impl Fn(&ServerFrame) -> bool) -> ServerFrame {
    tokio::time::timeout(TIMEOUT, async {
        loop {
            let message = socket.next().await.expect("open").expect("read");
            if let Message::Text(text) = message {
                let frame: ServerFrame = serde_json::from_str(&text).expect("frame");
                if wanted(&frame) {
                    return frame;
                }
            }
        }
    })
    .await
    .expect("the expected frame in time")
}

async fn ack(socket: &mut Socket, client_id: &str) -> protocol::Message {
    match next_matching(
        socket,
        |frame| matches!(frame, ServerFrame::Ack { client_id: id, .. } if id == client_id),
    )
    .await
    {
        ServerFrame::Ack { message, .. } => message,
        _ => unreachable!(),
    }
}

async fn message_with_body(socket: &mut Socket, body: &str) -> protocol::Message {
    match next_matching(
        socket,
        |frame| matches!(frame, ServerFrame::Message { message } if message.body == body),
    )
    .await
    {
        ServerFrame::Message { message } => message,
        _ => unreachable!(),
    }
}

/// A fresh database on the test's PostgreSQL server.
async fn scratch_database() -> String {
    let admin_url = std::env::var("SHOPDESK_TEST_PG_URL")
        .expect("SHOPDESK_TEST_PG_URL must name a PostgreSQL server (scripts/test starts one)");
    server::store::create_scratch_database(&admin_url)
        .await
        .expect("scratch database")
}

/// Creates the owner through `node` and opens their agent socket there.
async fn agent_socket(http: &reqwest::Client, node: &Node) -> Socket {
    let owner = http
        .post(format!("http://127.0.0.1:{}/api/create_owner", node.port))
        .form(&[
            ("name", "Olga"),
            ("email", "olga@shop.example"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .expect("create owner");
    let cookie = owner
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .and_then(|cookie| cookie.split(';').next())
        .expect("session cookie")
        .to_owned();
    let mut request = format!("ws://127.0.0.1:{}/ws/agent", node.port)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("Cookie", HeaderValue::from_str(&cookie).expect("cookie"));
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("agent socket");
    socket
}

async fn shopper_socket(node: &Node, token: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!(
        "ws://127.0.0.1:{}/ws/widget?token={token}",
        node.port
    ))
    .await
    .expect("shopper socket");
    socket
}

/// Two nodes on one new database, a shopper (`customer_id`, `name`) connected through
/// the first and the owner's agent socket through the second, and the shopper's first
/// message, `hello`, acknowledged and seen live by the agent.
struct ChatAcrossNodes {
    database_url: String,
    _dir: tempfile::TempDir,
    shopper_node: Node,
    agent_node: Node,
    token: String,
    shopper: Socket,
    agent: Socket,
    first: protocol::Message,
    seen: protocol::Message,
}

async fn chat_across_nodes(customer_id: &str, name: &str, hello: &str) -> ChatAcrossNodes {
    let database_url = scratch_database().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let shopper_node = start_cluster_node(&database_url, dir.path()).await;
    let agent_node = start_cluster_node(&database_url, dir.path()).await;
    let http = reqwest::Client::new();
    let mut agent = agent_socket(&http, &agent_node).await;
    let token = shopper_node
        .widget_session(&http, SECRET, customer_id, name)
        .await
        .token
        .expect("token");
    let mut shopper = shopper_socket(&shopper_node, &token).await;
    send(&mut shopper, None, "s1", hello).await;
    let first = ack(&mut shopper, "s1").await;
    let seen = message_with_body(&mut agent, hello).await;
    ChatAcrossNodes {
        database_url,
        _dir: dir,
        shopper_node,
        agent_node,
        token,
        shopper,
        agent,
        first,
        seen,
    }
}

#[tokio::test]
async fn chats_span_nodes_and_survive_a_killed_node() {
    // The agent logs in and connects through node B; the shopper connects through node A.
    // Live across nodes, both ways.
    let ChatAcrossNodes {
        database_url,
        _dir,
        shopper_node: mut node_a,
        agent_node: node_b,
        token,
        mut shopper,
        mut agent,
        first,
        seen,
    } = chat_across_nodes("9001", "Ana", "Hello from node A").await;
    assert_eq!(seen, first);
    let conversation = first.conversation_id.clone();
    send(&mut agent, Some(&conversation), "a1", "Hi! Olga on node B").await;
    ack(&mut agent, "a1").await;
    message_with_body(&mut shopper, "Hi! Olga on node B").await;

    // The shopper sends, and node A dies at once (the ack may never come).
    send(&mut shopper, Some(&conversation), "s2", UNACKED).await;
    node_a.child.kill().await.expect("SIGKILL node A");
    // Meanwhile the agent keeps writing on node B.
    send(&mut agent, Some(&conversation), "a2", "Still here").await;
    ack(&mut agent, "a2").await;

    // The shopper's widget reconnects to node B, catches up, and re-sends what was not acked.
    let mut shopper = shopper_socket(&node_b, &token).await;
    let resume = ClientFrame::Resume {
        conversation_id: conversation.clone(),
        after_seq: 2,
    };
    send_frame(&mut shopper, &resume).await;
    message_with_body(&mut shopper, "Still here").await;
    send(&mut shopper, Some(&conversation), "s2", UNACKED).await;
    let resent = ack(&mut shopper, "s2").await;
    assert_eq!(resent.body, UNACKED);

    // The transcript: every message once, in order, nothing lost.
    let store = server::store::Store::connect(&database_url)
        .await
        .expect("store");
    let transcript = store
        .messages_after(&conversation, 0)
        .await
        .expect("messages");
    let seqs: Vec<i64> = transcript.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=transcript.len() as i64).collect::<Vec<_>>());
    let mut bodies: Vec<&str> = transcript.iter().map(|m| m.body.as_str()).collect();
    bodies.sort_unstable();
    assert_eq!(
        bodies,
        [
            UNACKED,
            "Hello from node A",
            "Hi! Olga on node B",
            "Still here"
        ]
    );
    drop(node_b);
}

#[tokio::test]
async fn nodes_that_lose_their_database_connections_resync_and_keep_delivering() {
    let ChatAcrossNodes {
        database_url,
        _dir,
        shopper_node: _node_a,
        agent_node: _node_b,
        mut shopper,
        mut agent,
        first,
        ..
    } = chat_across_nodes("9002", "Ben", "Before the outage").await;

    // The database drops every connection of both nodes (a restart or failover looks
    // the same to them): pools and the LISTEN connections alike.
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&database_url)
        .await
        .expect("admin connection");
    let (terminated,): (i64,) = sqlx::query_as(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(&admin)
    .await
    .expect("terminate");
    assert!(
        terminated >= 4,
        "both nodes' pools and listeners: {terminated}"
    );

    // Each node reconnects its listener and tells its sockets to catch up.
    next_matching(&mut shopper, |frame| matches!(frame, ServerFrame::Resync)).await;
    next_matching(&mut agent, |frame| matches!(frame, ServerFrame::Resync)).await;

    // And live delivery across the nodes works again, both ways.
    let conversation = first.conversation_id;
    send(&mut agent, Some(&conversation), "a1", "Back online").await;
    ack(&mut agent, "a1").await;
    message_with_body(&mut shopper, "Back online").await;
    send(&mut shopper, Some(&conversation), "s2", "Great").await;
    ack(&mut shopper, "s2").await;
    message_with_body(&mut agent, "Great").await;
}

#[tokio::test]
async fn a_message_whose_node_died_before_announcing_it_reaches_the_agent_when_resent() {
    let ChatAcrossNodes {
        database_url,
        _dir,
        shopper_node: node_b,
        agent_node: node_c,
        mut shopper,
        mut agent,
        first,
        ..
    } = chat_across_nodes("9003", "Cleo", "Hello").await;

    // Node A committed the shopper's next message and died before announcing it: the
    // row is in the database, and no node has told anyone. (Written here exactly as
    // node A's store would have; a SIGKILL cannot be aimed between the two steps.)
    let store = server::store::Store::connect(&database_url)
        .await
        .expect("store");
    let customer_id = store
        .conversation_customer(&first.conversation_id)
        .await
        .expect("lookup")
        .expect("owner");
    let stored = store
        .append_message(server::store::NewMessage {
            sender: server::store::Sender::Shopper {
                customer_id,
                name: "Cleo".into(),
                channel: protocol::Channel::Chat,
            },
            conversation_id: Some(first.conversation_id.clone()),
            client_id: "s2".into(),
            body: UNACKED.into(),
            back_at: None,
            attachments: Vec::new(),
            ai_first: false,
        })
        .await
        .expect("stored by node A");

    // The widget never got its ack: it re-sends on node B, and hears it was stored.
    send(&mut shopper, Some(&first.conversation_id), "s2", UNACKED).await;
    let resent = ack(&mut shopper, "s2").await;
    assert_eq!(resent, stored.message, "the original, not a copy");
    // The agent, on a third node, sees it live: it is the last message, so no later
    // seq gap would ever have brought it.
    let seen = message_with_body(&mut agent, UNACKED).await;
    assert_eq!(seen, stored.message);
    drop((node_b, node_c));
}
