//! A real SMTP server for tests: `smtp_sink.py` (Python's aiosmtpd) on a loopback port.
//! `scripts/test` installs aiosmtpd in a virtualenv and names its Python in
//! `SHOPDESK_TEST_PYTHON`.

use std::{process::Stdio, time::Duration};

use serde::Deserialize;
use tokio::{
    io::{AsyncBufReadExt, BufReader, Lines},
    process::{Child, ChildStdout, Command},
};

/// An email as the sink received it (headers and text body decoded).
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedEmail {
    pub rcpt_tos: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
}

pub struct SmtpSink {
    pub port: u16,
    lines: Lines<BufReader<ChildStdout>>,
    _child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let python = std::env::var("SHOPDESK_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {python} {script}: {error}"));
        let stdout = child.stdout.take().expect("sink stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("SMTP sink starts within 20 s")
            .expect("sink output")
            .unwrap_or_else(|| {
                panic!("the SMTP sink exited: is aiosmtpd installed for {python}? (scripts/test installs it)")
            });
        let port = ready
            .strip_prefix("READY ")
            .and_then(|port| port.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected sink output: {ready}"));
        SmtpSink {
            port,
            lines,
            _child: child,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next email the sink receives (bounded wait, so a broken sender fails the test).
    pub async fn next_email(&mut self) -> ReceivedEmail {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("an email within 20 s")
            .expect("sink output")
            .expect("sink still running");
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("{error}: {line}"))
    }
}
