//! Scope: the set of organisations an actor may act on for one capability. This file holds the one
//! function that computes it ([`compute`]); everything that authorises goes through it.

use std::sync::Arc;

use crate::model::organisation::{OrgId, OrgPath};
use crate::model::role::Reach;

/// A set of organisations, described so that membership is a prefix test and a storage query is a
/// range scan on the indexed path column. Only this crate can build one, and nothing can read one
/// from JSON: it is not deserialisable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(Inner);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inner {
    /// These organisations and all their descendants. Shared: a cluster's members are read once
    /// per request, and every scope computed from them points at the same list.
    Subtrees(Arc<[OrgPath]>),
    /// Exactly one organisation.
    Single(OrgId),
}

/// The live Service Provider Clusters an assignment is restricted to, as their members' paths (a
/// restricted assignment reaches only the members and the organisations below them). Built once
/// per request from storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction(Arc<[OrgPath]>);

impl Restriction {
    /// The members of an assignment's live clusters. A member outside the organisation the
    /// assignment is held at would widen its scope: such a member is dropped here, once.
    pub fn new(held_at: &OrgPath, members: impl IntoIterator<Item = OrgPath>) -> Self {
        let mut kept: Vec<OrgPath> = members.into_iter().filter(|m| held_at.covers(m)).collect();
        kept.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        kept.dedup();
        Self(kept.into())
    }

    pub fn members(&self) -> &[OrgPath] {
        &self.0
    }

    fn covers(&self, path: &OrgPath) -> bool {
        self.0.iter().any(|m| m.covers(path))
    }
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
/// restricted to clusters, the cluster members' subtrees replace the organisation's; a capability
/// of the organisation alone stays there only if a cluster covers the organisation itself.
pub fn compute(
    org: OrgId,
    org_path: &OrgPath,
    reach: Reach,
    clusters: Option<&Restriction>,
) -> Scope {
    match (reach, clusters) {
        (Reach::Organisation, Some(r)) if !r.covers(org_path) => {
            Scope(Inner::Subtrees(Arc::new([])))
        }
        (Reach::Organisation, _) => Scope(Inner::Single(org)),
        (Reach::Subtree, None) => Scope(Inner::Subtrees(Arc::new([org_path.clone()]))),
        (Reach::Subtree, Some(r)) => Scope(Inner::Subtrees(Arc::clone(&r.0))),
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
        assert!(compute(OrgId(1), &root, Reach::Subtree, None).is_everything());
        assert!(!compute(OrgId(1), &root, Reach::Organisation, None).is_everything());
        assert!(!compute(OrgId(2), &icb, Reach::Subtree, None).is_everything());
        // Clusters at the root restrict it to their members.
        let member = icb.child(OrgId(9));
        let r = Restriction::new(&root, [member]);
        assert!(!compute(OrgId(1), &root, Reach::Subtree, Some(&r)).is_everything());
    }

    #[test]
    fn subtree_reach_covers_the_organisation_and_its_descendants() {
        let (root, icb, sub, practice) = tree();
        let s = compute(OrgId(2), &icb, Reach::Subtree, None);
        assert!(s.contains(OrgId(2), &icb));
        assert!(s.contains(OrgId(3), &sub));
        assert!(s.contains(OrgId(4), &practice));
        assert!(!s.contains(OrgId(1), &root));
    }

    #[test]
    fn organisation_reach_covers_the_organisation_alone() {
        let (_, icb, sub, _) = tree();
        let s = compute(OrgId(2), &icb, Reach::Organisation, None);
        assert!(s.contains(OrgId(2), &icb));
        assert!(!s.contains(OrgId(3), &sub));
        assert_eq!(s.single(), Some(OrgId(2)));
    }

    #[test]
    fn clusters_restrict_scope_to_their_members_subtrees() {
        let (_, icb, sub, practice) = tree();
        let other = icb.child(OrgId(9));
        let r = Restriction::new(&icb, [sub.clone()]);
        let s = compute(OrgId(2), &icb, Reach::Subtree, Some(&r));
        assert!(s.contains(OrgId(4), &practice));
        assert!(!s.contains(OrgId(9), &other));
        assert!(!s.contains(OrgId(2), &icb));
    }

    #[test]
    fn a_cluster_member_outside_the_organisation_never_widens_scope() {
        let (root, icb, _, _) = tree();
        let elsewhere = root.child(OrgId(50));
        let r = Restriction::new(&icb, [elsewhere.clone()]);
        let s = compute(OrgId(2), &icb, Reach::Subtree, Some(&r));
        assert!(!s.contains(OrgId(50), &elsewhere));
        assert!(s.subtree_roots().is_empty());
    }

    #[test]
    fn several_clusters_reach_the_union_of_their_members() {
        let (_, icb, sub, practice) = tree();
        let other = icb.child(OrgId(9));
        let third = icb.child(OrgId(10));
        let r = Restriction::new(&icb, [sub.clone(), other.clone(), sub.clone()]);
        assert_eq!(r.members().len(), 2, "duplicates kept once");
        let s = compute(OrgId(2), &icb, Reach::Subtree, Some(&r));
        assert!(s.contains(OrgId(4), &practice));
        assert!(s.contains(OrgId(9), &other));
        assert!(!s.contains(OrgId(10), &third));
    }

    #[test]
    fn live_clusters_without_members_reach_nothing_rather_than_everything() {
        let (_, icb, sub, _) = tree();
        let r = Restriction::new(&icb, []);
        let s = compute(OrgId(2), &icb, Reach::Subtree, Some(&r));
        assert!(!s.contains(OrgId(2), &icb));
        assert!(!s.contains(OrgId(3), &sub));
    }

    #[test]
    fn a_capability_of_the_organisation_alone_needs_a_cluster_covering_it() {
        let (root, icb, sub, _) = tree();
        let below = Restriction::new(&icb, [sub.clone()]);
        assert!(
            !compute(OrgId(2), &icb, Reach::Organisation, Some(&below)).contains(OrgId(2), &icb)
        );
        let covering = Restriction::new(&root, [icb.clone()]);
        assert!(
            compute(OrgId(2), &icb, Reach::Organisation, Some(&covering)).contains(OrgId(2), &icb)
        );
    }

    mod property {
        use super::*;
        use proptest::prelude::*;

        /// A random tree of up to 40 organisations: each one's parent is an earlier one.
        fn arb_tree() -> impl Strategy<Value = Vec<OrgPath>> {
            prop::collection::vec(any::<prop::sample::Index>(), 1..40).prop_map(|parents| {
                let mut paths = vec![OrgPath::root(OrgId(1))];
                for (i, p) in parents.iter().enumerate() {
                    let parent = paths[p.index(paths.len())].clone();
                    paths.push(parent.child(OrgId(i as i64 + 2)));
                }
                paths
            })
        }

        /// The generated trees name every organisation by number, so the path's last part is it.
        fn id_of(path: &OrgPath) -> OrgId {
            let last = path.as_str().trim_end_matches('/').rsplit('/').next();
            OrgId(last.and_then(|n| n.parse().ok()).unwrap_or(0))
        }

        proptest! {
            /// Clusters only ever take away: for any tree, holder, reach and choice of members,
            /// every organisation in the restricted scope is in the unrestricted one.
            #[test]
            fn scope_with_clusters_is_a_subset_of_scope_without(
                tree in arb_tree(),
                holder in any::<prop::sample::Index>(),
                members in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
                organisation_reach in any::<bool>(),
            ) {
                let held = &tree[holder.index(tree.len())];
                let reach = if organisation_reach { Reach::Organisation } else { Reach::Subtree };
                let chosen: Vec<OrgPath> = members.iter().map(|m| tree[m.index(tree.len())].clone()).collect();
                let r = Restriction::new(held, chosen.clone());
                let with = compute(id_of(held), held, reach, Some(&r));
                let without = compute(id_of(held), held, reach, None);
                for org in &tree {
                    if with.contains(id_of(org), org) {
                        prop_assert!(without.contains(id_of(org), org), "{} escaped", org.as_str());
                        // And it is in reach only through a chosen member below the holder.
                        prop_assert!(chosen.iter().any(|m| held.covers(m) && m.covers(org)));
                    }
                }
            }
        }
    }
}
