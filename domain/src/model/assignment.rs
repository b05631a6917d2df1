use serde::{Deserialize, Serialize};

use crate::model::organisation::OrgId;
use crate::model::organisation::OrgRef;
use crate::model::role::RoleId;
use crate::model::user::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssignmentId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AssignmentStatus {
    Pending,
    Active,
    Rejected,
    Withdrawn,
    Revoked,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Pending => "pending",
            AssignmentStatus::Active => "active",
            AssignmentStatus::Rejected => "rejected",
            AssignmentStatus::Withdrawn => "withdrawn",
            AssignmentStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(AssignmentStatus::Pending),
            "active" => Some(AssignmentStatus::Active),
            "rejected" => Some(AssignmentStatus::Rejected),
            "withdrawn" => Some(AssignmentStatus::Withdrawn),
            "revoked" => Some(AssignmentStatus::Revoked),
            _ => None,
        }
    }

    /// The words Available Roles shows (an active assignment reads "Approved").
    pub fn label(self) -> &'static str {
        match self {
            AssignmentStatus::Pending => "Pending",
            AssignmentStatus::Active => "Approved",
            AssignmentStatus::Rejected => "Rejected",
            AssignmentStatus::Withdrawn => "Withdrawn",
            AssignmentStatus::Revoked => "Revoked",
        }
    }
}

/// How an assignment came about, as far as its state's words depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AssignmentOrigin {
    /// Given by an administrator (Add New User, Add Organisation, Add Organisation Users).
    Admin,
    Registration,
    Invitation,
    Request,
}

impl AssignmentOrigin {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(AssignmentOrigin::Admin),
            "registration" => Some(AssignmentOrigin::Registration),
            "invitation" => Some(AssignmentOrigin::Invitation),
            "request" => Some(AssignmentOrigin::Request),
            _ => None,
        }
    }
}

/// The words for an assignment's state in lists and downloads: a pending one says what it waits
/// for ("Pending Access Request" is the job aid's status, reviewed with View on the user's page).
pub fn state_words(status: AssignmentStatus, origin: AssignmentOrigin) -> &'static str {
    match (status, origin) {
        (AssignmentStatus::Pending, AssignmentOrigin::Request) => "Pending Access Request",
        (AssignmentStatus::Pending, AssignmentOrigin::Invitation) => "Invited",
        (AssignmentStatus::Pending, _) => "Pending Registration",
        (s, _) => s.label(),
    }
}

/// One role of a user, as the Users list and its download show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLine {
    pub org_code: String,
    pub org_name: String,
    pub role_name: String,
    pub status: AssignmentStatus,
    pub origin: AssignmentOrigin,
    /// When it was asked for or given.
    pub since: crate::values::clock::Timestamp,
    /// It ended on its date.
    #[serde(default)]
    pub expired: bool,
}

impl RoleLine {
    pub fn state(&self) -> &'static str {
        if self.expired {
            "Expired"
        } else {
            state_words(self.status, self.origin)
        }
    }
}

/// Whether a role with this end may be used at `now`: up to its end instant, not a second after
/// (a role without an end: always). Compared on every request, so a role stops at its end
/// whether or not anything has marked it ended.
pub fn usable(
    ends_at: Option<crate::values::clock::Timestamp>,
    now: crate::values::clock::Timestamp,
) -> bool {
    ends_at.is_none_or(|end| now.0 < end.0)
}

/// A role assignment with the names needed to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: AssignmentId,
    pub user: UserId,
    pub organisation: OrgRef,
    pub role: RoleId,
    pub role_name: String,
    pub status: AssignmentStatus,
    pub payment_types: Vec<String>,
    /// The clusters the assignment is restricted to: (short name, name); a retired one's name
    /// ends in " (retired)".
    pub clusters: Vec<(String, String)>,
    /// When its access ends by itself, if it does.
    #[serde(default)]
    pub ends_at: Option<crate::values::clock::Timestamp>,
    /// It ended on its date (it reads "Expired", not "Revoked").
    #[serde(default)]
    pub expired: bool,
}

impl AssignmentView {
    /// Whether it may be acted as at `now`: active, and not past its end.
    pub fn in_force(&self, now: crate::values::clock::Timestamp) -> bool {
        self.status == AssignmentStatus::Active && usable(self.ends_at, now)
    }

    /// The words for its state at `now`: "Expired" for a role that ended on its date, whether or
    /// not the sweep has marked it yet.
    pub fn status_words(&self, now: crate::values::clock::Timestamp) -> &'static str {
        if self.expired || (self.status == AssignmentStatus::Active && !self.in_force(now)) {
            "Expired"
        } else {
            self.status.label()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub user: UserId,
    pub organisation: OrgId,
    pub role: RoleId,
    pub status: AssignmentStatus,
    pub payment_types: Vec<String>,
    pub created_at: crate::values::clock::Timestamp,
}

/// Roles held per organisation, in the order first seen (My Account).
pub fn group_by_organisation(views: &[AssignmentView]) -> Vec<(OrgRef, Vec<&AssignmentView>)> {
    let mut groups: Vec<(OrgRef, Vec<&AssignmentView>)> = Vec::new();
    for v in views {
        match groups.iter_mut().find(|(o, _)| o.id == v.organisation.id) {
            Some((_, list)) => list.push(v),
            None => groups.push((v.organisation.clone(), vec![v])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::organisation::{OrgKind, OrgPath};

    fn view(id: i64, org: i64, role: &str) -> AssignmentView {
        AssignmentView {
            id: AssignmentId(id),
            user: UserId(1),
            organisation: OrgRef {
                id: OrgId(org),
                code: format!("O{org}X"),
                name: format!("Org {org}"),
                kind: OrgKind::Provider,
                path: OrgPath::root(OrgId(org)),
            },
            role: RoleId(id),
            role_name: role.into(),
            status: AssignmentStatus::Active,
            payment_types: vec![],
            clusters: vec![],
            ends_at: None,
            expired: false,
        }
    }

    #[test]
    fn roles_are_grouped_under_their_organisation() {
        let views = vec![view(1, 10, "A"), view(2, 20, "B"), view(3, 10, "C")];
        let groups = group_by_organisation(&views);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0.id, OrgId(10));
        let names: Vec<_> = groups[0].1.iter().map(|v| v.role_name.as_str()).collect();
        assert_eq!(names, ["A", "C"]);
    }

    #[test]
    fn statuses_round_trip_through_storage_names() {
        for s in [
            AssignmentStatus::Pending,
            AssignmentStatus::Active,
            AssignmentStatus::Rejected,
            AssignmentStatus::Withdrawn,
            AssignmentStatus::Revoked,
        ] {
            assert_eq!(AssignmentStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_pending_role_says_what_it_waits_for() {
        use AssignmentOrigin as O;
        use AssignmentStatus as S;
        assert_eq!(
            state_words(S::Pending, O::Request),
            "Pending Access Request"
        );
        assert_eq!(state_words(S::Pending, O::Invitation), "Invited");
        assert_eq!(
            state_words(S::Pending, O::Registration),
            "Pending Registration"
        );
        assert_eq!(state_words(S::Active, O::Request), "Approved");
        assert_eq!(state_words(S::Revoked, O::Admin), "Revoked");
        for o in ["admin", "registration", "invitation", "request"] {
            assert!(AssignmentOrigin::parse(o).is_some(), "{o}");
        }
        assert_eq!(AssignmentOrigin::parse("other"), None);
    }
}
