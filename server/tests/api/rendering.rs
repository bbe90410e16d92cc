//! Server rendering under churn: helpdesk pages rendered many at a time while tickets
//! are created, answered, snoozed and closed, some of them left half read. Every
//! response read to its end must complete, and no rendering may panic (a panic in a
//! streamed render leaves its response hanging).

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Once,
    },
    time::Duration,
};

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts every panic in this test's process (nextest runs each test in its own), on
/// any thread, after printing it as usual.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

/// One helpdesk page, read to its end within a deadline.
async fn render(app: &TestApp, cookie: &str, path: &str) -> Result<String, String> {
    let fetch = async {
        let response = app
            .http
            .get(app.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .map_err(|error| format!("{path}: {error}"))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|error| format!("{path}: body cut short: {error}"))?;
        if status != 200 {
            return Err(format!("{path}: {status}"));
        }
        // Streamed: the shell, then each suspended part as it resolves; reading the
        // body to its end is waiting for the last of them.
        if !body.contains("</html>") {
            return Err(format!("{path}: no page in the answer"));
        }
        Ok(body)
    };
    tokio::time::timeout(Duration::from_secs(20), fetch)
        .await
        .unwrap_or_else(|_| Err(format!("{path}: no complete answer in 20 s")))
}

/// A page the browser leaves early (a reload, a quick click): after `patience`, before
/// or after its first bytes came.
async fn abandon(app: &TestApp, cookie: &str, path: &str, patience: Duration) {
    let request = app.http.get(app.url(path)).header("Cookie", cookie).send();
    if let Ok(Ok(mut response)) = tokio::time::timeout(patience, request).await {
        let _ = response.chunk().await;
    }
}

/// Shoppers keep opening tickets and writing; the agent keeps answering, snoozing and
/// closing them, until `stop` is set.
async fn churn(app: Arc<TestApp>, cookie: String, stop: Arc<AtomicBool>) {
    let mut agent = app.agent_socket(&cookie).await;
    let mut round = 0;
    while !stop.load(Ordering::SeqCst) {
        round += 1;
        let mut shopper = app
            .connected_shopper(&format!("churn-{round}"), &format!("Churner {round}"))
            .await;
        shopper.send_text(None, "first", "Where is my order?").await;
        let first = shopper.ack("first").await;
        let ticket = first.conversation_id;
        agent
            .send_text(Some(&ticket), &format!("reply-{round}"), "Looking now")
            .await;
        agent.ack(&format!("reply-{round}")).await;
        match round % 3 {
            0 => {
                app.call(&cookie, "inbox/close", json!({ "id": ticket }))
                    .await;
            }
            1 => {
                let until = server::ids::now_ms() + 3_600_000;
                app.call(
                    &cookie,
                    "inbox/snooze",
                    json!({ "id": ticket, "until": until }),
                )
                .await;
            }
            _ => {
                shopper.send_text(None, "again", "Still there?").await;
                shopper.ack("again").await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_pages_render_completely_while_tickets_change() {
    count_panics();
    let (app, _database) = spawn_app().await;
    let app = Arc::new(app);
    let cookie = app.owner_cookie().await;
    let mut tickets = Vec::new();
    for index in 0..4 {
        let mut shopper = app
            .connected_shopper(&format!("seed-{index}"), &format!("Seed {index}"))
            .await;
        shopper.send_text(None, "hi", "Hello").await;
        tickets.push(shopper.ack("hi").await.conversation_id);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let churning = tokio::spawn(churn(Arc::clone(&app), cookie.clone(), Arc::clone(&stop)));
    let mut paths: Vec<String> = tickets.iter().map(|id| format!("/inbox/{id}")).collect();
    paths.extend(
        [
            "/inbox",
            "/inbox?status=snoozed",
            "/inbox?status=closed&scope=mine",
            "/inbox?status=ai&sort=waiting",
        ]
        .map(str::to_owned),
    );
    let mut failures = Vec::new();
    for round in 0..12 {
        // Some rounds leave pages half read, as browsers do; the rest read them whole.
        if round % 2 == 1 {
            let left = paths
                .iter()
                .cycle()
                .take(256)
                .enumerate()
                .map(|(index, path)| {
                    let app = Arc::clone(&app);
                    let cookie = cookie.clone();
                    let path = path.clone();
                    // Spread over the render's first milliseconds, where its data arrive.
                    let patience = Duration::from_micros(index as u64 * 97 % 12_000);
                    tokio::spawn(async move { abandon(&app, &cookie, &path, patience).await })
                });
            for left in futures_util::future::join_all(left).await {
                left.expect("abandoning task");
            }
            continue;
        }
        let renders = paths.iter().cycle().take(24).map(|path| {
            let app = Arc::clone(&app);
            let cookie = cookie.clone();
            let path = path.clone();
            tokio::spawn(async move { render(&app, &cookie, &path).await })
        });
        for render in futures_util::future::join_all(renders).await {
            match render.expect("render task") {
                Ok(_) => {}
                Err(problem) => failures.push(problem),
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    churning.await.expect("churn task");
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "rendering panicked");
    Arc::into_inner(app).expect("one owner").stop().await;
}
