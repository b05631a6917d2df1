//! Notifications and the emails that carry them: a user's notifications (opening the list marks
//! them read), the unread count on Home, the Notification Settings choice of email, and the
//! Service Desk's view of the outbox. See docs/requirements.md#my-profile-my-account-and-passwords.

use crate::access::actor::Actor;
use crate::model::notification::Notification;
use crate::model::outbox::OutboxEmail;
use crate::model::role::Capability;
use crate::model::user::UserId;
use crate::services::Services;
use crate::storage::{Storage, StoreError};

/// The most notifications one list shows, newest first.
pub const LIST_MAX: i64 = 100;
/// The most emails the outbox page shows, newest first.
pub const OUTBOX_MAX: i64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum NotificationsError {
    /// The outbox is the Service Desk's alone; anyone else is told "not found".
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The user's notifications, newest first, as they were before this call: opening the list marks
/// them all read, and the ones unread until now come back with `read` false.
pub async fn open<S: Storage>(
    ctx: &Services<'_, S>,
    user: UserId,
) -> Result<Vec<Notification>, StoreError> {
    let list = ctx.store.notifications(user, LIST_MAX).await?;
    ctx.store
        .mark_notifications_read(user, ctx.clock.now())
        .await?;
    Ok(list)
}

/// How many of the user's notifications are unread (Home's tile).
pub async fn unread<S: Storage>(ctx: &Services<'_, S>, user: UserId) -> Result<i64, StoreError> {
    ctx.store.unread_notifications(user).await
}

/// Whether notifications also go to the user by email (Notification Settings).
pub async fn by_email<S: Storage>(ctx: &Services<'_, S>, user: UserId) -> Result<bool, StoreError> {
    ctx.store.notify_by_email(user).await
}

pub async fn set_by_email<S: Storage>(
    ctx: &Services<'_, S>,
    user: UserId,
    send: bool,
) -> Result<(), StoreError> {
    ctx.store.set_notify_by_email(user, send).await
}

/// The Service Desk's view of the outbox, newest first. What of each email a page may show
/// (never a body with a link outside demo mode) is the page's decision.
pub async fn outbox<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
) -> Result<Vec<OutboxEmail>, NotificationsError> {
    if !actor.has(Capability::ServiceDesk) {
        return Err(NotificationsError::NotFound);
    }
    Ok(ctx.store.outbox(OUTBOX_MAX).await?)
}
