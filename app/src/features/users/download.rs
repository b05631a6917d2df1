//! `GET /users.csv?q=`: every role in the administrator's area of the people the Users search
//! finds, as a download (evidence for an access review). The same scope as the list: nothing
//! outside it, and "Page not found" for anyone who may not manage users.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::ssr::request::CurrentSession;
use crate::ssr::AppState;

pub const PATH: &str = "/users.csv";

pub async fn csv_download(
    State(st): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Extension(session): Extension<CurrentSession>,
) -> Response {
    use domain::features::users::{export, to_csv, UsersError};
    let not_found = || (StatusCode::NOT_FOUND, "Page not found").into_response();
    let failed = |what: &dyn std::fmt::Display| {
        tracing::error!(error = %what, "users download failed");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sorry, there is a problem with the service",
        )
            .into_response()
    };
    let Some(actor) = session.0.as_ref().and_then(|c| c.actor.clone()) else {
        return not_found();
    };
    let text = q.get("q").map(String::as_str).unwrap_or_default();
    let rows = match export(&st.services(), &actor, text).await {
        Ok(rows) => rows,
        Err(UsersError::Store(e)) => return failed(&e),
        Err(_) => return not_found(),
    };
    match to_csv(&rows, st.clock.now(), st.dormant_days) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"gatehouse-users.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(&e),
    }
}
