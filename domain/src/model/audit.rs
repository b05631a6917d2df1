//! The audit trail: every change is an append-only event, written by storage in the same
//! transaction as the change itself, so there is never a change without its event.
//! See docs/requirements.md#audit.

use serde::{Deserialize, Serialize};

use crate::model::organisation::OrgId;
use crate::model::user::UserId;
use crate::values::clock::Timestamp;

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
    AccessEndSet,
    AccessEndRemoved,
    AccessExpired,
    /// The dormancy rule disabled an account nobody had used for a while.
    AccountDisabledUnused,
    DormancyExemptionSet,
    DormancyExemptionRemoved,
    AccessReviewStarted,
    AccessReviewCompleted,
    /// A role ended by the completion of an access review that marked it to end.
    AccessEndedByReview,
    SecondFactorSetUp,
    SecondFactorUsed,
    SecondFactorFailed,
    RecoveryCodesReplaced,
    SecondFactorRemoved,
    SecondFactorReset,
    ConnectedServiceAdded,
    ConnectedServiceChanged,
    ConnectedServiceDisabled,
    ConnectedServiceEnabled,
    ConnectedServiceSecretRotated,
    SignedInToService,
}

impl AuditAction {
    pub const ALL: [AuditAction; 59] = [
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
        AuditAction::AccessEndSet,
        AuditAction::AccessEndRemoved,
        AuditAction::AccessExpired,
        AuditAction::AccountDisabledUnused,
        AuditAction::DormancyExemptionSet,
        AuditAction::DormancyExemptionRemoved,
        AuditAction::AccessReviewStarted,
        AuditAction::AccessReviewCompleted,
        AuditAction::AccessEndedByReview,
        AuditAction::SecondFactorSetUp,
        AuditAction::SecondFactorUsed,
        AuditAction::SecondFactorFailed,
        AuditAction::RecoveryCodesReplaced,
        AuditAction::SecondFactorRemoved,
        AuditAction::SecondFactorReset,
        AuditAction::ConnectedServiceAdded,
        AuditAction::ConnectedServiceChanged,
        AuditAction::ConnectedServiceDisabled,
        AuditAction::ConnectedServiceEnabled,
        AuditAction::ConnectedServiceSecretRotated,
        AuditAction::SignedInToService,
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
            AuditAction::AccessEndSet => "access_end_set",
            AuditAction::AccessEndRemoved => "access_end_removed",
            AuditAction::AccessExpired => "access_expired",
            AuditAction::AccountDisabledUnused => "account_disabled_unused",
            AuditAction::DormancyExemptionSet => "dormancy_exemption_set",
            AuditAction::DormancyExemptionRemoved => "dormancy_exemption_removed",
            AuditAction::AccessReviewStarted => "access_review_started",
            AuditAction::AccessReviewCompleted => "access_review_completed",
            AuditAction::AccessEndedByReview => "access_ended_by_review",
            AuditAction::SecondFactorSetUp => "second_factor_set_up",
            AuditAction::SecondFactorUsed => "second_factor_used",
            AuditAction::SecondFactorFailed => "second_factor_failed",
            AuditAction::RecoveryCodesReplaced => "recovery_codes_replaced",
            AuditAction::SecondFactorRemoved => "second_factor_removed",
            AuditAction::SecondFactorReset => "second_factor_reset",
            AuditAction::ConnectedServiceAdded => "connected_service_added",
            AuditAction::ConnectedServiceChanged => "connected_service_changed",
            AuditAction::ConnectedServiceDisabled => "connected_service_disabled",
            AuditAction::ConnectedServiceEnabled => "connected_service_enabled",
            AuditAction::ConnectedServiceSecretRotated => "connected_service_secret_rotated",
            AuditAction::SignedInToService => "signed_in_to_service",
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
            AuditAction::AccessEndSet => "Access end date set",
            AuditAction::AccessEndRemoved => "Access end date removed",
            AuditAction::AccessExpired => "Access ended on its date",
            AuditAction::AccountDisabledUnused => "Account disabled as not used",
            AuditAction::DormancyExemptionSet => "Kept from the dormancy rule",
            AuditAction::DormancyExemptionRemoved => "Dormancy rule applies again",
            AuditAction::AccessReviewStarted => "Access review started",
            AuditAction::AccessReviewCompleted => "Access review completed",
            AuditAction::AccessEndedByReview => "Access ended by an access review",
            AuditAction::SecondFactorSetUp => "Two-factor authentication set up",
            AuditAction::SecondFactorUsed => "Second factor used",
            AuditAction::SecondFactorFailed => "Wrong two-factor code",
            AuditAction::RecoveryCodesReplaced => "New recovery codes made",
            AuditAction::SecondFactorRemoved => "Two-factor authentication removed",
            AuditAction::SecondFactorReset => "Two-factor authentication reset by the Service Desk",
            AuditAction::ConnectedServiceAdded => "Connected service added",
            AuditAction::ConnectedServiceChanged => "Connected service changed",
            AuditAction::ConnectedServiceDisabled => "Connected service disabled",
            AuditAction::ConnectedServiceEnabled => "Connected service enabled",
            AuditAction::ConnectedServiceSecretRotated => "Connected service's secret replaced",
            AuditAction::SignedInToService => "Signed in to a connected service",
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

    #[test]
    fn keys_are_distinct() {
        let mut keys: Vec<_> = AuditAction::ALL.iter().map(|a| a.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), AuditAction::ALL.len());
    }
}
