//! The Users section's search, revoke and disable, and the audit trail.

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::access::scope::Scope;
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgPath;
use crate::model::user::{AccountStatus, UserId};

/// Columns the Users table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserSort {
    FirstName,
    LastName,
    Email,
}

impl UserSort {
    pub const ALL: [UserSort; 3] = [UserSort::FirstName, UserSort::LastName, UserSort::Email];

    pub fn key(self) -> &'static str {
        match self {
            UserSort::FirstName => "first",
            UserSort::LastName => "last",
            UserSort::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// What storage is asked for: users holding any assignment in `scope` whose first name, last
/// name or email starts with `text`, or who hold an assignment at an organisation whose ODS code
/// is `text` or whose name starts with it (all of them when `text` is empty).
#[derive(Debug, Clone)]
pub struct UserQuery {
    pub scope: Scope,
    /// What the viewer reviews: a user with a pending assignment these cover shows "Pending Role
    /// Review: Yes".
    pub review: Vec<crate::storage::ReviewArm>,
    pub text: String,
    pub sort: UserSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
    /// How far the total is counted: past this many matches a search counts no further and
    /// reports `count_up_to + 1`, "more than `count_up_to`". A regional administrator's list of
    /// everyone is the same work at any size of the country.
    pub count_up_to: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub status: AccountStatus,
    /// The oldest pending registration the viewer may review, if any.
    pub pending_review: Option<crate::AssignmentId>,
    /// The oldest pending access request the viewer may review, if any.
    pub pending_request: Option<crate::AssignmentId>,
    /// When the account was made (the job aid's "date they were added").
    pub added: crate::Timestamp,
    /// When a session of theirs last started; `None`: never.
    pub last_signed_in: Option<crate::Timestamp>,
    /// The role the list shows for the user: in the query's scope, an active one first, then a
    /// pending one, then by organisation name.
    pub first_role: Option<crate::model::assignment::RoleLine>,
    /// How many roles in the query's scope the user's page shows (the first included).
    pub roles_in_scope: i64,
}

/// A line of the Users download: one role in scope of a user the search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRoleRow {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub account: AccountStatus,
    pub added: crate::Timestamp,
    pub last_signed_in: Option<crate::Timestamp>,
    pub role: crate::model::assignment::RoleLine,
}

/// The Users section and the audit trail.
pub trait Users: Send + Sync {
    /// One page of users matching the query, and the total counted up to `q.count_up_to + 1`
    /// (see [`crate::storage::UserQuery::count_up_to`]). Every search path is an index range.
    fn search_users(
        &self,
        q: &crate::storage::UserQuery,
    ) -> impl Future<Output = StoreResult<(Vec<crate::storage::UserRow>, i64)>> + Send;
    /// Every role in the query's scope of the users the query finds (its text only: not its page),
    /// by last name, first name, organisation and role, at most `q.limit` lines: the Users
    /// download.
    fn user_roles(
        &self,
        q: &crate::storage::UserQuery,
    ) -> impl Future<Output = StoreResult<Vec<UserRoleRow>>> + Send;
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
}
