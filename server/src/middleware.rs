//! Request middleware: the Origin check on state-changing requests, the session resolved once per
//! request, and the mapping of unreadable server-function input to 400 rather than 500.

use std::net::SocketAddr;
use std::sync::Arc;

use app::error::AppError;
use app::ssr::request::{address_of, ClientAddress, CurrentSession};
use app::ssr::{AppState, SESSION_COOKIE};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use domain::clock::SecretToken;

/// Paths served from files: no session needed.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/vendor/")
        || path == "/favicon.ico"
}

fn authority_of(origin: &str) -> Option<&str> {
    origin
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
}

/// A state-changing request must come from our own pages: its Origin (or, failing that, its
/// Referer) must be the configured public origin or the host the request was sent to.
pub fn origin_allowed(headers: &HeaderMap, public_origin: &str) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(claimed) = claimed else { return false };
    if claimed == public_origin || claimed.starts_with(&format!("{public_origin}/")) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    matches!((authority_of(claimed), host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || origin_allowed(req.headers(), &state.public_origin) {
        return next.run(req).await;
    }
    tracing::warn!(
        path = req.uri().path(),
        "refused a cross-origin state-changing request"
    );
    (
        StatusCode::FORBIDDEN,
        Html("<!DOCTYPE html><html lang=\"en\"><head><title>Request refused - Gatehouse</title></head><body><main><h1>Request refused</h1><p>This request did not come from a Gatehouse page. Go back to <a href=\"/\">the home page</a> and try again.</p></main></body></html>"),
    )
        .into_response()
}

fn session_token(headers: &HeaderMap) -> Option<SecretToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .and_then(|(_, v)| SecretToken::from_presented(v))
}

/// Reads the session, its user and its acting role once for the whole request (SPEC §3: every
/// request re-reads the assignment, so a revoke takes effect on the next one).
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if is_static(req.uri().path()) {
        return next.run(req).await;
    }
    let ctx = match session_token(req.headers()) {
        None => None,
        Some(token) => {
            match domain::auth::resolve(
                &state.store,
                &state.catalogue,
                state.clock.as_ref(),
                state.sessions,
                &token,
            )
            .await
            {
                Ok(ctx) => ctx.map(Arc::new),
                Err(e) => {
                    tracing::error!(error = %e, source = ?std::error::Error::source(&e), "session lookup failed");
                    return (StatusCode::SERVICE_UNAVAILABLE, Html("<!DOCTYPE html><html lang=\"en\"><head><title>Service unavailable - Gatehouse</title></head><body><main><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></main></body></html>")).into_response();
                }
            }
        }
    };
    req.extensions_mut().insert(CurrentSession(ctx));
    next.run(req).await
}

/// Finds the client's address once (`app::ssr::request::address_of`) for the rate limits, the
/// audit and the sessions.
pub async fn find_client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        // Every X-Forwarded-For line, in order: a proxy may add its own line rather than extend
        // the client's, and the client's forged line must not be read as the nearest hop.
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let forwarded = (!forwarded.is_empty()).then_some(forwarded.as_str());
        let address = address_of(peer, forwarded, &state.trusted_proxies);
        req.extensions_mut().insert(ClientAddress(address));
    }
    next.run(req).await
}

/// Every response gets a Content-Security-Policy: pages set their own, with the nonce of their
/// inline scripts (`app::csp`); anything else gets one that allows nothing to run or frame it.
/// Behind HTTPS, browsers are told to stay on it (HSTS).
pub async fn security_headers(secure: bool, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let ok = res.status() == StatusCode::OK;
    let headers = res.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let page = ok
            && headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html"));
        // Every rendered page sets its own policy (the refusals made here have no scripts);
        // a page without it could not run its scripts and would never hydrate. Say so, so the
        // cause is in the log, not just a dead page.
        if page && !path.starts_with("/api/") {
            tracing::error!(path, "an HTML answer came without its page policy");
        }
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(app::NO_SCRIPT_POLICY),
        );
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// A server function whose arguments could not be read answers 500 from the framework; that is
/// the client's fault, so it becomes 400. Genuine internal errors keep their 500.
pub async fn bad_input_is_not_a_server_error(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if matches!(serde_json_error(&bytes), Some(AppError::BadRequest)) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Server-function errors travel as the JSON of `AppError`.
fn serde_json_error(bytes: &[u8]) -> Option<AppError> {
    serde_json::from_slice(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn a_post_from_our_own_origin_is_allowed() {
        assert!(origin_allowed(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            "http://127.0.0.1:3000"
        ));
        assert!(origin_allowed(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            "http://127.0.0.1:3000"
        ));
        assert!(origin_allowed(
            &headers(&[("referer", "http://127.0.0.1:3000/sign-in")]),
            "http://127.0.0.1:3000"
        ));
    }

    #[test]
    fn a_post_from_elsewhere_or_from_nowhere_is_refused() {
        assert!(!origin_allowed(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            "http://127.0.0.1:3000"
        ));
        assert!(!origin_allowed(
            &headers(&[("host", "127.0.0.1:3000")]),
            "http://127.0.0.1:3000"
        ));
        assert!(!origin_allowed(
            &headers(&[("referer", "http://127.0.0.1:30001/x")]),
            "http://127.0.0.1:3000"
        ));
    }

    #[test]
    fn the_session_cookie_is_found_among_others_and_garbage_is_ignored() {
        let token = "a".repeat(43);
        let h = headers(&[("cookie", &format!("x=1; {SESSION_COOKIE}={token}; y=2"))]);
        assert_eq!(
            session_token(&h).map(|t| t.expose().to_owned()),
            Some(token)
        );
        let h = headers(&[("cookie", &format!("{SESSION_COOKIE}=<script>"))]);
        assert!(session_token(&h).is_none());
    }
}
