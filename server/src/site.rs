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
    let original = Site::get(path)?;
    // The release build keeps a copy of each large file compressed once with brotli's best
    // (quality 11, by scripts/site.sh): a third smaller than the compression layer's quality 4,
    // and no work per request. The layer leaves an answer that has its encoding alone.
    let brotli = accepts_brotli(req)
        .then(|| Site::get(&format!("{path}.br")))
        .flatten();
    let encoded = brotli.is_some();
    let kind = HeaderValue::from_str(original.metadata.mimetype()).ok();
    let file = brotli.unwrap_or(original);
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
        if let Some(kind) = kind {
            res.headers_mut().insert(header::CONTENT_TYPE, kind);
        }
        if encoded {
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        }
        res
    };
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res.headers_mut().insert(header::ETAG, etag_value);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    Some(res)
}

/// Whether the request's `Accept-Encoding` takes brotli (and does not refuse it with `q=0`).
fn accepts_brotli(req: &Request) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let named = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("br"));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(encodings: &[&str]) -> Request {
        let mut req = Request::new(Body::empty());
        for e in encodings {
            req.headers_mut().append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(e).expect("value"),
            );
        }
        req
    }

    #[test]
    fn brotli_is_sent_only_to_a_browser_that_takes_it() {
        assert!(accepts_brotli(&asking(&["gzip, deflate, br, zstd"])));
        assert!(accepts_brotli(&asking(&["gzip", "BR;q=0.8"])));
        assert!(!accepts_brotli(&asking(&[])));
        assert!(!accepts_brotli(&asking(&["gzip, deflate"])));
        assert!(!accepts_brotli(&asking(&["br;q=0, gzip"])));
        assert!(!accepts_brotli(&asking(&["br; q=0.0"])));
        assert!(!accepts_brotli(&asking(&["brotli"])));
    }
}
