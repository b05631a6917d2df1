//! Organisation administration over HTTP against the real app (SQLite, demo data).

use crate::support::{location, said, Js, TestApp};

async fn parent_path(app: &TestApp, code: &str) -> (String, String) {
    let pool = sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("db");
    let row: (String, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT p.code, o.path FROM organisations o JOIN organisations p ON p.id = o.parent_id WHERE o.code = '{code}'"
    )))
    .fetch_one(&pool)
    .await
    .expect("row");
    pool.close().await;
    row
}

fn create_form<'a>(code: &'a str, parent: &'a str, kind: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", "Tees Extended Access Hub"),
        ("kind", kind),
        ("type_label", "GP Practice"),
        ("parent", parent),
        ("start_date_day", "1"),
        ("start_date_month", "4"),
        ("start_date_year", "2024"),
        ("contract_type", "APMS"),
    ]
}

#[tokio::test]
async fn an_organisation_administrator_creates_searches_moves_and_closes() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("org.admin").await;
    let list = b
        .get("/organisations?q=densham")
        .await
        .text()
        .await
        .expect("list");
    assert!(
        list.contains("A81001") && list.contains("The Densham Surgery"),
        "{list}"
    );

    let created = b
        .post(
            "create_organisation",
            &create_form("Y99001", "16C", "provider"),
            Js::Off,
            "/organisations/new",
        )
        .await;
    assert_eq!(location(&created), "/organisations/Y99001?saved=created");
    let (parent, path) = parent_path(&app, "Y99001").await;
    assert_eq!(parent, "16C");
    let (_, tees) = parent_path(&app, "16C").await;
    assert!(path.starts_with(&tees));

    // The same code again, a parent outside scope, a provider under a provider, bad dates.
    let again = b
        .post(
            "create_organisation",
            &create_form("Y99001", "16C", "provider"),
            Js::On,
            "/organisations/new",
        )
        .await;
    assert!(said(again).await.contains("CodeTaken"));
    let outside = b
        .post(
            "create_organisation",
            &create_form("Y99002", "GATEHOUSE", "commissioning"),
            Js::On,
            "/organisations/new",
        )
        .await;
    assert!(said(outside).await.contains("ParentNotFound"));
    let under = b
        .post(
            "create_organisation",
            &create_form("Y99003", "A81001", "provider"),
            Js::On,
            "/organisations/new",
        )
        .await;
    assert!(said(under).await.contains("WrongParentKind"));
    let mut bad = create_form("Y99004", "16C", "");
    bad[6] = ("start_date_month", "13");
    let body = said(
        b.post("create_organisation", &bad, Js::On, "/organisations/new")
            .await,
    )
    .await;
    assert!(
        body.contains("KindMissing") && body.contains("DateInvalid"),
        "{body}"
    );

    // Move A81001 to another sub-ICB location: its path follows at once.
    let moved = b
        .post(
            "update_organisation",
            &[
                ("code", "A81001"),
                ("name", "The Densham Surgery"),
                ("type_label", "GP Practice"),
                ("parent", "00K"),
                ("start_date_day", "1"),
                ("start_date_month", "4"),
                ("start_date_year", "1974"),
                ("end_date_day", ""),
                ("end_date_month", ""),
                ("end_date_year", ""),
            ],
            Js::Off,
            "/organisations/A81001",
        )
        .await;
    assert_eq!(location(&moved), "/organisations/A81001?saved=updated");
    let (parent, path) = parent_path(&app, "A81001").await;
    assert_eq!(parent, "00K");
    let (_, durham) = parent_path(&app, "00K").await;
    assert!(path.starts_with(&durham), "{path} under {durham}");

    // A move under its own descendant is refused.
    let mut below = create_form("Y99009", "16C", "commissioning");
    below[3] = ("type_label", "Locality");
    let made = b
        .post("create_organisation", &below, Js::Off, "/organisations/new")
        .await;
    assert_eq!(location(&made), "/organisations/Y99009?saved=created");
    let cycle = b
        .post(
            "update_organisation",
            &[
                ("code", "16C"),
                ("name", "Tees"),
                ("type_label", "Sub-ICB Location"),
                ("parent", "Y99001"),
                ("start_date_day", "1"),
                ("start_date_month", "4"),
                ("start_date_year", "2020"),
                ("end_date_day", ""),
                ("end_date_month", ""),
                ("end_date_year", ""),
            ],
            Js::On,
            "/organisations/16C",
        )
        .await;
    let body = said(cycle).await;
    assert!(
        body.contains("WrongParentKind") || body.contains("Cycle"),
        "{body}"
    );

    // Closing: an end date.
    let closed = b
        .post(
            "update_organisation",
            &[
                ("code", "Y99001"),
                ("name", "Tees Extended Access Hub"),
                ("type_label", "GP Practice"),
                ("parent", "16C"),
                ("start_date_day", "1"),
                ("start_date_month", "4"),
                ("start_date_year", "2024"),
                ("end_date_day", "31"),
                ("end_date_month", "3"),
                ("end_date_year", "2025"),
            ],
            Js::Off,
            "/organisations/Y99001",
        )
        .await;
    assert_eq!(location(&closed), "/organisations/Y99001?saved=updated");
    // Kept as an ISO date, shown in words, and given back to the date boxes as typed.
    assert_eq!(
        app.texts("SELECT end_date FROM organisations WHERE code = 'Y99001'")
            .await,
        vec!["2025-03-31".to_owned()]
    );
    let list = b
        .get("/organisations?q=Y99001")
        .await
        .text()
        .await
        .expect("page");
    assert!(list.contains("31 March 2025"), "{list}");
    let page = b
        .get("/organisations/Y99001")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("name=\"end_date_day\"") && page.contains("value=\"31\""));

    // Creations and updates are on the audit trail.
    let pool = sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("db");
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT action, COUNT(*) FROM audit_events WHERE action LIKE 'organisation_%' GROUP BY action ORDER BY action",
    )
    .fetch_all(&pool)
    .await
    .expect("events");
    pool.close().await;
    assert!(
        counts
            .iter()
            .any(|(a, n)| a == "organisation_created" && *n >= 2)
            && counts.iter().any(|(a, _)| a == "organisation_updated"),
        "{counts:?}"
    );
}

#[tokio::test]
async fn organisation_administration_needs_manage_organisations_and_stays_in_scope() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin
        .post(
            "list_organisations",
            &[("search", ""), ("page", "1")],
            Js::On,
            "/organisations",
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = admin
        .post(
            "create_organisation",
            &create_form("Y99005", "16C", "provider"),
            Js::On,
            "/organisations/new",
        )
        .await;
    assert_eq!(res.status(), 404);
    // The Organisation Administrator may not touch the platform or their own organisation.
    let oa = app.browser();
    oa.sign_in("org.admin").await;
    let res = oa
        .post(
            "get_organisation",
            &[("code", "GATEHOUSE")],
            Js::On,
            "/organisations",
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = oa
        .post(
            "update_organisation",
            &[
                ("code", "QHM"),
                ("name", "Renamed"),
                ("type_label", "ICB"),
                ("parent", "QHM"),
                ("start_date_day", "1"),
                ("start_date_month", "7"),
                ("start_date_year", "2022"),
                ("end_date_day", ""),
                ("end_date_month", ""),
                ("end_date_year", ""),
            ],
            Js::On,
            "/organisations/QHM",
        )
        .await;
    assert_eq!(res.status(), 404);
}
