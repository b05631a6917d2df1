//! The actor: a signed-in user acting as exactly one active role assignment, never as the union
//! of their roles. The capabilities of that assignment are the only doors open to the code.
//! See docs/requirements.md#organisations-roles-and-scope.

use crate::access::scope::{self, Restriction, Scope};
use crate::model::assignment::AssignmentId;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::{OrgId, OrgPath, OrgRef};
use crate::model::role::{Capability, Reach, Role, RoleId};
use crate::model::user::{User, UserId};
use crate::values::clock::Timestamp;
use crate::values::clock::TokenHash;

/// Neither serialisable nor deserialisable: authority is computed on the server from the
/// session, never read from a request or sent to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub assignment: AssignmentId,
    pub organisation: OrgRef,
    pub role: RoleId,
    pub role_name: String,
    grants: Vec<(Capability, Reach)>,
    /// The live clusters the assignment is restricted to; none means the whole organisation, and a
    /// restriction with no member left (its clusters all retired) means nothing at all.
    clusters: Option<Restriction>,
    /// The payment types a starred role is restricted to; none means all of them.
    payment_types: Vec<String>,
}

/// Refused: the active role does not hold the capability. Callers answer "not found" or
/// "you do not have permission", never with details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("your role does not allow this")]
pub struct Denied;

impl Actor {
    pub fn new(
        user: UserId,
        assignment: AssignmentId,
        organisation: OrgRef,
        role: &Role,
        clusters: Option<Restriction>,
    ) -> Self {
        let grants = role
            .grants_at(organisation.kind)
            .map(|g| (g.capability, g.reach))
            .collect();
        Self {
            user,
            assignment,
            organisation,
            role: role.id,
            role_name: role.name.clone(),
            grants,
            clusters,
            payment_types: Vec::new(),
        }
    }

    /// The assignment's payment types (empty: all of them).
    pub fn with_payment_types(mut self, payment_types: Vec<String>) -> Self {
        self.payment_types = payment_types;
        self
    }

    pub fn payment_types(&self) -> &[String] {
        &self.payment_types
    }

    /// Whether this session may act on `payment_type` for the organisation at `path`: the
    /// organisation is within the assignment's reach (clusters included), and the assignment is
    /// not restricted to other payment types (none ticked means all payment types). The
    /// question a downstream reporting system asks before showing or accepting a claim.
    pub fn may_act_on_payment_type(&self, id: OrgId, path: &OrgPath, payment_type: &str) -> bool {
        self.scope().contains(id, path)
            && (self.payment_types.is_empty()
                || self.payment_types.iter().any(|p| p == payment_type))
    }

    /// The reach of a capability for this actor. The Service Desk holds every capability
    /// everywhere below its organisation, the root of the tree.
    fn reach_of(&self, capability: Capability) -> Option<Reach> {
        let direct = self
            .grants
            .iter()
            .find(|(c, _)| *c == capability)
            .map(|(_, r)| *r);
        let desk = self
            .grants
            .iter()
            .any(|(c, _)| *c == Capability::ServiceDesk);
        match (direct, desk) {
            (_, true) => Some(Reach::Subtree),
            (Some(r), false) => Some(r),
            (None, false) => None,
        }
    }

    /// Whether the active role holds `capability`: for what a page offers. A decision to act
    /// goes through [`Actor::permit`], which also says where.
    pub fn has(&self, capability: Capability) -> bool {
        self.reach_of(capability).is_some()
    }

    /// The one door to every capability check: a [`Permit`] when the active role holds
    /// `capability`, carrying the organisations it reaches with it; [`Denied`] otherwise.
    pub fn permit(&self, capability: Capability) -> Result<Permit<'_>, Denied> {
        let reach = self.reach_of(capability).ok_or(Denied)?;
        Ok(Permit {
            actor: self,
            capability,
            scope: scope::compute(
                self.organisation.id,
                &self.organisation.path,
                reach,
                self.clusters.as_ref(),
            ),
        })
    }

    /// What the assignment lets the actor see at all: its organisation and descendants.
    pub fn scope(&self) -> Scope {
        scope::compute(
            self.organisation.id,
            &self.organisation.path,
            Reach::Subtree,
            self.clusters.as_ref(),
        )
    }

    /// The clusters this assignment is restricted to, if any.
    pub fn clusters(&self) -> Option<&Restriction> {
        self.clusters.as_ref()
    }

    /// True when the assignment is restricted to clusters none of which reaches anything any
    /// more (all retired): the role then reaches no organisation at all, and its holder is told
    /// why on Home.
    pub fn reaches_nothing(&self) -> bool {
        self.clusters
            .as_ref()
            .is_some_and(|r| r.members().is_empty())
    }

    pub fn capabilities(&self) -> Vec<Capability> {
        Capability::ALL
            .into_iter()
            .filter(|c| self.has(*c))
            .collect()
    }
}

/// Proof that the acting role holds one capability, and the organisations it reaches with it.
/// Only [`Actor::permit`] makes one: a use case holding a `Permit` was reached through the check,
/// and a scope is never computed any other way. A restriction to clusters that have all been
/// retired gives a permit that reaches nothing.
#[derive(Debug, Clone)]
pub struct Permit<'a> {
    actor: &'a Actor,
    capability: Capability,
    scope: Scope,
}

impl<'a> Permit<'a> {
    /// Who holds the permit (for the audit event of what they do with it).
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    pub fn capability(&self) -> Capability {
        self.capability
    }

    /// The organisations the capability reaches.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn into_scope(self) -> Scope {
        self.scope
    }

    /// Whether the organisation at `path` is within reach.
    pub fn reaches(&self, id: OrgId, path: &OrgPath) -> bool {
        self.scope.contains(id, path)
    }
}

/// A signed-in request: the user and, if the session acts as a still-active assignment, the actor.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub session: TokenHash,
    pub user: User,
    pub actor: Option<Actor>,
    /// When the session began: the absolute time-out counts from here.
    pub started_at: Timestamp,
    /// When the session ends if nothing more happens (the idle or the absolute time-out).
    pub ends_at: Timestamp,
    /// How many active roles the user holds: Switch Role is offered only when there is another.
    pub active_roles: i64,
    /// How the person proved who they are on this session.
    pub proof: crate::model::session::SessionProof,
    /// Whether the person has a second factor set up.
    pub has_second_factor: bool,
    /// What the session must do before anything else (enter a code, set up a second factor);
    /// while it is set, `actor` is `None`.
    pub gate: Option<crate::model::second_factor::Gate>,
    /// The assignment the session acts as, even while a gate withholds its actor.
    pub session_assignment: Option<crate::model::assignment::AssignmentId>,
}

/// Audit events written by an actor carry who they acted as; only this floor knows an actor.
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
}

/// The role an actor acts as, in words.
fn acting_as(actor: &Actor) -> String {
    format!("{} at {}", actor.role_name, actor.organisation.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::organisation::OrgKind;
    use crate::model::role::{Grant, Holding};

    fn role(grants: Vec<Grant>) -> Role {
        Role {
            id: RoleId(3),
            name: "User Administrator".into(),
            approver_tier: false,
            payment_restrictable: false,
            holdings: vec![Holding {
                kind: OrgKind::Commissioning,
                description: String::new(),
            }],
            grants,
            conflicts: Vec::new(),
        }
    }

    fn org(kind: OrgKind) -> OrgRef {
        let path = OrgPath::root(OrgId(1)).child(OrgId(2));
        OrgRef {
            id: OrgId(2),
            code: "QHM".into(),
            name: "ICB".into(),
            kind,
            path,
        }
    }

    #[test]
    fn an_actor_without_the_capability_is_denied() {
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            org(OrgKind::Commissioning),
            &role(vec![]),
            None,
        );
        assert_eq!(a.permit(Capability::ManageUsers).err(), Some(Denied));
        assert!(a.capabilities().is_empty());
    }

    #[test]
    fn a_user_administrator_manages_users_of_their_own_organisation_only() {
        let g = Grant {
            capability: Capability::ManageUsers,
            reach: Reach::Organisation,
            only_at: None,
        };
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            org(OrgKind::Commissioning),
            &role(vec![g]),
            None,
        );
        let s = a
            .permit(Capability::ManageUsers)
            .expect("granted")
            .into_scope();
        let child = a.organisation.path.child(OrgId(3));
        assert!(s.contains(OrgId(2), &a.organisation.path));
        assert!(!s.contains(OrgId(3), &child));
        // Seeing is still the whole subtree.
        assert!(a.scope().contains(OrgId(3), &child));
    }

    #[test]
    fn the_service_desk_holds_every_capability() {
        let g = Grant {
            capability: Capability::ServiceDesk,
            reach: Reach::Subtree,
            only_at: None,
        };
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            org(OrgKind::Platform),
            &role(vec![g]),
            None,
        );
        assert_eq!(a.capabilities(), Capability::ALL.to_vec());
    }

    #[test]
    fn payment_types_travel_with_the_assignment_and_none_means_all() {
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            org(OrgKind::Commissioning),
            &role(vec![]),
            None,
        );
        let practice = a.organisation.path.child(OrgId(7));
        let elsewhere = OrgPath::root(OrgId(1)).child(OrgId(99)).child(OrgId(8));
        assert!(a.may_act_on_payment_type(OrgId(7), &practice, "QOF"));
        assert!(a.may_act_on_payment_type(OrgId(7), &practice, "DES"));
        assert!(
            !a.may_act_on_payment_type(OrgId(8), &elsewhere, "QOF"),
            "outside the organisation"
        );
        let qof_only = a.with_payment_types(vec!["QOF".into()]);
        assert!(qof_only.may_act_on_payment_type(OrgId(7), &practice, "QOF"));
        assert!(!qof_only.may_act_on_payment_type(OrgId(7), &practice, "DES"));
    }

    #[test]
    fn payment_types_and_clusters_restrict_together() {
        let held = org(OrgKind::Commissioning);
        let inside = held.path.child(OrgId(7));
        let outside_cluster = held.path.child(OrgId(8));
        let r = Restriction::new(&held.path, [inside.clone()]);
        let a = Actor::new(UserId(1), AssignmentId(1), held, &role(vec![]), Some(r))
            .with_payment_types(vec!["LES".into()]);
        assert!(a.may_act_on_payment_type(OrgId(7), &inside, "LES"));
        assert!(!a.may_act_on_payment_type(OrgId(8), &outside_cluster, "LES"));
        assert!(!a.may_act_on_payment_type(OrgId(7), &inside, "QOF"));
    }

    #[test]
    fn a_role_whose_clusters_are_all_retired_reaches_nothing_for_every_capability() {
        let held = org(OrgKind::Commissioning);
        let inside = held.path.child(OrgId(7));
        let manage = Grant {
            capability: Capability::ManageUsers,
            reach: Reach::Subtree,
            only_at: None,
        };
        let own_only = Grant {
            capability: Capability::ManageClusters,
            reach: Reach::Organisation,
            only_at: None,
        };
        let none_left = Restriction::new(&held.path, []);
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            held.clone(),
            &role(vec![manage, own_only]),
            Some(none_left),
        );
        assert!(a.reaches_nothing());
        for scope in [
            a.scope(),
            a.permit(Capability::ManageUsers)
                .expect("granted")
                .into_scope(),
            a.permit(Capability::ManageClusters)
                .expect("granted")
                .into_scope(),
        ] {
            assert!(!scope.contains(OrgId(7), &inside));
            assert!(!scope.contains(held.id, &held.path));
            assert!(!scope.is_everything());
        }
        assert!(!a.may_act_on_payment_type(OrgId(7), &inside, "QOF"));
        let unrestricted = Actor::new(UserId(1), AssignmentId(1), held, &role(vec![]), None);
        assert!(!unrestricted.reaches_nothing());
    }

    #[test]
    fn a_grant_for_another_kind_of_organisation_does_not_apply() {
        let g = Grant {
            capability: Capability::SetApprovalLevel,
            reach: Reach::Subtree,
            only_at: Some(OrgKind::Commissioning),
        };
        let a = Actor::new(
            UserId(1),
            AssignmentId(1),
            org(OrgKind::Provider),
            &role(vec![g]),
            None,
        );
        assert!(!a.has(Capability::SetApprovalLevel));
    }
}
