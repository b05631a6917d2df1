//! The role catalogue is data (a table filled by a migration); this module only gives its rows
//! a shape. Code asks for capabilities, never for role names.

use serde::{Deserialize, Serialize};

use crate::model::organisation::OrgKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Capability {
    ManageUsers,
    GrantApproverRoles,
    ManageClusters,
    ManageOrganisations,
    SetApprovalLevel,
    ViewTasks,
    ServiceDesk,
}

impl Capability {
    pub const ALL: [Capability; 7] = [
        Capability::ManageUsers,
        Capability::GrantApproverRoles,
        Capability::ManageClusters,
        Capability::ManageOrganisations,
        Capability::SetApprovalLevel,
        Capability::ViewTasks,
        Capability::ServiceDesk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::ManageUsers => "manage_users",
            Capability::GrantApproverRoles => "grant_approver_roles",
            Capability::ManageClusters => "manage_clusters",
            Capability::ManageOrganisations => "manage_organisations",
            Capability::SetApprovalLevel => "set_approval_level",
            Capability::ViewTasks => "view_tasks",
            Capability::ServiceDesk => "service_desk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How far a capability reaches from the organisation of the assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reach {
    /// The organisation and all its descendants.
    Subtree,
    /// The organisation alone (User Administrator: "manage users for the GP practice only").
    Organisation,
}

impl Reach {
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Subtree => "subtree",
            Reach::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "subtree" => Some(Reach::Subtree),
            "organisation" => Some(Reach::Organisation),
            _ => None,
        }
    }
}

/// One row of `role_capabilities`: a role grants a capability with a reach, optionally only when
/// held at one kind of organisation (set_approval_level is a commissioner's switch, never a
/// practice's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub capability: Capability,
    pub reach: Reach,
    pub only_at: Option<OrgKind>,
}

/// Where a role may be held, with the role's description for that kind of organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub kind: OrgKind,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub approver_tier: bool,
    pub payment_restrictable: bool,
    pub holdings: Vec<Holding>,
    pub grants: Vec<Grant>,
    /// Roles that may not be held together with this one at one organisation (Commissioning User
    /// (tier 1) and Commissioning Approver (tier 2)).
    #[serde(default)]
    pub conflicts: Vec<RoleId>,
}

impl Role {
    pub fn conflicts_with(&self, other: RoleId) -> bool {
        self.conflicts.contains(&other)
    }

    pub fn may_be_held_at(&self, kind: OrgKind) -> bool {
        self.holdings.iter().any(|h| h.kind == kind)
    }

    pub fn description_at(&self, kind: OrgKind) -> Option<&str> {
        self.holdings
            .iter()
            .find(|h| h.kind == kind)
            .map(|h| h.description.as_str())
    }

    /// The grants that apply when this role is held at an organisation of `kind`.
    pub fn grants_at(&self, kind: OrgKind) -> impl Iterator<Item = &Grant> {
        self.grants
            .iter()
            .filter(move |g| g.only_at.is_none_or(|k| k == kind))
    }
}

/// The whole catalogue, loaded once from storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub roles: Vec<Role>,
    /// The payment types a starred role can be restricted to (QOF, DES, ...), in their order.
    #[serde(default)]
    pub payment_types: Vec<PaymentType>,
}

/// One payment type (data, not code: the catalogue migration fills them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentType {
    pub code: String,
    pub name: String,
}

impl Catalogue {
    pub fn role(&self, id: RoleId) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn by_name(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    pub fn payment_type(&self, code: &str) -> Option<&PaymentType> {
        self.payment_types.iter().find(|p| p.code == code)
    }

    /// Roles that may be held at an organisation of this kind, in catalogue order.
    pub fn holdable_at(&self, kind: OrgKind) -> impl Iterator<Item = &Role> {
        self.roles.iter().filter(move |r| r.may_be_held_at(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finance_view() -> Role {
        Role {
            id: RoleId(1),
            name: "Finance View*".into(),
            approver_tier: false,
            payment_restrictable: true,
            holdings: vec![
                Holding {
                    kind: OrgKind::Commissioning,
                    description: "c".into(),
                },
                Holding {
                    kind: OrgKind::Provider,
                    description: "p".into(),
                },
            ],
            grants: vec![Grant {
                capability: Capability::SetApprovalLevel,
                reach: Reach::Subtree,
                only_at: Some(OrgKind::Commissioning),
            }],
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn a_grant_limited_to_commissioners_does_not_apply_at_a_practice() {
        let r = finance_view();
        assert_eq!(r.grants_at(OrgKind::Commissioning).count(), 1);
        assert_eq!(r.grants_at(OrgKind::Provider).count(), 0);
    }

    #[test]
    fn descriptions_depend_on_the_kind_of_organisation() {
        let r = finance_view();
        assert_eq!(r.description_at(OrgKind::Provider), Some("p"));
        assert_eq!(r.description_at(OrgKind::Platform), None);
        assert!(!r.may_be_held_at(OrgKind::Platform));
    }

    #[test]
    fn capability_names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::parse(c.as_str()), Some(c));
        }
        assert_eq!(Capability::parse("root"), None);
    }
}
