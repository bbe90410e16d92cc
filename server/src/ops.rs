//! Operations endpoints for load balancers and orchestrators: `/healthz` (the process
//! answers) and `/readyz` (the database answers and is migrated: send traffic here).

use axum::{extract::State, http::StatusCode};

use crate::state::AppState;

/// `GET /healthz`: alive.
pub async fn get_health() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 when the database is reachable and migrated, 503 otherwise.
pub async fn get_readiness(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.check_ready().await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "database not migrated"),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
