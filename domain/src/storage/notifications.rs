//! In-app notifications and the choice of email.

use std::future::Future;

use super::StoreResult;
use crate::model::notification::Notification;
use crate::model::user::UserId;
use crate::values::clock::Timestamp;

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
