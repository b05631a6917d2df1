//! The accounts and roles an administrator gives: Add New User, Add Organisation, and Change on
//! a user's page (a role's payment types and clusters).

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::AssignmentId;
use crate::model::audit::NewAudit;
use crate::model::cluster::ClusterId;
use crate::model::organisation::OrgId;
use crate::model::outbox::NewEmail;
use crate::model::role::RoleId;
use crate::model::user::{NewUser, UserId};
use crate::values::clock::{Timestamp, TokenHash};

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
    /// When the roles' access ends by itself, if it does.
    pub ends_at: Option<Timestamp>,
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
    /// When the roles' access ends by itself, if it does.
    pub ends_at: Option<Timestamp>,
    pub at: Timestamp,
    pub email: NewEmail,
    /// One event per organisation roles were added at.
    pub audits: Vec<NewAudit>,
}

/// Accounts and roles given by an administrator, each with its audit event and emails in one
/// transaction.
pub trait Grants: Send + Sync {
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
