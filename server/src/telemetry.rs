//! Metrics in the Prometheus text format, served at `/metrics`.
//!
//! Recorded where things happen (sockets opened and closed, messages stored, the time
//! from a frame's arrival to its publication); database pool use and the hub's topic
//! count are read at scrape time.
//! `/metrics` answers requests from loopback, or anywhere with the bearer token set in
//! `SHOPDESK_METRICS_TOKEN`: the figures are operational, not public.

use std::{net::SocketAddr, sync::OnceLock, time::Duration};

use axum::{
    extract::{ConnectInfo, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::{listener::PeerAddr, state::AppState};

pub const SOCKETS_OPEN: &str = "shopdesk_sockets_open";
pub const MESSAGES_STORED: &str = "shopdesk_messages_stored_total";
pub const DELIVERY_SECONDS: &str = "shopdesk_delivery_seconds";
pub const RESYNCS: &str = "shopdesk_cross_node_resyncs_total";
pub const POOL_CONNECTIONS: &str = "shopdesk_db_pool_connections";
pub const HUB_TOPICS: &str = "shopdesk_hub_topics";
pub const JOB_LAG_SECONDS: &str = "shopdesk_job_lag_seconds";
pub const JOBS_RUN: &str = "shopdesk_jobs_run_total";

/// Bucket bounds for the delivery histogram, in seconds (0.5 ms to 2.5 s).
const DELIVERY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Bucket bounds for the job lag histogram, in seconds (10 ms to 10 min).
const JOB_LAG_BUCKETS: [f64; 10] = [0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 180.0, 600.0];

/// The process-wide recorder, installed on first use (tests build several servers in
/// one process; the recorder is global, so it is shared).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full(DELIVERY_SECONDS.to_owned()),
                &DELIVERY_BUCKETS,
            )
            .and_then(|builder| {
                builder.set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(JOB_LAG_SECONDS.to_owned()),
                    &JOB_LAG_BUCKETS,
                )
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder is installed; the handle still renders ours.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts an open socket of `kind` for as long as the guard lives.
pub struct SocketGauge(&'static str);

impl SocketGauge {
    pub fn open(kind: &'static str) -> Self {
        metrics::gauge!(SOCKETS_OPEN, "kind" => kind).increment(1.0);
        SocketGauge(kind)
    }
}

impl Drop for SocketGauge {
    fn drop(&mut self) {
        metrics::gauge!(SOCKETS_OPEN, "kind" => self.0).decrement(1.0);
    }
}

pub fn message_stored(author: &'static str, elapsed: Duration) {
    metrics::counter!(MESSAGES_STORED, "author" => author).increment(1);
    metrics::histogram!(DELIVERY_SECONDS).record(elapsed.as_secs_f64());
}

/// A background job was claimed `lag` after it was due.
pub fn job_claimed(kind: &str, lag: Duration) {
    metrics::histogram!(JOB_LAG_SECONDS, "kind" => kind.to_owned()).record(lag.as_secs_f64());
}

/// A background job attempt ended (`outcome`: done, retry, failed).
pub fn job_ran(kind: &str, outcome: &'static str) {
    metrics::counter!(JOBS_RUN, "kind" => kind.to_owned(), "outcome" => outcome).increment(1);
}

pub fn resynced() {
    metrics::counter!(RESYNCS).increment(1);
}

/// `GET /metrics`.
pub async fn get_metrics(
    State(state): State<AppState>,
    ConnectInfo(PeerAddr(peer)): ConnectInfo<PeerAddr>,
    headers: HeaderMap,
) -> Response {
    if !may_scrape(&state, peer, &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    for (pool, size, idle) in state.store.pool_use() {
        let size = f64::from(size);
        let idle = idle as f64;
        metrics::gauge!(POOL_CONNECTIONS, "pool" => pool, "state" => "idle").set(idle);
        metrics::gauge!(POOL_CONNECTIONS, "pool" => pool, "state" => "in_use").set(size - idle);
    }
    metrics::gauge!(HUB_TOPICS).set(state.fanout.hub().topic_count() as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}

fn may_scrape(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match &state.web.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| crate::ids::constant_time_eq(given, token.expose())),
        None => peer.ip().is_loopback(),
    }
}
