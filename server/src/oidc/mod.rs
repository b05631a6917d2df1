//! Gatehouse as an OpenID Connect provider: discovery, the key set, the authorization code flow
//! with PKCE, the token, userinfo, introspection, revocation and end-session endpoints, and the
//! worker that ends lapsed grants and posts back-channel logouts. What may be granted is decided
//! by `domain::features::openid_provider`; this module speaks HTTP and signs.
//!
//! The endpoints services call from their servers (token, userinfo, introspection, revocation)
//! sit outside the browser's middleware: they carry no cookie and no Origin, and answer JSON.
//! Authorization and end-session are pages in the browser and go through it, session and all.

pub mod browser;
pub mod keys;
pub mod logout;
pub mod tokens;

use std::sync::Arc;

use app::ssr::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::model::connected_service::ACCESS_TOKEN_SECONDS;
use domain::values::clock::Timestamp;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};

pub use keys::Keys;

pub const DISCOVERY: &str = "/.well-known/openid-configuration";
pub const JWKS: &str = "/oidc/jwks";
pub const AUTHORIZE: &str = "/oidc/authorize";
pub const TOKEN: &str = "/oidc/token";
pub const USERINFO: &str = "/oidc/userinfo";
pub const INTROSPECT: &str = "/oidc/introspect";
pub const REVOKE: &str = "/oidc/revoke";
pub const END_SESSION: &str = "/oidc/end-session";

/// The scopes services may ask for.
pub const SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "offline_access",
    "selectedrole",
    "all_roles",
];

#[derive(Clone)]
pub struct Provider {
    pub state: AppState,
    pub keys: Arc<Keys>,
    /// The public URL: what `iss` says and every endpoint's address starts with.
    pub issuer: String,
}

impl Provider {
    /// The provider, when the service has a key to seal signing keys with.
    pub fn of(state: &AppState) -> Option<Self> {
        let kek = state.key_encryption_key.as_deref().copied()?;
        Some(Self {
            issuer: state.public_url.trim_end_matches('/').to_owned(),
            state: state.clone(),
            keys: Arc::new(Keys::new(kek)),
        })
    }

    pub fn now(&self) -> Timestamp {
        self.state.clock.now()
    }

    /// A token's own id (`jti`): 132 random bits, as 22 URL-safe characters.
    pub fn new_jti(&self) -> String {
        let token = domain::values::clock::SecretToken::generate(self.state.tokens.as_ref());
        token.expose()[..22].to_owned()
    }

    /// Signs `claims` with the key in force, as a JWT of type `typ`.
    pub async fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> Result<String, Response> {
        let keys = self
            .keys
            .at(&self.state.store, self.now())
            .await
            .map_err(|e| server_error("loading signing keys", &e))?;
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(keys.signer.0.clone());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &keys.signer.1)
            .map_err(|e| server_error("signing a token", &e))
    }

    /// The claims of a token we signed, of type `typ`, checked against every published key; its
    /// expiry is checked unless `any_age` (a logout hint may be old).
    pub async fn verify<T: for<'de> Deserialize<'de>>(
        &self,
        typ: &str,
        token: &str,
        any_age: bool,
    ) -> Option<T> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::ES256 || header.typ.as_deref() != Some(typ) {
            return None;
        }
        let keys = self.keys.at(&self.state.store, self.now()).await.ok()?;
        let kid = header.kid?;
        let (_, key) = keys.verifiers.iter().find(|(k, _)| *k == kid)?;
        let mut v = Validation::new(Algorithm::ES256);
        v.set_issuer(&[&self.issuer]);
        v.validate_aud = false;
        v.leeway = 0;
        v.validate_exp = !any_age;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(token, key, &v)
            .ok()
            .map(|d| d.claims)
    }
}

/// What an access token says: a JWT (RFC 9068) naming the grant (`sid`) it belongs to, which
/// every use looks up, so a token of an ended grant is worth nothing however young.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub sid: String,
    pub scope: String,
}

pub const ACCESS_TYP: &str = "at+jwt";
pub const ID_TYP: &str = "JWT";
pub const LOGOUT_TYP: &str = "logout+jwt";

pub fn access_expiry(now: Timestamp) -> i64 {
    now.0 + ACCESS_TOKEN_SECONDS
}

/// Something failed on our side: logged, answered without details.
pub fn server_error(what: &str, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "{what} failed");
    json_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", None)
}

/// An OAuth error answer: `{"error": …}`, never cached.
pub fn json_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    let mut body = serde_json::json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = d.into();
    }
    no_store((status, axum::Json(body)).into_response())
}

pub fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// The discovery document (OpenID Connect Discovery 1.0).
async fn discovery(axum::extract::State(p): axum::extract::State<Provider>) -> Response {
    let at = |path: &str| format!("{}{path}", p.issuer);
    axum::Json(serde_json::json!({
        "issuer": p.issuer,
        "authorization_endpoint": at(AUTHORIZE),
        "token_endpoint": at(TOKEN),
        "userinfo_endpoint": at(USERINFO),
        "jwks_uri": at(JWKS),
        "introspection_endpoint": at(INTROSPECT),
        "revocation_endpoint": at(REVOKE),
        "end_session_endpoint": at(END_SESSION),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "select_account"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "acr", "sid", "azp",
            "email", "email_verified", "name", "given_name", "family_name",
            "gatehouse_role", "gatehouse_roles"
        ],
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "claims_parameter_supported": false,
    }))
    .into_response()
}

async fn jwks(axum::extract::State(p): axum::extract::State<Provider>) -> Response {
    match p.keys.at(&p.state.store, p.now()).await {
        Ok(k) => {
            let mut r = axum::Json(k.jwks.clone()).into_response();
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            r
        }
        Err(e) => server_error("publishing signing keys", &e),
    }
}

/// The endpoints services call from their servers: no session, no Origin, JSON answers.
pub fn api_routes<S: Clone + Send + Sync + 'static>(p: &Provider) -> Router<S> {
    Router::new()
        .route(DISCOVERY, get(discovery))
        .route(JWKS, get(jwks))
        .route(TOKEN, post(tokens::token))
        .route(USERINFO, get(tokens::userinfo).post(tokens::userinfo))
        .route(INTROSPECT, post(tokens::introspect))
        .route(REVOKE, post(tokens::revoke))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .with_state(p.clone())
}

/// The pages in the browser: behind the session's middleware.
pub fn browser_routes<S: Clone + Send + Sync + 'static>(p: &Provider) -> Router<S> {
    Router::new()
        .route(AUTHORIZE, get(browser::authorize))
        .route(END_SESSION, get(browser::end_session))
        .with_state(p.clone())
}
