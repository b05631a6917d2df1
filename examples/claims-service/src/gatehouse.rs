//! Gatehouse as this service sees it: the `gatehouse_role` claim, a logout token's claims, the
//! discovery document's extra members, `openidconnect`'s generic types specialised for them,
//! and the relying party's steps: the authorization request, the code exchange with its ID token
//! check, introspection, the end-session address and the back-channel logout token check.

use std::collections::HashMap;
use std::error::Error;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClientAuthMethod,
    CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreIdTokenVerifier, CoreJsonWebKey,
    CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreSubjectIdentifierType, CoreTokenIntrospectionResponse,
    CoreTokenType,
};
use openidconnect::{
    reqwest, AccessToken, AdditionalClaims, AdditionalProviderMetadata, AuthenticationFlow,
    AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken, IdTokenFields,
    IdTokenVerifier, IntrospectionUrl, IssuerUrl, JsonWebKeySetUrl, JsonWebTokenType,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadata, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenIntrospectionResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// `gatehouse_role`: the one role the person acts as at this service.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct RoleClaim {
    /// The assignment's id: the same id means the same role.
    pub id: String,
    pub organisation: OrganisationClaim,
    pub role: RoleName,
    pub capabilities: Vec<String>,
    /// Empty: every payment type.
    #[serde(default)]
    pub payment_types: Vec<String>,
    /// Present only when the role is restricted to clusters.
    pub clusters: Option<Vec<ClusterClaim>>,
    /// At a practice only: `single` or `multi`.
    pub approval_level: Option<String>,
    /// When a temporary role ends (seconds since 1970).
    pub ends_at: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct OrganisationClaim {
    pub ods_code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct RoleName {
    pub name: String,
    pub code: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ClusterClaim {
    pub name: String,
    #[serde(default)]
    pub ods_codes: Vec<String>,
}

/// The ID token's claims beyond the standard ones.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct GatehouseClaims {
    pub gatehouse_role: RoleClaim,
    /// The Gatehouse sign-in this token belongs to, as a logout token names it.
    pub sid: Option<String>,
}
impl AdditionalClaims for GatehouseClaims {}

/// A logout token's own claims: the session it ends (`sid`) and the logout event (`events`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct LogoutClaims {
    pub sid: Option<String>,
    #[serde(default)]
    pub events: HashMap<String, serde_json::Value>,
}
impl AdditionalClaims for LogoutClaims {}

/// The discovery document's members used here beyond the core ones.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct GatehouseMetadata {
    pub introspection_endpoint: IntrospectionUrl,
    pub end_session_endpoint: EndSessionUrl,
}
impl AdditionalProviderMetadata for GatehouseMetadata {}

/// `CoreProviderMetadata` with `GatehouseMetadata`.
pub type GatehouseProviderMetadata = ProviderMetadata<
    GatehouseMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

pub type GatehouseIdToken = IdToken<
    GatehouseClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// A logout token is read as an ID token: it has `iss`, `aud`, `iat`, `exp` and `sub` too.
pub type LogoutToken = IdToken<
    LogoutClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

pub type GatehouseTokenResponse = StandardTokenResponse<
    IdTokenFields<
        GatehouseClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// `CoreClient` with `GatehouseClaims` in its ID tokens and the endpoints as discovery leaves
/// them (authorization set; token and userinfo maybe), introspection once it is set.
pub type GatehouseClient<HasIntrospectionUrl = EndpointSet> = Client<
    GatehouseClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    GatehouseTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    HasIntrospectionUrl,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// An error with its causes (the HTTP clients' own messages say little alone).
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text += &format!(": {c}");
        cause = c.source();
    }
    text
}

/// A sign-in under way: what Gatehouse's answer must match.
pub struct Pending {
    pub state: CsrfToken,
    nonce: Nonce,
    pkce_verifier: PkceCodeVerifier,
}

/// A finished sign-in: who, acting as which role, and the tokens that prove it.
#[derive(Clone)]
pub struct SignedIn {
    pub who: String,
    pub sub: String,
    pub sid: Option<String>,
    pub role: RoleClaim,
    pub access_token: AccessToken,
    pub expires_at: Instant,
    /// Kept whole for the end-session request's `id_token_hint`.
    pub id_token: GatehouseIdToken,
}

/// Gatehouse, discovered, and this service's registration there.
pub struct Gatehouse {
    client: GatehouseClient,
    http: reqwest::Client,
    pub issuer: IssuerUrl,
    client_secret: ClientSecret,
    jwks_uri: JsonWebKeySetUrl,
    end_session: EndSessionUrl,
    after_logout: PostLogoutRedirectUrl,
}

impl Gatehouse {
    /// Reads Gatehouse's discovery document (and key set) and makes the client.
    pub async fn discover(
        issuer: IssuerUrl,
        client_id: ClientId,
        client_secret: ClientSecret,
        service_url: &str,
    ) -> Result<Self, Box<dyn Error>> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none()) // following redirects invites SSRF
            .timeout(Duration::from_secs(10))
            .build()?;
        let metadata = GatehouseProviderMetadata::discover_async(issuer, &http).await?;
        let extra = metadata.additional_metadata().clone();
        let (issuer, jwks_uri) = (metadata.issuer().clone(), metadata.jwks_uri().clone());
        let redirect = RedirectUrl::new(format!("{service_url}/callback"))?;
        let client = GatehouseClient::<EndpointNotSet>::from_provider_metadata(
            metadata,
            client_id,
            Some(client_secret.clone()),
        )
        .set_redirect_uri(redirect)
        .set_introspection_url(extra.introspection_endpoint);
        Ok(Self {
            client,
            http,
            issuer,
            client_secret,
            jwks_uri,
            end_session: extra.end_session_endpoint,
            after_logout: PostLogoutRedirectUrl::new(format!("{service_url}/"))?,
        })
    }

    /// The authorization request (code flow, PKCE S256, nonce, state), asking the person to
    /// choose a role again if `switch_role`; and what its answer must match.
    pub fn authorize(&self, switch_role: bool) -> (String, Pending) {
        let (challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge);
        if switch_role {
            request = request.add_prompt(CoreAuthPrompt::SelectAccount);
        }
        let (url, state, nonce) = request.url();
        let pending = Pending {
            state,
            nonce,
            pkce_verifier,
        };
        (url.to_string(), pending)
    }

    /// A verifier holding Gatehouse's keys as published now, accepting ES256 only. Fetched for
    /// each use: `gatehouse rotate-signing-key` publishes a key before signing with it.
    async fn verifier(&self) -> Result<CoreIdTokenVerifier<'static>, String> {
        let keys = CoreJsonWebKeySet::fetch_async(&self.jwks_uri, &self.http)
            .await
            .map_err(|e| format!("Gatehouse's keys could not be fetched: {}", chain(&e)))?;
        let (id, secret) = (self.client.client_id().clone(), self.client_secret.clone());
        let verifier =
            IdTokenVerifier::new_confidential_client(id, secret, self.issuer.clone(), keys);
        Ok(verifier.set_allowed_algs([CoreJwsSigningAlgorithm::EcdsaP256Sha256]))
    }

    /// The code exchanged for tokens (with the PKCE verifier), and the ID token checked:
    /// signature, `iss`, `aud`, `exp` and the nonce.
    pub async fn sign_in(&self, pending: Pending, code: String) -> Result<SignedIn, String> {
        let token = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| format!("Gatehouse has no token endpoint: {e}"))?
            .set_pkce_verifier(pending.pkce_verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| format!("the code was not exchanged: {}", chain(&e)))?;
        let id_token = token.id_token().ok_or("no ID token came")?.clone();
        let verifier = self.verifier().await?;
        let claims = id_token
            .claims(&verifier, &pending.nonce)
            .map_err(|e| format!("the ID token was refused: {e}"))?;
        let sub = claims.subject().as_str().to_owned();
        let who = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .or_else(|| claims.email().map(|e| e.as_str().to_owned()))
            .unwrap_or_else(|| sub.clone());
        let extra = claims.additional_claims();
        let (sid, role) = (extra.sid.clone(), extra.gatehouse_role.clone());
        let lifetime = token.expires_in().unwrap_or(Duration::from_secs(300));
        Ok(SignedIn {
            who,
            sub,
            sid,
            role,
            access_token: token.access_token().clone(),
            expires_at: Instant::now() + lifetime,
            id_token,
        })
    }

    /// Whether Gatehouse says the access token is still good (introspection, RFC 7662, with
    /// HTTP Basic client authentication).
    pub async fn is_active(&self, token: &AccessToken) -> Result<bool, String> {
        let request = self.client.introspect(token);
        let answer = request.request_async(&self.http).await;
        answer.map(|a| a.active()).map_err(|e| chain(&e))
    }

    /// Where the browser signs out of Gatehouse too (RP-initiated logout), and comes back.
    pub fn end_session_url(&self, id_token: &GatehouseIdToken) -> String {
        LogoutRequest::from(self.end_session.clone())
            .set_id_token_hint(id_token)
            .set_client_id(self.client.client_id().clone())
            .set_post_logout_redirect_uri(self.after_logout.clone())
            .http_get_url()
            .to_string()
    }

    /// The `sid` and `sub` a back-channel logout token ends, once checked: its signature by a
    /// key Gatehouse publishes (ES256), `typ` (`logout+jwt`), `iss`, `aud` (this service),
    /// `exp`, its logout event, and that it carries no nonce.
    pub async fn check_logout_token(&self, raw: &str) -> Result<(Option<String>, String), String> {
        let token = raw
            .parse::<LogoutToken>()
            .map_err(|e| format!("not a JWT: {e}"))?;
        let typ = JsonWebTokenType::new("logout+jwt".to_owned())
            .normalize()
            .map_err(|e| e.to_string())?;
        let verifier = self.verifier().await?.set_allowed_jose_types([typ]);
        let claims = token
            .claims(&verifier, |nonce: Option<&Nonce>| match nonce {
                None => Ok(()),
                Some(_) => Err("a logout token must not carry a nonce".to_owned()),
            })
            .map_err(|e| e.to_string())?;
        let extra = claims.additional_claims();
        if !extra.events.contains_key(BACKCHANNEL_LOGOUT_EVENT) {
            return Err("no back-channel logout event".to_owned());
        }
        Ok((extra.sid.clone(), claims.subject().as_str().to_owned()))
    }
}
