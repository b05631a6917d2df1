//! The storage traits the domain owns. `store` implements them for SQLite and PostgreSQL and runs
//! one conformance suite against both.

use std::future::Future;

use crate::actor::OrgRef;
use crate::assignment::{AssignmentId, AssignmentView, NewAssignment};
use crate::clock::{Timestamp, TokenHash};
use crate::email::EmailAddress;
use crate::ods_code::OdsCode;
use crate::org::{NewOrganisation, OrgId, Organisation};
use crate::role::{Catalogue, RoleId};
use crate::session::{NewSession, SessionRecord};
use crate::user::{Credentials, NewUser, User, UserId};

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
    /// Adds organisations in one transaction. Each parent must exist already or come earlier in
    /// the slice; a missing parent refuses the whole batch.
    fn insert_organisations(
        &self,
        orgs: &[NewOrganisation],
    ) -> impl Future<Output = StoreResult<usize>> + Send;
    fn count_organisations(&self) -> impl Future<Output = StoreResult<i64>> + Send;
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
}

pub trait Sessions: Send + Sync {
    fn create_session(&self, s: &NewSession) -> impl Future<Output = StoreResult<()>> + Send;
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
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn delete_session(&self, id: &TokenHash) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Everything the service needs from storage.
pub trait Storage: Directory + Accounts + Sessions {}
impl<T: Directory + Accounts + Sessions> Storage for T {}
