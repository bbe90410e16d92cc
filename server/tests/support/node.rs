//! Starting the real `shopdesk` binary as a separate process, for the two-node test and
//! the idle-socket bench (included by both with `#[path]`).

use std::{path::Path, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub struct Node {
    pub child: Child,
    pub port: u16,
}

impl Node {
    /// Opens a widget session for a customer signed with `identity_secret`, as the
    /// widget on a storefront does.
    pub async fn widget_session(
        &self,
        http: &reqwest::Client,
        identity_secret: &str,
        customer_id: &str,
        name: &str,
    ) -> protocol::WidgetSession {
        http.post(format!("http://127.0.0.1:{}/api/widget/session", self.port))
            .json(&protocol::WidgetSessionRequest {
                customer_id: Some(customer_id.to_owned()),
                name: Some(name.to_owned()),
                signature: server::identity::identity_string(customer_id, "", name)
                    .map(|identity| server::identity::sign(identity_secret, &identity)),
                ..protocol::WidgetSessionRequest::default()
            })
            .send()
            .await
            .expect("session")
            .json()
            .await
            .expect("session json")
    }
}

/// Starts `shopdesk` on a random port with the demo storefront off, `data_dir` for
/// SQLite, `identity_secret`, and `extra` variables (e.g. `DATABASE_URL`). Returns once
/// it has printed its address (by then it accepts connections and, on PostgreSQL,
/// listens for the other nodes' notices).
pub async fn start_node(data_dir: &Path, identity_secret: &str, extra: &[(&str, &str)]) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopdesk"))
        .env("SHOPDESK_ADDR", "127.0.0.1:0")
        .env("SHOPDESK_DEMO_ADDR", "off")
        .env("SHOPDESK_DATA_DIR", data_dir)
        .env("SHOPDESK_IDENTITY_SECRET", identity_secret)
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let port = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.trim().strip_prefix("Helpdesk (agents):") {
                let url = url.trim().trim_end_matches('/');
                return url
                    .rsplit(':')
                    .next()
                    .and_then(|port| port.parse::<u16>().ok())
                    .expect("a port in the printed address");
            }
        }
        panic!("node exited before printing its address");
    })
    .await
    .expect("node prints its address in time");
    // Keep draining stdout so the node never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Node { child, port }
}
