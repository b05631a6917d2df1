//! Notifications (home tile and list), Notification Settings, the home tiles'
//! counts, and the operator's view of the email outbox.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub body: String,
    pub created: String,
    pub review: Option<String>,
    pub new: bool,
}

/// The user's notifications, newest first. Opening the list marks them read; the ones that were
/// unread until now come back marked `new`.
#[server(endpoint = "notifications")]
pub async fn notifications() -> Result<Vec<NotificationView>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let list = domain::features::notifications::open(&st.services(), ctx.user.id)
        .await
        .map_err(|e| internal(&e))?;
    Ok(list
        .into_iter()
        .map(|n| NotificationView {
            body: n.body,
            created: crate::ssr::uk_time::date(n.created_at),
            review: n.regarding.map(|a| match n.request_of {
                Some(user) => format!("/users/{}/requests/{}", user.0, a.0),
                None => format!("/pending-actions/{}", a.0),
            }),
            new: !n.read,
        })
        .collect())
}

/// Numbers for the home page's tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TileCounts {
    pub unread_notifications: i64,
    /// `None` when the acting role does not review registrations.
    pub pending_actions: Option<i64>,
    /// For the Service Desk: requests refused today as "not found" to signed-in users (on this
    /// instance), how an insider probing outside their scope shows up.
    #[serde(default)]
    pub refused_today: Option<i64>,
}

#[server(endpoint = "home_counts")]
pub async fn home_counts() -> Result<TileCounts, AppError> {
    use crate::ssr::{request::internal, request::state, require_actor};
    use domain::storage::RegistrationSort;
    let (ctx, actor) = require_actor()?;
    let st = state()?;
    let unread = domain::features::notifications::unread(&st.services(), ctx.user.id)
        .await
        .map_err(|e| internal(&e))?;
    let reviews = actor.has(domain::Capability::ManageUsers)
        || actor.has(domain::Capability::GrantApproverRoles);
    let pending = if reviews {
        let (_, total) = domain::features::registration::pending_registrations(
            &st.services(),
            &actor,
            RegistrationSort::Created,
            true,
            1,
            // The count alone: no row is read.
            0,
        )
        .await
        .map_err(|e| internal(&e))?;
        Some(total)
    } else {
        None
    };
    let refused_today = actor.has(domain::Capability::ServiceDesk).then(|| {
        st.refusals
            .on(crate::ssr::refusals::day_of(st.clock.now().0))
    });
    Ok(TileCounts {
        unread_notifications: unread,
        pending_actions: pending,
        refused_today,
    })
}

#[server(endpoint = "notification_settings")]
pub async fn notification_settings() -> Result<bool, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    domain::features::notifications::by_email(&st.services(), ctx.user.id)
        .await
        .map_err(|e| internal(&e))
}

/// Save: the tick box is absent from the form when unticked.
#[server(endpoint = "save_notification_settings")]
pub async fn save_notification_settings(send: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    domain::features::notifications::set_by_email(&st.services(), ctx.user.id, send.is_some())
        .await
        .map_err(|e| internal(&e))?;
    leptos_axum::redirect("/my-profile/notification-settings?saved=1");
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    /// The text, in demo mode only: it may hold a single-use link meant for the recipient alone.
    pub body: Option<String>,
    pub created: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxListing {
    /// Demo mode: the bodies are shown, and the page says why.
    pub demo: bool,
    /// The service's own base URL: only lines that start with it are shown as links.
    pub public_url: String,
    pub rows: Vec<OutboxRow>,
}

/// The Service Desk's view of the outbox: recipients, subjects, status and errors. Only in demo
/// mode (no SMTP, a laptop) does it show the emails' text, links included; anywhere else a
/// password-reset or invitation link shown here would let the Service Desk take over the
/// account it was sent to.
#[server(endpoint = "outbox")]
pub async fn outbox() -> Result<OutboxListing, AppError> {
    use crate::ssr::{request::internal, request::state, require_actor};
    use domain::features::notifications::NotificationsError;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let rows = match domain::features::notifications::outbox(&st.services(), &actor).await {
        Ok(rows) => rows,
        Err(NotificationsError::NotFound) => return Err(crate::ssr::request::not_found()),
        Err(NotificationsError::Store(e)) => return Err(internal(&e)),
    };
    let demo = st.demo;
    let rows = rows
        .into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            to: r.to,
            subject: r.subject,
            body: demo.then_some(r.body),
            created: crate::ssr::uk_time::date(r.created_at),
            state: match (r.sent_at, r.attempts, r.last_error) {
                (Some(t), _, _) => format!("Sent {}", crate::ssr::uk_time::date(t)),
                (None, 0, _) => "Waiting".to_owned(),
                (None, n, Some(e)) => format!("Not sent after {n} attempts: {e}"),
                (None, n, None) => format!("Sending (attempt {n})"),
            },
        })
        .collect();
    Ok(OutboxListing {
        demo,
        public_url: format!("{}/", st.public_url),
        rows,
    })
}
