//! Static files: the helpdesk bundle under `/pkg`, and the widget's loader
//! (`/widget.js`) and bundle (`/widget/pkg`). Widget files are loaded by storefronts on
//! other origins as ES modules and WASM, which need CORS: they are public, so `*`.

use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::{
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

use crate::state::AppState;

pub fn routes(site_root: &Path) -> Router<AppState> {
    let widget_cors = SetResponseHeaderLayer::overriding(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // The loader's URL never changes, so it is cached briefly; it asks for the bundle
    // with a content version in the query, so the bundle can be kept for good and
    // updates still reach storefronts within minutes.
    let short_cache = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    let long_cache = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    // The build writes a `.gz` beside each bundle file: served as is, never compressed
    // per request (the CompressionLayer leaves encoded answers alone).
    let loader = Router::new()
        .route_service(
            "/widget.js",
            ServeFile::new(site_root.join("widget/widget.js")).precompressed_gzip(),
        )
        .layer(short_cache);
    let bundle = Router::new()
        .nest_service(
            "/widget/pkg",
            ServeDir::new(site_root.join("widget/pkg")).precompressed_gzip(),
        )
        .layer(long_cache);
    let widget = loader.merge(bundle).layer(widget_cors);
    let helpdesk = Router::new().nest_service(
        "/pkg",
        ServeDir::new(site_root.join("pkg")).precompressed_gzip(),
    );
    Router::new()
        .merge(widget)
        .merge(helpdesk)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}
