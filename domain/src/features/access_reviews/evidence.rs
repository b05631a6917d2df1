//! What a review leaves behind and what keeps it moving: its download, and the daily reminder
//! of a review past its due date.

use super::*;
use crate::storage::StoreError;

/// The review's rows as CSV: who, where, which role, and what the review decided.
pub fn to_csv(review: &ReviewSummary, items: &[ReviewItem]) -> Result<String, csv::Error> {
    let state = |i: &ReviewItem| -> &'static str {
        use crate::storage::Outcome;
        match (i.outcome, i.decision) {
            (Some(Outcome::Ended), _) => "Ended",
            (Some(Outcome::AlreadyEnded), _) => "Marked to end; had already ended",
            (Some(Outcome::Kept), Some(Decision::Keep)) => "Kept",
            (Some(Outcome::Kept), _) => "Kept (not reviewed)",
            (None, Some(Decision::Keep)) => "Keep",
            (None, Some(Decision::End)) => "End access",
            (None, None) => "Not reviewed",
        }
    };
    crate::values::spreadsheet::csv(
        [
            "Review",
            "Last name",
            "First name",
            "Email",
            "Organisation code",
            "Organisation",
            "Role",
            "Payment types",
            "Clusters",
            "Last signed in (UTC)",
            "Granted by",
            "Granted (UTC)",
            "Decision",
            "Reason",
            "Decided by",
        ],
        items.iter().map(|i| {
            [
                format!("{} (review {})", review.title, review.id.0),
                i.last_name.clone(),
                i.first_name.clone(),
                i.email.clone(),
                i.org_code.clone(),
                i.org_name.clone(),
                i.role_name.clone(),
                if i.payment_types.is_empty() {
                    "All".to_owned()
                } else {
                    i.payment_types.clone()
                },
                i.clusters.clone(),
                i.last_signed_in.map(|t| t.iso_utc()).unwrap_or_default(),
                i.granted_by.clone().unwrap_or_default(),
                i.granted_at.iso_utc(),
                state(i).to_owned(),
                i.reason.clone().unwrap_or_default(),
                i.decided_by.clone().unwrap_or_default(),
            ]
        }),
    )
}

/// Reminds the starter of each open review past its due date, once a day: how many were
/// reminded. Run by the server's worker; a reminder another instance sent today is not sent
/// again.
#[tracing::instrument(skip_all)]
pub async fn remind_overdue<S: Storage>(ctx: &Services<'_, S>) -> Result<usize, StoreError> {
    let now = ctx.clock.now();
    let since = Timestamp(now.0 - DAY);
    let mut sent = 0;
    for r in ctx.store.overdue_reviews(now, since).await? {
        let notice = format!(
            "Your access review of {} is past its due date with {} not reviewed. Complete it from Access reviews.",
            r.title,
            if r.unreviewed == 1 {
                "1 role".to_owned()
            } else {
                format!("{} roles", r.unreviewed)
            }
        );
        if ctx
            .store
            .record_review_reminder(r.id, r.started_by, &notice, now, since)
            .await?
        {
            sent += 1;
        }
    }
    Ok(sent)
}
