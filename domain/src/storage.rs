//! The storage traits the domain owns. `store` implements them for SQLite and PostgreSQL and runs
//! one conformance suite against both.

use std::future::Future;

use crate::actor::OrgRef;
use crate::assignment::AssignmentStatus;
use crate::assignment::{AssignmentId, AssignmentView, NewAssignment};
use crate::audit::{AuditEvent, AuditQuery, NewAudit};
use crate::clock::{Timestamp, TokenHash};
use crate::clusters::{Cluster, ClusterChange, ClusterId};
use crate::email::EmailAddress;
use crate::notification::Notification;
use crate::ods_code::OdsCode;
use crate::org::{NewOrganisation, OrgId, Organisation};
use crate::org::{OrgKind, OrgPath};
use crate::outbox::{NewEmail, OutboxEmail};
use crate::person_name::PersonName;
use crate::role::{Catalogue, RoleId};
use crate::scope::Scope;
use crate::session::{NewSession, SessionRecord, SessionSummary};
use crate::user::{AccountStatus, Credentials, NewUser, PasswordHash, User, UserId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the change; the string names the constraint's subject.
    #[error("already exists: {0}")]
    Conflict(String),
    /// A row the change depends on is missing (a parent organisation, a user).
    #[error("not found: {0}")]
    Missing(String),
    #[error("storage failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Organisations and the role catalogue.
pub trait Directory: Send + Sync {
    fn catalogue(&self) -> impl Future<Output = StoreResult<Catalogue>> + Send;
    fn organisation(
        &self,
        id: OrgId,
    ) -> impl Future<Output = StoreResult<Option<Organisation>>> + Send;
    fn organisation_by_code(
        &self,
        code: &OdsCode,
    ) -> impl Future<Output = StoreResult<Option<Organisation>>> + Send;
    /// Adds organisations in one transaction, with the audit event if one is given. Each parent
    /// must exist already or come earlier in the slice; a missing parent refuses the whole batch.
    fn insert_organisations(
        &self,
        orgs: &[NewOrganisation],
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
    fn count_organisations(&self) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Organisations in `scope` (of `kind`, or every kind) whose code is `search` or whose name
    /// contains it (all when empty), by name; one page and the total. Each comes with its
    /// parent's name.
    fn organisations_in(
        &self,
        scope: &Scope,
        kind: Option<OrgKind>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> impl Future<Output = StoreResult<(Vec<(Organisation, String)>, i64)>> + Send;
    fn set_multi_level_approval(
        &self,
        id: OrgId,
        on: bool,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Adds or updates organisations by code, parents first, in one transaction: names, types,
    /// dates and parents change (a move carries the subtree's paths with it); nothing is ever
    /// deleted. A missing parent code means the platform root. With `dry_run` nothing is kept.
    /// `progress` is told how many rows are done, now and then. The audit event, if given, is
    /// written in the same transaction when anything changed (its reason, when empty, becomes the
    /// summary).
    fn import_organisations(
        &self,
        orgs: &[NewOrganisation],
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<crate::ods::ImportSummary>> + Send;
    /// Open provider and commissioning organisations whose code is `text` or whose name contains
    /// it (case-insensitive), code matches first, then by name: the registration lookup.
    fn find_organisations(
        &self,
        text: &str,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<Organisation>>> + Send;
    /// The platform root, created by the first migration.
    fn platform_root(&self) -> impl Future<Output = StoreResult<Organisation>> + Send;
}

/// Users and their role assignments.
pub trait Accounts: Send + Sync {
    fn insert_user(&self, user: &NewUser) -> impl Future<Output = StoreResult<UserId>> + Send;
    fn user(&self, id: UserId) -> impl Future<Output = StoreResult<Option<User>>> + Send;
    fn credentials(
        &self,
        email: &EmailAddress,
    ) -> impl Future<Output = StoreResult<Option<Credentials>>> + Send;
    fn count_users(&self) -> impl Future<Output = StoreResult<i64>> + Send;
    fn insert_assignment(
        &self,
        a: &NewAssignment,
    ) -> impl Future<Output = StoreResult<AssignmentId>> + Send;
    /// Every assignment of the user, any status, with organisation and role names; one query.
    fn assignments_of(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Vec<AssignmentView>>> + Send;
}

/// What one request needs to know, read in one query: the session, its user, and the assignment it
/// acts as if that assignment is still active.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub session: SessionRecord,
    pub user: User,
    pub acting: Option<ActingAs>,
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
    fn touch_session(
        &self,
        id: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
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

/// Someone holding an active assignment, as reviewer routing needs them.
#[derive(Debug, Clone)]
pub struct Holder {
    pub user: UserId,
    pub email: EmailAddress,
    pub notify_by_email: bool,
    pub assignment: AssignmentId,
    pub role: RoleId,
    pub organisation: OrgRef,
    /// The members of the live clusters the assignment is restricted to, if it is restricted
    /// (`Some` of nothing when all its clusters are retired).
    pub clusters: Option<Vec<OrgPath>>,
}

/// A self-registration, with what it causes, written in one transaction.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub email: EmailAddress,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub organisation: OrgId,
    pub role: RoleId,
    pub at: Timestamp,
    /// Reviewers to notify in-app, and the notification's text.
    pub notify: Vec<UserId>,
    pub notice: String,
    /// Emails to reviewers who allow them.
    pub emails: Vec<NewEmail>,
    /// The submission's audit event; storage fills in the person once it has written them.
    pub audit: NewAudit,
}

/// One registration as Pending Actions and the review page show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRow {
    pub assignment: AssignmentId,
    pub user: UserId,
    pub created_at: Timestamp,
    pub role_reason: String,
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub organisation: OrgRef,
    pub role: RoleId,
    pub role_name: String,
    pub status: AssignmentStatus,
    pub user_status: AccountStatus,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

/// Columns Pending Actions can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RegistrationSort {
    Created,
    RoleReason,
    FirstName,
    LastName,
    Organisation,
    Role,
    Email,
    IsApproved,
}

impl RegistrationSort {
    pub const ALL: [RegistrationSort; 8] = [
        RegistrationSort::Created,
        RegistrationSort::RoleReason,
        RegistrationSort::FirstName,
        RegistrationSort::LastName,
        RegistrationSort::Organisation,
        RegistrationSort::Role,
        RegistrationSort::Email,
        RegistrationSort::IsApproved,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RegistrationSort::Created => "created",
            RegistrationSort::RoleReason => "reason",
            RegistrationSort::FirstName => "first",
            RegistrationSort::LastName => "last",
            RegistrationSort::Organisation => "organisation",
            RegistrationSort::Role => "role",
            RegistrationSort::Email => "email",
            RegistrationSort::IsApproved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// Registrations for `roles` at organisations in `scope`.
#[derive(Debug, Clone)]
pub struct ReviewArm {
    pub scope: Scope,
    pub roles: Vec<RoleId>,
}

/// Which registrations a reviewer sees: those any arm covers (see
/// `registration::review_arms`). Only registrations not yet activated are listed.
#[derive(Debug, Clone)]
pub struct RegistrationQuery {
    pub arms: Vec<ReviewArm>,
    pub sort: RegistrationSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

/// A decision to record, with the email it sends.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub assignment: AssignmentId,
    pub by: UserId,
    pub at: Timestamp,
    pub outcome: VerdictOutcome,
    pub email: NewEmail,
    pub audit: NewAudit,
}

#[derive(Debug, Clone)]
pub enum VerdictOutcome {
    Approve {
        token: TokenHash,
        expires_at: Timestamp,
    },
    Reject {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecideOutcome {
    Decided,
    /// Someone decided first: their name and the decision that stands.
    AlreadyDecided {
        by: Option<String>,
        status: AssignmentStatus,
    },
    Missing,
}

/// What an activation link is worth now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Never issued, replaced by a newer link, or tampered with.
    Unknown,
    Used,
    Expired {
        user: UserId,
    },
    Valid {
        user: UserId,
    },
}

pub trait Registrations: Send + Sync {
    /// Active assignments of active users held at the organisations on `path` (the organisation
    /// and its ancestors): the candidates who might review something there.
    fn holders_above(
        &self,
        path: &OrgPath,
    ) -> impl Future<Output = StoreResult<Vec<Holder>>> + Send;
    /// Writes the pending user (or reuses a pending one with nothing under way), the pending
    /// assignment, the notifications and the emails in one transaction. `Conflict("registration")`
    /// when the same person already asked for that role there; `Conflict("account")` when the
    /// address belongs to an account that can sign in or has a request under way.
    fn register(
        &self,
        r: &NewRegistration,
    ) -> impl Future<Output = StoreResult<AssignmentId>> + Send;
    /// One page of registrations and the total.
    fn registrations(
        &self,
        q: &RegistrationQuery,
    ) -> impl Future<Output = StoreResult<(Vec<RegistrationRow>, i64)>> + Send;
    fn registration(
        &self,
        id: AssignmentId,
    ) -> impl Future<Output = StoreResult<Option<RegistrationRow>>> + Send;
    /// Records the decision only if the registration is still pending: exactly one of two racing
    /// decisions wins.
    fn decide_registration(
        &self,
        v: &Verdict,
    ) -> impl Future<Output = StoreResult<DecideOutcome>> + Send;
    /// Replaces every unused activation link of the user by a new one and queues its email,
    /// with its audit event when an administrator asked for it.
    fn replace_activation(
        &self,
        user: UserId,
        token: &TokenHash,
        at: Timestamp,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes a registration that has not been activated: its assignment, links and
    /// notifications, and the user if nothing else is theirs. False if there was nothing to remove.
    fn delete_registration(
        &self,
        id: AssignmentId,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    fn activation_token(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<TokenState>> + Send;
    /// Uses the link and sets the password in one transaction; `None` if the link was no longer
    /// valid by then (used by a racing request, or expired).
    fn activate(
        &self,
        token: &TokenHash,
        password: &PasswordHash,
        now: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<Option<UserId>>> + Send;
}

pub trait Notifications: Send + Sync {
    fn notifications(
        &self,
        user: UserId,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<Notification>>> + Send;
    fn unread_notifications(&self, user: UserId) -> impl Future<Output = StoreResult<i64>> + Send;
    fn mark_notifications_read(
        &self,
        user: UserId,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn notify_by_email(&self, user: UserId) -> impl Future<Output = StoreResult<bool>> + Send;
    fn set_notify_by_email(
        &self,
        user: UserId,
        on: bool,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait Outbox: Send + Sync {
    /// Claims up to `limit` due, unsent, unclaimed rows for `CLAIM_LEASE_SECONDS`, counting an
    /// attempt on each. Two instances never claim the same row at once.
    fn claim_emails(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxEmail>>> + Send;
    fn mark_sent(&self, id: i64, at: Timestamp) -> impl Future<Output = StoreResult<()>> + Send;
    /// Releases the claim and schedules the next attempt with back-off.
    fn mark_failed(
        &self,
        id: i64,
        now: Timestamp,
        error: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Queues emails that no other change causes (tests, operator tools).
    fn enqueue_emails(
        &self,
        emails: &[NewEmail],
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The newest rows first, for the operator's page.
    fn outbox(&self, limit: i64) -> impl Future<Output = StoreResult<Vec<OutboxEmail>>> + Send;
}

/// The Users section and the audit trail.
pub trait Users: Send + Sync {
    /// One page of users matching the query, and the total. Every search path is an index range.
    fn search_users(
        &self,
        q: &crate::users::UserQuery,
    ) -> impl Future<Output = StoreResult<(Vec<crate::users::UserRow>, i64)>> + Send;
    /// Revokes the user's active assignments at organisations under `under` that lie in `scope`,
    /// with the audit event, in one transaction; how many ended.
    fn revoke_assignments(
        &self,
        user: UserId,
        under: &OrgPath,
        scope: &Scope,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
    /// Disables (ending every session of the user) or re-enables an account, with the audit
    /// event, in one transaction. False when it already was so. Re-enabling an account that never
    /// set a password makes it pending again.
    fn set_disabled(
        &self,
        user: UserId,
        disabled: bool,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Appends an event that goes with no other change (a failed sign-in).
    fn record_audit(&self, e: &NewAudit) -> impl Future<Output = StoreResult<()>> + Send;
    /// Events newest first, one page, and the total.
    fn audit_events(
        &self,
        q: &AuditQuery,
    ) -> impl Future<Output = StoreResult<(Vec<AuditEvent>, i64)>> + Send;
}

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

/// An access request with what it causes, written in one transaction.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub user: UserId,
    pub organisation: OrgId,
    pub role: RoleId,
    /// The requester's reason, shown to the reviewer.
    pub reason: String,
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
}

/// A reviewer's decision on an access request, with what it causes.
#[derive(Debug, Clone)]
pub struct RequestVerdict {
    pub id: AssignmentId,
    pub by: UserId,
    pub at: Timestamp,
    pub approve: bool,
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

/// A role given by Add New User, with its payment types and clusters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedGrant {
    pub organisation: OrgId,
    pub role: RoleId,
    pub payment_types: Vec<String>,
    pub clusters: Vec<ClusterId>,
}

/// Everything Add New User writes, in one transaction: the account (waiting for its password),
/// active roles, the set-password link, its email and the audit event.
#[derive(Debug, Clone)]
pub struct AddedUser {
    pub user: NewUser,
    pub phone: String,
    pub mobile: Option<String>,
    pub grants: Vec<AddedGrant>,
    pub token: TokenHash,
    pub expires_at: Timestamp,
    pub email: NewEmail,
    pub audit: NewAudit,
}

/// Add Organisation on an existing user's page: active roles with their payment types
/// and clusters, the user's email and the audit event, in one transaction.
#[derive(Debug, Clone)]
pub struct GrantedRoles {
    pub user: UserId,
    pub grants: Vec<AddedGrant>,
    pub at: Timestamp,
    pub email: NewEmail,
    /// One event per organisation roles were added at.
    pub audits: Vec<NewAudit>,
}

/// Service Provider Clusters.
pub trait Clusters: Send + Sync {
    /// The organisations with these codes (those that exist), each with its parent's name.
    fn organisations_by_codes(
        &self,
        codes: &[OdsCode],
    ) -> impl Future<Output = StoreResult<Vec<(Organisation, String)>>> + Send;
    /// The live cluster of `owner` whose name folds to `name_key`.
    fn cluster_named(
        &self,
        owner: OrgId,
        name_key: &str,
    ) -> impl Future<Output = StoreResult<Option<ClusterId>>> + Send;
    fn cluster_by_short_name(
        &self,
        short_name: &str,
    ) -> impl Future<Output = StoreResult<Option<Cluster>>> + Send;
    /// Newest first; `search` matches the short name or part of the name, without case.
    fn clusters_of(
        &self,
        owner: OrgId,
        search: &str,
    ) -> impl Future<Output = StoreResult<Vec<Cluster>>> + Send;
    /// Each member with its parent's name, by code.
    fn cluster_members(
        &self,
        id: ClusterId,
    ) -> impl Future<Output = StoreResult<Vec<(Organisation, String)>>> + Send;
    /// Cluster, members and audit event in one transaction; a live name clash is `Conflict`.
    fn create_cluster(
        &self,
        c: &ClusterChange,
    ) -> impl Future<Output = StoreResult<ClusterId>> + Send;
    fn update_cluster(
        &self,
        id: ClusterId,
        c: &ClusterChange,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn retire_cluster(
        &self,
        id: ClusterId,
        at: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Add New User: an existing address is `Conflict`; a cluster that is not live at the grant's
    /// organisation is `Missing`; either way nothing is written.
    fn add_user(&self, u: &AddedUser) -> impl Future<Output = StoreResult<UserId>> + Send;
    /// Add Organisation: a role the user already holds or waits for at that organisation, or one
    /// that conflicts with a role they hold there, is `Conflict` (checked under a lock on the
    /// user, so racing submissions cannot both pass); a cluster that is not live at the grant's
    /// organisation is `Missing`; either way nothing is written.
    fn grant_roles(&self, g: &GrantedRoles) -> impl Future<Output = StoreResult<()>> + Send;
    /// Sets the role of an active assignment and replaces its payment types and clusters, with
    /// its audit event. An assignment no longer active, or a cluster that is not live at the
    /// assignment's organisation, is `Missing`; a role the user holds or waits for there by
    /// another assignment, or one that conflicts with another active role there, is `Conflict`
    /// (checked under a lock on the user); either way nothing changes.
    fn restrict_assignment(
        &self,
        assignment: AssignmentId,
        role: RoleId,
        payment_types: &[String],
        clusters: &[ClusterId],
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Replaces the clusters an assignment is restricted to (none: the whole organisation).
    fn set_assignment_clusters(
        &self,
        assignment: AssignmentId,
        clusters: &[ClusterId],
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Everything the service needs from storage.
pub trait Storage:
    Directory
    + Accounts
    + Sessions
    + Registrations
    + Notifications
    + Outbox
    + Users
    + Invitations
    + Requests
    + Security
    + Clusters
{
}
impl<
        T: Directory
            + Accounts
            + Sessions
            + Registrations
            + Notifications
            + Outbox
            + Users
            + Invitations
            + Requests
            + Security
            + Clusters,
    > Storage for T
{
}
