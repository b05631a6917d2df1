use std::sync::Arc;

use domain::model::role::Catalogue;
use domain::model::session::SessionPolicy;
use domain::services::Services;
use domain::values::clock::{Clock, Timestamp, TokenSource};
use rand::RngCore;
use store::Store;

use super::hasher::Argon2Hasher;

/// Everything a server function needs, built once at start-up and shared by every request.
///
/// Every middleware layer holds a copy and axum clones the layers for each request, and each
/// request's context gets one more: about fourteen clones a request. So a clone is one count
/// on the shared [`Shared`], not a copy of its two dozen fields (a copy and a drop of each
/// took a fifth of the Sign in page's time in the profile).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares. A copy with one setting changed is a new state (a test's).
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    /// The role catalogue changes only by migration, so it is read once at start-up.
    pub catalogue: Arc<Catalogue>,
    pub hasher: Argon2Hasher,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<dyn TokenSource>,
    pub sessions: SessionPolicy,
    /// Consecutive failed sign-ins that lock an account.
    pub lock_after: i64,
    /// Days without a session that mark an active account "Dormant".
    pub dormant_days: i64,
    /// Days without a sign-in after which the worker disables an active account; 0: never.
    pub disable_dormant_days: i64,
    /// How far ahead a role's "Access ends on" may be set, in days.
    pub max_temporary_days: i64,
    /// Who must have a second factor (`GATEHOUSE_MFA`).
    pub mfa: domain::model::second_factor::MfaPolicy,
    /// When the next role end is due: requests sweep ended roles then.
    pub expiry: Arc<domain::features::temporary_access::ExpiryWatch>,
    /// Requests a minute per client address to the endpoints that guess or send (server::limits).
    pub rate_limit_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` names the client (load balancers in front of instances).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Set when the public base URL is https: the session cookie is then `Secure`.
    pub secure_cookies: bool,
    /// The origins (`scheme://host[:port]`) state-changing requests must come from: the
    /// configured public origin (and its loopback aliases when it is on loopback).
    pub allowed_origins: Arc<[String]>,
    /// The base URL of links in emails, without a trailing slash.
    pub public_url: String,
    /// ODS imports started from the upload page, and their progress.
    pub imports: Arc<super::imports::ImportJobs>,
    /// Demo mode: the Outbox shows emails whole, links included, so a newcomer can walk every
    /// flow without SMTP. Never outside demo mode: a link is for its owner alone.
    pub demo: bool,
    /// The rules new passwords must meet (`GATEHOUSE_PASSWORD_POLICY`).
    pub password_policy: domain::PasswordPolicy,
    /// "Not found" answers to signed-in users today, for the Service Desk's Home.
    pub refusals: Arc<super::refusals::Refusals>,
    /// How people reach the Service Desk.
    pub support: Arc<crate::support::SupportContact>,
    /// The key that encrypts the private halves of the token signing keys kept in the
    /// database; without one, Gatehouse is no OpenID Connect provider.
    pub key_encryption_key: Option<Arc<[u8; 32]>>,
}

impl Shared {
    /// What every use case takes first: one per call, borrowed from the state.
    pub fn services(&self) -> Services<'_, Store> {
        Services {
            store: &self.store,
            catalogue: &self.catalogue,
            clock: self.clock.as_ref(),
            tokens: self.tokens.as_ref(),
            hasher: &self.hasher,
            base_url: &self.public_url,
            sessions: self.sessions,
            lock_after: self.lock_after,
            max_temporary_days: self.max_temporary_days,
            mfa: self.mfa,
        }
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        Timestamp(secs)
    }
}

/// 256-bit tokens from the operating system's generator.
pub struct OsTokens;

impl TokenSource for OsTokens {
    fn random_bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        b
    }
}
