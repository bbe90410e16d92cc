//! Security headers: every helpdesk page allows only the scripts it wrote itself (by
//! their nonce), cannot be framed, keeps its addresses out of `Referer`, and is never
//! stored by the browser.

use crate::helpers::spawn_app;

/// Every `nonce="…"` in the page.
fn nonces(html: &str) -> Vec<&str> {
    html.split("nonce=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn helpdesk_pages_allow_only_their_own_scripts_and_refuse_framing() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    for path in ["/inbox", "/settings/general", "/login", "/no-such-page"] {
        let response = app
            .http
            .get(app.url(path))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("page");
        let headers = response.headers().clone();
        let html = response.text().await.expect("html");
        if path == "/login" {
            // Logged in, /login sends the agent to the inbox: a redirect, still framed by nobody.
            assert_eq!(headers["x-frame-options"], "DENY", "{path}");
            continue;
        }
        let policy = headers["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy");
        assert!(nonce.len() >= 16, "{path}: a real nonce, not {nonce:?}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("object-src 'none'"), "{path}");
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}: the page hydrates");
        assert_eq!(
            nonces(&html),
            vec![nonce; scripts],
            "{path}: every script carries this response's nonce"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}: never kept");
    }
    app.stop().await;
}

#[tokio::test]
async fn each_page_gets_a_nonce_of_its_own() {
    let (app, _database) = spawn_app().await;
    let cookie = app.owner_cookie().await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let response = app
            .http
            .get(app.url("/inbox"))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("page");
        seen.push(response.headers()["content-security-policy"].clone());
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "{seen:?}");
    app.stop().await;
}
