//! The audit trail: every change is an append-only event, written by storage in the same
//! transaction as the change itself, so there is never a change without its event.
//! See docs/requirements.md#audit.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::clock::Timestamp;
use crate::org::OrgId;
use crate::role::Capability;
use crate::storage::{Storage, StoreError};
use crate::user::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    RoleSwitch,
    RegistrationSubmitted,
    RegistrationApproved,
    RegistrationRejected,
    RegistrationDeleted,
    AccountActivated,
    AccessRevoked,
    AccountDisabled,
    AccountEnabled,
    ApprovalLevelChanged,
    InvitationSent,
    InvitationResent,
    InvitationWithdrawn,
    InvitationAccepted,
    OrganisationCreated,
    OrganisationUpdated,
    OrganisationsImported,
    AccessRequested,
    AccessRequestWithdrawn,
    AccessRequestApproved,
    AccessRequestRejected,
    AccountLocked,
    AccountUnlocked,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    OtherSessionsEnded,
    ClusterCreated,
    ClusterUpdated,
    ClusterRetired,
    AssignmentClustersChanged,
    UserAdded,
    RolesAdded,
    InvitationUndelivered,
    RegistrationEmailResent,
}

impl AuditAction {
    pub const ALL: [AuditAction; 38] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::RoleSwitch,
        AuditAction::RegistrationSubmitted,
        AuditAction::RegistrationApproved,
        AuditAction::RegistrationRejected,
        AuditAction::RegistrationDeleted,
        AuditAction::AccountActivated,
        AuditAction::AccessRevoked,
        AuditAction::AccountDisabled,
        AuditAction::AccountEnabled,
        AuditAction::ApprovalLevelChanged,
        AuditAction::InvitationSent,
        AuditAction::InvitationResent,
        AuditAction::InvitationWithdrawn,
        AuditAction::InvitationAccepted,
        AuditAction::OrganisationCreated,
        AuditAction::OrganisationUpdated,
        AuditAction::OrganisationsImported,
        AuditAction::AccessRequested,
        AuditAction::AccessRequestWithdrawn,
        AuditAction::AccessRequestApproved,
        AuditAction::AccessRequestRejected,
        AuditAction::AccountLocked,
        AuditAction::AccountUnlocked,
        AuditAction::PasswordResetRequested,
        AuditAction::PasswordReset,
        AuditAction::PasswordChanged,
        AuditAction::OtherSessionsEnded,
        AuditAction::ClusterCreated,
        AuditAction::ClusterUpdated,
        AuditAction::ClusterRetired,
        AuditAction::AssignmentClustersChanged,
        AuditAction::UserAdded,
        AuditAction::RolesAdded,
        AuditAction::InvitationUndelivered,
        AuditAction::RegistrationEmailResent,
    ];

    /// The stored (and URL) form.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::RoleSwitch => "role_switch",
            AuditAction::RegistrationSubmitted => "registration_submitted",
            AuditAction::RegistrationApproved => "registration_approved",
            AuditAction::RegistrationRejected => "registration_rejected",
            AuditAction::RegistrationDeleted => "registration_deleted",
            AuditAction::AccountActivated => "account_activated",
            AuditAction::AccessRevoked => "access_revoked",
            AuditAction::AccountDisabled => "account_disabled",
            AuditAction::AccountEnabled => "account_enabled",
            AuditAction::ApprovalLevelChanged => "approval_level_changed",
            AuditAction::InvitationSent => "invitation_sent",
            AuditAction::InvitationResent => "invitation_resent",
            AuditAction::InvitationWithdrawn => "invitation_withdrawn",
            AuditAction::InvitationAccepted => "invitation_accepted",
            AuditAction::OrganisationCreated => "organisation_created",
            AuditAction::OrganisationUpdated => "organisation_updated",
            AuditAction::OrganisationsImported => "organisations_imported",
            AuditAction::AccessRequested => "access_requested",
            AuditAction::AccessRequestWithdrawn => "access_request_withdrawn",
            AuditAction::AccessRequestApproved => "access_request_approved",
            AuditAction::AccessRequestRejected => "access_request_rejected",
            AuditAction::AccountLocked => "account_locked",
            AuditAction::AccountUnlocked => "account_unlocked",
            AuditAction::PasswordResetRequested => "password_reset_requested",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::OtherSessionsEnded => "other_sessions_ended",
            AuditAction::ClusterCreated => "cluster_created",
            AuditAction::ClusterUpdated => "cluster_updated",
            AuditAction::ClusterRetired => "cluster_retired",
            AuditAction::AssignmentClustersChanged => "assignment_clusters_changed",
            AuditAction::UserAdded => "user_added",
            AuditAction::RolesAdded => "roles_added",
            AuditAction::InvitationUndelivered => "invitation_undelivered",
            AuditAction::RegistrationEmailResent => "registration_email_resent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignIn => "Signed in",
            AuditAction::SignInFailed => "Sign-in failed",
            AuditAction::SignOut => "Signed out",
            AuditAction::RoleSwitch => "Switched role",
            AuditAction::RegistrationSubmitted => "Registration submitted",
            AuditAction::RegistrationApproved => "Registration approved",
            AuditAction::RegistrationRejected => "Registration rejected",
            AuditAction::RegistrationDeleted => "Registration deleted",
            AuditAction::AccountActivated => "Account activated",
            AuditAction::AccessRevoked => "Access revoked",
            AuditAction::AccountDisabled => "Account disabled",
            AuditAction::AccountEnabled => "Account enabled",
            AuditAction::ApprovalLevelChanged => "Approval level changed",
            AuditAction::InvitationSent => "Invitation sent",
            AuditAction::InvitationResent => "Invitation resent",
            AuditAction::InvitationWithdrawn => "Invitation withdrawn",
            AuditAction::InvitationAccepted => "Invitation accepted",
            AuditAction::OrganisationCreated => "Organisation created",
            AuditAction::OrganisationUpdated => "Organisation updated",
            AuditAction::OrganisationsImported => "Organisations imported (ODS)",
            AuditAction::AccessRequested => "Access requested",
            AuditAction::AccessRequestWithdrawn => "Access request withdrawn",
            AuditAction::AccessRequestApproved => "Access request approved",
            AuditAction::AccessRequestRejected => "Access request rejected",
            AuditAction::AccountLocked => "Account locked (failed sign-ins)",
            AuditAction::AccountUnlocked => "Account unlocked",
            AuditAction::PasswordResetRequested => "Password reset requested",
            AuditAction::PasswordReset => "Password reset",
            AuditAction::PasswordChanged => "Password changed",
            AuditAction::OtherSessionsEnded => "Other sessions signed out",
            AuditAction::ClusterCreated => "Service Provider Cluster created",
            AuditAction::ClusterUpdated => "Service Provider Cluster changed",
            AuditAction::ClusterRetired => "Service Provider Cluster retired",
            AuditAction::AssignmentClustersChanged => "Role, payment types or clusters changed",
            AuditAction::UserAdded => "User added",
            AuditAction::RolesAdded => "Organisation and roles added",
            AuditAction::InvitationUndelivered => "Invitation not made (the account is disabled)",
            AuditAction::RegistrationEmailResent => "Registration email resent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == s)
    }
}

/// An event to append. `organisation` places it in the tree (whose administrators see it); an
/// event with none (a failed sign-in, say) is seen only by the Service Desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// The role the actor acted as, in words ("User Administrator at A81001").
    pub acting_as: Option<String>,
    pub action: AuditAction,
    pub target_user: Option<UserId>,
    pub organisation: Option<OrgId>,
    pub reason: Option<String>,
    /// Where the request came from (the client's address).
    pub origin: Option<String>,
}

impl NewAudit {
    /// An event by a signed-in actor, placed at the actor's organisation until said otherwise.
    pub fn by(actor: &Actor, action: AuditAction, at: Timestamp, origin: Option<&str>) -> Self {
        Self {
            at,
            actor: Some(actor.user),
            acting_as: Some(acting_as(actor)),
            action,
            target_user: None,
            organisation: Some(actor.organisation.id),
            reason: None,
            origin: origin.map(str::to_owned),
        }
    }

    /// An event by a user acting as no role (signing in, their own account).
    pub fn by_user(user: UserId, action: AuditAction, at: Timestamp, origin: Option<&str>) -> Self {
        Self {
            at,
            actor: Some(user),
            acting_as: None,
            action,
            target_user: Some(user),
            organisation: None,
            reason: None,
            origin: origin.map(str::to_owned),
        }
    }

    /// An event with no one signed in (a failed sign-in).
    pub fn anonymous(action: AuditAction, at: Timestamp, origin: Option<&str>) -> Self {
        Self {
            at,
            actor: None,
            acting_as: None,
            action,
            target_user: None,
            organisation: None,
            reason: None,
            origin: origin.map(str::to_owned),
        }
    }

    pub fn target(mut self, user: UserId) -> Self {
        self.target_user = Some(user);
        self
    }

    pub fn at_organisation(mut self, org: OrgId) -> Self {
        self.organisation = Some(org);
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// The role an actor acts as, in words.
pub fn acting_as(actor: &Actor) -> String {
    format!("{} at {}", actor.role_name, actor.organisation.code)
}

/// One event as the Audit page and its CSV show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: Timestamp,
    pub actor_email: Option<String>,
    pub acting_as: Option<String>,
    pub action: AuditAction,
    pub target_email: Option<String>,
    pub organisation_code: Option<String>,
    pub organisation_name: Option<String>,
    pub reason: Option<String>,
    pub origin: Option<String>,
}

/// Which events to list: those placed inside `scope` (and, for the Service Desk, those placed
/// nowhere), filtered.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub scope: crate::Scope,
    pub include_unplaced: bool,
    /// The start of the actor's or the target's email address.
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    /// From the start of this instant (inclusive) to `until` (exclusive).
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub offset: i64,
    pub limit: i64,
}

/// What the Audit page filters by.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: String,
    pub action: Option<AuditAction>,
    pub from: Option<Timestamp>,
    /// The last day shown, inclusive.
    pub to: Option<Timestamp>,
}

/// Who sees the Audit page: administrators of users, for the events inside their scope; the
/// Service Desk also sees the events placed nowhere (failed sign-ins of unknown addresses).
pub fn may_view(actor: &Actor) -> bool {
    actor.has(Capability::ManageUsers)
}

/// One page of the events the actor may see, newest first, and the total.
#[tracing::instrument(skip_all)]
pub async fn list<S: Storage>(
    store: &S,
    actor: &Actor,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEvent>, i64), AuditError> {
    let scope = actor
        .scope_for(Capability::ManageUsers)
        .map_err(|_| AuditError::NotFound)?;
    let q = AuditQuery {
        scope,
        include_unplaced: actor.has(Capability::ServiceDesk),
        user: Some(filter.user.trim().chars().take(254).collect()),
        action: filter.action,
        from: filter.from,
        until: filter.to.map(|t| t.plus_seconds(86_400)),
        offset: offset.max(0),
        limit,
    };
    Ok(store.audit_events(&q).await?)
}

/// The CSV download: a header row, then one row per event. A cell that a spreadsheet would read
/// as a formula (starting with = + - @, a tab or a carriage return) is prefixed with an
/// apostrophe, so a name like `=HYPERLINK(...)` stays text (OWASP "CSV injection").
pub fn to_csv(events: &[AuditEvent]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "When (UTC)",
        "Actor",
        "Acting as",
        "Action",
        "Target user",
        "Organisation code",
        "Organisation",
        "Reason",
        "From",
    ])?;
    for e in events {
        let cells = [
            e.at.iso_utc(),
            e.actor_email.clone().unwrap_or_default(),
            e.acting_as.clone().unwrap_or_default(),
            e.action.label().to_owned(),
            e.target_email.clone().unwrap_or_default(),
            e.organisation_code.clone().unwrap_or_default(),
            e.organisation_name.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            e.origin.clone().unwrap_or_default(),
        ];
        w.write_record(cells.iter().map(|c| defuse(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
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

    #[test]
    fn every_action_round_trips_through_its_key() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.key()), Some(a));
        }
        assert_eq!(AuditAction::parse("drop_table"), None);
    }

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

    #[test]
    fn keys_are_distinct() {
        let mut keys: Vec<_> = AuditAction::ALL.iter().map(|a| a.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), AuditAction::ALL.len());
    }
}
