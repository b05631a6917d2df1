//! Roles that end by themselves on a date.

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::AssignmentId;
use crate::model::audit::NewAudit;
use crate::model::outbox::NewEmail;
use crate::model::user::UserId;
use crate::values::clock::Timestamp;
use crate::values::email::EmailAddress;

/// What a sweep did: how many roles it marked ended, and the next end still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpirySweep {
    pub ended: usize,
    pub next_end: Option<Timestamp>,
}

/// An active role whose end is near, with what its reminders need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingRole {
    pub assignment: AssignmentId,
    pub user: UserId,
    pub email: EmailAddress,
    pub first_name: String,
    pub notify_by_email: bool,
    pub role_name: String,
    pub last_name: String,
    pub org_id: crate::model::organisation::OrgId,
    pub org_path: crate::model::organisation::OrgPath,
    pub org_name: String,
    pub org_code: String,
    pub ends_at: Timestamp,
    /// Reminders already sent (0, 1 or 2).
    pub reminded: u8,
}

/// One reminder to record: the stage it completes, the in-app notice and the email (when the
/// holder takes email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndReminder {
    pub assignment: AssignmentId,
    pub user: UserId,
    pub stage: u8,
    pub notice: String,
    pub email: Option<NewEmail>,
    /// The administrators in scope of the role, told too: each gets `administrator_notice`, and
    /// `administrator_emails` go to those who take email.
    pub administrators: Vec<UserId>,
    pub administrator_notice: String,
    pub administrator_emails: Vec<NewEmail>,
    pub at: Timestamp,
}

/// An active account nobody has used for a while, with what the email telling its owner needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedAccount {
    pub user: UserId,
    pub email: EmailAddress,
    pub first_name: String,
}

pub trait TemporaryAccess: Send + Sync {
    /// Sets (or with `None` removes) the end of an active role, with the audit event, in one
    /// transaction. False when the role is not active.
    fn set_role_end(
        &self,
        assignment: AssignmentId,
        ends_at: Option<Timestamp>,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Marks every active role whose end is at or before `now` ended (status revoked, decided at
    /// its end, by nobody), each with an "expired" audit event dated at its end, in one
    /// transaction. A role is marked once even when two sweeps run at the same moment.
    fn expire_roles(&self, now: Timestamp)
        -> impl Future<Output = StoreResult<ExpirySweep>> + Send;
    /// Active roles that end after `now` and no later than `now + within` seconds, with fewer
    /// than two reminders sent, soonest first.
    fn ending_roles(
        &self,
        now: Timestamp,
        within: i64,
    ) -> impl Future<Output = StoreResult<Vec<EndingRole>>> + Send;
    /// Records a reminder with its notification and email, in one transaction, unless that stage
    /// was already reached (by another instance, say): false then, and nothing is written.
    fn record_end_reminder(
        &self,
        r: &EndReminder,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Active accounts not exempt from the dormancy rule whose last sign-in (or, never signed in,
    /// their making), and last enabling, are both before `before`; at most `limit`, oldest first.
    fn unused_accounts(
        &self,
        before: Timestamp,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<UnusedAccount>>> + Send;
    /// Disables one account found by [`TemporaryAccess::unused_accounts`] if it is still unused
    /// then (checked in the same statement), ending its sessions, with the audit event and the
    /// owner's email, in one transaction; false, and nothing written, otherwise.
    fn disable_unused(
        &self,
        user: UserId,
        before: Timestamp,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Exempts an account from the dormancy rule with a reason, or (`None`) ends the exemption,
    /// with the audit event. False when there is no such account.
    fn set_dormancy_exemption(
        &self,
        user: UserId,
        reason: Option<&str>,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Why an account is exempt from the dormancy rule, if it is.
    fn dormancy_exemption(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Option<String>>> + Send;
}
