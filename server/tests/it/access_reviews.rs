//! Access reviews over HTTP against the real app (SQLite, demo data): an administrator above a
//! practice starts a review of it, marks rows Keep and End access as the page's forms post them
//! without JavaScript, is refused at the field for an end without a reason and for their own
//! role, completes the review (which ends the marked roles, once) and downloads it as CSV.

use crate::support::{location, said, Js, Origin, TestApp};

/// `n` people with a Provider User role at `code`; their assignments.
async fn staff_at(app: &TestApp, code: &str, n: usize) -> Vec<i64> {
    let org = app.organisation(code).await;
    let role = app.role("Provider User").await;
    let mut out = Vec::new();
    for i in 0..n {
        let who = app
            .add_person(
                &format!("reviewed.{i:02}@example.nhs.uk"),
                "Rev",
                &format!("Person{i:02}"),
                "active",
            )
            .await;
        out.push(
            app.add_assignment(who, org, role, "active", Origin::Invitation, None)
                .await,
        );
    }
    out
}

#[tokio::test]
async fn a_review_of_a_practice_keeps_some_ends_some_and_downloads() {
    let app = TestApp::start().await;
    let roles = staff_at(&app, "A81030", 30).await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    // Start: a code outside the area is refused at the field, and nothing is written.
    let start = |code: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post(
                    "start_access_review",
                    &[
                        ("review_of", "organisation"),
                        ("code", code),
                        ("due_days", "14"),
                        ("unreviewed", "keep"),
                    ],
                    Js::Off,
                    "/reviews",
                )
                .await
        }
    };
    let res = admin
        .post(
            "start_access_review",
            &[
                ("review_of", "organisation"),
                ("code", "P84001"),
                ("due_days", "14"),
            ],
            Js::On,
            "/reviews",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("ReviewOrganisation"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM access_reviews").await, 0);
    let res = start("A81030").await;
    let to = location(&res);
    assert!(
        to.starts_with("/reviews/") && to.ends_with("?done=started"),
        "{to}"
    );
    let id = app.scalar("SELECT MAX(id) FROM access_reviews").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM access_review_items WHERE review_id = {id}"
        ))
        .await,
        30
    );
    // The page: 25 rows a page, progress, and the second page holding the rest.
    let page = admin
        .get(&format!("/reviews/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("0 of 30 reviewed"), "progress");
    assert!(page.contains("30 roles match, page 1 of 2"));
    let second = admin
        .get(&format!("/reviews/{id}?state=all&org=&page=2"))
        .await
        .text()
        .await
        .expect("page 2");
    assert!(second.contains("page 2 of 2") && second.contains("reviewed.29@example.nhs.uk"));
    // End access for a row without a reason: refused at the reason's field, nothing marked.
    let one = |what: &str, row: i64| format!("{what}:{row}");
    let res = admin
        .post(
            "mark_access_review",
            &[
                ("id", &id.to_string()),
                ("one", &one("end", roles[0])),
                ("reason", " "),
            ],
            Js::On,
            "/reviews",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("EndReasonEmpty"));
    // Tick three rows and end them with a reason; keep every row of the first page.
    let ticked: Vec<String> = roles[..3].iter().map(|r| r.to_string()).collect();
    let mut form = vec![
        ("id".to_owned(), id.to_string()),
        ("decision".to_owned(), "end".to_owned()),
        ("reason".to_owned(), "Left the practice".to_owned()),
        ("back".to_owned(), "state=all&org=&page=1".to_owned()),
    ];
    // Ticked boxes of rows 1, 2 and 5 of the page: the form's indices have gaps.
    form.extend(
        ticked
            .iter()
            .zip([0, 1, 4])
            .map(|(t, i)| (format!("rows[{i}]"), t.clone())),
    );
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = admin
        .post("mark_access_review", &form, Js::Off, "/reviews")
        .await;
    assert!(
        location(&res).contains("done=marked&n=3"),
        "{}",
        location(&res)
    );
    let mut keep = vec![
        ("id".to_owned(), id.to_string()),
        ("decision".to_owned(), "keep".to_owned()),
        ("all_on_page".to_owned(), "1".to_owned()),
    ];
    keep.extend(
        roles[3..25]
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("page_rows[{i}]"), r.to_string())),
    );
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = admin
        .post("mark_access_review", &keep, Js::Off, "/reviews")
        .await;
    assert!(location(&res).contains("n=22"), "{}", location(&res));
    let page = admin
        .get(&format!("/reviews/{id}?state=to-end"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("25 of 30 reviewed") && page.contains("3 roles match"));
    // Complete: the three end, once, each with its event; a second completion is refused.
    let res = admin
        .post(
            "complete_access_review",
            &[("id", &id.to_string())],
            Js::Off,
            "/reviews",
        )
        .await;
    assert!(
        location(&res).contains("done=completed&ended=3&kept=27&already=0"),
        "{}",
        location(&res)
    );
    let revoked = format!(
        "SELECT COUNT(*) FROM role_assignments WHERE id IN ({}) AND status = 'revoked'",
        roles
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(app.scalar(&revoked).await, 3);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'access_ended_by_review'")
            .await,
        3
    );
    let res = admin
        .post(
            "complete_access_review",
            &[("id", &id.to_string())],
            Js::On,
            "/reviews",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("ReviewCompleted"));
    // The download: a header and a line per row, with what was decided.
    let csv = admin
        .get(&format!("/access-review.csv?id={id}"))
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 31);
    assert_eq!(csv.matches(",Ended,Left the practice,").count(), 3, "{csv}");
    assert_eq!(csv.matches(",Kept,").count(), 22);
    assert_eq!(csv.matches("Kept (not reviewed)").count(), 5);
    // Someone outside the area sees neither the review nor its download.
    let outsider = app.browser();
    outsider.sign_in("user.admin").await;
    assert_eq!(
        outsider
            .get(&format!("/access-review.csv?id={id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn an_administrator_cannot_mark_their_own_role() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin
        .post(
            "start_access_review",
            &[
                ("review_of", "area"),
                ("due_days", "7"),
                ("unreviewed", "end"),
            ],
            Js::Off,
            "/reviews",
        )
        .await;
    assert!(location(&res).contains("done=started"));
    let id = app.scalar("SELECT MAX(id) FROM access_reviews").await;
    let own = app
        .scalar(&format!(
            "SELECT a.id FROM role_assignments a JOIN users u ON u.id = a.user_id \
             WHERE u.email = '{}' AND a.status = 'active'",
            crate::support::demo_email("account.admin")
        ))
        .await;
    let res = admin
        .post(
            "mark_access_review",
            &[
                ("id", &id.to_string()),
                ("one", &format!("end:{own}")),
                ("reason", "Mine"),
            ],
            Js::On,
            "/reviews",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("OwnRolesNotReviewed"));
    // Completed with "end them": everyone else's unreviewed role ends; their own stays.
    admin
        .post(
            "complete_access_review",
            &[("id", &id.to_string())],
            Js::Off,
            "/reviews",
        )
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE id = {own} AND status = 'active'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_scheduled_review_starts_again_a_year_later_by_itself_once() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin
        .post(
            "start_access_review",
            &[
                ("review_of", "organisation"),
                ("code", "A81005"),
                ("due_days", "21"),
                ("unreviewed", "end"),
                ("repeat", "1"),
            ],
            Js::Off,
            "/reviews",
        )
        .await;
    assert!(
        location(&res).contains("done=started"),
        "{}",
        location(&res)
    );
    let first = app.scalar("SELECT MAX(id) FROM access_reviews").await;
    // Not yet a year: nothing starts.
    server::temporary_access::tick(&app.state).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM access_reviews").await, 1);
    // A year and a day later (its start moved back through the database).
    app.sql(&format!(
        "UPDATE access_reviews SET started_at = started_at - 366 * 86400, due_at = due_at - 366 * 86400 WHERE id = {first}"
    ))
    .await;
    server::temporary_access::tick(&app.state).await;
    server::temporary_access::tick(&app.state).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM access_reviews").await,
        2,
        "once"
    );
    let next = app.scalar("SELECT MAX(id) FROM access_reviews").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT repeated_as FROM access_reviews WHERE id = {first}"
        ))
        .await,
        next
    );
    let same = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM access_reviews n JOIN access_reviews o ON o.id = {first} \
             WHERE n.id = {next} AND n.title = o.title AND n.started_by = o.started_by \
               AND n.unreviewed = 'end' AND n.repeat_days = 365 AND n.due_at - n.started_at = 21 * 86400"
        ))
        .await;
    assert_eq!(same, 1, "the same review, settings and starter");
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM access_review_items WHERE review_id = {next}"
        ))
        .await
            > 0
    );
    // Its starter no longer manages users: the next year's does not start (fails closed).
    app.sql(&format!(
        "UPDATE access_reviews SET started_at = started_at - 366 * 86400 WHERE id = {next}"
    ))
    .await;
    app.sql(&format!(
        "UPDATE role_assignments SET status = 'revoked' WHERE user_id = {}",
        app.demo_user("account.admin").await
    ))
    .await;
    server::temporary_access::tick(&app.state).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM access_reviews").await, 2);
    assert_eq!(
        app.scalar(&format!(
            "SELECT repeated_as FROM access_reviews WHERE id = {next}"
        ))
        .await,
        0
    );
}
