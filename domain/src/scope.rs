//! Scope: the set of organisations an actor may act on for one capability. This file holds the one
//! function that computes it ([`compute`]); everything that authorises goes through it.

use serde::{Deserialize, Serialize};

use crate::org::{OrgId, OrgPath};
use crate::role::Reach;

/// A set of organisations, described so that membership is a prefix test and a storage query is a
/// range scan on the indexed path column. Only this crate can build one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope(Inner);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Inner {
    /// These organisations and all their descendants.
    Subtrees(Vec<OrgPath>),
    /// Exactly one organisation.
    Single(OrgId),
}

impl Scope {
    pub fn contains(&self, id: OrgId, path: &OrgPath) -> bool {
        match &self.0 {
            Inner::Subtrees(roots) => roots.iter().any(|r| r.covers(path)),
            Inner::Single(own) => *own == id,
        }
    }

    /// Path prefixes whose subtrees make up the scope (empty for a single organisation).
    pub fn subtree_roots(&self) -> &[OrgPath] {
        match &self.0 {
            Inner::Subtrees(roots) => roots,
            Inner::Single(_) => &[],
        }
    }

    /// True when the scope is the whole tree: a subtree rooted at the platform root, the one
    /// organisation without a parent (a national role, the Service Desk). Storage then needs no
    /// per-row test at all.
    pub fn is_everything(&self) -> bool {
        self.subtree_roots().iter().any(|r| r.depth() == 1)
    }

    pub fn single(&self) -> Option<OrgId> {
        match &self.0 {
            Inner::Single(id) => Some(*id),
            Inner::Subtrees(_) => None,
        }
    }
}

/// The scope of an assignment held at `org` for a capability of `reach`. Where the assignment is
/// restricted to clusters (seed 000: "only access organisations listed in the cluster along with
/// the organisations descendants"), the cluster members' subtrees replace the organisation's.
pub fn compute(org: OrgId, org_path: &OrgPath, reach: Reach, cluster_members: &[OrgPath]) -> Scope {
    match reach {
        Reach::Organisation => Scope(Inner::Single(org)),
        Reach::Subtree if cluster_members.is_empty() => {
            Scope(Inner::Subtrees(vec![org_path.clone()]))
        }
        Reach::Subtree => Scope(Inner::Subtrees(
            // A member outside the organisation's own subtree would widen scope: never allowed.
            cluster_members
                .iter()
                .filter(|m| org_path.covers(m))
                .cloned()
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (OrgPath, OrgPath, OrgPath, OrgPath) {
        let root = OrgPath::root(OrgId(1));
        let icb = root.child(OrgId(2));
        let sub = icb.child(OrgId(3));
        let practice = sub.child(OrgId(4));
        (root, icb, sub, practice)
    }

    #[test]
    fn only_a_subtree_at_the_platform_root_is_everything() {
        let (root, icb, _, _) = tree();
        assert!(compute(OrgId(1), &root, Reach::Subtree, &[]).is_everything());
        assert!(!compute(OrgId(1), &root, Reach::Organisation, &[]).is_everything());
        assert!(!compute(OrgId(2), &icb, Reach::Subtree, &[]).is_everything());
        // Clusters at the root restrict it to their members.
        let member = icb.child(OrgId(9));
        assert!(!compute(OrgId(1), &root, Reach::Subtree, &[member]).is_everything());
    }

    #[test]
    fn subtree_reach_covers_the_organisation_and_its_descendants() {
        let (root, icb, sub, practice) = tree();
        let s = compute(OrgId(2), &icb, Reach::Subtree, &[]);
        assert!(s.contains(OrgId(2), &icb));
        assert!(s.contains(OrgId(3), &sub));
        assert!(s.contains(OrgId(4), &practice));
        assert!(!s.contains(OrgId(1), &root));
    }

    #[test]
    fn organisation_reach_covers_the_organisation_alone() {
        let (_, icb, sub, _) = tree();
        let s = compute(OrgId(2), &icb, Reach::Organisation, &[]);
        assert!(s.contains(OrgId(2), &icb));
        assert!(!s.contains(OrgId(3), &sub));
        assert_eq!(s.single(), Some(OrgId(2)));
    }

    #[test]
    fn clusters_restrict_scope_to_their_members_subtrees() {
        let (_, icb, sub, practice) = tree();
        let other = icb.child(OrgId(9));
        let s = compute(OrgId(2), &icb, Reach::Subtree, std::slice::from_ref(&sub));
        assert!(s.contains(OrgId(4), &practice));
        assert!(!s.contains(OrgId(9), &other));
        assert!(!s.contains(OrgId(2), &icb));
    }

    #[test]
    fn a_cluster_member_outside_the_organisation_never_widens_scope() {
        let (root, icb, _, _) = tree();
        let elsewhere = root.child(OrgId(50));
        let s = compute(
            OrgId(2),
            &icb,
            Reach::Subtree,
            std::slice::from_ref(&elsewhere),
        );
        assert!(!s.contains(OrgId(50), &elsewhere));
    }
}
