//! The lock-out, password resets and password changes.

use std::future::Future;

use super::{StoreResult, TokenState};
use crate::model::audit::NewAudit;
use crate::model::outbox::NewEmail;
use crate::model::user::{PasswordHash, User, UserId};
use crate::values::clock::{Timestamp, TokenHash};

/// A locked account as the Service Desk's list shows it.
#[derive(Debug, Clone)]
pub struct LockedAccount {
    pub user: User,
    pub locked_at: Timestamp,
}

/// Lock-out and passwords.
pub trait Security: Send + Sync {
    /// Counts one more sign-in attempt against an unlocked account whose count is below `limit`,
    /// atomically and before its password is checked: the attempt's number, or `None` when the
    /// account is locked or attempts in flight have reached the limit.
    fn reserve_sign_in(
        &self,
        user: UserId,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Option<i64>>> + Send;
    /// A success: the count starts again.
    fn clear_failed_sign_ins(&self, user: UserId) -> impl Future<Output = StoreResult<()>> + Send;
    /// Locks the account, records the event and queues the owner's email in one transaction;
    /// false (and nothing written) if it was locked already.
    fn lock_account(
        &self,
        user: UserId,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Unlocks and sets the count back to 0, with its event; false if it was not locked.
    fn unlock_account(
        &self,
        user: UserId,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    fn locked_at(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Option<Timestamp>>> + Send;
    /// Locked accounts, most recently locked first.
    fn locked_accounts(
        &self,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<LockedAccount>>> + Send;
    /// Replaces the user's unused reset links by a new one, queues its email and records the
    /// request, in one transaction.
    fn replace_password_reset(
        &self,
        user: UserId,
        token: &TokenHash,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn password_reset(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<TokenState>> + Send;
    /// Uses the link, sets the password, ends every session of the user, records the event and
    /// queues the notice, in one transaction; `None` if the link was no longer valid by then or
    /// the account is no longer active.
    fn reset_password(
        &self,
        token: &TokenHash,
        password: &PasswordHash,
        now: Timestamp,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> impl Future<Output = StoreResult<Option<UserId>>> + Send;
    /// Sets a new password and ends every other session of the user (`keep` stays), with its
    /// event and notice, in one transaction.
    fn change_password(
        &self,
        user: UserId,
        keep: &TokenHash,
        password: &PasswordHash,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
