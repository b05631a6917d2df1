//! Request middleware: the Origin check on state-changing requests, the session resolved once per
//! request, and the mapping of unreadable server-function input to 400 rather than 500.

use std::net::SocketAddr;
use std::sync::Arc;

use app::error::AppError;
use app::ssr::request::{address_of, ClientAddress, CurrentSession, EndedInactive, RequestId};
#[cfg(test)]
use app::ssr::SESSION_COOKIE;
use app::ssr::{session_cookie_name, AppState};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use domain::features::sign_in::Resolved;
use domain::values::clock::SecretToken;

/// Paths served from files: no session needed.
pub(crate) fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/vendor/")
        || path == "/favicon.ico"
}

/// A state-changing request must come from our own pages: its Origin (or, failing that, its
/// Referer) must be one of the configured origins. What the request says of itself (its `Host`)
/// proves nothing: a forged Host would let any page post here.
pub fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(claimed) = claimed else { return false };
    allowed
        .iter()
        .any(|o| claimed == o || claimed.starts_with(&format!("{o}/")))
}

/// The bare page for a request that could not even be read (its session could not be looked
/// up): no layout, nothing from the database, and the request's reference to quote.
fn service_unavailable(id: Option<&RequestId>) -> Response {
    let reference = id.map_or(String::new(), |id| {
        format!(
            "<p>If it happens again, quote this reference to the Service Desk: <strong>{}</strong></p>",
            id.0
        )
    });
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><title>Service unavailable - Gatehouse</title></head>\
             <body><main><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>\
             {reference}</main></body></html>"
        )),
    )
        .into_response()
}

/// Gives each request its reference (`RequestId`): a span around everything served for it, so
/// every log line carries it, and an `X-Request-Id` header on the answer. The page that says
/// something failed shows it too. Outermost, so that every other layer logs inside the span.
pub async fn assign_request_id(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    use tracing::Instrument;
    let id = RequestId::generate(state.tokens.as_ref());
    // The path only: a query string can hold what a user typed (a name, an address).
    let span = tracing::info_span!(
        "request",
        id = %id.0,
        method = %req.method(),
        path = %req.uri().path()
    );
    let header = HeaderValue::from_str(&id.0).ok();
    req.extensions_mut().insert(id);
    let mut res = next.run(req).instrument(span).await;
    if let Some(value) = header {
        res.headers_mut().insert("x-request-id", value);
    }
    res
}

pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || origin_allowed(req.headers(), &state.allowed_origins) {
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

fn session_token(headers: &HeaderMap, name: &str) -> Option<SecretToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| SecretToken::from_presented(v))
}

/// Reads the session, its user and its acting role once for the whole request (every request
/// re-reads the assignment, so a revoke takes effect on the next one).
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if is_static(req.uri().path()) {
        return next.run(req).await;
    }
    let presented = session_token(req.headers(), session_cookie_name(state.secure_cookies));
    let signed_in = presented.is_some();
    // Roles whose end has come are marked ended before anything reads them, when one is due (a
    // comparison otherwise). A failure is logged, never a refusal: each request compares the
    // acting role's end itself, so access stops on time even when this cannot run.
    if signed_in {
        if let Err(e) =
            domain::features::temporary_access::sweep_if_due(&state.services(), &state.expiry).await
        {
            tracing::error!(error = %e, "marking ended roles failed");
        }
    }
    let ctx = match presented {
        None => None,
        Some(token) => match domain::features::sign_in::resolve(&state.services(), &token).await {
            Ok(Resolved::Live(ctx)) => Some(Arc::new(ctx)),
            Ok(Resolved::Inactive) => {
                req.extensions_mut().insert(EndedInactive);
                None
            }
            Ok(Resolved::Gone) => None,
            Err(e) => {
                tracing::error!(error = %e, source = ?std::error::Error::source(&e), "session lookup failed");
                return service_unavailable(req.extensions().get::<RequestId>());
            }
        },
    };
    req.extensions_mut().insert(CurrentSession(ctx));
    let mut res = next.run(req).await;
    // A signed-in page holds personal data, and a response that sets the session cookie holds
    // the session: neither may be kept by the browser or a shared cache.
    if signed_in || res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Form fields that name an object (a user, an assignment, an organisation...): what a refusal's
/// log line records of the request. Nothing else of the form (names, reasons, passwords) is.
const OBJECT_FIELDS: &[&str] = &[
    "id",
    "user",
    "assignment",
    "invitation",
    "organisation",
    "org",
    "code",
    "short_name",
    "job",
];

/// Every "not found" answered to a signed-in user is logged at warn with who asked, as which
/// role, where, and for which object (its id or code, never its data), and counted for the
/// Service Desk's Home. Repeated refusals are how an insider probing for data shows up.
///
/// A missing object and one outside the asker's scope give the same answer on purpose, so both
/// are counted: telling them apart here would need the lookup the answer must not reveal.
pub async fn record_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let signed_in = req
        .extensions()
        .get::<CurrentSession>()
        .and_then(|s| s.0.clone());
    let Some(ctx) = signed_in else {
        return next.run(req).await;
    };
    let endpoint = req.uri().path().to_owned();
    let form = req.method() == Method::POST && endpoint.starts_with("/api/");
    let (req, body) = if form {
        let (parts, body) = req.into_parts();
        // A body too large to read (one sent without its length) is refused as such, never
        // handed on empty.
        let Ok(bytes) = to_bytes(body, FORM_LIMIT_BYTES as usize).await else {
            return too_large(wants_json(&parts.headers));
        };
        (Request::from_parts(parts, Body::from(bytes.clone())), bytes)
    } else {
        (req, Default::default())
    };
    let res = next.run(req).await;
    if res.status() != StatusCode::NOT_FOUND {
        return res;
    }
    let objects: Vec<String> = form_urlencoded::parse(&body)
        .into_owned()
        .filter(|(k, _)| OBJECT_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={}", v.chars().take(64).collect::<String>()))
        .collect();
    let role = ctx
        .actor
        .as_ref()
        .map(|a| format!("{} at {}", a.role_name, a.organisation.code));
    tracing::warn!(
        user = ctx.user.id.0,
        role = role.as_deref().unwrap_or("none"),
        endpoint,
        objects = objects.join("&"),
        "refused: not found for a signed-in user"
    );
    state
        .refusals
        .record(app::ssr::refusals::day_of(state.clock.now().0));
    res
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
/// inline scripts (`app::shell`); anything else gets one that allows nothing to run or frame it.
/// Behind HTTPS, browsers are told to stay on it (HSTS).
///
/// Twice in CI a rendered page (200, text/html, its inline scripts carrying their nonce) reached
/// this layer without the policy `app::shell` sets, so it got the no-script policy, its own
/// scripts were blocked, and it never hydrated. The cause inside the rendering is not found, so
/// such a page gets its policy here, from the nonce its own scripts carry, and the event is
/// logged.
pub async fn security_headers(secure: bool, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        let page = res.status() == StatusCode::OK
            && !path.starts_with("/api/")
            && res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html"));
        let mut policy = HeaderValue::from_static(app::NO_SCRIPT_POLICY);
        if page {
            let (parts, body) = res.into_parts();
            let bytes = to_bytes(body, PAGE_LIMIT).await.unwrap_or_default();
            if let Some(nonce) = page_nonce(&bytes) {
                tracing::error!(path, "a page came without its policy; set from its nonce");
                if let Ok(v) = HeaderValue::from_str(&app::page_policy(nonce)) {
                    policy = v;
                }
            }
            res = Response::from_parts(parts, Body::from(bytes));
        }
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if secure {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// The largest page read back to find its nonce; every page is far smaller.
const PAGE_LIMIT: usize = 8 * 1024 * 1024;

/// The nonce of a page's inline scripts (`<script nonce="...">`): Leptos's URL-safe base64.
fn page_nonce(html: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(html).ok()?;
    let start = text.find("<script nonce=\"")? + "<script nonce=\"".len();
    let nonce = &text[start..start + text[start..].find('"')?];
    let valid = !nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(nonce)
}

/// The largest form a server function reads: axum's default body limit, far above any form of
/// the service (the largest, a cluster of every practice ticked, is under 100 KB).
pub const FORM_LIMIT_BYTES: u64 = 2 * 1024 * 1024;

/// How much of a refused body is read and discarded so that the sender gets the answer.
const DRAIN_LIMIT_BYTES: u64 = 16 * 1024 * 1024;

/// A body over the limit answers 413 with a page that says what happened, before anything reads
/// it; the framework would otherwise fail to read it and answer 400. The ODS upload has its own,
/// larger limit and its own answer.
pub async fn bodies_over_the_limit(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let upload = req.uri().path() == app::features::organisations::import_api::UPLOAD_PATH;
    if upload || declared.is_none_or(|n| n <= FORM_LIMIT_BYTES) {
        return next.run(req).await;
    }
    tracing::warn!(
        path = req.uri().path(),
        bytes = declared,
        "refused a body over the limit"
    );
    let json = wants_json(req.headers());
    // Read what was sent, up to a bound, and throw it away: a browser still sending when the
    // answer comes shows "connection reset" instead of the page. Beyond the bound the connection
    // is closed; nothing is kept either way.
    let mut body = req.into_body();
    let mut drained: u64 = 0;
    while drained <= DRAIN_LIMIT_BYTES {
        use axum::body::HttpBody;
        match std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
            Some(Ok(frame)) => {
                drained += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => break,
        }
    }
    too_large(json)
}

/// Whether the caller is the hydrated page (a server function's JSON), not a plain form post.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("application/json"))
}

/// The answer to a form over the limit: the error a script shows, or a page that says so.
fn too_large(json: bool) -> Response {
    if json {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            "\"TooLarge\"",
        )
            .into_response();
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Html("<!DOCTYPE html><html lang=\"en\"><head><title>Too much to send - Gatehouse</title></head><body><main><h1>What you sent is too large</h1><p>A form sent to Gatehouse can be at most 2 MB. Go back, shorten what you typed, and try again. To load organisation data, use the Import ODS extracts page.</p></main></body></html>"),
    )
        .into_response()
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

    #[test]
    fn the_nonce_is_read_from_the_pages_own_scripts_and_nothing_else() {
        let page = br#"<html><script nonce="jQiejrsX-DqHLsz_OtmMg8w">x</script></html>"#;
        assert_eq!(page_nonce(page), Some("jQiejrsX-DqHLsz_OtmMg8w"));
        assert_eq!(page_nonce(b"<html><p>no scripts</p></html>"), None);
        // Anything that is not a Leptos nonce could break out of the header value.
        assert_eq!(page_nonce(br#"<script nonce="a' 'unsafe-inline">"#), None);
        assert_eq!(page_nonce(br#"<script nonce="">"#), None);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn ours() -> Vec<String> {
        vec!["http://127.0.0.1:3000".to_owned()]
    }

    #[test]
    fn a_post_from_our_own_origin_is_allowed() {
        assert!(origin_allowed(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            &ours()
        ));
        assert!(origin_allowed(
            &headers(&[("referer", "http://127.0.0.1:3000/sign-in")]),
            &ours()
        ));
    }

    #[test]
    fn a_post_from_elsewhere_or_from_nowhere_is_refused() {
        assert!(!origin_allowed(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &ours()
        ));
        assert!(!origin_allowed(
            &headers(&[("host", "127.0.0.1:3000")]),
            &ours()
        ));
        assert!(!origin_allowed(
            &headers(&[("referer", "http://127.0.0.1:30001/x")]),
            &ours()
        ));
    }

    #[test]
    fn the_host_a_request_names_never_makes_its_origin_ours() {
        // A page at evil.example posting through a proxy that keeps its Host.
        assert!(!origin_allowed(
            &headers(&[("origin", "http://evil.example"), ("host", "evil.example")]),
            &ours()
        ));
        assert!(!origin_allowed(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            &["https://gatehouse.example.nhs.uk".to_owned()]
        ));
    }

    #[test]
    fn the_session_cookie_is_found_among_others_and_garbage_is_ignored() {
        let token = "a".repeat(43);
        let h = headers(&[("cookie", &format!("x=1; {SESSION_COOKIE}={token}; y=2"))]);
        assert_eq!(
            session_token(&h, SESSION_COOKIE).map(|t| t.expose().to_owned()),
            Some(token)
        );
        let h = headers(&[("cookie", &format!("{SESSION_COOKIE}=<script>"))]);
        assert!(session_token(&h, SESSION_COOKIE).is_none());
    }
}
