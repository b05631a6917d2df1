//! The endpoints a service calls from its server: token (codes and refresh tokens), userinfo,
//! introspection and revocation.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::features::openid_provider::{
    self as op, acr_of, all_roles, amr_list, person_claims, role_claim, ClientCredentials, Issued,
    TokenError,
};
use domain::model::connected_service::ConnectedService;
use domain::storage::LiveGrant;

use super::{
    access_expiry, json_error, no_store, server_error, AccessClaims, Provider, ACCESS_TYP, ID_TYP,
};

type Params = HashMap<String, String>;

fn param<'a>(p: &'a Params, name: &str) -> &'a str {
    p.get(name).map(String::as_str).unwrap_or("")
}

/// The caller's credentials: HTTP Basic (`client_secret_basic`, each half form-encoded as RFC
/// 6749 says) or the form (`client_secret_post`, or a public client's bare `client_id`); both at
/// once is refused.
fn credentials(headers: &HeaderMap, p: &Params) -> Result<ClientCredentials, TokenError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    match basic {
        Some(b) => {
            if p.contains_key("client_secret") {
                return Err(TokenError::InvalidRequest);
            }
            let raw = STANDARD
                .decode(b.trim())
                .map_err(|_| TokenError::InvalidClient)?;
            let raw = String::from_utf8(raw).map_err(|_| TokenError::InvalidClient)?;
            let (id, secret) = raw.split_once(':').ok_or(TokenError::InvalidClient)?;
            let decode = |s: &str| {
                form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            let id = decode(id);
            if p.get("client_id").is_some_and(|given| *given != id) {
                return Err(TokenError::InvalidRequest);
            }
            Ok(ClientCredentials {
                client_id: id,
                secret: Some(decode(secret)),
            })
        }
        None => Ok(ClientCredentials {
            client_id: param(p, "client_id").to_owned(),
            secret: p.get("client_secret").cloned(),
        }),
    }
}

fn token_error(e: TokenError) -> Response {
    match e {
        TokenError::InvalidClient => {
            let mut r = json_error(StatusCode::UNAUTHORIZED, "invalid_client", None);
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"gatehouse\""),
            );
            r
        }
        TokenError::Store(e) => server_error("a token request", &e),
        other => json_error(StatusCode::BAD_REQUEST, other.code(), None),
    }
}

async fn authenticate(
    p: &Provider,
    headers: &HeaderMap,
    form: &Params,
) -> Result<ConnectedService, Response> {
    let creds = credentials(headers, form).map_err(token_error)?;
    op::authenticate(&p.state.services(), &creds)
        .await
        .map_err(token_error)
}

/// The ID token of a grant, for `aud` the service.
async fn id_token(
    p: &Provider,
    live: &LiveGrant,
    service: &ConnectedService,
) -> Result<String, Response> {
    let now = p.now();
    let mut claims =
        serde_json::to_value(person_claims(live)).map_err(|e| server_error("claims", &e))?;
    let g = &live.grant;
    let extra = serde_json::json!({
        "iss": p.issuer,
        "aud": service.client_id,
        "azp": service.client_id,
        "exp": access_expiry(now),
        "iat": now.0,
        "auth_time": g.auth_time.0,
        "amr": amr_list(&g.amr),
        "acr": acr_of(&g.amr),
        "sid": g.id,
    });
    merge(&mut claims, extra);
    if let Some(nonce) = &g.nonce {
        claims["nonce"] = nonce.clone().into();
    }
    if !role_claims(p, live, &mut claims).await? {
        return Err(json_error(StatusCode::BAD_REQUEST, "invalid_grant", None));
    }
    p.sign(ID_TYP, &claims).await
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    if let (Some(a), serde_json::Value::Object(b)) = (into.as_object_mut(), from) {
        a.extend(b);
    }
}

/// `gatehouse_role`, and `gatehouse_roles` when the grant's scope holds `all_roles`: false
/// (nothing added) when the catalogue no longer knows the role, which then reaches nothing and
/// is answered as an ended grant.
async fn role_claims(
    p: &Provider,
    live: &LiveGrant,
    claims: &mut serde_json::Value,
) -> Result<bool, Response> {
    let Some(role) = role_claim(live, &p.state.catalogue) else {
        return Ok(false);
    };
    claims["gatehouse_role"] =
        serde_json::to_value(role).map_err(|e| server_error("claims", &e))?;
    if live
        .grant
        .scope
        .split_whitespace()
        .any(|s| s == "all_roles")
    {
        let all = all_roles(&p.state.services(), live.user.id)
            .await
            .map_err(|e| server_error("listing roles", &e))?;
        claims["gatehouse_roles"] =
            serde_json::to_value(all).map_err(|e| server_error("claims", &e))?;
    }
    Ok(true)
}

async fn issue(p: &Provider, issued: Issued, service: &ConnectedService) -> Response {
    let now = p.now();
    let g = &issued.live.grant;
    let access = AccessClaims {
        iss: p.issuer.clone(),
        sub: op::subject(issued.live.user.id),
        aud: service.client_id.clone(),
        client_id: service.client_id.clone(),
        exp: access_expiry(now),
        iat: now.0,
        jti: p.new_jti(),
        sid: g.id.clone(),
        scope: g.scope.clone(),
    };
    let access = match p.sign(ACCESS_TYP, &access).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let id = match id_token(p, &issued.live, service).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    no_store(
        axum::Json(serde_json::json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": domain::model::connected_service::ACCESS_TOKEN_SECONDS,
            "id_token": id,
            "refresh_token": issued.refresh.expose(),
            "scope": g.scope,
        }))
        .into_response(),
    )
}

/// `POST /oidc/token`.
pub async fn token(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> Response {
    let service = match authenticate(&p, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let env = p.state.services();
    let issued = match param(&form, "grant_type") {
        "authorization_code" => {
            op::exchange_code(
                &env,
                &service,
                param(&form, "code"),
                param(&form, "redirect_uri"),
                param(&form, "code_verifier"),
            )
            .await
        }
        "refresh_token" => op::refresh(&env, &service, param(&form, "refresh_token")).await,
        "" => Err(TokenError::InvalidRequest),
        _ => Err(TokenError::UnsupportedGrantType),
    };
    match issued {
        Ok(issued) => issue(&p, issued, &service).await,
        Err(e) => token_error(e),
    }
}

/// The access token of an `Authorization: Bearer` header (the one way userinfo takes it).
fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

fn invalid_token() -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, "").into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    no_store(r)
}

/// The live grant an access token names, if the token is ours, unexpired and its grant good.
async fn grant_of_access(p: &Provider, token: &str) -> Option<(AccessClaims, LiveGrant)> {
    let claims: AccessClaims = p.verify(ACCESS_TYP, token, false).await?;
    let live = op::grant_in_force(&p.state.services(), &claims.sid)
        .await
        .ok()
        .flatten()?;
    (live.grant.client_id == claims.client_id).then_some((claims, live))
}

/// `GET` or `POST /oidc/userinfo`, with the access token as a Bearer.
pub async fn userinfo(State(p): State<Provider>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return invalid_token();
    };
    let Some((_, live)) = grant_of_access(&p, &token).await else {
        return invalid_token();
    };
    let mut claims = match serde_json::to_value(person_claims(&live)) {
        Ok(c) => c,
        Err(e) => return server_error("claims", &e),
    };
    match role_claims(&p, &live, &mut claims).await {
        Ok(true) => no_store(axum::Json(claims).into_response()),
        Ok(false) => invalid_token(),
        Err(r) => r,
    }
}

/// `POST /oidc/introspect` (RFC 7662), for confidential services: an access token of the
/// caller's own is active while its grant is good; anything else (another service's token, a
/// refresh token, junk) is inactive, and nothing more is said.
pub async fn introspect(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> Response {
    let service = match authenticate(&p, &headers, &form).await {
        Ok(s) if s.confidential() => s,
        Ok(_) => return token_error(TokenError::InvalidClient),
        Err(r) => return r,
    };
    let inactive = || no_store(axum::Json(serde_json::json!({ "active": false })).into_response());
    let token = param(&form, "token");
    if let Some((claims, live)) = grant_of_access(&p, token).await {
        if claims.client_id != service.client_id {
            return inactive();
        }
        let mut answer = serde_json::json!({
            "active": true,
            "token_type": "Bearer",
            "iss": claims.iss,
            "sub": claims.sub,
            "aud": claims.aud,
            "client_id": claims.client_id,
            "exp": claims.exp,
            "iat": claims.iat,
            "sid": claims.sid,
            "scope": claims.scope,
            "auth_time": live.grant.auth_time.0,
            "amr": amr_list(&live.grant.amr),
            "acr": acr_of(&live.grant.amr),
        });
        return match role_claims(&p, &live, &mut answer).await {
            Ok(true) => no_store(axum::Json(answer).into_response()),
            Ok(false) => inactive(),
            Err(r) => r,
        };
    }
    inactive()
}

/// `POST /oidc/revoke` (RFC 7009): the grant the token belongs to ends, whichever token it was,
/// and the answer is the same whatever the token was.
pub async fn revoke(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> Response {
    let service = match authenticate(&p, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let env = p.state.services();
    let token = param(&form, "token");
    let done = match p.verify::<AccessClaims>(ACCESS_TYP, token, true).await {
        Some(claims) => op::revoke(&env, &service, &claims.sid).await,
        None => op::revoke_refresh_token(&env, &service, token).await,
    };
    match done {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(e) => server_error("revoking a token", &e),
    }
}
