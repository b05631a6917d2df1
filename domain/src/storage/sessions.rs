//! Sessions: created at sign-in, read on every request, rotated, ended.

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::AssignmentId;
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgPath;
use crate::model::organisation::OrgRef;
use crate::model::role::RoleId;
use crate::model::session::{NewSession, SessionRecord, SessionSummary};
use crate::model::user::{User, UserId};
use crate::values::clock::{Timestamp, TokenHash};

/// What one request needs to know, read in one query: the session, its user, and the assignment it
/// acts as if that assignment is still active.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub session: SessionRecord,
    pub user: User,
    pub acting: Option<ActingAs>,
    /// How many active roles the user holds (whether Switch Role has anything to offer).
    pub active_roles: i64,
    /// Whether the user has a confirmed second factor.
    pub has_second_factor: bool,
}

#[derive(Debug, Clone)]
pub struct ActingAs {
    pub assignment: AssignmentId,
    pub role: RoleId,
    pub organisation: OrgRef,
    /// The members of the live clusters the assignment is restricted to; `None` when it is
    /// restricted to no cluster, `Some` of nothing when all its clusters are retired.
    pub clusters: Option<Vec<OrgPath>>,
    /// The payment types the assignment is restricted to (empty: all).
    pub payment_types: Vec<String>,
    /// When the role's access ends by itself, if it does: compared with the clock on every
    /// request, so no sweep has to have run for it to stop.
    pub ends_at: Option<crate::Timestamp>,
}

pub trait Sessions: Send + Sync {
    /// Starts a session and records the sign-in, in one transaction.
    fn create_session(
        &self,
        s: &NewSession,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn session_context(
        &self,
        id: &TokenHash,
    ) -> impl Future<Output = StoreResult<Option<SessionContext>>> + Send;
    /// Moves the session's last use forward to `now`, never back. True if this call moved it;
    /// false if it was already at `now` or later (another request of the same session touched
    /// it first) or the session has gone. So the requests of one session that all find it due
    /// for a touch write it once, not once each.
    fn touch_session(
        &self,
        id: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Replaces a session by a new one (new id) in one transaction: sign-in over an old cookie,
    /// and every role switch.
    fn rotate_session(
        &self,
        old: &TokenHash,
        new: &NewSession,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes an ended (expired) session; nothing to audit.
    fn delete_session(&self, id: &TokenHash) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every session of the user, newest first (expired ones included: the caller filters).
    fn sessions_of(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Vec<SessionSummary>>> + Send;
    /// Ends every session of the user but `keep`, with its event, in one transaction: how many.
    fn end_other_sessions(
        &self,
        user: UserId,
        keep: &TokenHash,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// Signing out: removes the session and records it, in one transaction.
    fn end_session(
        &self,
        id: &TokenHash,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
