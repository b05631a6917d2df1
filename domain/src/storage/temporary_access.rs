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
    pub at: Timestamp,
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
}
