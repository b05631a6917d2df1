//! Gatehouse as an OpenID Connect provider for the services it guards: the authorization code
//! flow with PKCE, refresh tokens used once each, and what the tokens say about the person and
//! the one role they act as. Signing and the HTTP shapes are the server's; what may be granted,
//! to whom, for how long, is decided here.

use sha2::{Digest, Sha256};

use crate::access::actor::{Actor, RequestContext};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::connected_service::{
    ConnectedService, GrantEnd, NewCode, NewGrant, Redemption, Refresh, CODE_SECONDS,
};
use crate::model::role::Catalogue;
use crate::services::Services;
use crate::storage::{LiveGrant, Storage, StoreError};
use crate::values::clock::{SecretToken, Timestamp};

mod claims;
pub use claims::*;

#[cfg(test)]
mod tests;

/// An authorization request's parameters, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub prompt: String,
    pub max_age: Option<String>,
}

/// A request that cannot be answered at the service's address: the person is told on a page,
/// and nothing is sent anywhere (an unknown service, or an address it did not register).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRedirectable {
    UnknownService,
    UnregisteredAddress,
}

/// An error sent back to the service's registered address (`error`, `error_description`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub redirect_uri: String,
    pub error: &'static str,
    pub description: &'static str,
    pub state: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    #[error("the request cannot be sent back: {0:?}")]
    Page(NotRedirectable),
    #[error("refused: {}", .0.error)]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What answers an authorization request.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizeStep {
    /// Sign in first (no session, or the service asked for a new sign-in).
    SignIn,
    /// Choose the role to act as first.
    ChooseRole,
    /// Send the person back to the service with this code.
    Code {
        redirect_uri: String,
        code: SecretToken,
        state: Option<String>,
    },
}

fn has(words: &str, word: &str) -> bool {
    words.split_whitespace().any(|w| w == word)
}

/// Whether a PKCE value (challenge or verifier) has the form RFC 7636 gives it: 43 to 128
/// characters of letters, digits and `-._~`.
fn pkce_shaped(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

/// The S256 challenge of a verifier: BASE64URL(SHA-256(verifier)).
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The service and its checked address: what must hold before any answer is sent to it.
pub async fn service_for<S: Storage>(
    env: &Services<'_, S>,
    client_id: &str,
    redirect_uri: &str,
) -> Result<ConnectedService, AuthorizeError> {
    let service = env
        .store
        .service_by_client_id(client_id)
        .await?
        .filter(|s| s.enabled)
        .ok_or(AuthorizeError::Page(NotRedirectable::UnknownService))?;
    // Exactly as registered: a prefix or a look-alike is no match.
    if !service.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(AuthorizeError::Page(NotRedirectable::UnregisteredAddress));
    }
    Ok(service)
}

/// Answers an authorization request for the signed-in `ctx` (if any). `chosen` says the person
/// has just chosen their role on "Select your account" for this request.
#[tracing::instrument(skip_all)]
pub async fn authorize<S: Storage>(
    env: &Services<'_, S>,
    ctx: Option<&RequestContext>,
    req: &AuthorizeRequest,
    chosen: bool,
    signed_in_after: Option<Timestamp>,
    origin: Option<&str>,
) -> Result<AuthorizeStep, AuthorizeError> {
    let service = service_for(env, &req.client_id, &req.redirect_uri).await?;
    let refuse = |error: &'static str, description: &'static str| {
        AuthorizeError::Refused(Refusal {
            redirect_uri: req.redirect_uri.clone(),
            error,
            description,
            state: req.state.clone(),
        })
    };
    if req.response_type != "code" {
        return Err(refuse(
            "unsupported_response_type",
            "Only the authorization code flow is offered",
        ));
    }
    if !has(&req.scope, "openid") {
        return Err(refuse("invalid_scope", "The scope must include openid"));
    }
    if req.code_challenge_method != "S256" || !pkce_shaped(&req.code_challenge) {
        return Err(refuse(
            "invalid_request",
            "PKCE with code_challenge_method S256 is required",
        ));
    }
    let none = has(&req.prompt, "none");
    if none && req.prompt.split_whitespace().count() > 1 {
        return Err(refuse(
            "invalid_request",
            "prompt=none cannot be combined with another prompt",
        ));
    }
    let max_age = match req.max_age.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| refuse("invalid_request", "max_age must be a whole number"))?,
        ),
    };
    let now = env.clock.now();
    // A sign-in is fresh enough when it came after the one this request asked for (the
    // service's prompt=login), and within max_age.
    let stale = |ctx: &RequestContext| {
        signed_in_after.is_some_and(|t| ctx.started_at.0 < t.0)
            || max_age.is_some_and(|m| now.0 - ctx.started_at.0 > m)
    };
    let login = has(&req.prompt, "login") && signed_in_after.is_none();
    let ctx = match ctx {
        Some(c) if !login && !stale(c) => c,
        _ if none => return Err(refuse("login_required", "The person is not signed in")),
        _ => return Ok(AuthorizeStep::SignIn),
    };
    let Some(actor) = ctx.actor.as_ref() else {
        if ctx.gate.is_some() {
            return Ok(AuthorizeStep::SignIn);
        }
        // Signed in with several roles and none chosen yet.
        if ctx.active_roles > 0 {
            if none {
                return Err(refuse(
                    "account_selection_required",
                    "The person must choose a role",
                ));
            }
            return Ok(AuthorizeStep::ChooseRole);
        }
        return Err(refuse(
            "access_denied",
            "The person has no active role at any organisation",
        ));
    };
    let asks_choice = has(&req.prompt, "select_account") || has(&req.scope, "selectedrole");
    if asks_choice && !chosen && ctx.active_roles > 1 {
        if none {
            return Err(refuse(
                "account_selection_required",
                "The person must choose a role",
            ));
        }
        return Ok(AuthorizeStep::ChooseRole);
    }
    let code = SecretToken::generate(env.tokens);
    let grant = NewGrant {
        id: SecretToken::generate(env.tokens).expose()[..22].to_owned(),
        service: service.id,
        user: ctx.user.id,
        assignment: actor.assignment,
        session: ctx.session.clone(),
        scope: req.scope.split_whitespace().collect::<Vec<_>>().join(" "),
        nonce: req.nonce.clone().filter(|n| !n.is_empty()),
        auth_time: ctx.started_at,
        amr: ctx.proof.amr.clone(),
        now,
    };
    let stored = NewCode {
        hash: code.hash(),
        redirect_uri: req.redirect_uri.clone(),
        challenge: req.code_challenge.clone(),
        expires_at: Timestamp(now.0 + CODE_SECONDS),
    };
    let audit = NewAudit::by(actor, AuditAction::SignedInToService, now, origin)
        .target(ctx.user.id)
        .reason(format!("{} ({})", service.name, service.client_id));
    env.store.start_grant(&grant, &stored, &audit).await?;
    Ok(AuthorizeStep::Code {
        redirect_uri: req.redirect_uri.clone(),
        code,
        state: req.state.clone(),
    })
}

/// A token request refused, with the error codes OAuth 2.0 gives token endpoints.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The service is unknown, disabled, or did not prove itself (answered 401).
    #[error("invalid_client")]
    InvalidClient,
    /// The code or refresh token is unknown, used, expired, another service's, or its grant ended.
    #[error("invalid_grant")]
    InvalidGrant,
    #[error("invalid_request")]
    InvalidRequest,
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::InvalidClient => "invalid_client",
            TokenError::InvalidGrant => "invalid_grant",
            TokenError::InvalidRequest => "invalid_request",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
            TokenError::Store(_) => "server_error",
        }
    }
}

/// How a token request's caller says who it is: `client_id` and, for a confidential service,
/// its secret (from HTTP Basic or the form).
#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
}

/// The service behind the credentials: a confidential one must give its secret, a public one
/// must not have one to give.
pub async fn authenticate<S: Storage>(
    env: &Services<'_, S>,
    creds: &ClientCredentials,
) -> Result<ConnectedService, TokenError> {
    let service = env
        .store
        .service_by_client_id(&creds.client_id)
        .await?
        .filter(|s| s.enabled)
        .ok_or(TokenError::InvalidClient)?;
    match (&service.secret_hash, creds.secret.as_deref()) {
        (None, None) => Ok(service),
        (Some(hash), Some(given)) => {
            let given = SecretToken::from_presented(given).ok_or(TokenError::InvalidClient)?;
            if constant_time_eq(given.hash().as_str(), hash.as_str()) {
                Ok(service)
            } else {
                Err(TokenError::InvalidClient)
            }
        }
        _ => Err(TokenError::InvalidClient),
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What a successful token request gives: the grant as it stands and its next refresh token.
#[derive(Debug)]
pub struct Issued {
    pub live: LiveGrant,
    pub refresh: SecretToken,
}

/// `grant_type=authorization_code`: the code, once, by the service it was made for, sent back
/// to the address it was sent to, with the verifier of its challenge, within its minute.
#[tracing::instrument(skip_all)]
pub async fn exchange_code<S: Storage>(
    env: &Services<'_, S>,
    service: &ConnectedService,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Issued, TokenError> {
    let code = SecretToken::from_presented(code).ok_or(TokenError::InvalidGrant)?;
    let now = env.clock.now();
    let (grant, sent_to, challenge, expires_at) =
        match env.store.redeem_code(&code.hash(), now).await? {
            Redemption::Redeemed {
                grant,
                redirect_uri,
                challenge,
                expires_at,
            } => (grant, redirect_uri, challenge, expires_at),
            Redemption::Replayed | Redemption::Unknown => return Err(TokenError::InvalidGrant),
        };
    let good = grant.service == service.id
        && sent_to == redirect_uri
        && now.0 < expires_at.0
        && pkce_shaped(verifier)
        && constant_time_eq(&s256(verifier), &challenge);
    if !good {
        return Err(TokenError::InvalidGrant);
    }
    let Some(live) = env.store.live_grant(&grant.id, now, env.sessions).await? else {
        env.store
            .end_grant(&grant.id, GrantEnd::Lapsed, now)
            .await?;
        return Err(TokenError::InvalidGrant);
    };
    let refresh = SecretToken::generate(env.tokens);
    env.store
        .keep_refresh_token(&grant.id, &refresh.hash(), now)
        .await?;
    Ok(Issued { live, refresh })
}

/// `grant_type=refresh_token`: a refresh token is good once; the answer carries the next. A used
/// one presented again ends the grant for everyone holding it. Refreshing counts as activity on
/// the Gatehouse session the grant was made in.
#[tracing::instrument(skip_all)]
pub async fn refresh<S: Storage>(
    env: &Services<'_, S>,
    service: &ConnectedService,
    token: &str,
) -> Result<Issued, TokenError> {
    let old = SecretToken::from_presented(token).ok_or(TokenError::InvalidGrant)?;
    let next = SecretToken::generate(env.tokens);
    let now = env.clock.now();
    let grant = match env
        .store
        .rotate_refresh_token(&old.hash(), &next.hash(), now)
        .await?
    {
        Refresh::Rotated(g) => g,
        Refresh::Reused | Refresh::Unknown => return Err(TokenError::InvalidGrant),
    };
    if grant.service != service.id {
        // Another service's token: it is burnt, as a stolen one should be.
        env.store
            .end_grant(&grant.id, GrantEnd::Replayed, now)
            .await?;
        return Err(TokenError::InvalidGrant);
    }
    let Some(live) = env.store.live_grant(&grant.id, now, env.sessions).await? else {
        env.store
            .end_grant(&grant.id, GrantEnd::Lapsed, now)
            .await?;
        return Err(TokenError::InvalidGrant);
    };
    env.store.touch_session(&live.grant.session, now).await?;
    Ok(Issued {
        live,
        refresh: next,
    })
}

/// The grant an access token names, if it is still good: what userinfo and introspection answer.
pub async fn grant_in_force<S: Storage>(
    env: &Services<'_, S>,
    sid: &str,
) -> Result<Option<LiveGrant>, StoreError> {
    env.store
        .live_grant(sid, env.clock.now(), env.sessions)
        .await
}

/// A service revokes a token (RFC 7009): the grant it belongs to ends, whichever token it was.
/// Unknown tokens and other services' grants are answered the same (nothing to say), as the RFC
/// asks.
pub async fn revoke<S: Storage>(
    env: &Services<'_, S>,
    service: &ConnectedService,
    sid: &str,
) -> Result<(), StoreError> {
    let now = env.clock.now();
    if let Some(live) = env.store.live_grant(sid, now, env.sessions).await? {
        if live.grant.service == service.id {
            env.store.end_grant(sid, GrantEnd::Revoked, now).await?;
        }
    }
    Ok(())
}

/// A service revokes a refresh token: its grant ends (see [`revoke`]).
pub async fn revoke_refresh_token<S: Storage>(
    env: &Services<'_, S>,
    service: &ConnectedService,
    token: &str,
) -> Result<(), StoreError> {
    let Some(token) = SecretToken::from_presented(token) else {
        return Ok(());
    };
    match env.store.grant_of_refresh_token(&token.hash()).await? {
        Some(sid) => revoke(env, service, &sid).await,
        None => Ok(()),
    }
}

/// The role the actor's grant acts as, for an ID token built from a live grant.
pub fn acting_actor(live: &LiveGrant, catalogue: &Catalogue) -> Option<Actor> {
    let role = catalogue.role(live.acting.role)?;
    let held_at = &live.acting.organisation.path;
    let restriction = live
        .acting
        .clusters
        .clone()
        .map(|members| crate::access::scope::Restriction::new(held_at, members));
    Some(
        Actor::new(
            live.user.id,
            live.acting.assignment,
            live.acting.organisation.clone(),
            role,
            restriction,
        )
        .with_payment_types(live.acting.payment_types.clone()),
    )
}
