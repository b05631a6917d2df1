//! Self-registration, its review in Pending Actions, and activation links.

use std::future::Future;

use super::StoreResult;
use crate::access::scope::Scope;
use crate::model::assignment::AssignmentId;
use crate::model::assignment::AssignmentStatus;
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgId;
use crate::model::organisation::OrgPath;
use crate::model::organisation::OrgRef;
use crate::model::outbox::NewEmail;
use crate::model::role::RoleId;
use crate::model::user::{AccountStatus, PasswordHash, UserId};
use crate::values::clock::{Timestamp, TokenHash};
use crate::values::email::EmailAddress;
use crate::values::person_name::PersonName;

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

impl Holder {
    /// The holder acting as this role: what it may do and where, its clusters' restriction
    /// included. `None` for a role the catalogue does not know.
    pub fn actor(
        &self,
        catalogue: &crate::model::role::Catalogue,
    ) -> Option<crate::access::actor::Actor> {
        let held = catalogue.role(self.role)?;
        let clusters = self
            .clusters
            .clone()
            .map(|m| crate::access::scope::Restriction::new(&self.organisation.path, m));
        Some(crate::access::actor::Actor::new(
            self.user,
            self.assignment,
            self.organisation.clone(),
            held,
            clusters,
        ))
    }
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
        /// When the role ends by itself, if it does.
        ends_at: Option<Timestamp>,
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
    /// One page of registrations and the total; a limit of 0 reads the total alone.
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
