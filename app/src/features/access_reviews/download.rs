//! `GET /access-review.csv?id=`: every row of a review in the administrator's scope, with what
//! the review decided: the evidence a Data Security and Protection Toolkit return asks for. The
//! same authority as the review's page: "Page not found" for anyone who may not see it.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;

use crate::ssr::download::{csv, failed, not_found};
use crate::ssr::request::CurrentSession;
use crate::ssr::AppState;

pub const PATH: &str = "/access-review.csv";

pub async fn csv_download(
    State(st): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Extension(session): Extension<CurrentSession>,
) -> Response {
    use domain::features::access_reviews::{rows, to_csv, ReviewError};
    let Some(actor) = crate::ssr::download::actor(&session) else {
        return not_found();
    };
    let Some(id) = q.get("id").and_then(|s| s.parse::<i64>().ok()) else {
        return not_found();
    };
    match rows(&st.services(), &actor, domain::storage::ReviewId(id)).await {
        Ok((review, items)) => csv(
            &format!("gatehouse-access-review-{id}.csv"),
            to_csv(&review, &items),
        ),
        Err(ReviewError::Store(e)) => failed("access review download", &e),
        Err(_) => not_found(),
    }
}
