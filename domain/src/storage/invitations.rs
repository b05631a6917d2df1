//! Invitations.

use std::future::Future;

use super::StoreResult;
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgId;
use crate::model::organisation::OrgRef;
use crate::model::outbox::NewEmail;
use crate::model::role::RoleId;
use crate::model::user::{PasswordHash, UserId};
use crate::values::clock::{Timestamp, TokenHash};
use crate::values::email::EmailAddress;

/// An invitation to write, with the user it creates (when `existing` is `None`), its pending
/// assignment, link, email and audit event: one transaction.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub existing: Option<UserId>,
    pub organisation: OrgId,
    pub role: RoleId,
    /// When the role stops working by itself, if it does.
    pub ends_at: Option<Timestamp>,
    pub invited_by: UserId,
    pub token: TokenHash,
    pub at: Timestamp,
    pub expires_at: Timestamp,
    pub email_out: NewEmail,
    pub audit: NewAudit,
    /// When `existing` is `None` but the address has an account after all (one the inviter could
    /// not see), found inside the transaction: the invitation goes to that account, whose names
    /// are kept, with this email instead of `email_out`.
    pub email_if_account: NewEmail,
    /// When that account is disabled: no invitation is made; this email tells its owner, and
    /// `audit_if_disabled` is written beside `audit`.
    pub email_if_disabled: NewEmail,
    pub audit_if_disabled: NewAudit,
}

/// An invitation as its link finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationState {
    pub user: UserId,
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    /// An existing account (it signs in to accept) rather than a new one (it sets a password).
    pub has_password: bool,
    pub organisation: OrgRef,
    pub role_name: String,
    /// Unused, unexpired, not withdrawn, and its role still pending.
    pub valid: bool,
}

/// An invitation still waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub id: i64,
    pub organisation: OrgRef,
    pub role: RoleId,
    pub role_name: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// When the role it offers ends by itself, if it does.
    pub ends_at: Option<Timestamp>,
}

pub trait Invitations: Send + Sync {
    /// The invitation's id, or `None` when the address turned out to belong to a disabled
    /// account (then only its owner is emailed). `Conflict("invitation")` when the user already
    /// holds the role there, active or pending.
    fn create_invitation(
        &self,
        i: &NewInvitation,
    ) -> impl Future<Output = StoreResult<Option<i64>>> + Send;
    fn invitation_by_token(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<InvitationState>>> + Send;
    /// Uses the link, makes the role active and, for a new person, sets names and password and
    /// makes the account active: one transaction, so of two racing uses one wins. `None` when the
    /// link was no longer valid by then.
    fn accept_invitation(
        &self,
        token: &TokenHash,
        now: Timestamp,
        new_account: Option<(&PasswordHash, &str, &str)>,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<Option<UserId>>> + Send;
    fn pending_invitations(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Vec<PendingInvitation>>> + Send;
    /// A new link (and email) for a pending invitation; false if it is no longer pending.
    fn replace_invitation(
        &self,
        id: i64,
        token: &TokenHash,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Ends a pending invitation and withdraws its role; false if it was no longer pending.
    fn withdraw_invitation(
        &self,
        id: i64,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
