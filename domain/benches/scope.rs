//! The scope check of one request (under 10 µs in process): the actor is built from the
//! active assignment the session names, its scope for a capability computed, and a target
//! organisation tested against it, as `domain::features::users` does for every Users request.
//! `cargo bench -p domain --bench scope` prints the figures.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use domain::access::actor::Actor;
use domain::access::scope::Restriction;
use domain::model::organisation::OrgRef;
use domain::model::role::{Grant, Holding, Role};
use domain::{AssignmentId, Capability, OrgId, OrgKind, OrgPath, Reach, RoleId, UserId};

/// The platform root, an ICB, a sub-ICB location and a practice: the real tree's depth.
fn tree() -> (OrgPath, OrgPath, OrgPath) {
    let root = OrgPath::root(OrgId(1));
    let icb = root.child(OrgId(2));
    let sub_icb = icb.child(OrgId(300));
    let practice = sub_icb.child(OrgId(12_345));
    (
        icb,
        practice,
        root.child(OrgId(4)).child(OrgId(500)).child(OrgId(9_999)),
    )
}

fn administrator() -> Role {
    let grant = |capability, reach| Grant {
        capability,
        reach,
        only_at: None,
    };
    Role {
        id: RoleId(8),
        name: "Advanced User Administrator".into(),
        approver_tier: false,
        payment_restrictable: false,
        holdings: vec![Holding {
            kind: OrgKind::Commissioning,
            description: String::new(),
        }],
        grants: vec![
            grant(Capability::ViewTasks, Reach::Subtree),
            grant(Capability::ManageOrganisations, Reach::Subtree),
            grant(Capability::ManageUsers, Reach::Subtree),
        ],
        conflicts: Vec::new(),
    }
}

fn icb_ref(path: &OrgPath) -> OrgRef {
    OrgRef {
        id: OrgId(2),
        code: "QHM".into(),
        name: "NHS Cheshire and Merseyside ICB".into(),
        kind: OrgKind::Commissioning,
        path: path.clone(),
    }
}

fn scope_check(c: &mut Criterion) {
    let (icb, practice, elsewhere) = tree();
    let role = administrator();
    let org = icb_ref(&icb);

    c.bench_function("request scope check: actor, scope, one organisation", |b| {
        b.iter(|| {
            let actor = Actor::new(
                UserId(7),
                AssignmentId(70),
                black_box(org.clone()),
                black_box(&role),
                None,
            );
            let scope = actor
                .permit(Capability::ManageUsers)
                .expect("granted")
                .into_scope();
            black_box(scope.contains(OrgId(12_345), black_box(&practice)))
                && !scope.contains(OrgId(9_999), black_box(&elsewhere))
        })
    });

    // A cluster-restricted assignment: 200 member practices, the target the last one.
    let members: Vec<OrgPath> = (0..200)
        .map(|i| icb.child(OrgId(300)).child(OrgId(20_000 + i)))
        .collect();
    let last = members.last().cloned().expect("members");
    // The members arrive with the request's assignment, read from storage once per request into
    // a shared restriction: making that list is the read's cost, not the check's, so it is built
    // outside the timing, and the check clones a pointer to it.
    let restriction = Restriction::new(&icb, members);
    c.bench_function(
        "request scope check: 200-practice cluster, last member",
        |b| {
            b.iter(|| {
                let actor = Actor::new(
                    UserId(7),
                    AssignmentId(70),
                    black_box(org.clone()),
                    black_box(&role),
                    Some(black_box(&restriction).clone()),
                );
                let scope = actor
                    .permit(Capability::ManageUsers)
                    .expect("granted")
                    .into_scope();
                black_box(scope.contains(OrgId(20_199), black_box(&last)))
            })
        },
    );
}

criterion_group!(benches, scope_check);
criterion_main!(benches);
