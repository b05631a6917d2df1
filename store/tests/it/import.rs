//! Conformance of the organisation import on SQLite and PostgreSQL: an idempotent upsert that
//! adds, renames, closes and moves, never deletes, and keeps nothing in a dry run.

use domain::model::organisation::ImportSummary;
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::storage::Directory;
use domain::OdsCode;
use store::Store;

fn org(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: name.into(),
        kind,
        type_label: "Test".into(),
        parent_code: parent.map(|p| OdsCode::parse(p).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
    }
}

fn tree() -> Vec<NewOrganisation> {
    vec![
        org("Y63", "Region", OrgKind::Commissioning, None),
        org("QHM", "ICB", OrgKind::Commissioning, Some("Y63")),
        org("16C", "Tees", OrgKind::Commissioning, Some("QHM")),
        org("00K", "Durham", OrgKind::Commissioning, Some("QHM")),
        org("A81001", "Densham", OrgKind::Provider, Some("16C")),
        org("A81002", "Queens Park", OrgKind::Provider, Some("16C")),
    ]
}

fn quiet(_: usize) {}

async fn path_of(s: &Store, code: &str) -> String {
    s.organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("exists")
        .path
        .as_str()
        .to_owned()
}

async fn importing_twice_changes_nothing_the_second_time(s: &Store) {
    let first = s
        .import_organisations(&tree(), false, &quiet, None)
        .await
        .expect("import");
    assert_eq!(
        first,
        ImportSummary {
            added: 6,
            ..Default::default()
        }
    );
    // Regions hang under the platform root.
    let root = s.platform_root().await.expect("root");
    assert!(path_of(s, "A81001").await.starts_with(root.path.as_str()));
    let again = s
        .import_organisations(&tree(), false, &quiet, None)
        .await
        .expect("again");
    assert_eq!(
        again,
        ImportSummary {
            unchanged: 6,
            ..Default::default()
        }
    );
    assert_eq!(s.count_organisations().await.expect("n"), 7);
}

async fn renames_closures_and_moves_are_applied_and_nothing_is_deleted(s: &Store) {
    s.import_organisations(&tree(), false, &quiet, None)
        .await
        .expect("import");
    let tees_path = path_of(s, "16C").await;
    let mut edited = tree();
    edited[4].name = "The Densham Surgery".into();
    edited[5].end_date = Some("2024-03-31".into());
    // Tees moves under Durham's ICB sibling: its practices follow.
    edited[2].parent_code = Some(OdsCode::parse("00K").expect("code"));
    edited.remove(3 + 0); // Durham is absent from this extract...
    edited.insert(2, org("00K", "Durham", OrgKind::Commissioning, Some("QHM"))); // ...but comes first.
    let summary = s
        .import_organisations(&edited, false, &quiet, None)
        .await
        .expect("import");
    assert_eq!(summary.updated, 1, "{summary:?}");
    assert_eq!(summary.closed, 1, "{summary:?}");
    assert_eq!(summary.moved, 1, "{summary:?}");
    let durham = path_of(s, "00K").await;
    let tees = path_of(s, "16C").await;
    assert!(
        tees.starts_with(&durham) && tees != tees_path,
        "{tees} under {durham}"
    );
    assert!(path_of(s, "A81001").await.starts_with(&tees));
    assert!(path_of(s, "A81002").await.starts_with(&tees));
    let closed = s
        .organisation_by_code(&OdsCode::parse("A81002").expect("c"))
        .await
        .expect("q")
        .expect("kept");
    assert_eq!(closed.end_date.as_deref(), Some("2024-03-31"));
    // A closed practice leaves the pickers.
    assert!(s
        .find_organisations("Queens Park", 10)
        .await
        .expect("q")
        .is_empty());

    // An extract without some organisations deletes none of them.
    let partial = vec![org("Y63", "Region", OrgKind::Commissioning, None)];
    let summary = s
        .import_organisations(&partial, false, &quiet, None)
        .await
        .expect("import");
    assert_eq!(summary.unchanged, 1);
    assert_eq!(s.count_organisations().await.expect("n"), 7);
}

async fn a_dry_run_reports_and_keeps_nothing(s: &Store) {
    let summary = s
        .import_organisations(&tree(), true, &quiet, None)
        .await
        .expect("dry run");
    assert_eq!(summary.added, 6);
    assert_eq!(s.count_organisations().await.expect("n"), 1);
}

async fn bad_parents_and_cycles_are_refused_and_the_rest_imported(s: &Store) {
    s.import_organisations(&tree(), false, &quiet, None)
        .await
        .expect("import");
    let mut bad = tree();
    bad.push(org("A81003", "Orphan", OrgKind::Provider, Some("99Z")));
    bad.push(org(
        "A81004",
        "Under a practice",
        OrgKind::Provider,
        Some("A81001"),
    ));
    // QHM under one of its own descendants would make a cycle.
    bad[1].parent_code = Some(OdsCode::parse("16C").expect("c"));
    bad.push(org("A81005", "Fine", OrgKind::Provider, Some("16C")));
    let summary = s
        .import_organisations(&bad, false, &quiet, None)
        .await
        .expect("import");
    assert_eq!(summary.refused.len(), 3, "{summary:?}");
    assert_eq!(summary.added, 1);
    assert!(path_of(s, "A81005")
        .await
        .starts_with(&path_of(s, "16C").await));
    assert!(
        path_of(s, "16C")
            .await
            .starts_with(&path_of(s, "QHM").await),
        "no cycle was made"
    );
}

async fn an_import_that_changes_something_is_audited_once(s: &Store) {
    use domain::model::audit::{AuditAction, NewAudit};
    use domain::storage::Audit;
    use domain::storage::AuditQuery;
    let audit = NewAudit::anonymous(
        AuditAction::OrganisationsImported,
        domain::Timestamp(5),
        None,
    );
    let events = || async {
        let root = s.platform_root().await.expect("root");
        s.audit_events(&AuditQuery {
            scope: domain::access::scope::compute(
                root.id,
                &root.path,
                domain::Reach::Subtree,
                None,
            ),
            include_unplaced: true,
            user: None,
            action: Some(AuditAction::OrganisationsImported),
            from: None,
            until: None,
            offset: 0,
            limit: 10,
        })
        .await
        .expect("events")
        .0
    };
    s.import_organisations(&tree(), true, &quiet, Some(&audit))
        .await
        .expect("dry run");
    assert!(events().await.is_empty(), "a dry run records nothing");
    s.import_organisations(&tree(), false, &quiet, Some(&audit))
        .await
        .expect("import");
    let once = events().await;
    assert_eq!(once.len(), 1);
    assert_eq!(
        once[0].reason.as_deref(),
        Some("6 added, 0 updated, 0 closed, 0 moved, 0 unchanged")
    );
    s.import_organisations(&tree(), false, &quiet, Some(&audit))
        .await
        .expect("again");
    assert_eq!(
        events().await.len(),
        1,
        "an import that changes nothing records nothing"
    );
}

conformance!(
    an_import_that_changes_something_is_audited_once,
    importing_twice_changes_nothing_the_second_time,
    renames_closures_and_moves_are_applied_and_nothing_is_deleted,
    a_dry_run_reports_and_keeps_nothing,
    bad_parents_and_cycles_are_refused_and_the_rest_imported,
);
