//! The widget's files as storefronts fetch them: the loader briefly cached, the bundle
//! kept for good (its URL carries a content version), both open to any origin, and
//! served from the gzip files the build made instead of being compressed per request.

use std::io::Write;

use crate::helpers::{spawn_app_with, test_database};

#[tokio::test]
async fn widget_files_are_served_precompressed_with_cors_and_caching() {
    let database = test_database().await;
    let site = database.dir.path().join("site");
    std::fs::create_dir_all(site.join("widget/pkg")).expect("site dir");
    let wasm = b"\0asm fake bundle bytes".repeat(50);
    std::fs::write(site.join("widget/pkg/widget_bg.wasm"), &wasm).expect("wasm");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&wasm).expect("gzip");
    let compressed = gz.finish().expect("gzip");
    std::fs::write(site.join("widget/pkg/widget_bg.wasm.gz"), &compressed).expect("gz");
    std::fs::write(site.join("widget/widget.js"), "/* loader */").expect("loader");
    let app = spawn_app_with(&database, |config| config.site_root = site.clone()).await;

    let raw = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("client");
    let response = raw
        .get(app.url("/widget/pkg/widget_bg.wasm?v=abc"))
        .header("Accept-Encoding", "gzip")
        .header("Origin", "https://any-shop.example")
        .send()
        .await
        .expect("bundle");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.bytes().await.expect("body").as_ref(), compressed);

    // Without gzip in Accept-Encoding, the file itself.
    let plain = raw
        .get(app.url("/widget/pkg/widget_bg.wasm"))
        .header("Accept-Encoding", "identity")
        .send()
        .await
        .expect("bundle");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.expect("body").as_ref(), wasm);

    let loader = raw.get(app.url("/widget.js")).send().await.expect("loader");
    assert_eq!(loader.headers()["cache-control"], "public, max-age=300");
    assert_eq!(loader.headers()["access-control-allow-origin"], "*");
    // Storefronts still load it: none of the helpdesk's framing or opener rules, nothing
    // keeping it to our own origin, and served only as what it is.
    assert_eq!(loader.headers()["x-content-type-options"], "nosniff");
    for same_site_only in [
        "cross-origin-resource-policy",
        "cross-origin-opener-policy",
        "content-security-policy",
    ] {
        assert!(
            loader.headers().get(same_site_only).is_none(),
            "{same_site_only}"
        );
    }
    app.stop().await;
}
