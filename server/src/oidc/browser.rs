//! The endpoints the person's browser visits: authorization (which may pass through Sign in, the
//! second factor and "Select your account" on the way back to the service) and end-session.

use std::collections::HashMap;

use app::ssr::request::{ClientAddress, CurrentSession};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use domain::features::openid_provider::{
    self as op, AuthorizeError, AuthorizeRequest, AuthorizeStep, NotRedirectable,
};
use domain::storage::ConnectedServices;
use domain::values::clock::Timestamp;

use super::{server_error, Provider, AUTHORIZE, ID_TYP};

type Params = HashMap<String, String>;

/// Set on the way back from Sign in: the sign-in the service asked for (`prompt=login`,
/// `max_age`) must have happened after this moment.
const AFTER: &str = "gh_after";
/// Set on the way back from "Select your account": the person has chosen their role.
const CHOSEN: &str = "gh_chosen";

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Sends the person back to the service at `to`. Straight after one of Gatehouse's own forms
/// (Sign in, the code, "Select your account": the request carries [`CHOSEN`], or the browser
/// says it came from this site) a redirect would continue the form's submission to another
/// site, which the pages' policy (`form-action 'self'`) rightly forbids; a page that moves on
/// by itself (and has a link for anyone whose browser does not) starts a new navigation instead.
fn to_service(to: &str, after_our_form: bool) -> Response {
    if !after_our_form {
        return see_other(to);
    }
    let to = escape(to);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={to}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Returning to the service - Gatehouse</title></head><body><main>\
         <h1>Returning to the service</h1>\
         <p><a href=\"{to}\">Continue to the service</a></p></main></body></html>"
    );
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `base` with the query parameters added (`?` or `&` as `base` needs).
fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", q.finish())
}

/// The request's own address again, with `change` made to its parameters: where Sign in and
/// "Select your account" send the person back to.
fn again(params: &Params, change: impl FnOnce(&mut Vec<(String, String)>)) -> String {
    let mut pairs: Vec<(String, String)> =
        params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    pairs.sort();
    change(&mut pairs);
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_query(AUTHORIZE, &refs)
}

fn set(pairs: &mut Vec<(String, String)>, key: &str, value: String) {
    pairs.retain(|(k, _)| k != key);
    pairs.push((key.to_owned(), value));
}

/// A page that says why a service's sign-in link cannot be followed; nothing goes back to the
/// service, whose address could not be trusted.
fn problem_page(why: NotRedirectable) -> Response {
    let reason = match why {
        NotRedirectable::UnknownService => {
            "The service that sent you here is not connected to Gatehouse, or has been switched off."
        }
        NotRedirectable::UnregisteredAddress => {
            "The service that sent you here asked to be answered at an address it has not registered with Gatehouse."
        }
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>You cannot sign in to this service - Gatehouse</title></head><body><main>\
         <h1>You cannot sign in to this service</h1><p>{reason}</p>\
         <p>Contact the service's own helpdesk. <a href=\"/\">Go to Gatehouse</a></p>\
         </main></body></html>"
    );
    let mut r = (StatusCode::BAD_REQUEST, html).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// `GET /oidc/authorize`.
pub async fn authorize(
    State(p): State<Provider>,
    headers: axum::http::HeaderMap,
    Query(params): Query<Params>,
    Extension(session): Extension<CurrentSession>,
    address: Option<Extension<ClientAddress>>,
) -> Response {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let req = AuthorizeRequest {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        response_type: get("response_type"),
        scope: get("scope"),
        state: params.get("state").cloned(),
        nonce: params.get("nonce").cloned(),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        prompt: get("prompt"),
        max_age: params.get("max_age").cloned(),
    };
    let chosen = params.get(CHOSEN).is_some_and(|v| v == "1");
    let from_here = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"same-origin");
    let after_our_form = chosen || from_here;
    let after = params
        .get(AFTER)
        .and_then(|v| v.parse::<i64>().ok())
        .map(Timestamp);
    let origin = address.map(|a| a.0 .0.to_string());
    let env = p.state.services();
    let ctx = session.0.as_deref();
    match op::authorize(&env, ctx, &req, chosen, after, origin.as_deref()).await {
        Ok(AuthorizeStep::Code {
            redirect_uri,
            code,
            state,
        }) => {
            let mut pairs = vec![("code", code.expose()), ("iss", p.issuer.as_str())];
            if let Some(s) = state.as_deref() {
                pairs.push(("state", s));
            }
            to_service(&with_query(&redirect_uri, &pairs), after_our_form)
        }
        Ok(AuthorizeStep::SignIn) => {
            let now = p.now();
            let back = again(&params, |pairs| {
                // Asked for a new sign-in: one after now will do, and the prompt is answered.
                set(pairs, AFTER, now.0.to_string());
                let prompt: Vec<String> = req
                    .prompt
                    .split_whitespace()
                    .filter(|w| *w != "login")
                    .map(str::to_owned)
                    .collect();
                set(pairs, "prompt", prompt.join(" "));
                // Sign in with several roles passes through "Select your account".
                set(pairs, CHOSEN, "1".into());
            });
            see_other(&with_query("/sign-in", &[("next", &back)]))
        }
        Ok(AuthorizeStep::ChooseRole) => {
            let back = again(&params, |pairs| set(pairs, CHOSEN, "1".into()));
            see_other(&with_query("/select-account", &[("next", &back)]))
        }
        Err(AuthorizeError::Page(why)) => problem_page(why),
        Err(AuthorizeError::Refused(r)) => {
            let mut pairs = vec![
                ("error", r.error),
                ("error_description", r.description),
                ("iss", p.issuer.as_str()),
            ];
            if let Some(s) = r.state.as_deref() {
                pairs.push(("state", s));
            }
            to_service(&with_query(&r.redirect_uri, &pairs), after_our_form)
        }
        Err(AuthorizeError::Store(e)) => server_error("an authorization request", &e),
    }
}

#[derive(serde::Deserialize)]
struct Hint {
    sub: String,
    aud: String,
}

/// `GET /oidc/end-session` (RP-Initiated Logout): with an ID token of ours as the hint, the
/// person it names is signed out of Gatehouse (so every service's grant made in that session
/// ends, and each that asked hears of it), and sent back to the service's registered address.
/// Without a good hint nobody is signed out by a link, and nobody is sent anywhere unregistered.
pub async fn end_session(
    State(p): State<Provider>,
    Query(params): Query<Params>,
    Extension(session): Extension<CurrentSession>,
    address: Option<Extension<ClientAddress>>,
) -> Response {
    let hint = match params.get("id_token_hint") {
        Some(t) => p.verify::<Hint>(ID_TYP, t, true).await,
        None => None,
    };
    let Some(hint) = hint else {
        return see_other("/");
    };
    let env = p.state.services();
    let service = match env.store.service_by_client_id(&hint.aud).await {
        Ok(s) => s,
        Err(e) => return server_error("ending a session", &e),
    };
    if let Some(ctx) = session.0.as_deref() {
        if op::subject(ctx.user.id) == hint.sub {
            let origin = address.map(|a| a.0 .0.to_string());
            if let Err(e) = domain::features::sign_in::sign_out(&env, ctx, origin.as_deref()).await
            {
                return server_error("signing out", &e);
            }
        }
    }
    let back = params.get("post_logout_redirect_uri").filter(|u| {
        service
            .as_ref()
            .is_some_and(|s| s.post_logout_redirect_uris.iter().any(|r| r == *u))
    });
    match back {
        Some(uri) => {
            let mut pairs = Vec::new();
            if let Some(s) = params.get("state") {
                pairs.push(("state", s.as_str()));
            }
            if pairs.is_empty() {
                see_other(uri)
            } else {
                see_other(&with_query(uri, &pairs))
            }
        }
        None => see_other("/sign-in"),
    }
}
