//! Roles that end by themselves on a date.

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::AssignmentId;
use crate::model::audit::NewAudit;
use crate::values::clock::Timestamp;

/// What a sweep did: how many roles it marked ended, and the next end still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpirySweep {
    pub ended: usize,
    pub next_end: Option<Timestamp>,
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
}
