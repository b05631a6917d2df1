//! Two Gatehouse instances on one PostgreSQL database (scaling out when one machine is
//! not enough). Nothing about a session, a decision or an email may live in one process only:
//! - a session started on one instance works on the other, and ends on both when signed out;
//! - an approval raced against a rejection across the two instances has exactly one outcome, one
//!   audit event and one email.
//!
//! The outbox half (two claimers on one PostgreSQL never get the same email) is the storage
//! conformance test `two_concurrent_claimers_share_the_rows_without_overlap` in
//! `store/tests/outbox.rs`, which runs on both backends.

use crate::support::*;
use reqwest::StatusCode;

async fn two_instances() -> Option<(TestApp, TestApp, sqlx::PgPool)> {
    let url = fresh_postgres().await?;
    // The first seeds the demo data; the second finds users there and leaves them alone.
    let a = TestApp::start_with(|c| c.database_url = url.clone()).await;
    let b = TestApp::start_with(|c| c.database_url = url.clone()).await;
    let db = sqlx::PgPool::connect(&url).await.expect("postgres");
    Some((a, b, db))
}

/// The same browser (its cookies) pointed at another instance.
fn at(browser: &Browser, app: &TestApp) -> Browser {
    Browser {
        client: browser.client.clone(),
        base: app.base.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_started_on_one_instance_works_on_the_other_and_ends_on_both() {
    let Some((a, b, db)) = two_instances().await else {
        return;
    };
    let on_a = a.browser();
    assert_eq!(location(&on_a.sign_in("account.admin").await), "/");
    let on_b = at(&on_a, &b);
    assert_eq!(
        on_b.viewer().await["email"],
        demo_email("account.admin"),
        "the session is not known to the other instance"
    );
    let home = on_b.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.expect("home").contains("Alex Admin"));

    // Signing out on B ends the session for A too.
    let out = on_b.post("sign_out", &[], Js::Off, "/").await;
    assert!(out.status().is_redirection(), "{}", out.status());
    assert!(on_a.viewer().await.is_null(), "A still knows the session");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_raced_against_a_rejection_across_instances_has_one_outcome() {
    let Some((a, b, db)) = two_instances().await else {
        return;
    };
    // The same administrator, signed in on each instance.
    let admin_a = a.browser();
    assert_eq!(location(&admin_a.sign_in("account.admin").await), "/");
    let admin_b = b.browser();
    assert_eq!(location(&admin_b.sign_in("account.admin").await), "/");

    const RACES: usize = 8;
    for n in 0..RACES {
        let email = format!("raced.{n}@example.org");
        let visitor = a.browser();
        visitor
            .post(
                "register_start",
                &[("email", &email), ("organisation", "A81001")],
                Js::On,
                "/register",
            )
            .await;
        let registered = visitor
            .post(
                "register",
                &[
                    ("email", &email),
                    ("org", "A81001"),
                    ("role", "6"),
                    ("first_name", "Rae"),
                    ("last_name", "Raced"),
                ],
                Js::On,
                "/register/details",
            )
            .await;
        assert!(registered.status().is_success(), "{}", registered.status());
        let id: i64 = sqlx::query_scalar(
            "SELECT a.id FROM role_assignments a JOIN users u ON u.id = a.user_id \
             WHERE u.email = $1 AND a.status = 'pending'",
        )
        .bind(&email)
        .fetch_one(&db)
        .await
        .expect("the pending registration");
        let id = id.to_string();

        let approving = [("id", id.as_str()), ("decision", "approve"), ("reason", "")];
        let rejecting = [
            ("id", id.as_str()),
            ("decision", "reject"),
            ("reason", "Not one of ours"),
        ];
        let (approve, reject) = tokio::join!(
            admin_a.post(
                "decide_registration",
                &approving,
                Js::On,
                "/pending-actions"
            ),
            admin_b.post(
                "decide_registration",
                &rejecting,
                Js::On,
                "/pending-actions"
            ),
        );
        let won = [approve.status(), reject.status()]
            .iter()
            .filter(|s| s.is_success())
            .count();
        assert_eq!(
            won,
            1,
            "race {n}: approve {} and reject {}: exactly one decision may succeed",
            approve.status(),
            reject.status()
        );

        let status: String =
            sqlx::query_scalar("SELECT status FROM role_assignments WHERE id = $1")
                .bind(id.parse::<i64>().expect("id"))
                .fetch_one(&db)
                .await
                .expect("status");
        let expected = if approve.status().is_success() {
            "active"
        } else {
            "rejected"
        };
        assert_eq!(
            status, expected,
            "race {n}: the stored outcome is the winner's"
        );
        let decisions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.target_user_id \
             WHERE u.email = $1 AND e.action IN ('registration_approved', 'registration_rejected')",
        )
        .bind(&email)
        .fetch_one(&db)
        .await
        .expect("audit");
        assert_eq!(decisions, 1, "race {n}: one decision, one audit event");
        let emails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
            .bind(&email)
            .fetch_one(&db)
            .await
            .expect("outbox");
        assert_eq!(emails, 1, "race {n}: one decision, one email");
    }
    db.close().await;
}
