//! Per-address rate limits on the endpoints that guess or send: sign-in,
//! registration, forgotten password and the two password forms. Each has its own budget per
//! client address, so a burst of sign-ins does not stop someone registering.
//!
//! A shared address (a practice behind one NAT) shares the budget; the default of 60 a minute
//! with a burst of 60 leaves room for a busy surgery, and the account lock-out, not this, is what
//! stops a guesser aimed at one account.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use app::error::AppError;
use app::ssr::request::ClientAddress;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The server functions that count, by their URL.
pub const LIMITED: &[&str] = &[
    "/api/sign_in",
    "/api/register_start",
    "/api/register",
    "/api/forgotten_password",
    "/api/reset_password",
    "/api/change_password",
    "/api/accept_invitation_signed",
];

/// The budget a limited URL spends: accepting an invitation by signing in checks a password,
/// so it spends sign-in's budget (a guesser gains nothing by switching between the two).
fn budget_path(path: &'static str) -> &'static str {
    match path {
        "/api/accept_invitation_signed" => "/api/sign_in",
        other => other,
    }
}

#[derive(Clone)]
pub struct RateLimits {
    limiter: Arc<DefaultKeyedRateLimiter<(IpAddr, &'static str)>>,
}

impl RateLimits {
    pub fn per_minute(n: u32) -> Self {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// True if this request may go on; a request that may not is not counted.
    fn allow(&self, address: IpAddr, path: &'static str) -> bool {
        self.limiter.check_key(&(budget_of(address), path)).is_ok()
    }

    /// Every minute, forgets the addresses whose budget is full again, so the table does not
    /// grow for ever; the task ends with the limiter.
    pub fn tidy_every_minute(&self) {
        let weak = Arc::downgrade(&self.limiter);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(l) => l.retain_recent(),
                    None => break,
                }
            }
        });
    }
}

/// Whose budget an address spends: its own for IPv4; for IPv6 its /64 network, since one
/// client usually holds a whole /64 and could otherwise take a new address for every request.
fn budget_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

pub async fn limit(State(limits): State<RateLimits>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(path) = LIMITED.iter().copied().find(|p| *p == req.uri().path()) else {
        return next.run(req).await;
    };
    let path = budget_path(path);
    // Set by `find_client_address`, which the router mounts outside this layer.
    let address = req.extensions().get::<ClientAddress>().map(|c| c.0);
    match address {
        Some(a) if !limits.allow(a, path) => {
            tracing::warn!(path, address = %a, "rate limit reached");
            too_many(&req)
        }
        _ => next.run(req).await,
    }
}

/// A plain form post gets a page; a script's call of a server function (JSON) gets the error
/// it can show at the top of its form.
fn too_many(req: &Request) -> Response {
    let plain_form_post = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let mut res = if plain_form_post {
        Html(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Too many attempts - Gatehouse</title><link rel=\"stylesheet\" href=\"/vendor/nhsuk-frontend.min.css\"><link rel=\"stylesheet\" href=\"/pkg/gatehouse.css\"></head><body><main class=\"nhsuk-main-wrapper\" id=\"maincontent\"><div class=\"nhsuk-width-container\"><h1 class=\"nhsuk-heading-l\">Too many attempts</h1><p class=\"nhsuk-body\">There have been too many attempts from your network in a short time. Wait a minute, then go back and try again.</p><p class=\"nhsuk-body\"><a href=\"/sign-in\">Go to Sign in</a></p></div></main></body></html>",
        )
        .into_response()
    } else {
        let body = serde_json::to_string(&AppError::RateLimited).unwrap_or_default();
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepting_an_invitation_by_signing_in_spends_the_sign_in_budget() {
        assert_eq!(budget_path("/api/accept_invitation_signed"), "/api/sign_in");
        assert_eq!(budget_path("/api/register"), "/api/register");
        assert!(LIMITED.contains(&"/api/accept_invitation_signed"));
    }

    #[test]
    fn each_address_and_endpoint_has_its_own_budget() {
        let limits = RateLimits::per_minute(3);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(limits.allow(a, "/api/sign_in"));
        }
        assert!(
            !limits.allow(a, "/api/sign_in"),
            "the fourth in a minute waits"
        );
        assert!(
            limits.allow(a, "/api/register"),
            "another endpoint has its own budget"
        );
        assert!(
            limits.allow(b, "/api/sign_in"),
            "another address has its own budget"
        );
    }
}
