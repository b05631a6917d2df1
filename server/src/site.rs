//! The built site (`target/site`: the islands' WebAssembly and script, the CSS, the NHS.UK
//! frontend's files) compiled into the binary, so that the binary alone is the whole service: copy
//! it anywhere and run it. `LEPTOS_SITE_ROOT` serves a folder from disk instead (development).
//!
//! The files are built before the binary (`scripts/site.sh`, then cargo), and the binary holds
//! what the folder held when it was compiled.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "../target/site/"]
// A build before the site has been built holds no files (and says so at start-up).
#[allow_missing = true]
struct Site;

/// The site root Leptos is given when the files are compiled in: a folder that cannot exist, as
/// Leptos's "Page not found" handler also looks for files under its site root, and must find none
/// (it would otherwise serve whatever the working directory holds).
pub const COMPILED_IN: &str = "/nonexistent/gatehouse/compiled-in-site";

/// How browsers may keep a file: the names carry no hash, so they keep it but ask again each time
/// with its `ETag`, and an unchanged file costs a 304 with no body.
const CACHE: &str = "no-cache";

/// How many files the binary holds (none: the site was not built before the binary).
pub fn file_count() -> usize {
    Site::iter().count()
}

/// The file a GET or HEAD asks for, if the binary holds it; `None` sends the request on (to the
/// pages, or to "Page not found").
pub fn answer(req: &Request) -> Option<Response> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return None;
    }
    let path = req.uri().path().trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        return None;
    }
    let file = Site::get(path)?;
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let etag_value = HeaderValue::from_str(&etag).ok()?;
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match file.data {
            _ if req.method() == Method::HEAD => Body::empty(),
            // Compiled in: served from the binary's own bytes, never copied per request.
            Cow::Borrowed(bytes) => Body::from(axum::body::Bytes::from_static(bytes)),
            Cow::Owned(bytes) => Body::from(bytes),
        };
        let mut res = Response::new(body);
        if let Ok(kind) = HeaderValue::from_str(file.metadata.mimetype()) {
            res.headers_mut().insert(header::CONTENT_TYPE, kind);
        }
        res
    };
    res.headers_mut().insert(header::ETAG, etag_value);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    Some(res)
}
