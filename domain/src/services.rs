//! What every use case needs from the outside world, in one type: the store, the role catalogue,
//! the clock, the source of secret tokens, the password hasher, the public base URL for links in
//! emails, the session and lock-out policies, and how far ahead access may end. The server
//! builds one from its state for each call; every use case takes `&Services` first, then the
//! actor or permit, then its input.

use crate::model::role::Catalogue;
use crate::model::session::SessionPolicy;
use crate::model::user::PasswordHasher;
use crate::values::clock::{Clock, TokenSource};

pub struct Services<'a, S> {
    pub store: &'a S,
    pub catalogue: &'a Catalogue,
    pub clock: &'a dyn Clock,
    pub tokens: &'a dyn TokenSource,
    pub hasher: &'a dyn PasswordHasher,
    /// The service's public URL without a trailing slash, for links in emails.
    pub base_url: &'a str,
    pub sessions: SessionPolicy,
    /// Consecutive failed sign-ins that lock an account.
    pub lock_after: i64,
    /// How far ahead a role's end may be set, in days.
    pub max_temporary_days: i64,
    /// Who must have a second factor.
    pub mfa: crate::model::second_factor::MfaPolicy,
}
