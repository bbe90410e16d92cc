//! Agent accounts: first run, log in, sessions on every helpdesk page and API.

use crate::helpers::{session_cookie, spawn_app};

#[tokio::test]
async fn first_run_leads_to_setup_then_login_then_the_inbox() {
    let (app, _database) = spawn_app().await;
    let location = |response: &reqwest::Response| {
        response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let inbox = app.http.get(app.url("/inbox")).send().await.expect("get");
    assert_eq!(location(&inbox).as_deref(), Some("/setup"));
    let setup = app.http.get(app.url("/setup")).send().await.expect("get");
    assert_eq!(setup.status(), 200);
    assert!(setup
        .text()
        .await
        .expect("html")
        .contains("Create the owner account"));

    let cookie = app.owner_cookie().await;
    let again = app.http.get(app.url("/setup")).send().await.expect("get");
    assert_eq!(location(&again).as_deref(), Some("/login"));
    let inbox = app.http.get(app.url("/inbox")).send().await.expect("get");
    assert_eq!(location(&inbox).as_deref(), Some("/login"));

    let logged_in = app
        .http
        .get(app.url("/inbox"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(logged_in.status(), 200);
    assert!(logged_in
        .text()
        .await
        .expect("html")
        .contains("No open tickets"));
    app.stop().await;
}

#[tokio::test]
async fn only_one_owner_can_be_created() {
    let (app, _database) = spawn_app().await;
    app.owner_cookie().await;
    let second = app
        .server_fn(
            None,
            "create_owner",
            &[
                ("name", "Mallory"),
                ("email", "mallory@evil.example"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert!(!second.status().is_success());
    assert!(second.headers().get("set-cookie").is_none());
    assert!(second
        .text()
        .await
        .expect("body")
        .contains("already set up"));
    app.stop().await;
}

#[tokio::test]
async fn log_in_and_log_out_manage_the_session_cookie() {
    let (app, _database) = spawn_app().await;
    app.owner_cookie().await;
    let wrong = app
        .server_fn(
            None,
            "log_in",
            &[
                ("email", "olga@shop.example"),
                ("password", "nope nope nope"),
            ],
        )
        .await;
    assert!(!wrong.status().is_success());
    assert!(wrong
        .text()
        .await
        .expect("body")
        .contains("Wrong email or password"));

    let response = app
        .server_fn(
            None,
            "log_in",
            &[
                ("email", "Olga@Shop.Example"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(response.status().is_success());
    let cookie = session_cookie(&response);
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("ascii");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));

    let me = app.server_fn(Some(&cookie), "current_agent", &[]).await;
    assert!(me.text().await.expect("body").contains("olga@shop.example"));
    app.server_fn(Some(&cookie), "log_out", &[]).await;
    let after = app.call(&cookie, "inbox/tickets", inbox_request()).await;
    assert!(!after.status().is_success());
    assert!(after.text().await.expect("body").contains("Unauthorized"));
    app.stop().await;
}

#[tokio::test]
async fn helpdesk_apis_and_sockets_refuse_requests_without_a_session() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let anonymous = app.call("", "inbox/tickets", inbox_request()).await;
    assert!(anonymous
        .text()
        .await
        .expect("body")
        .contains("Unauthorized"));
    let forged = app
        .call("shopdesk_session=forged", "inbox/tickets", inbox_request())
        .await;
    assert!(forged.text().await.expect("body").contains("Unauthorized"));

    let socket =
        tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{}/ws/agent", app.port)).await;
    assert!(socket.expect_err("refused").to_string().contains("401"));

    // Another site cannot use the agent's cookie (CSRF).
    let cross_site = app
        .http
        .post(app.url("/api/inbox/tickets"))
        .header("Cookie", &cookie)
        .json(&inbox_request())
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("request");
    assert_eq!(cross_site.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn health_and_readiness_answer_without_a_session() {
    let (app, _database) = spawn_app().await;
    let health = app.http.get(app.url("/healthz")).send().await.expect("get");
    assert_eq!(health.status(), 200);
    let ready = app.http.get(app.url("/readyz")).send().await.expect("get");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
    app.stop().await;
}

#[tokio::test]
async fn metrics_count_open_sockets_and_stored_messages() {
    let (app, _database) = spawn_app().await;
    let mut shopper = app.connected_shopper("7001", "Ana").await;
    shopper.send_text(None, "s1", "Counting").await;
    shopper.ack("s1").await;

    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(
        metrics.contains(r#"shopdesk_sockets_open{kind="shopper"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"shopdesk_messages_stored_total{author="shopper"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("shopdesk_delivery_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains("shopdesk_db_pool_connections"),
        "{metrics}"
    );
    app.stop().await;
}

fn inbox_request() -> serde_json::Value {
    serde_json::json!({ "view": {"status": "open", "scope": "all", "sort": "activity"}, "after": null })
}

#[tokio::test]
async fn a_form_server_function_given_an_empty_or_malformed_body_answers_400() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let origin = format!("http://127.0.0.1:{}", app.port);
    let calls = [
        "log_in",
        "create_owner",
        "load_ticket",
        "mark_read",
        "accept_invite",
    ]
    .into_iter()
    .flat_map(|name| [(name, ""), (name, "unrelated=1")])
    .chain([("mark_read", "id=x&seq=not-a-number")]);
    for (name, body) in calls {
        let response = app
            .http
            .post(app.url(&format!("/api/{name}")))
            .header("Origin", &origin)
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("server fn request");
        assert_eq!(response.status(), 400, "{name} with body {body:?}");
    }
    app.stop().await;
}
