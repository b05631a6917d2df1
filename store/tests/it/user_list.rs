//! Conformance of what the Users list shows beside each person (the role it names, how many
//! roles their page lists, the date they were added) and of its download: always within the
//! viewer's scope, never a role outside it.

use domain::access::scope::{compute, Restriction};
use domain::model::assignment::AssignmentOrigin;
use domain::model::role::Reach;
use domain::storage::Users;
use domain::AssignmentStatus;
use store::Store;

use crate::users::{assign, people, query, subtree};

async fn the_list_names_a_role_in_scope_and_counts_only_those(s: &Store) {
    let [_, bob, ..] = people(s).await;
    // Bob's revoked role at Castle Practice sorts before his pending one at Harbour Surgery by
    // name; the list still names the pending one, which is what the administrator acts on.
    assign(s, bob, "A81001", 6, AssignmentStatus::Revoked).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (rows, _) = s.search_users(&query(qhm, "")).await.expect("search");
    let shown: Vec<(String, String, String, i64)> = rows
        .iter()
        .map(|r| {
            let role = r.first_role.as_ref().expect("a role in scope");
            (
                r.first_name.clone(),
                role.org_code.clone(),
                role.state().to_owned(),
                r.roles_in_scope,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Ann".into(), "A81001".into(), "Approved".into(), 1),
            (
                "Bob".into(),
                "A81002".into(),
                "Pending Registration".into(),
                2
            ),
            // Dan's role at Castleton, in QOP's area, is neither named nor counted for QHM.
            ("Dan".into(), "A81001".into(), "Approved".into(), 1),
        ]
    );
    assert!(
        rows.iter().all(|r| r.added.0 == 1),
        "the account's creation"
    );
    let harbour = rows[1].first_role.as_ref().expect("role");
    assert_eq!(
        (harbour.org_name.as_str(), harbour.role_name.is_empty()),
        ("Harbour Surgery", false)
    );
    assert_eq!(harbour.origin, AssignmentOrigin::Admin);
    // QOP's administrator sees Dan through Castleton only.
    let (qop, _) = subtree(s, "QOP").await;
    let (rows, _) = s.search_users(&query(qop, "dan")).await.expect("search");
    let dan = rows[0].first_role.as_ref().expect("role");
    assert_eq!(
        (dan.org_code.as_str(), rows[0].roles_in_scope),
        ("P84001", 1)
    );
}

async fn the_download_lists_every_role_in_scope_of_the_people_found(s: &Store) {
    let [_, bob, ..] = people(s).await;
    assign(s, bob, "A81001", 6, AssignmentStatus::Revoked).await;
    let (qhm, qhm_path) = subtree(s, "QHM").await;
    let lines = s
        .user_roles(&query(qhm.clone(), ""))
        .await
        .expect("download");
    let got: Vec<(String, String, AssignmentStatus)> = lines
        .iter()
        .map(|l| (l.email.clone(), l.role.org_code.clone(), l.role.status))
        .collect();
    assert_eq!(
        got,
        [
            (
                "ann.archer@example.nhs.uk".into(),
                "A81001".into(),
                AssignmentStatus::Active
            ),
            (
                "bob.baker@example.nhs.uk".into(),
                "A81001".into(),
                AssignmentStatus::Revoked
            ),
            (
                "bob.baker@example.nhs.uk".into(),
                "A81002".into(),
                AssignmentStatus::Pending
            ),
            // Not Dan's role at Castleton: it is outside QHM's area.
            (
                "dan.dyer@example.nhs.uk".into(),
                "A81001".into(),
                AssignmentStatus::Active
            ),
        ]
    );
    // The search narrows it as it narrows the list, and the limit holds.
    let dan = s
        .user_roles(&query(qhm.clone(), "dan"))
        .await
        .expect("download");
    assert_eq!(dan.len(), 1);
    let mut q = query(qhm, "");
    q.limit = 2;
    assert_eq!(s.user_roles(&q).await.expect("download").len(), 2);
    // A scope that reaches nothing (a restriction whose clusters are all gone) finds nothing.
    let root = qhm_path.clone();
    let nothing = compute(
        domain::OrgId(0),
        &root,
        Reach::Subtree,
        Some(&Restriction::new(&root, [])),
    );
    assert!(s
        .user_roles(&query(nothing.clone(), ""))
        .await
        .expect("download")
        .is_empty());
    assert_eq!(
        s.search_users(&query(nothing, "")).await.expect("search").1,
        0
    );
}

/// A session started (a sign-in) is what "last signed in" reads, on the list and the download.
async fn the_list_and_the_download_know_when_each_person_last_signed_in(s: &Store) {
    use domain::model::audit::{AuditAction, NewAudit};
    use domain::model::session::NewSession;
    use domain::storage::Sessions;
    use domain::values::clock::{SecretToken, Timestamp, TokenSource};
    struct Seven;
    impl TokenSource for Seven {
        fn random_bytes(&self) -> [u8; 32] {
            [7; 32]
        }
    }
    let [ann, ..] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (rows, _) = s
        .search_users(&query(qhm.clone(), "ann"))
        .await
        .expect("search");
    assert_eq!(rows[0].last_signed_in, None, "never");
    s.create_session(
        &NewSession {
            id_hash: SecretToken::generate(&Seven).hash(),
            user: ann,
            assignment: None,
            now: Timestamp(5_000),
            client: None,
            agent: None,
            proof: Default::default(),
        },
        &NewAudit::anonymous(AuditAction::SignIn, Timestamp(5_000), None),
    )
    .await
    .expect("session");
    let (rows, _) = s
        .search_users(&query(qhm.clone(), "ann"))
        .await
        .expect("search");
    assert_eq!(rows[0].last_signed_in, Some(Timestamp(5_000)));
    let lines = s.user_roles(&query(qhm, "ann")).await.expect("download");
    assert_eq!(lines[0].last_signed_in, Some(Timestamp(5_000)));
}

conformance!(
    the_list_and_the_download_know_when_each_person_last_signed_in,
    the_list_names_a_role_in_scope_and_counts_only_those,
    the_download_lists_every_role_in_scope_of_the_people_found,
);
