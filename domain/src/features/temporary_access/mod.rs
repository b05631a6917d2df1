//! Access that ends by itself: a role with an end date (a locum's cover, a secondment). An
//! administrator who may revoke a role may give it an end, move the end or remove it, each
//! audited. The end is compared with the clock on every request
//! ([`crate::model::assignment::usable`]), so a role stops
//! working at its end whether or not anything else has run; a sweep, run by requests when the
//! next end is due ([`ExpiryWatch`]), then marks ended roles "Expired" for every list and writes
//! the "expired" audit event once.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::access::actor::Actor;
use crate::model::assignment::{AssignmentId, AssignmentView};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::role::Capability;
use crate::model::user::UserId;
use crate::rules::access_end::{check_optional, EndProblem};
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::clock::Timestamp;

/// The longest a list may go without a sweep when no end is known to be due (another instance
/// may have set one): a minute.
pub const SWEEP_AT_LEAST_EVERY_SECONDS: i64 = 60;

const DAY: i64 = 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum EndError {
    /// No such user or role that the administrator may change: answered as "not found".
    #[error("not found")]
    NotFound,
    /// The administrator's own role: another administrator ends it.
    #[error("own account")]
    OwnAccount,
    /// The role is not active (waiting, revoked, expired): nothing to end.
    #[error("not active")]
    NotActive,
    /// The date itself: in the past, or too far ahead.
    #[error(transparent)]
    End(#[from] EndProblem),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The role whose end an administrator would set: an active, unended role of someone they see
/// (not themselves), at an organisation where they may revoke. Anything else is "not found", so
/// nothing is told about roles outside their area.
#[tracing::instrument(skip_all)]
pub async fn endable<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    assignment: AssignmentId,
) -> Result<(crate::model::user::User, AssignmentView), EndError> {
    actor
        .permit(Capability::ManageUsers)
        .map_err(|_| EndError::NotFound)?;
    if user == actor.user {
        return Err(EndError::OwnAccount);
    }
    let detail = crate::rules::visibility::view(ctx, actor, user)
        .await
        .map_err(|e| match e {
            crate::rules::visibility::Unseen::NotFound => EndError::NotFound,
            crate::rules::visibility::Unseen::Store(e) => EndError::Store(e),
        })?;
    let role = detail
        .assignments
        .iter()
        .find(|a| a.id == assignment)
        .cloned()
        .ok_or(EndError::NotFound)?;
    // Only where the administrator may revoke: ending a role is revoking it on a date.
    if !detail.revocable(&role.organisation.path) {
        return Err(EndError::NotFound);
    }
    if !role.in_force(ctx.clock.now()) {
        return Err(EndError::NotActive);
    }
    Ok((detail.user, role))
}

/// Sets, moves or (with `None`) removes the end of a role [`endable`] allows, with the audit
/// event. The watch learns of an end sooner than the one it knew.
#[tracing::instrument(skip_all)]
pub async fn set_end<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    assignment: AssignmentId,
    ends_at: Option<Timestamp>,
    watch: &ExpiryWatch,
    origin: Option<&str>,
) -> Result<(), EndError> {
    let (_, role) = endable(ctx, actor, user, assignment).await?;
    let now = ctx.clock.now();
    check_optional(ends_at, now, ctx.max_temporary_days)?;
    let action = if ends_at.is_some() {
        AuditAction::AccessEndSet
    } else {
        AuditAction::AccessEndRemoved
    };
    let audit = NewAudit::by(actor, action, now, origin)
        .target(user)
        .at_organisation(role.organisation.id);
    let audit = match ends_at {
        Some(e) => audit.reason(format!(
            "{} at {} ends at {}",
            role.role_name,
            role.organisation.code,
            e.iso_utc()
        )),
        None => audit.reason(format!(
            "{} at {} has no end",
            role.role_name, role.organisation.code
        )),
    };
    if !ctx.store.set_role_end(assignment, ends_at, &audit).await? {
        return Err(EndError::NotActive);
    }
    if let Some(end) = ends_at {
        watch.expect(end);
    }
    Ok(())
}

/// When the next end is due, as far as this instance knows: requests sweep when it has come, or
/// when a minute has passed since the last sweep (another instance may have set an earlier end).
#[derive(Debug)]
pub struct ExpiryWatch {
    next: AtomicI64,
}

impl Default for ExpiryWatch {
    /// Due at once: the first request sweeps whatever ended while the service was stopped.
    fn default() -> Self {
        Self {
            next: AtomicI64::new(i64::MIN),
        }
    }
}

impl ExpiryWatch {
    pub fn due(&self, now: Timestamp) -> bool {
        self.next.load(Ordering::Relaxed) <= now.0
    }

    /// An end was set: sweep no later than it.
    pub fn expect(&self, end: Timestamp) {
        self.next.fetch_min(end.0, Ordering::Relaxed);
    }

    fn swept(&self, now: Timestamp, next_end: Option<Timestamp>) {
        let at_latest = now.0 + SWEEP_AT_LEAST_EVERY_SECONDS;
        let next = next_end.map_or(at_latest, |e| e.0.min(at_latest));
        self.next.store(next, Ordering::Relaxed);
    }
}

/// Marks every role whose end has come "Expired" (with its audit event, once, even when two
/// instances sweep at the same moment) if the watch says it is due; how many ended.
#[tracing::instrument(skip_all)]
pub async fn sweep_if_due<S: Storage>(
    ctx: &Services<'_, S>,
    watch: &ExpiryWatch,
) -> Result<usize, StoreError> {
    let now = ctx.clock.now();
    if !watch.due(now) {
        return Ok(0);
    }
    let sweep = ctx.store.expire_roles(now).await?;
    watch.swept(now, sweep.next_end);
    Ok(sweep.ended)
}

/// The reminders of an end, as (stage, how long before the end it is due): a week, then a day.
pub const REMINDERS: [(u8, i64); 2] = [(1, 7 * DAY), (2, DAY)];

/// The reminder stage a role ending at `ends_at` has reached at `now`: 0 none yet, 1 the week
/// before, 2 the day before. A role whose end has passed reaches none: it has ended.
pub fn reminder_stage(ends_at: Timestamp, now: Timestamp) -> u8 {
    let left = ends_at.0 - now.0;
    if left <= 0 {
        return 0;
    }
    REMINDERS
        .iter()
        .filter(|(_, before)| left <= *before)
        .map(|(stage, _)| *stage)
        .max()
        .unwrap_or(0)
}

/// Tells each holder whose role ends within a week, once a week before and once a day before:
/// in the app, and by email when they take email; and, with each, the administrators in scope of
/// the role. `last_day` says a role's last day in the
/// words people read ("31 March 2027"). How many reminders were sent. Run by the server's
/// worker; a reminder another instance sent first is not sent again.
#[tracing::instrument(skip_all)]
pub async fn send_reminders<S: Storage>(
    ctx: &Services<'_, S>,
    last_day: &(dyn Fn(Timestamp) -> String + Sync),
) -> Result<usize, StoreError> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for role in ctx.store.ending_roles(now, REMINDERS[0].1).await? {
        let stage = reminder_stage(role.ends_at, now);
        if stage <= role.reminded {
            continue;
        }
        let day = last_day(role.ends_at);
        let notice = format!(
            "Your access as {} at {} ({}) ends after {day}. If you still need it, ask an administrator of {} to change its end date.",
            role.role_name, role.org_name, role.org_code, role.org_name
        );
        let email = role.notify_by_email.then(|| crate::model::outbox::NewEmail {
            to: role.email.clone(),
            subject: format!("Your Gatehouse access at {} ends after {day}", role.org_name),
            body: format!(
                "Dear {},\n\n{notice}\n\nYou receive this email because your Notification Settings ask for emails. Sign in to Gatehouse to see your roles on My Account.\n",
                role.first_name
            ),
        });
        let (administrators, mail_to) = administrators_of(ctx, &role).await?;
        let administrator_notice = format!(
            "{} {}'s access as {} at {} ({}) ends after {day}. Change its end date on their page if they still need it.",
            role.first_name, role.last_name, role.role_name, role.org_name, role.org_code
        );
        let administrator_emails = mail_to
            .into_iter()
            .map(|to| crate::model::outbox::NewEmail {
                to,
                subject: format!("Gatehouse access at {} ends after {day}", role.org_name),
                body: format!(
                    "{administrator_notice}\n\nYou receive this email because you administer users at {} and your Notification Settings ask for emails.\n",
                    role.org_name
                ),
            })
            .collect();
        let recorded = ctx
            .store
            .record_end_reminder(&crate::storage::EndReminder {
                assignment: role.assignment,
                user: role.user,
                stage,
                notice,
                email,
                administrators,
                administrator_notice,
                administrator_emails,
                at: now,
            })
            .await?;
        if recorded {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The administrators in scope of an ending role, who are told with its holder: everyone whose
/// active role manages users at its organisation (the Service Desk aside, who is not told of
/// every locum in the country), never the holder themselves; and the addresses of those who
/// take email.
async fn administrators_of<S: Storage>(
    ctx: &Services<'_, S>,
    role: &crate::storage::EndingRole,
) -> Result<(Vec<UserId>, Vec<crate::values::email::EmailAddress>), StoreError> {
    let mut users = Vec::new();
    let mut mail_to = Vec::new();
    for h in ctx.store.holders_above(&role.org_path).await? {
        let Some(actor) = h.actor(ctx.catalogue) else {
            continue;
        };
        let reaches = actor
            .permit(Capability::ManageUsers)
            .is_ok_and(|p| p.reaches(role.org_id, &role.org_path));
        if !reaches
            || actor.has(Capability::ServiceDesk)
            || h.user == role.user
            || users.contains(&h.user)
        {
            continue;
        }
        users.push(h.user);
        if h.notify_by_email {
            mail_to.push(h.email.clone());
        }
    }
    Ok((users, mail_to))
}

mod dormancy;
pub use dormancy::*;

#[cfg(test)]
mod tests;
