//! Access requests from people who hold a role already.

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::AssignmentStatus;
use crate::model::assignment::{AssignmentId, AssignmentView};
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgId;
use crate::model::organisation::OrgRef;
use crate::model::outbox::NewEmail;
use crate::model::role::RoleId;
use crate::model::user::UserId;
use crate::values::clock::Timestamp;
use crate::values::email::EmailAddress;

/// An access request with what it causes, written in one transaction.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub user: UserId,
    pub organisation: OrgId,
    pub role: RoleId,
    /// The requester's reason, shown to the reviewer.
    pub reason: String,
    /// The end the requester proposes, if any.
    pub ends_at: Option<Timestamp>,
    pub at: Timestamp,
    /// Reviewers to notify in-app, the notification's text, and emails to those who allow them.
    pub notify: Vec<UserId>,
    pub notice: String,
    pub emails: Vec<NewEmail>,
    pub audit: NewAudit,
}

/// One of the user's own assignments, as Available Roles shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAssignment {
    pub view: AssignmentView,
    /// Asked for by the user (an access request), so they may withdraw it while pending.
    pub requested: bool,
    /// Made by an invitation (accepted or not).
    pub invited: bool,
    /// The reviewer's reason, for a rejected one.
    pub decision_reason: Option<String>,
    pub created_at: Timestamp,
}

/// An access request as its reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: AssignmentId,
    pub user: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub notify_by_email: bool,
    pub organisation: OrgRef,
    pub role: RoleId,
    pub role_name: String,
    pub reason: String,
    pub status: AssignmentStatus,
    pub decision_reason: Option<String>,
    pub created_at: Timestamp,
    /// While pending, the end the requester proposed; once approved, the end given.
    pub ends_at: Option<Timestamp>,
}

/// A reviewer's decision on an access request, with what it causes.
#[derive(Debug, Clone)]
pub struct RequestVerdict {
    pub id: AssignmentId,
    pub by: UserId,
    pub at: Timestamp,
    pub approve: bool,
    /// On approval: when the role ends by itself, if it does.
    pub ends_at: Option<Timestamp>,
    /// Required to reject.
    pub reason: Option<String>,
    /// The requester's in-app notification, and their email if they allow it.
    pub notice: String,
    pub email: Option<NewEmail>,
    pub audit: NewAudit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOutcome {
    Decided,
    /// Decided or withdrawn before this decision arrived: nothing was changed.
    AlreadyDecided(AssignmentStatus),
    /// Approving would give the user two roles that may not be held together there.
    Conflicting,
    Missing,
}

pub trait Requests: Send + Sync {
    /// `Conflict("request")` when the same request is already open (a racing twin included).
    fn create_request(
        &self,
        r: &NewRequest,
    ) -> impl Future<Output = StoreResult<AssignmentId>> + Send;
    /// Every assignment of the user, newest first, with how it came about and why it was refused.
    fn own_assignments(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Vec<OwnAssignment>>> + Send;
    fn access_request(
        &self,
        id: AssignmentId,
    ) -> impl Future<Output = StoreResult<Option<RequestRow>>> + Send;
    /// Withdraws the user's own pending request; false when it was not theirs or not pending.
    fn withdraw_request(
        &self,
        id: AssignmentId,
        user: UserId,
        at: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Of a decision and a withdrawal (or two decisions) racing, exactly one takes effect. An
    /// approval is refused when the user meanwhile holds a conflicting role there.
    fn decide_request(
        &self,
        v: &RequestVerdict,
    ) -> impl Future<Output = StoreResult<RequestOutcome>> + Send;
}
