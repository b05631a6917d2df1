//! Connected services: the applications that sign people in through Gatehouse with OpenID Connect
//! and learn from it which role they act as. A service is registered by the Service Desk with the
//! exact addresses it may be sent back to; a grant is one sign-in of one person to one service,
//! acting as one role, and lives no longer than the Gatehouse session, the role and the account
//! it was made from.

use crate::model::assignment::AssignmentId;
use crate::model::user::UserId;
use crate::values::clock::{Timestamp, TokenHash};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ServiceId(pub i64);

/// A registered service as storage keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedService {
    pub id: ServiceId,
    /// The public name the service presents itself with (`client_id`).
    pub client_id: String,
    pub name: String,
    /// Where codes may be sent, each matched exactly (no prefix, no pattern).
    pub redirect_uris: Vec<String>,
    /// Where signing out of the service may send the person back to.
    pub post_logout_redirect_uris: Vec<String>,
    /// Where a logout token is posted when a grant ends, if the service asked for them.
    pub backchannel_logout_uri: Option<String>,
    /// The SHA-256 of the secret of a confidential service; `None` for a public one.
    pub secret_hash: Option<TokenHash>,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ConnectedService {
    pub fn confidential(&self) -> bool {
        self.secret_hash.is_some()
    }
}

/// A service's addresses and name as the Service Desk sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSettings {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
}

/// A grant about to be made: the authorization request, once the person is signed in as a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    /// Random and public: the `sid` the service is told.
    pub id: String,
    pub service: ServiceId,
    pub user: UserId,
    pub assignment: AssignmentId,
    /// The Gatehouse session the person was signed in with.
    pub session: TokenHash,
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time: Timestamp,
    pub amr: String,
    pub now: Timestamp,
}

/// The code that carries a new grant to the service's token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub hash: TokenHash,
    pub redirect_uri: String,
    /// The PKCE challenge (S256), compared with the verifier the token request brings.
    pub challenge: String,
    pub expires_at: Timestamp,
}

/// A stored grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: String,
    pub service: ServiceId,
    pub client_id: String,
    pub user: UserId,
    pub assignment: AssignmentId,
    pub session: TokenHash,
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time: Timestamp,
    pub amr: String,
}

/// What a code's redemption found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// The code was good and is now used: its grant, where it was sent and its PKCE challenge.
    Redeemed {
        grant: Box<GrantRecord>,
        redirect_uri: String,
        challenge: String,
        expires_at: Timestamp,
    },
    /// The code had been used already: its grant is ended (its tokens were perhaps stolen).
    Replayed,
    /// No such code.
    Unknown,
}

/// What a refresh token's use found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The token was the grant's newest and is now used; the next is kept.
    Rotated(GrantRecord),
    /// The token had been used already: the grant is ended, so neither the thief nor the owner
    /// goes on with it.
    Reused,
    /// No such token, or its grant has ended.
    Unknown,
}

/// Why a grant ended, as kept with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantEnd {
    /// Its session, role, account or service is gone, or the session timed out.
    Lapsed,
    /// The service revoked a token of it.
    Revoked,
    /// A used refresh token or code was presented again.
    Replayed,
}

impl GrantEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantEnd::Lapsed => "lapsed",
            GrantEnd::Revoked => "revoked",
            GrantEnd::Replayed => "replayed",
        }
    }
}

/// A back-channel logout waiting to be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogout {
    pub id: i64,
    pub grant: String,
    pub client_id: String,
    pub uri: String,
    /// The person's `sub`.
    pub subject: String,
    pub attempts: i64,
}

/// A signing key: the public half as a JWK, the private half encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub public_jwk: String,
    pub private_key: String,
    pub created_at: Timestamp,
    /// The first moment it signs; it is published before.
    pub signs_from: Timestamp,
    /// When it leaves the published set, once every token it signed has expired.
    pub retired_at: Option<Timestamp>,
}

/// How long a code may wait for its token request.
pub const CODE_SECONDS: i64 = 60;
/// How long an access token (and an ID token) is good for.
pub const ACCESS_TOKEN_SECONDS: i64 = 300;
/// How long a new signing key is published before it signs: longer than services cache a key set.
pub const KEY_PUBLISHED_AHEAD_SECONDS: i64 = 600;

/// The most addresses of each kind a service may have, and the longest address.
pub const URIS_MAX: usize = 10;
pub const URI_MAX: usize = 500;

/// Why an address is not one a service may be sent back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriProblem {
    /// Not `https://` (or `http://` to this very machine, for development).
    NotHttps,
    /// A fragment (`#`), credentials (`@`), spaces or control characters, or no host.
    Malformed,
    TooLong,
}

/// Whether `uri` may be registered: an absolute `https://` address with a host, no fragment and
/// no credentials, or `http://localhost` / `http://127.0.0.1` for a service being developed on
/// the same machine. Registered addresses are then matched exactly, never as prefixes.
pub fn check_uri(uri: &str) -> Result<(), UriProblem> {
    if uri.len() > URI_MAX {
        return Err(UriProblem::TooLong);
    }
    if uri.contains('#')
        || uri.contains('@')
        || uri.contains('\\')
        || uri.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(UriProblem::Malformed);
    }
    let rest = if let Some(rest) = uri.strip_prefix("https://") {
        rest
    } else if let Some(rest) = uri.strip_prefix("http://") {
        let host = host_of(rest);
        if host != "localhost" && host != "127.0.0.1" && host != "[::1]" {
            return Err(UriProblem::NotHttps);
        }
        rest
    } else {
        return Err(UriProblem::NotHttps);
    };
    let host = host_of(rest);
    if host.is_empty() || host.starts_with('.') || host.starts_with(':') {
        return Err(UriProblem::Malformed);
    }
    Ok(())
}

/// The host of what follows `scheme://`, without its port.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_addresses_and_local_development_ones_are_accepted() {
        for ok in [
            "https://claims.example.nhs.uk/callback",
            "https://claims.example.nhs.uk:8443/oidc/callback?x=1",
            "http://localhost:4000/callback",
            "http://127.0.0.1/cb",
        ] {
            assert_eq!(check_uri(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn plain_http_fragments_credentials_and_junk_are_refused() {
        assert_eq!(
            check_uri("http://claims.example/cb"),
            Err(UriProblem::NotHttps)
        );
        assert_eq!(
            check_uri("http://localhost.evil.example/cb"),
            Err(UriProblem::NotHttps)
        );
        assert_eq!(check_uri("javascript:alert(1)"), Err(UriProblem::NotHttps));
        assert_eq!(check_uri("claims.example/cb"), Err(UriProblem::NotHttps));
        assert_eq!(
            check_uri("https://claims.example/cb#x"),
            Err(UriProblem::Malformed)
        );
        assert_eq!(
            check_uri("https://user@claims.example/cb"),
            Err(UriProblem::Malformed)
        );
        assert_eq!(check_uri("https:///cb"), Err(UriProblem::Malformed));
        assert_eq!(check_uri("https://a b/cb"), Err(UriProblem::Malformed));
        let long = format!("https://claims.example/{}", "a".repeat(URI_MAX));
        assert_eq!(check_uri(&long), Err(UriProblem::TooLong));
    }
}
