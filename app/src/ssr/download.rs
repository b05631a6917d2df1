//! The answers of the CSV downloads (Audit, Users): the file, or "Page not found" for someone
//! who may not have it, or the service's problem page when something failed on our side.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The signed-in actor of a download's request, or `None` (answered with [`not_found`]).
pub fn actor(session: &super::request::CurrentSession) -> Option<domain::Actor> {
    session.0.as_ref().and_then(|c| c.actor.clone())
}

pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Page not found").into_response()
}

/// Something failed on our side: logged with `what`, answered without details.
pub fn failed(what: &str, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "{what} failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service",
    )
        .into_response()
}

/// The CSV text as an attachment named `filename`, never cached, or the failure of writing it.
pub fn csv<E: std::fmt::Display>(filename: &str, body: Result<String, E>) -> Response {
    match body {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(filename, &e),
    }
}
