//! Two-factor sign-in: who must have a second factor, what a session has proved, and what a
//! session must do before anything else.

use crate::model::role::{Capability, Role};
use crate::values::clock::Timestamp;

/// Who must have a second factor (`GATEHOUSE_MFA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MfaPolicy {
    /// Everyone acting as a role that administers others (the default).
    #[default]
    Admins,
    /// Everyone.
    Everyone,
    /// Nobody; those who set one up still use it.
    Optional,
}

impl MfaPolicy {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admins" => Some(Self::Admins),
            "everyone" => Some(Self::Everyone),
            "optional" => Some(Self::Optional),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admins => "admins",
            Self::Everyone => "everyone",
            Self::Optional => "optional",
        }
    }

    /// Whether a session acting as `role` (none: a session that has chosen no role yet) must
    /// have used a second factor.
    pub fn requires(self, role: Option<&Role>) -> bool {
        match self {
            Self::Optional => false,
            Self::Everyone => true,
            Self::Admins => role.is_some_and(administers),
        }
    }
}

/// The capabilities with which one person can take over or lock out others: managing users,
/// giving approver roles, changing clusters or organisations, and the Service Desk's.
pub const ADMINISTERING: [Capability; 5] = [
    Capability::ManageUsers,
    Capability::GrantApproverRoles,
    Capability::ManageClusters,
    Capability::ManageOrganisations,
    Capability::ServiceDesk,
];

/// Whether a role administers others (has any administering capability, wherever held).
pub fn administers(role: &Role) -> bool {
    role.grants
        .iter()
        .any(|g| ADMINISTERING.contains(&g.capability))
}

/// How recent a second factor must be for the dangerous actions (disable, revoke, unlock, add an
/// administering role, change a cluster, import organisations).
pub const STEP_UP_SECONDS: i64 = 15 * 60;

/// What a signed-in session must do before it may do anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Enter a code (or use a recovery code): the person has a second factor and this session
    /// has not used it.
    Code,
    /// Set up a second factor: the policy asks one of the acting role and the person has none.
    Enrol,
}

/// What one session needs: `has_factor` whether the person has a confirmed second factor,
/// `used_at` when this session last used it, `required` whether the policy asks one of the
/// acting role.
pub fn gate(has_factor: bool, used_at: Option<Timestamp>, required: bool) -> Option<Gate> {
    match (has_factor, used_at) {
        (true, None) => Some(Gate::Code),
        (true, Some(_)) => None,
        (false, _) if required => Some(Gate::Enrol),
        (false, _) => None,
    }
}

/// Whether a dangerous action may go ahead now without asking for a code again: the session used
/// its second factor within [`STEP_UP_SECONDS`], or the person has none and the policy asks none
/// of this role (a session the policy asks one of never gets this far without it).
pub fn recent_enough(has_factor: bool, used_at: Option<Timestamp>, now: Timestamp) -> bool {
    if !has_factor {
        return true;
    }
    used_at.is_some_and(|t| now.0 - t.0 < STEP_UP_SECONDS)
}

/// The `amr` values of RFC 8176 a session records: `pwd`, then `otp` (an app's code), `hwk`
/// (a security key or passkey) or `rec` (a recovery code, not in the RFC: it is neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    App,
    RecoveryCode,
    Passkey,
}

impl Method {
    pub fn amr(self) -> &'static str {
        match self {
            Self::App => "otp",
            Self::RecoveryCode => "rec",
            Self::Passkey => "hwk",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Self::App => "authenticator app",
            Self::RecoveryCode => "recovery code",
            Self::Passkey => "passkey",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_with_a_factor_always_uses_it_and_one_without_sets_one_up_only_when_asked() {
        let used = Some(Timestamp(100));
        assert_eq!(gate(true, None, false), Some(Gate::Code));
        assert_eq!(gate(true, None, true), Some(Gate::Code));
        assert_eq!(gate(true, used, true), None);
        assert_eq!(gate(false, None, true), Some(Gate::Enrol));
        assert_eq!(gate(false, None, false), None);
    }

    #[test]
    fn step_up_asks_again_after_fifteen_minutes() {
        let used = Timestamp(1_000);
        assert!(recent_enough(
            true,
            Some(used),
            Timestamp(1_000 + STEP_UP_SECONDS - 1)
        ));
        assert!(!recent_enough(
            true,
            Some(used),
            Timestamp(1_000 + STEP_UP_SECONDS)
        ));
        assert!(!recent_enough(true, None, Timestamp(1_000)));
        assert!(recent_enough(false, None, Timestamp(1_000)));
    }

    #[test]
    fn the_policy_reads_its_three_words_only() {
        assert_eq!(MfaPolicy::parse("Admins"), Some(MfaPolicy::Admins));
        assert_eq!(MfaPolicy::parse("everyone"), Some(MfaPolicy::Everyone));
        assert_eq!(MfaPolicy::parse("optional"), Some(MfaPolicy::Optional));
        assert_eq!(MfaPolicy::parse("off"), None);
        assert!(!MfaPolicy::Optional.requires(None));
        assert!(MfaPolicy::Everyone.requires(None));
        assert!(!MfaPolicy::Admins.requires(None));
    }
}
