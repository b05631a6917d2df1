//! Two-factor authentication at the door of every request, after the session is known:
//!
//! - A session that must first enter its code, or set up a second factor, reaches nothing but
//!   the two-factor pages, signing out and the page furniture; everything else sends it there.
//! - A dangerous action (disable or enable, revoke, unlock, give a role by adding, inviting or
//!   approving, change a cluster or an organisation, import organisations) needs a second factor used within the last 15 minutes.
//!   Otherwise its form, as filled in, is kept as the browser's draft, and the person is asked
//!   for the code; after it, they send the same form with one button.

use app::features::two_factor::{api::PendingAction, STEP_UP_DRAFT};
use app::ssr::drafts::{form_cookie_header, read_form_cookie, FormCookie};
use app::ssr::request::CurrentSession;
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::model::draft::{NewDraft, DRAFT_SECONDS};
use domain::model::second_factor::{recent_enough, Gate};
use domain::storage::Drafts;
use domain::values::clock::SecretToken;

/// What a session that must first enter a code or set up a second factor may still reach.
fn allowed_while_gated(path: &str) -> bool {
    path.starts_with("/two-factor/")
        || path.starts_with("/api/two_factor_")
        || matches!(
            path,
            "/api/sign_out"
                | "/api/viewer"
                | "/api/stay_signed_in"
                | "/sign-in"
                | "/api/sign_in"
                | "/contact-us"
                | "/accessibility"
        )
}

/// The server functions that change who may do what, and so ask for a recent second factor.
pub const DANGEROUS: &[&str] = &[
    "/api/disable_account",
    "/api/enable_account",
    "/api/revoke_access",
    "/api/unlock_account",
    // Every way a role is given: added, invited, or approved from a registration or a request.
    // Each asks, whatever the role (telling an administering role from the rest here would need
    // the form's earlier steps and the database; asking a little more often is the safe side).
    "/api/add_user_roles",
    "/api/add_new_user",
    "/api/send_invite",
    "/api/decide_registration",
    "/api/decide_request",
    "/api/save_cluster",
    "/api/retire_cluster",
    "/api/create_organisation",
    "/api/update_organisation",
    app::features::organisations::import_api::UPLOAD_PATH,
    // What a connected service may learn of the people who sign in to it, and who it is.
    "/api/connected_service_add",
    "/api/connected_service_change",
    "/api/connected_service_enabled",
    "/api/connected_service_new_secret",
];

/// The most of a dangerous form kept while its person enters a code (its file, for an import,
/// is not kept: they choose it again).
const KEEP_LIMIT: usize = 64 * 1024;

pub async fn ask_for_second_factor(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(ctx) = req
        .extensions()
        .get::<CurrentSession>()
        .and_then(|s| s.0.clone())
    else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    if let Some(gate) = ctx.gate {
        if allowed_while_gated(&path) || crate::middleware::is_static(&path) {
            return next.run(req).await;
        }
        let page = match gate {
            Gate::Code => "/two-factor/code",
            Gate::Enrol => "/two-factor/set-up",
        };
        let back = (req.method() == Method::GET && !path.starts_with("/api/"))
            .then(|| req.uri().path_and_query().map(|p| p.as_str().to_owned()))
            .flatten()
            .filter(|p| p != "/" && domain::model::session::return_path(p).is_some());
        let to = match back {
            Some(b) => format!("{page}?next={}", app::url::enc(&b)),
            None => page.to_owned(),
        };
        return see_other(&to, None);
    }
    let dangerous = req.method() == Method::POST && DANGEROUS.contains(&path.as_str());
    if !dangerous
        || recent_enough(
            ctx.has_second_factor,
            ctx.proof.second_factor_at,
            state.clock.now(),
        )
    {
        return next.run(req).await;
    }
    let back = referer_path(&req).unwrap_or_else(|| "/".to_owned());
    let cookie = read_form_cookie(req.headers(), state.secure_cookies);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let Ok(body) = axum::body::to_bytes(req.into_body(), KEEP_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Too large").into_response();
    };
    let pending = is_form.then(|| PendingAction {
        endpoint: path.clone(),
        fields: form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        back: back.clone(),
    });
    let Some(pending) = pending else {
        // An upload: its page again after the code, to choose the file again.
        return see_other(
            &format!("/two-factor/code?next={}", app::url::enc(&back)),
            None,
        );
    };
    let token = cookie
        .as_ref()
        .map(|c| c.token.clone())
        .unwrap_or_else(|| SecretToken::generate(state.tokens.as_ref()));
    let now = state.clock.now();
    let saved = match serde_json::to_string(&pending).ok().and_then(|payload| {
        NewDraft::new(
            token.hash(),
            STEP_UP_DRAFT,
            Some(ctx.user.id),
            payload,
            now,
            DRAFT_SECONDS,
        )
    }) {
        Some(draft) => state.store.save_draft(&draft, now).await.is_ok(),
        None => false,
    };
    let next_page = if saved {
        "/two-factor/carry-on"
    } else {
        back.as_str()
    };
    let to = format!("/two-factor/code?next={}", app::url::enc(next_page));
    let set_cookie = cookie.is_none().then(|| {
        form_cookie_header(
            &FormCookie {
                token,
                problems_waiting: false,
            },
            state.secure_cookies,
        )
    });
    see_other(&to, set_cookie)
}

/// The path (and query) of the page the form was on, when it is one of ours.
fn referer_path(req: &Request) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let uri: axum::http::Uri = referer.parse().ok()?;
    let p = uri.path_and_query()?.as_str().to_owned();
    domain::model::session::return_path(&p).map(str::to_owned)
}

fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut res = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .body(Body::empty())
        .unwrap_or_default();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}
