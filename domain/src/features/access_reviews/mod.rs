//! Access reviews: an administrator who manages users starts a review of their area, of one
//! organisation in it, or of one cluster's practices. The review is a snapshot of every active
//! role there at that moment; the reviewer marks each row Keep or End access (with a reason),
//! singly or ticked together, and Complete review ends the roles marked to end, each audited
//! with the review as its reason and each holder told. Rows nobody reviewed follow the review's
//! setting. The finished review stays readable and downloads as CSV (evidence for the Data
//! Security and Protection Toolkit).
//!
//! Scope, for every state of the people listed: the snapshot holds only roles that were active
//! and not past their end when it was taken (waiting registrations, invitations and requests,
//! revoked, expired and rejected roles are not reviewed; a disabled account's active roles are,
//! since enabling it again would bring them back). A review is seen and acted on only by an
//! administrator whose scope covers its whole area; every row shown or marked also lies in the
//! viewer's scope. Nobody marks their own roles: another administrator reviews those, and
//! completion keeps them. A restriction to clusters that no longer reach anything reaches no
//! review at all.

use crate::access::actor::{Actor, Permit};
use crate::access::scope::Scope;
use crate::model::assignment::AssignmentId;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{
    Completion, CompletionReport, Decision, ItemMarks, ItemQuery, ItemState, NewReview, ReviewId,
    ReviewItem, ReviewRoot, ReviewSummary, Storage, StoreError, Unreviewed,
};
use crate::values::clock::Timestamp;

/// Rows on a page of a review.
pub const PAGE_SIZE: i64 = 25;
/// How long a review may run: at least a day, at most this many days.
pub const MAX_DUE_DAYS: i64 = 90;
/// The reason people type for ending access, at most this long.
pub const REASON_MAX: usize = crate::rules::review::REASON_MAX;
/// The most rows a review's download holds.
pub const DOWNLOAD_MAX: i64 = 1_000_000;
/// The most reviews the list shows.
pub const LIST_MAX: i64 = 100;
/// A scheduled review starts again this many days after it started: every 12 months.
pub const REPEAT_DAYS: i64 = 365;

const DAY: i64 = 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No such review that the administrator may see, or a role that does not manage users:
    /// answered as "not found".
    #[error("not found")]
    NotFound,
    #[error("Enter the ODS code of an organisation in your area")]
    OrganisationNotInScope,
    #[error("Enter the name of one of your organisation's clusters")]
    NoSuchCluster,
    #[error("The review must be due in 1 to 90 days")]
    DueDays,
    #[error("There are no active roles to review there")]
    NothingToReview,
    #[error("Tick at least one row")]
    NothingTicked,
    #[error("Enter why access ends")]
    ReasonEmpty,
    #[error("Reason must be 250 characters or fewer")]
    ReasonTooLong,
    /// Every ticked row was the reviewer's own role.
    #[error("Another administrator reviews your own roles")]
    OwnRoles,
    #[error("This review has been completed: it can no longer change")]
    Completed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn manage(actor: &Actor) -> Result<Permit<'_>, ReviewError> {
    let permit = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| ReviewError::NotFound)?;
    if actor.reaches_nothing() {
        // A restriction that can no longer be computed reaches nothing: no review at all.
        return Err(ReviewError::NotFound);
    }
    Ok(permit)
}

/// Whether `scope` covers the whole of a review's area: each part lies in it, and a part with
/// everything below it only in a scope that also holds what lies below.
pub fn covers(scope: &Scope, roots: &[ReviewRoot]) -> bool {
    !roots.is_empty()
        && roots.iter().all(|r| {
            scope.contains(r.organisation, &r.path) && (!r.subtree || scope.single().is_none())
        })
}

/// The due date a review started at `now` has when it runs for `days` days.
pub fn due_at(now: Timestamp, days: i64) -> Result<Timestamp, ReviewError> {
    if (1..=MAX_DUE_DAYS).contains(&days) {
        Ok(Timestamp(now.0 + days * DAY))
    } else {
        Err(ReviewError::DueDays)
    }
}

/// The reason for ending access as typed: needed, and not too long.
pub fn end_reason(reason: &str) -> Result<String, ReviewError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(ReviewError::ReasonEmpty)
    } else if reason.chars().count() > REASON_MAX {
        Err(ReviewError::ReasonTooLong)
    } else {
        Ok(reason.to_owned())
    }
}

/// What a completion did, in the words of the page that follows it. A row marked to end whose
/// role had already ended is said plainly: nothing more was done to it.
pub fn completion_words(r: &CompletionReport) -> String {
    let roles = |n: i64| {
        if n == 1 {
            "1 role".to_owned()
        } else {
            format!("{n} roles")
        }
    };
    let mut words = format!(
        "The review is complete. {} ended; {} kept.",
        roles(r.ended),
        roles(r.kept)
    );
    if r.already_ended > 0 {
        words.push_str(&format!(
            " {} marked to end had already ended (revoked or past its end date): nothing more was done to {}.",
            roles(r.already_ended),
            if r.already_ended == 1 { "it" } else { "them" }
        ));
    }
    words
}

/// The reviews the administrator may see (their whole area lies in the administrator's scope),
/// newest first.
#[tracing::instrument(skip_all)]
pub async fn list<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
) -> Result<Vec<ReviewSummary>, ReviewError> {
    let permit = manage(actor)?;
    let all = ctx.store.reviews(permit.scope(), LIST_MAX).await?;
    Ok(all
        .into_iter()
        .filter(|r| covers(permit.scope(), &r.roots))
        .collect())
}

/// One review the administrator may see, and the scope its rows are read in.
async fn seen<'a, S: Storage>(
    ctx: &Services<'_, S>,
    actor: &'a Actor,
    id: ReviewId,
) -> Result<(ReviewSummary, Permit<'a>), ReviewError> {
    let permit = manage(actor)?;
    let review = ctx
        .store
        .review(id)
        .await?
        .filter(|r| covers(permit.scope(), &r.roots))
        .ok_or(ReviewError::NotFound)?;
    Ok((review, permit))
}

#[tracing::instrument(skip_all)]
pub async fn get<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: ReviewId,
) -> Result<ReviewSummary, ReviewError> {
    Ok(seen(ctx, actor, id).await?.0)
}

/// What a page of a review's rows asks for.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub state: ItemState,
    pub org_code: Option<String>,
    /// Only people with no sign-in for this many days before the review started.
    pub not_signed_in_days: Option<i64>,
    pub page: i64,
}

/// A review and one page of its rows, with how many rows match the filters.
#[tracing::instrument(skip_all)]
pub async fn page<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: ReviewId,
    f: &Filters,
) -> Result<(ReviewSummary, Vec<ReviewItem>, i64), ReviewError> {
    let (review, permit) = seen(ctx, actor, id).await?;
    let page = f.page.max(1);
    let q = ItemQuery {
        review: id,
        scope: permit.into_scope(),
        state: f.state,
        org_code: f
            .org_code
            .as_ref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty()),
        signed_in_before: f
            .not_signed_in_days
            .map(|d| Timestamp(review.started_at.0 - d * DAY)),
        offset: (page - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
        now: ctx.clock.now(),
    };
    let (items, total) = ctx.store.review_items(&q).await?;
    Ok((review, items, total))
}

/// Marks the ticked rows Keep, End access (with a reason), or (`None`) takes the marks back.
/// The reviewer's own roles are left as they are. How many rows changed.
#[tracing::instrument(skip_all)]
pub async fn mark<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: ReviewId,
    items: &[AssignmentId],
    decision: Option<Decision>,
    reason: &str,
) -> Result<i64, ReviewError> {
    let (review, permit) = seen(ctx, actor, id).await?;
    if review.completed_at.is_some() {
        return Err(ReviewError::Completed);
    }
    let reason = match decision {
        Some(Decision::End) => Some(end_reason(reason)?),
        _ => None,
    };
    if items.is_empty() {
        return Err(ReviewError::NothingTicked);
    }
    let changed = ctx
        .store
        .mark_items(&ItemMarks {
            review: id,
            scope: permit.scope(),
            items,
            decision,
            reason: reason.as_deref(),
            by: actor.user,
            at: ctx.clock.now(),
        })
        .await?;
    if changed == 0 {
        // Either the review was completed meanwhile, or every ticked row was the reviewer's
        // own (rows outside the scope are never shown, so are never ticked by a fair form).
        let now_review = ctx.store.review(id).await?;
        if now_review.is_some_and(|r| r.completed_at.is_some()) {
            return Err(ReviewError::Completed);
        }
        return Err(ReviewError::OwnRoles);
    }
    Ok(changed)
}

/// Completes the review: what [`crate::storage::AccessReviews::complete_review`] does.
#[tracing::instrument(skip_all)]
pub async fn complete<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: ReviewId,
    origin: Option<&str>,
) -> Result<CompletionReport, ReviewError> {
    let (review, permit) = seen(ctx, actor, id).await?;
    if review.completed_at.is_some() {
        return Err(ReviewError::Completed);
    }
    let now = ctx.clock.now();
    let audit = NewAudit::by(actor, AuditAction::AccessReviewCompleted, now, origin)
        .at_organisation(
            review
                .roots
                .first()
                .map_or(actor.organisation.id, |r| r.organisation),
        )
        .reason(format!("Access review {} of {}", id.0, review.title));
    let by_role = NewAudit::by(actor, AuditAction::AccessEndedByReview, now, origin);
    let report = ctx
        .store
        .complete_review(&Completion {
            review: id,
            scope: permit.scope(),
            by: actor.user,
            acting_as: by_role.acting_as,
            at: now,
            origin: by_role.origin,
            audit,
        })
        .await?;
    report.ok_or(ReviewError::Completed)
}

/// Every row of a review in the administrator's scope, for its download.
#[tracing::instrument(skip_all)]
pub async fn rows<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: ReviewId,
) -> Result<(ReviewSummary, Vec<ReviewItem>), ReviewError> {
    let (review, permit) = seen(ctx, actor, id).await?;
    let q = ItemQuery {
        review: id,
        scope: permit.into_scope(),
        state: ItemState::All,
        org_code: None,
        signed_in_before: None,
        offset: 0,
        limit: DOWNLOAD_MAX,
        now: ctx.clock.now(),
    };
    let (items, _) = ctx.store.review_items(&q).await?;
    Ok((review, items))
}

mod evidence;
mod start;
pub use evidence::*;
pub use start::*;

#[cfg(test)]
mod tests;
