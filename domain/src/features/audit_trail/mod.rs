//! The audit trail as administrators read it: the events of their area, filtered, a page at a
//! time or as a CSV download. Events themselves are written by storage in the same transaction as
//! the change they record ([`crate::model::audit`]). See docs/requirements.md#audit.

use crate::access::actor::Actor;
use crate::model::audit::AuditAction;
use crate::model::audit::AuditEvent;
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{AuditQuery, Storage, StoreError};
use crate::values::clock::Timestamp;

/// What the Audit page filters by.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: String,
    pub action: Option<AuditAction>,
    /// The first instant shown.
    pub from: Option<Timestamp>,
    /// The first instant not shown (the start of the day after the last day asked for: days are
    /// UK days, which the page works out, 23 or 25 hours long when the clocks change).
    pub until: Option<Timestamp>,
}

/// Who sees the Audit page: administrators of users, for the events inside their scope; the
/// Service Desk also sees the events placed nowhere (failed sign-ins of unknown addresses).
pub fn may_view(actor: &Actor) -> bool {
    actor.has(Capability::ManageUsers)
}

/// One page of the events the actor may see, newest first, and the total.
#[tracing::instrument(skip_all)]
pub async fn list<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEvent>, i64), AuditError> {
    let store = ctx.store;
    let scope = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| AuditError::NotFound)?
        .into_scope();
    let q = AuditQuery {
        scope,
        include_unplaced: actor.has(Capability::ServiceDesk),
        user: Some(filter.user.trim().chars().take(254).collect()),
        action: filter.action,
        from: filter.from,
        until: filter.until,
        offset: offset.max(0),
        limit,
    };
    Ok(store.audit_events(&q).await?)
}

/// The CSV download: a header row, then one row per event, made safe for spreadsheets
/// ([`crate::values::spreadsheet::csv`]).
pub fn to_csv(events: &[AuditEvent]) -> Result<String, csv::Error> {
    crate::values::spreadsheet::csv(
        [
            "When (UTC)",
            "Actor",
            "Acting as",
            "Action",
            "Target user",
            "Organisation code",
            "Organisation",
            "Reason",
            "From",
        ],
        events.iter().map(|e| {
            [
                e.at.iso_utc(),
                e.actor_email.clone().unwrap_or_default(),
                e.acting_as.clone().unwrap_or_default(),
                e.action.label().to_owned(),
                e.target_email.clone().unwrap_or_default(),
                e.organisation_code.clone().unwrap_or_default(),
                e.organisation_name.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.origin.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(reason: &str) -> AuditEvent {
        AuditEvent {
            id: 1,
            at: Timestamp(1_795_392_000),
            actor_email: Some("ann@example.nhs.uk".into()),
            acting_as: Some("User Administrator at A81001".into()),
            action: AuditAction::AccountDisabled,
            target_email: Some("bob@example.nhs.uk".into()),
            organisation_code: Some("A81001".into()),
            organisation_name: Some("Castle Practice, \"North\"".into()),
            reason: Some(reason.into()),
            origin: Some("127.0.0.1".into()),
        }
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let out = to_csv(&[event("Left the organisation")]).expect("csv");
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("When (UTC),Actor,Acting as,Action,Target user,Organisation code,Organisation,Reason,From")
        );
        assert_eq!(
            lines.next(),
            Some("2026-11-23T00:00:00Z,ann@example.nhs.uk,User Administrator at A81001,Account disabled,bob@example.nhs.uk,A81001,\"Castle Practice, \"\"North\"\"\",Left the organisation,127.0.0.1")
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn csv_cells_that_look_like_formulas_stay_text() {
        for evil in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let out = to_csv(&[event(evil)]).expect("csv");
            let mut reader = csv::Reader::from_reader(out.as_bytes());
            let row = reader.records().next().expect("a row").expect("readable");
            assert_eq!(&row[7], format!("'{evil}"), "{evil:?}");
        }
        // An ordinary reason is left alone.
        let out = to_csv(&[event("Duplicate account")]).expect("csv");
        assert!(out.contains(",Duplicate account,"));
    }
}
