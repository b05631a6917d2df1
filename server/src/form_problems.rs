//! A failed form's problems never travel in the address. The framework answers a plain form post
//! that failed with a redirect to the form's page carrying the error (and what was typed) in the
//! query (`__err`); this layer keeps that on the server as the browser's draft instead
//! (`app::ssr::drafts`), sends the browser to the clean address, and hands the problems to that
//! page, once. Problems put into an address by anyone else are ignored (but for one case: see
//! `only_a_reference`).

use app::error::AppError;
use app::ssr::drafts::{
    form_cookie_header, read_form_cookie, FormCookie, FormProblems, KeptProblems,
};
use app::ssr::request::CurrentSession;
use app::ssr::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use domain::model::draft::{DraftKey, NewDraft, PROBLEMS, PROBLEMS_SECONDS};
use domain::storage::Drafts;
use domain::values::clock::SecretToken;

/// The query without the framework's error pair; `None` when there was none.
fn without_problems(query: &str) -> Option<(String, Option<(String, String)>)> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs.iter().any(|(k, _)| k == "__err" || k == "__path") {
        return None;
    }
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let problems = get("__path").zip(get("__err"));
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "__err" && k != "__path")
        .collect();
    let clean = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some((clean, problems))
}

/// `path?query`, without the `?` when the query is empty.
fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

pub async fn keep_problems_off_the_address(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if req.method() == Method::POST && path.starts_with("/api/") {
        let owner = owner(&req);
        let cookie = read_form_cookie(req.headers(), state.secure_cookies);
        let res = next.run(req).await;
        return keep(&state, res, owner, cookie).await;
    }
    if req.method() != Method::GET
        || path.starts_with("/api/")
        || crate::middleware::is_static(&path)
    {
        return next.run(req).await;
    }
    show(&state, req, next).await
}

fn owner(req: &Request) -> Option<domain::model::user::UserId> {
    req.extensions()
        .get::<CurrentSession>()
        .and_then(|s| s.0.as_ref().map(|c| c.user.id))
}

/// A failed post's redirect: its problems kept, its address cleaned.
async fn keep(
    state: &AppState,
    mut res: Response,
    owner: Option<domain::model::user::UserId>,
    cookie: Option<FormCookie>,
) -> Response {
    if !res.status().is_redirection() {
        return res;
    }
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<Uri>().ok())
    else {
        return res;
    };
    let Some((query, Some((function, error)))) = without_problems(location.query().unwrap_or(""))
    else {
        return res;
    };
    let page = location.path().to_owned();
    let clean = with_query(&page, &query);
    let token = cookie
        .map(|c| c.token)
        .unwrap_or_else(|| SecretToken::generate(state.tokens.as_ref()));
    let kept = KeptProblems {
        page,
        function,
        error,
    };
    let now = state.clock.now();
    let saved = match serde_json::to_string(&kept).ok().and_then(|payload| {
        NewDraft::new(
            token.hash(),
            PROBLEMS,
            owner,
            payload,
            now,
            PROBLEMS_SECONDS,
        )
    }) {
        Some(draft) => state.store.save_draft(&draft, now).await.is_ok(),
        None => false,
    };
    if !saved {
        // The database is failing. A failure of ours carries nothing typed (only the request's
        // reference), so it may stay in the address for the page to show; any other problem is
        // dropped rather than put there.
        tracing::warn!("a failed form's problems could not be kept");
        if only_a_reference(&kept.error) {
            return res;
        }
    }
    let cookie = FormCookie {
        token,
        problems_waiting: saved,
    };
    if let Ok(v) = HeaderValue::from_str(&clean) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&form_cookie_header(&cookie, state.secure_cookies)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Whether an encoded error is our own failure with, at most, a request's reference: the one
/// error that holds nothing a person typed, and whose reference a page shows only when it has a
/// reference's shape (so a crafted one cannot put words on the page).
fn only_a_reference(error: &str) -> bool {
    use leptos::server_fn::error::ServerFnUrlError;
    match ServerFnUrlError::<AppError>::decode_err(error) {
        AppError::Internal { reference } => reference.is_none_or(|r| app::error::is_reference(&r)),
        _ => false,
    }
}

/// Whether the browser is opening the page itself, not fetching it from a script (the island that
/// follows what is typed asks for the same page, and must not take the problems the redirect's
/// page is about to show). A client that does not say is opening it.
fn is_navigation(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get("sec-fetch-mode")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|m| m == "navigate")
}

/// A page: problems in its address are dropped, except a failure's reference (left there when
/// the database could not keep it); problems kept for it are handed to it, once.
async fn show(state: &AppState, mut req: Request, next: Next) -> Response {
    if let Some((query, problems)) = req.uri().query().and_then(without_problems) {
        let path = req.uri().path().to_owned();
        if let Some((function, error)) = problems.filter(|(_, e)| only_a_reference(e)) {
            req.extensions_mut().insert(FormProblems(KeptProblems {
                page: path.clone(),
                function,
                error,
            }));
        }
        if let Ok(uri) = with_query(&path, &query).parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let cookie = read_form_cookie(req.headers(), state.secure_cookies);
    let Some(cookie) = cookie.filter(|c| c.problems_waiting && is_navigation(req.headers())) else {
        return next.run(req).await;
    };
    let browser = cookie.token.hash();
    let key = DraftKey {
        browser: &browser,
        form: PROBLEMS,
        owner: owner(&req),
        now: state.clock.now(),
    };
    let kept = match state.store.take_draft(&key).await {
        Ok(found) => found.and_then(|p| serde_json::from_str::<KeptProblems>(&p).ok()),
        Err(e) => {
            tracing::warn!(error = %e, "a failed form's problems could not be read");
            None
        }
    };
    if let Some(k) = kept.filter(|k| k.page == req.uri().path()) {
        req.extensions_mut().insert(FormProblems(k));
    }
    let mut res = next.run(req).await;
    let settled = FormCookie {
        token: cookie.token,
        problems_waiting: false,
    };
    if let Ok(v) = HeaderValue::from_str(&form_cookie_header(&settled, state.secure_cookies)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_pair_is_taken_out_and_the_rest_kept() {
        let (clean, problems) =
            without_problems("org=A81001&__path=%2Fapi%2Fx&__err=eyJ9&q=Stock").expect("found");
        assert_eq!(clean, "org=A81001&q=Stock");
        assert_eq!(problems, Some(("/api/x".to_owned(), "eyJ9".to_owned())));
        assert_eq!(without_problems("org=A81001"), None);
        // Half a pair is dropped and keeps nothing.
        assert_eq!(without_problems("__err=abc"), Some((String::new(), None)));
    }

    #[test]
    fn only_a_failure_with_a_references_shape_may_travel_in_the_address() {
        use leptos::server_fn::error::ServerFnUrlError;
        let encode = |e: AppError| {
            let url = ServerFnUrlError::new("/api/x", e)
                .to_url("http://x/")
                .expect("url");
            let (_, err) = url.query_pairs().find(|(k, _)| k == "__err").expect("err");
            err.into_owned()
        };
        let ours = AppError::Internal {
            reference: Some("0123456789AB".into()),
        };
        assert!(only_a_reference(&encode(ours)));
        assert!(only_a_reference(&encode(AppError::Internal {
            reference: None
        })));
        let forged = AppError::Internal {
            reference: Some("CALL 0800 000000".into()),
        };
        assert!(!only_a_reference(&encode(forged)));
        let typed = AppError::invalid(vec![], vec![(app::error::Field::Email, "a@b".into())]);
        assert!(!only_a_reference(&encode(typed)));
        assert!(!only_a_reference("not base64 at all"));
    }

    #[test]
    fn only_opening_a_page_takes_its_problems() {
        let mut h = axum::http::HeaderMap::new();
        assert!(is_navigation(&h));
        h.insert("sec-fetch-mode", HeaderValue::from_static("navigate"));
        assert!(is_navigation(&h));
        h.insert("sec-fetch-mode", HeaderValue::from_static("cors"));
        assert!(!is_navigation(&h));
    }

    #[test]
    fn a_clean_address_has_no_empty_query() {
        assert_eq!(with_query("/sign-in", ""), "/sign-in");
        assert_eq!(with_query("/users", "q=a"), "/users?q=a");
    }
}
