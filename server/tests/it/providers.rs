//! Providers and their approval level over HTTP against the real app (SQLite, demo data).

use crate::support::{location, Js, TestApp};

async fn multi_level(app: &TestApp, code: &str) -> bool {
    let pool = sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("db");
    let on: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT multi_level_approval FROM organisations WHERE code = '{code}'"
    )))
    .fetch_one(&pool)
    .await
    .expect("row");
    pool.close().await;
    on
}

#[tokio::test]
async fn a_commissioner_switches_a_practice_to_multi_level_and_back() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("commissioner.tier1").await;
    let list = b
        .get("/providers?q=densham")
        .await
        .text()
        .await
        .expect("list");
    assert!(
        list.contains("The Densham Surgery") && list.contains("Single-level"),
        "{list}"
    );
    let page = b.get("/providers/A81001").await.text().await.expect("page");
    assert!(page.contains("Multi-level approval") && page.contains("type=\"checkbox\""));

    let on = b
        .post(
            "set_approval_level",
            &[("code", "A81001"), ("multi_level", "yes")],
            Js::Off,
            "/providers/A81001",
        )
        .await;
    assert_eq!(location(&on), "/providers/A81001?saved=1");
    assert!(multi_level(&app, "A81001").await);
    let off = b
        .post(
            "set_approval_level",
            &[("code", "A81001")],
            Js::Off,
            "/providers/A81001",
        )
        .await;
    assert_eq!(location(&off), "/providers/A81001?saved=1");
    assert!(!multi_level(&app, "A81001").await);
}

#[tokio::test]
async fn administrators_see_the_level_but_cannot_change_it() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    let page = b.get("/providers/A81001").await.text().await.expect("page");
    assert!(
        page.contains("Single-level") && !page.contains("type=\"checkbox\""),
        "{page}"
    );
    let refused = b
        .post(
            "set_approval_level",
            &[("code", "A81001"), ("multi_level", "yes")],
            Js::On,
            "/providers/A81001",
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert!(!multi_level(&app, "A81001").await);
}

#[tokio::test]
async fn providers_outside_scope_answer_as_missing() {
    let app = TestApp::start().await;
    // A practice's User Administrator reaches only that practice.
    let b = app.browser();
    b.sign_in("user.admin").await;
    let list = b
        .post(
            "list_providers",
            &[("search", ""), ("page", "1")],
            Js::On,
            "/providers",
        )
        .await;
    let body = list.text().await.expect("body");
    assert!(
        body.contains("A81001") && !body.contains("A81002"),
        "{body}"
    );
    let other = b
        .post("get_provider", &[("code", "A81002")], Js::On, "/providers")
        .await;
    assert_eq!(other.status(), 404);
    let missing = b
        .post("get_provider", &[("code", "Z99999")], Js::On, "/providers")
        .await;
    assert_eq!(missing.status(), 404);
    // A role with neither capability has no Providers page at all.
    let pu = app.browser();
    pu.sign_in("provider.user").await;
    let res = pu
        .post(
            "list_providers",
            &[("search", ""), ("page", "1")],
            Js::On,
            "/providers",
        )
        .await;
    assert_eq!(res.status(), 404);
    // Nor can a commissioner set a level through a code outside their area, or on a commissioner.
    let c = app.browser();
    c.sign_in("commissioner.tier1").await;
    let res = c
        .post(
            "set_approval_level",
            &[("code", "QHM"), ("multi_level", "yes")],
            Js::On,
            "/providers",
        )
        .await;
    assert_eq!(res.status(), 404);
}
