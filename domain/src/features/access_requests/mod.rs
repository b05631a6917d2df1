//! Access requests: a signed-in user, with or without an active role, asks for another role at an
//! organisation with a reason; the reviewers of that role there (the same rules as registrations)
//! approve or reject it; the user can withdraw it while it is pending, and sees every assignment
//! they have had on Available Roles. See docs/requirements.md#requesting-access.

use crate::access::actor::Actor;
use crate::model::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::Organisation;
use crate::model::outbox::NewEmail;
use crate::model::role::{Catalogue, Role, RoleId};
use crate::model::user::User;
use crate::rules::review::reviewers;
use crate::rules::review::{check_role, may_review, Decision, RoleRefused, REASON_MAX};
use crate::services::Services;
use crate::storage::{
    NewRequest, OwnAssignment, RequestOutcome, RequestRow, RequestVerdict, Storage, StoreError,
};
use crate::values::email::EmailAddress;
use crate::OdsCode;

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Missing, out of the reviewer's scope, or not the user's own: the same answer for all.
    #[error("not found")]
    NotFound,
    #[error("no such open organisation")]
    OrganisationNotFound,
    #[error("role not offered: {0:?}")]
    Role(RoleRefused),
    #[error("reason: {0:?}")]
    Reason(ReasonError),
    #[error("the user holds this role there already")]
    AlreadyHeld,
    #[error("the same request is already pending")]
    AlreadyRequested,
    /// The user holds (or would hold) a role that may not be held together with this one there.
    #[error("conflicts with {0}")]
    Conflicts(String),
    #[error("already {}", .0.as_str())]
    AlreadyDecided(AssignmentStatus),
    /// "Access ends on" (proposed, or given on approval): in the past, too far ahead, or later
    /// than the proposal.
    #[error(transparent)]
    AccessEnd(#[from] crate::rules::access_end::EndProblem),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonError {
    Empty,
    TooLong,
}

/// Why the user asks: required, at most 250 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestReason(String);

impl RequestReason {
    pub fn parse(s: &str) -> Result<Self, ReasonError> {
        let s = s.trim();
        if s.is_empty() {
            Err(ReasonError::Empty)
        } else if s.chars().count() > REASON_MAX {
            Err(ReasonError::TooLong)
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The first of the user's assignments at `org` that refuses `role`: the same role held or
/// pending, or a role that conflicts with it held (tier 1 and tier 2 are never held
/// together at one organisation).
pub fn refusal(
    catalogue: &Catalogue,
    held: &[AssignmentView],
    org: &Organisation,
    role: &Role,
) -> Option<RequestError> {
    let here = held.iter().filter(|a| a.organisation.id == org.id);
    for a in here {
        match a.status {
            AssignmentStatus::Active if a.role == role.id => {
                return Some(RequestError::AlreadyHeld)
            }
            AssignmentStatus::Pending if a.role == role.id => {
                return Some(RequestError::AlreadyRequested)
            }
            AssignmentStatus::Active if role.conflicts_with(a.role) => {
                let name = catalogue
                    .role(a.role)
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| a.role_name.clone());
                return Some(RequestError::Conflicts(name));
            }
            _ => {}
        }
    }
    None
}

/// An open organisation the user may ask for a role at, by ODS code.
pub async fn organisation<S: Storage>(
    ctx: &Services<'_, S>,
    code: &str,
) -> Result<Organisation, RequestError> {
    let store = ctx.store;
    let code = OdsCode::parse(code.trim()).map_err(|_| RequestError::OrganisationNotFound)?;
    match store.organisation_by_code(&code).await? {
        Some(o) if o.end_date.is_none() && o.kind != crate::OrgKind::Platform => Ok(o),
        _ => Err(RequestError::OrganisationNotFound),
    }
}

/// What a request form says, checked against the catalogue and the user's assignments.
pub struct Checked<'c> {
    pub organisation: Organisation,
    pub role: &'c Role,
    pub reason: RequestReason,
    /// The end the requester proposes ("I am covering until…"), if any.
    pub ends_at: Option<crate::values::clock::Timestamp>,
}

/// Checks a request without sending it: every problem at once where they are independent.
pub async fn check<'c, S: Storage>(
    ctx: &Services<'c, S>,
    user: &User,
    org_code: &str,
    role: RoleId,
    reason: &str,
    ends_at: Option<crate::values::clock::Timestamp>,
) -> Result<Checked<'c>, Vec<RequestError>> {
    let store = ctx.store;
    let catalogue = ctx.catalogue;
    let org = organisation(ctx, org_code).await.map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let role = match check_role(catalogue, role, &org) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(RequestError::Role(e));
            None
        }
    };
    let reason = RequestReason::parse(reason)
        .map_err(|e| problems.push(RequestError::Reason(e)))
        .ok();
    if let Err(e) =
        crate::rules::access_end::check_optional(ends_at, ctx.clock.now(), ctx.max_temporary_days)
    {
        problems.push(e.into());
    }
    if let Some(role) = role {
        let held = store
            .assignments_of(user.id)
            .await
            .map_err(|e| vec![e.into()])?;
        if let Some(refused) = refusal(catalogue, &held, &org, role) {
            problems.push(refused);
        }
    }
    match (role, reason) {
        (Some(role), Some(reason)) if problems.is_empty() => Ok(Checked {
            organisation: org,
            role,
            reason,
            ends_at,
        }),
        _ => Err(problems),
    }
}

/// Sends the request: the pending assignment, the reviewers' notifications and emails, and the
/// audit event, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn send<S: Storage>(
    ctx: &Services<'_, S>,
    user: &User,
    checked: &Checked<'_>,
    origin: Option<&str>,
) -> Result<AssignmentId, RequestError> {
    let (org, role) = (&checked.organisation, checked.role);
    let (notify, mail_to) = reviewers(ctx.store, ctx.catalogue, org, role, Some(user.id)).await?;
    let who = format!("{} {}", user.first_name, user.last_name);
    let now = ctx.clock.now();
    let request = NewRequest {
        user: user.id,
        organisation: org.id,
        role: role.id,
        reason: checked.reason.as_str().to_owned(),
        ends_at: checked.ends_at,
        at: now,
        notify,
        notice: format!(
            "{who} has asked for access as {} at {}.",
            role.name, org.name
        ),
        emails: mail_to
            .iter()
            .map(|to| emails::new_request(to, ctx.base_url, &who, &role.name, &org.name))
            .collect(),
        audit: NewAudit::by_user(user.id, AuditAction::AccessRequested, now, origin)
            .target(user.id)
            .at_organisation(org.id)
            .reason(format!("{}: {}", role.name, checked.reason.as_str())),
    };
    ctx.store
        .create_request(&request)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => RequestError::AlreadyRequested,
            other => other.into(),
        })
}

/// Available Roles: every assignment the user has had, newest first.
pub async fn mine<S: Storage>(
    ctx: &Services<'_, S>,
    user: &User,
) -> Result<Vec<OwnAssignment>, StoreError> {
    let store = ctx.store;
    store.own_assignments(user.id).await
}

/// Withdraws the user's own pending request.
pub async fn withdraw<S: Storage>(
    ctx: &Services<'_, S>,
    user: &User,
    id: AssignmentId,
    origin: Option<&str>,
) -> Result<(), RequestError> {
    let row = ctx
        .store
        .access_request(id)
        .await?
        .filter(|r| r.user == user.id)
        .ok_or(RequestError::NotFound)?;
    if row.status != AssignmentStatus::Pending {
        return Err(RequestError::AlreadyDecided(row.status));
    }
    let now = ctx.clock.now();
    let audit = NewAudit::by_user(user.id, AuditAction::AccessRequestWithdrawn, now, origin)
        .target(user.id)
        .at_organisation(row.organisation.id)
        .reason(row.role_name.clone());
    if ctx.store.withdraw_request(id, user.id, now, &audit).await? {
        Ok(())
    } else {
        // Decided meanwhile: say what happened instead.
        let status = ctx
            .store
            .access_request(id)
            .await?
            .map(|r| r.status)
            .unwrap_or(AssignmentStatus::Withdrawn);
        Err(RequestError::AlreadyDecided(status))
    }
}

/// One access request, if the actor may review it (the registration rules, and never their own);
/// otherwise "not found".
pub async fn for_review<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
) -> Result<RequestRow, RequestError> {
    let row = ctx
        .store
        .access_request(id)
        .await?
        .ok_or(RequestError::NotFound)?;
    let role = ctx.catalogue.role(row.role).ok_or(RequestError::NotFound)?;
    if row.user != actor.user
        && may_review(actor, role, row.organisation.id, &row.organisation.path)
    {
        Ok(row)
    } else {
        Err(RequestError::NotFound)
    }
}

/// Approves or rejects (with a reason); the requester is told in-app, and by email if they allow
/// it. An approval gives the role until `ends_at`, or until the requester's proposal when the
/// reviewer gives none: a reviewer may shorten a proposal, never lengthen or remove it. A
/// withdrawn or already decided request is left as it is.
#[tracing::instrument(skip_all)]
pub async fn decide<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
    decision: Decision,
    ends_at: Option<crate::values::clock::Timestamp>,
    origin: Option<&str>,
) -> Result<Option<crate::values::clock::Timestamp>, RequestError> {
    let row = for_review(ctx, actor, id).await?;
    if row.status != AssignmentStatus::Pending {
        return Err(RequestError::AlreadyDecided(row.status));
    }
    let now = ctx.clock.now();
    let ends_at = match decision {
        Decision::Approve => crate::rules::access_end::on_approval(
            ends_at,
            row.ends_at,
            now,
            ctx.max_temporary_days,
        )?,
        Decision::Reject(_) => None,
    };
    let place = format!("{} at {}", row.role_name, row.organisation.name);
    let (approve, reason, action, notice) = match &decision {
        Decision::Approve => (
            true,
            None,
            AuditAction::AccessRequestApproved,
            format!("Your request for access as {place} has been approved. Select it from Switch Role, or when you next sign in."),
        ),
        Decision::Reject(r) => (
            false,
            Some(r.as_str().to_owned()),
            AuditAction::AccessRequestRejected,
            format!(
                "Your request for access as {place} has been rejected: {}",
                r.as_str()
            ),
        ),
    };
    let mut audit = NewAudit::by(actor, action, now, origin)
        .target(row.user)
        .at_organisation(row.organisation.id);
    audit.reason = Some(match (&reason, ends_at) {
        (Some(r), _) => format!("{}: {r}", row.role_name),
        (None, Some(end)) => format!("{}, ending at {}", row.role_name, end.iso_utc()),
        (None, None) => row.role_name.clone(),
    });
    let verdict = RequestVerdict {
        id,
        by: actor.user,
        at: now,
        approve,
        ends_at,
        email: row
            .notify_by_email
            .then(|| emails::decided(&row.email, &row.first_name, &notice)),
        reason,
        notice,
        audit,
    };
    match ctx.store.decide_request(&verdict).await? {
        RequestOutcome::Decided => Ok(ends_at),
        RequestOutcome::AlreadyDecided(s) => Err(RequestError::AlreadyDecided(s)),
        RequestOutcome::Conflicting => {
            let held = ctx.store.assignments_of(row.user).await?;
            let name = held
                .iter()
                .find(|a| {
                    a.organisation.id == row.organisation.id && a.status == AssignmentStatus::Active
                })
                .map(|a| a.role_name.clone())
                .unwrap_or_default();
            Err(RequestError::Conflicts(name))
        }
        RequestOutcome::Missing => Err(RequestError::NotFound),
    }
}

pub mod emails {
    use super::*;

    pub fn new_request(
        to: &EmailAddress,
        base: &str,
        who: &str,
        role: &str,
        org: &str,
    ) -> NewEmail {
        let who = crate::model::outbox::quoted(who);
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: an access request is waiting for your review".into(),
            body: format!(
                "{who} has asked for access as {role} at {org}.\n\n\
                 Review it from Users, or from your Notifications:\n{base}/notifications\n\n\
                 You receive this email because \u{201c}Send me notifications\u{201d} is ticked in \
                 your Notification Settings.\n"
            ),
        }
    }

    pub fn decided(to: &EmailAddress, first_name: &str, notice: &str) -> NewEmail {
        let first_name = crate::model::outbox::quoted(first_name);
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: your access request has been decided".into(),
            body: format!(
                "Dear {first_name},\n\n{notice}\n\nYou receive this email because \
                 \u{201c}Send me notifications\u{201d} is ticked in your Notification Settings.\n"
            ),
        }
    }
}

#[cfg(test)]
mod tests;
