//! Health checks for load balancers and orchestrators. `/healthz`: the process answers.
//! `/readyz`: the database answers a query within a second, so this instance can serve; 503
//! otherwise, and the balancer sends users elsewhere.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use store::Store;

/// How long readiness waits for the database.
const READY_WITHIN: Duration = Duration::from_secs(1);

const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

pub async fn alive() -> impl IntoResponse {
    (StatusCode::OK, [NO_STORE], "ok\n")
}

pub async fn ready(State(store): State<Store>) -> impl IntoResponse {
    let answered = tokio::time::timeout(READY_WITHIN, store.ping())
        .await
        .unwrap_or(false);
    if answered {
        (StatusCode::OK, [NO_STORE], "ready\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [NO_STORE],
            "the database does not answer\n",
        )
    }
}
