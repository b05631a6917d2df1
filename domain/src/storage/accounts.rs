//! Accounts and their role assignments.

use std::future::Future;

use super::StoreResult;
use crate::model::assignment::{AssignmentId, AssignmentView, NewAssignment};
use crate::model::user::{Credentials, NewUser, User, UserId};
use crate::values::email::EmailAddress;

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
