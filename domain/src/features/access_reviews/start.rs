//! Starting a review: what it covers (the reviewer's area, one organisation, or one cluster's
//! practices, as far as the reviewer reaches), its snapshot, and a scheduled review starting
//! again by itself a year later.

use super::*;
use crate::values::ods_code::OdsCode;

/// What a review covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Everything the reviewer manages.
    Area,
    /// One organisation (and, for a reviewer whose scope is a subtree, what lies below it).
    Organisation(String),
    /// The practices of one live cluster, as far as the reviewer reaches them.
    Cluster(String),
}

/// The area of a review of `target`, with its title, as far as the permit reaches.
async fn area<S: Storage>(
    ctx: &Services<'_, S>,
    permit: &Permit<'_>,
    target: &Target,
) -> Result<(String, Vec<ReviewRoot>), ReviewError> {
    let actor = permit.actor();
    let scope = permit.scope();
    match target {
        Target::Area => {
            if let Some(id) = scope.single() {
                return Ok((
                    actor.organisation.name.clone(),
                    vec![ReviewRoot {
                        organisation: id,
                        path: actor.organisation.path.clone(),
                        subtree: false,
                    }],
                ));
            }
            let roots: Vec<ReviewRoot> = scope
                .subtree_roots()
                .iter()
                .filter_map(|p| {
                    p.last_id().map(|id| ReviewRoot {
                        organisation: id,
                        path: p.clone(),
                        subtree: true,
                    })
                })
                .collect();
            let title = if actor.clusters().is_some() {
                format!("the clusters of {}", actor.organisation.name)
            } else {
                actor.organisation.name.clone()
            };
            Ok((title, roots))
        }
        Target::Organisation(code) => {
            let code =
                OdsCode::parse(code.trim()).map_err(|_| ReviewError::OrganisationNotInScope)?;
            let org = ctx
                .store
                .organisation_by_code(&code)
                .await?
                .filter(|o| permit.reaches(o.id, &o.path))
                .ok_or(ReviewError::OrganisationNotInScope)?;
            Ok((
                org.name.clone(),
                vec![ReviewRoot {
                    organisation: org.id,
                    path: org.path,
                    subtree: scope.single().is_none(),
                }],
            ))
        }
        Target::Cluster(name) => {
            let cluster = ctx
                .store
                .cluster_by_short_name(name.trim())
                .await?
                .filter(|c| c.retired_at.is_none())
                .ok_or(ReviewError::NoSuchCluster)?;
            if scope.single().is_some() {
                return Err(ReviewError::NoSuchCluster);
            }
            let roots: Vec<ReviewRoot> = ctx
                .store
                .cluster_members(cluster.id)
                .await?
                .into_iter()
                .filter(|(o, _)| permit.reaches(o.id, &o.path))
                .map(|(o, _)| ReviewRoot {
                    organisation: o.id,
                    path: o.path,
                    subtree: true,
                })
                .collect();
            if roots.is_empty() {
                return Err(ReviewError::NoSuchCluster);
            }
            Ok((format!("the practices of cluster {}", cluster.name), roots))
        }
    }
}

/// Starts a review, due in `due_days` days; its id. With `repeat`, it starts again by itself
/// every 12 months ([`start_repeats`]). Nothing is written when there is nothing to review.
#[tracing::instrument(skip_all)]
pub async fn start<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    target: &Target,
    due_days: i64,
    unreviewed: Unreviewed,
    repeat: bool,
    origin: Option<&str>,
) -> Result<ReviewId, ReviewError> {
    let permit = manage(actor)?;
    due_at(ctx.clock.now(), due_days)?;
    let (title, roots) = area(ctx, &permit, target).await?;
    let plan = Plan {
        title,
        roots,
        due_days,
        unreviewed,
        repeat_days: repeat.then_some(REPEAT_DAYS),
    };
    start_in(ctx, &permit, plan, origin).await
}

/// A review to start: its area, in words and as organisations, and its settings.
struct Plan {
    title: String,
    roots: Vec<ReviewRoot>,
    due_days: i64,
    unreviewed: Unreviewed,
    repeat_days: Option<i64>,
}

/// Starts the review `plan` describes, as the holder of `permit`.
async fn start_in<S: Storage>(
    ctx: &Services<'_, S>,
    permit: &Permit<'_>,
    plan: Plan,
    origin: Option<&str>,
) -> Result<ReviewId, ReviewError> {
    let actor = permit.actor();
    let now = ctx.clock.now();
    let due = due_at(now, plan.due_days)?;
    let audit = NewAudit::by(actor, AuditAction::AccessReviewStarted, now, origin)
        .at_organisation(
            plan.roots
                .first()
                .map_or(actor.organisation.id, |r| r.organisation),
        )
        .reason(format!(
            "Review access for {}, due {}",
            plan.title,
            due.iso_utc()
        ));
    let review = NewReview {
        title: plan.title,
        roots: plan.roots,
        started_by: actor.user,
        started_at: now,
        due_at: due,
        unreviewed: plan.unreviewed,
        repeat_days: plan.repeat_days,
        audit,
    };
    let (id, rows) = ctx.store.start_review(&review, permit.scope()).await?;
    if rows == 0 {
        return Err(ReviewError::NothingToReview);
    }
    Ok(id)
}

/// Starts again each scheduled review whose year has come: the same area, settings and starter,
/// once even with several instances; how many started. The starter must still manage users
/// over the whole area (through a role they hold now); otherwise, as when there is nothing
/// left to review, the review is not started again and the failure is logged: a restriction
/// that can no longer be computed reaches nothing. Run by the server's worker.
#[tracing::instrument(skip_all)]
pub async fn start_repeats<S: Storage>(ctx: &Services<'_, S>) -> Result<usize, StoreError> {
    let mut started = 0;
    for due in ctx.store.due_repeats(ctx.clock.now()).await? {
        if !ctx.store.claim_repeat(due.id).await? {
            continue;
        }
        let Some(first) = due.roots.first() else {
            continue;
        };
        let mut next = None;
        for h in ctx.store.holders_above(&first.path).await? {
            if h.user != due.started_by {
                continue;
            }
            let Some(actor) = h.actor(ctx.catalogue) else {
                continue;
            };
            let Ok(permit) = manage(&actor) else {
                continue;
            };
            if !covers(permit.scope(), &due.roots) {
                continue;
            }
            let plan = Plan {
                title: due.title.clone(),
                roots: due.roots.clone(),
                due_days: due.due_days.clamp(1, MAX_DUE_DAYS),
                unreviewed: due.unreviewed,
                repeat_days: Some(due.repeat_days),
            };
            next = Some(start_in(ctx, &permit, plan, None).await);
            break;
        }
        match next {
            Some(Ok(id)) => {
                ctx.store.set_repeated_as(due.id, id).await?;
                started += 1;
            }
            Some(Err(ReviewError::Store(e))) => return Err(e),
            Some(Err(e)) => {
                tracing::warn!(review = due.id.0, error = %e, "a scheduled access review did not start again")
            }
            None => tracing::warn!(
                review = due.id.0,
                "a scheduled access review did not start again: its starter no longer manages users over its whole area"
            ),
        }
    }
    Ok(started)
}
