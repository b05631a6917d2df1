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
}
