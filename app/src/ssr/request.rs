//! The request's session, resolved once per request by the server's middleware and read here.

use std::sync::Arc;

use axum::http::header::SET_COOKIE;
use axum::http::HeaderValue;
use domain::access::actor::RequestContext;
use domain::values::clock::SecretToken;
use domain::Actor;
use leptos::prelude::*;

use crate::error::AppError;

pub const SESSION_COOKIE: &str = "gatehouse_session";
/// The name behind HTTPS: browsers accept a `__Host-` cookie only when it is `Secure`, has
/// `Path=/` and no `Domain`, so no other site (a sibling subdomain, say) can plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-gatehouse_session";

/// The session cookie's name: `__Host-` prefixed whenever it is `Secure`.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// What the middleware found for this request: `None` when signed out.
#[derive(Clone, Default)]
pub struct CurrentSession(pub Option<Arc<RequestContext>>);

/// The signed-in request, if any.
pub fn current() -> Option<Arc<RequestContext>> {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<CurrentSession>().cloned())
        .and_then(|s| s.0)
}

/// Put on the request by the middleware when the session it presented had just ended for want
/// of activity, so that Sign in can say so.
#[derive(Clone, Copy, Debug)]
pub struct EndedInactive;

/// Whether this request's session had just ended for want of activity.
pub fn ended_inactive() -> bool {
    use_context::<axum::http::request::Parts>()
        .is_some_and(|p| p.extensions.get::<EndedInactive>().is_some())
}

/// The page the person was on: this request's own path for a page, the page the form was on
/// (its `Referer`, path and query only, so never another site) for a form post. The error a
/// failed post left in the address is not kept.
pub fn asked_path() -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let asked = if parts.method == axum::http::Method::GET {
        parts.uri.path_and_query()?.as_str().to_owned()
    } else {
        let referer = parts
            .headers
            .get(axum::http::header::REFERER)?
            .to_str()
            .ok()?;
        let uri: axum::http::Uri = referer.parse().ok()?;
        uri.path_and_query()?.as_str().to_owned()
    };
    let (path, query) = asked.split_once('?').unwrap_or((&asked, ""));
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "__err" && k != "__path")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return Some(path.to_owned());
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some(format!("{path}?{query}"))
}

/// The signed-in user; signed out, the request is refused and a form post goes to Sign in,
/// which returns to the form's page afterwards.
pub fn require_user() -> Result<Arc<RequestContext>, AppError> {
    current().ok_or_else(|| {
        set_status(axum::http::StatusCode::UNAUTHORIZED);
        let to = crate::url::sign_in_returning(asked_path().as_deref(), ended_inactive());
        leptos_axum::redirect(&to);
        AppError::SignedOut
    })
}

/// The actor (one active assignment) of the request; without one the request is refused as if
/// the page did not exist.
pub fn require_actor() -> Result<(Arc<RequestContext>, Actor), AppError> {
    let ctx = require_user()?;
    let actor = ctx.actor.clone().ok_or_else(not_found)?;
    Ok((ctx, actor))
}

/// "Not found", with its status: the one answer for an object that is missing or out of scope.
pub fn not_found() -> AppError {
    set_status(axum::http::StatusCode::NOT_FOUND);
    AppError::NotFound
}

/// A form with these problems, answered 400 (a plain form post keeps its redirect).
pub fn invalid(
    problems: Vec<crate::error::Problem>,
    echo: Vec<(crate::error::Field, String)>,
) -> AppError {
    set_status(axum::http::StatusCode::BAD_REQUEST);
    AppError::invalid(problems, echo)
}

/// A new password and its confirmation, checked against the policy.
/// Shared by activation, invitation acceptance, password reset and Change Password.
pub fn new_password(
    password: &str,
    confirm: &str,
) -> Result<domain::NewPassword, Vec<crate::error::Problem>> {
    use crate::error::{Field, Problem};
    let policy = state().map(|s| s.password_policy).unwrap_or_default();
    let parsed = domain::NewPassword::parse_under(password, policy);
    let mut problems: Vec<Problem> = match &parsed {
        Ok(_) => Vec::new(),
        Err(rules) => rules
            .iter()
            .map(|r| Problem::PasswordRule(Field::Password, *r))
            .collect(),
    };
    if password.is_empty() {
        problems = vec![Problem::PasswordEmpty(Field::Password)];
    }
    if password != confirm {
        problems.push(Problem::ConfirmMismatch(Field::ConfirmPassword));
    }
    match parsed {
        Ok(p) if problems.is_empty() => Ok(p),
        _ => Err(problems),
    }
}

/// What a form echoes back of a field: at most 300 characters.
pub fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

/// The client's address as the server's middleware found it: the peer, or behind a trusted
/// proxy the address that proxy says it forwarded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The address a request came from. `X-Forwarded-For` counts only when the peer is one of the
/// configured proxies; then its entries are read from the right (the nearest hop), skipping the
/// trusted proxies, and the first other address is the client. Anyone else's header is ignored,
/// so a client cannot choose its own address (rate limits, audit).
pub fn address_of(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|h| h.rsplit(','))
        .map_while(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

/// The client's address, as audit events record it ("from where").
pub fn client_address() -> Option<String> {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientAddress>().map(|c| c.0.to_string()))
}

/// The client's address and User-Agent, kept for the session a sign-in or role switch starts.
pub struct ClientInfo {
    address: Option<String>,
    agent: Option<String>,
}

impl ClientInfo {
    pub fn of_request() -> Self {
        Self {
            address: client_address(),
            agent: user_agent(),
        }
    }

    pub fn client(&self) -> domain::features::sign_in::Client<'_> {
        domain::features::sign_in::Client {
            address: self.address.as_deref(),
            user_agent: self.agent.as_deref(),
        }
    }
}

/// The request's User-Agent header, as text.
pub fn user_agent() -> Option<String> {
    use_context::<axum::http::request::Parts>().and_then(|p| {
        p.headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
}

pub fn state() -> Result<super::AppState, AppError> {
    use_context::<super::AppState>().ok_or_else(|| failed("the app state is missing"))
}

/// A request's reference: in every log line written while it is served, in its `X-Request-Id`
/// header, and on the page that says something failed, so that a user can quote it to the
/// Service Desk and an operator can find the request in the logs. Random: it says nothing about
/// the request, and two instances never give the same one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn generate(tokens: &dyn domain::TokenSource) -> Self {
        let bytes = tokens.random_bytes();
        Self(bytes[..6].iter().map(|b| format!("{b:02X}")).collect())
    }
}

/// The reference of the request being served, if the server gave it one.
pub fn request_id() -> Option<String> {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<RequestId>().map(|r| r.0.clone()))
}

/// Something failed on our side: logged with its cause, answered 500 with the request's
/// reference and no detail.
pub fn failed(cause: &str) -> AppError {
    tracing::error!(error = %cause, "request failed");
    set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    AppError::Internal {
        reference: request_id(),
    }
}

/// Sets the response status, except on a plain HTML form post: that one must stay the 302 back to
/// the form (with the error in its URL), or a browser without JavaScript would show a blank page.
pub fn set_status(code: axum::http::StatusCode) {
    let plain_form_post = use_context::<axum::http::request::Parts>().is_some_and(|p| {
        p.method == axum::http::Method::POST
            && p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/html"))
    });
    if plain_form_post {
        return;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(code);
    }
}

fn set_cookie(value: String) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        res.append_header(SET_COOKIE, v);
    }
}

/// HttpOnly, SameSite=Lax, Secure behind HTTPS. No Max-Age: the server ends sessions.
pub fn set_session_cookie(token: &SecretToken, secure: bool) {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    set_cookie(format!(
        "{name}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        token.expose()
    ));
}

pub fn clear_session_cookie(secure: bool) {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    set_cookie(format!(
        "{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ));
}

/// Logs an internal failure with its cause chain and answers with the generic message.
pub fn internal(e: &(dyn std::error::Error + 'static)) -> AppError {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    failed(&chain)
}

#[cfg(test)]
mod tests {
    use super::address_of;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.5");
        let client = ip("203.0.113.9");
        assert_eq!(
            address_of(client, Some("198.51.100.1"), &[proxy]),
            client,
            "a client cannot choose its address"
        );
        assert_eq!(address_of(proxy, Some("203.0.113.9"), &[proxy]), client);
        assert_eq!(address_of(proxy, None, &[proxy]), proxy);
        assert_eq!(address_of(proxy, Some("nonsense"), &[proxy]), proxy);
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client_not_what_the_client_wrote() {
        let (lb, inner) = (ip("10.0.0.5"), ip("10.0.0.6"));
        // The client wrote "1.2.3.4" itself; the load balancer appended the real address.
        assert_eq!(
            address_of(inner, Some("1.2.3.4, 203.0.113.9, 10.0.0.5"), &[lb, inner]),
            ip("203.0.113.9")
        );
    }
}
