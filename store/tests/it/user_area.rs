//! Conformance of the copy of each organisation's path that a role assignment carries (the Users
//! search tests "is this person in my area?" from it): an ODS move that re-parents a practice, or
//! a sub-ICB location with its practices under it, moves the people who work there into the new
//! area of every administrator's search and out of the old one, on SQLite and PostgreSQL.

use domain::model::organisation::OrgKind;
use domain::storage::Directory;
use store::Store;

use crate::users::{org, people, query, subtree};

async fn emails(s: &Store, area: &str, text: &str) -> Vec<String> {
    use domain::storage::Users;
    let (scope, _) = subtree(s, area).await;
    let (rows, _) = s.search_users(&query(scope, text)).await.expect("search");
    rows.into_iter().map(|r| r.email).collect()
}

async fn an_ods_move_takes_the_people_of_a_practice_into_the_new_area(s: &Store) {
    people(s).await;
    let ann = "ann.archer@example.nhs.uk".to_owned();
    assert_eq!(emails(s, "16C", "ann").await, [ann.clone()]);
    assert!(emails(s, "QOP", "ann").await.is_empty());
    // Castle Practice (Ann's and one of Dan's) moves from Tees Valley to Greater Manchester.
    let summary = s
        .import_organisations(
            &[org("A81001", "Castle Practice", OrgKind::Provider, "QOP")],
            false,
            &|_| {},
            None,
        )
        .await
        .expect("import");
    assert_eq!(summary.moved, 1, "{summary:?}");
    assert!(
        emails(s, "16C", "ann").await.is_empty(),
        "out of the old area"
    );
    assert!(emails(s, "QHM", "").await.iter().all(|e| *e != ann));
    assert_eq!(emails(s, "QOP", "ann").await, [ann.clone()]);
    assert!(
        emails(s, "QOP", "").await.contains(&ann),
        "the unsearched list too"
    );
}

async fn a_moved_sub_icb_location_takes_its_practices_people_along(s: &Store) {
    people(s).await;
    let bob = "bob.baker@example.nhs.uk".to_owned();
    assert_eq!(emails(s, "QHM", "bob").await, [bob.clone()]);
    // Tees Valley and both its practices (Bob's Harbour Surgery among them) move to QOP: the
    // practices' paths change by the sub-ICB location's move, not a move of their own.
    s.import_organisations(
        &[org("16C", "Tees Valley", OrgKind::Commissioning, "QOP")],
        false,
        &|_| {},
        None,
    )
    .await
    .expect("import");
    assert!(emails(s, "QHM", "bob").await.is_empty());
    assert_eq!(emails(s, "QOP", "bob").await, [bob.clone()]);
    assert_eq!(emails(s, "16C", "bob").await, [bob]);
}

conformance!(
    an_ods_move_takes_the_people_of_a_practice_into_the_new_area,
    a_moved_sub_icb_location_takes_its_practices_people_along,
);
