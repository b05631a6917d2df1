//! `GET /users.csv?q=`: every role in the administrator's area of the people the Users search
//! finds, as a download (evidence for an access review). The same scope as the list: nothing
//! outside it, and "Page not found" for anyone who may not manage users.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;

use crate::ssr::download::{csv, failed, not_found};
use crate::ssr::request::CurrentSession;
use crate::ssr::AppState;

pub const PATH: &str = "/users.csv";

pub async fn csv_download(
    State(st): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Extension(session): Extension<CurrentSession>,
) -> Response {
    use domain::features::users::{export, to_csv, UsersError};
    let Some(actor) = crate::ssr::download::actor(&session) else {
        return not_found();
    };
    let text = q.get("q").map(String::as_str).unwrap_or_default();
    match export(&st.services(), &actor, text).await {
        Ok(rows) => csv(
            "gatehouse-users.csv",
            to_csv(&rows, st.clock.now(), st.dormant_days),
        ),
        Err(UsersError::Store(e)) => failed("users download", &e),
        Err(_) => not_found(),
    }
}
