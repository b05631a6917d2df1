//! "Access ends on" over HTTP against the real app (SQLite, demo data): an end is checked and
//! audited; once it has passed, the holder's very next request acts as nothing, the role is
//! marked ended once, and it reads "Expired". Nobody outside the area, and nobody without the
//! capability, reaches any of it.

use crate::support::{location, said, Js, TestApp};

async fn events(app: &TestApp, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

/// The one active role of a covering demo user.
async fn active_role(app: &TestApp, user: i64) -> i64 {
    app.scalar(&format!(
        "SELECT id FROM role_assignments WHERE user_id = {user} AND status = 'active'"
    ))
    .await
}

/// A date `days` from today as the three boxes take it.
pub(crate) async fn boxes(app: &TestApp, days: i64) -> [String; 3] {
    let iso = app
        .texts(&format!("SELECT date('now', '{days:+} days')"))
        .await
        .remove(0);
    let mut parts = iso.split('-').map(str::to_owned);
    let (y, m, d) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    [d, m, y]
}

#[tokio::test]
async fn an_end_is_checked_audited_and_stops_the_role_on_the_next_request() {
    let app = TestApp::start().await;
    let holder = app.browser();
    holder.sign_in("cover.one").await;
    assert!(holder.viewer().await["acting"].is_object());
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let user = app.demo_user("cover.one").await;
    let role = active_role(&app, user).await;
    let page = format!("/users/{user}/roles/{role}/end");
    let html = admin.get(&page).await.text().await.expect("page");
    assert!(html.contains("Access ends on"), "{html}");
    let (u, r) = (user.to_string(), role.to_string());
    let save = |b: [String; 3], js: Js| {
        let (admin, page, u, r) = (&admin, &page, &u, &r);
        async move {
            admin
                .post(
                    "set_role_end",
                    &[
                        ("user", u.as_str()),
                        ("assignment", r.as_str()),
                        ("access_ends_day", &b[0]),
                        ("access_ends_month", &b[1]),
                        ("access_ends_year", &b[2]),
                    ],
                    js,
                    page,
                )
                .await
        }
    };
    // Yesterday, too far ahead, and not a date: refused at the field, nothing stored.
    for (b, problem) in [
        (boxes(&app, -1).await, "AccessEndInThePast"),
        (boxes(&app, 400).await, "AccessEndTooFar"),
        (["31".into(), "2".into(), "2027".into()], "DateInvalid"),
        (
            [String::new(), String::new(), String::new()],
            "AccessEndEmpty",
        ),
    ] {
        let res = save(b, Js::On).await;
        assert_eq!(res.status(), 400, "{problem}");
        assert!(said(res).await.contains(problem), "{problem}");
    }
    let ends_sql = format!("SELECT COALESCE(ends_at, 0) FROM role_assignments WHERE id = {role}");
    let ends = || app.scalar(&ends_sql);
    assert_eq!(ends().await, 0);
    // Ten days ahead: saved to the start of the day after (access lasts the whole day), audited.
    let res = save(boxes(&app, 10).await, Js::Off).await;
    assert_eq!(location(&res), format!("/users/{user}?done=end-set"));
    assert!(ends().await > 0);
    assert_eq!(events(&app, "access_end_set").await, 1);
    let shown = admin
        .get(&format!("/users/{user}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(shown.contains("Access ends after"), "{shown}");
    assert!(
        holder.viewer().await["acting"].is_object(),
        "works until then"
    );

    // The end passes: the very next request acts as nothing, and the role is marked once.
    app.sql(&format!(
        "UPDATE role_assignments SET ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 1 WHERE id = {role}"
    ))
    .await;
    let v = holder.viewer().await;
    assert!(v["acting"].is_null(), "{v}");
    assert_eq!(v["landing"], "MyProfile");
    let _ = holder.viewer().await;
    assert_eq!(events(&app, "access_expired").await, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE id = {role} AND status = 'revoked' AND decided_at = ends_at AND decided_by IS NULL"
        ))
        .await,
        1
    );
    let shown = admin
        .get(&format!("/users/{user}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        shown.contains("Expired") && shown.contains("Access ended after"),
        "{shown}"
    );
    // Nothing left to end: an ended role is not one anybody may give an end to.
    let again = save(boxes(&app, 5).await, Js::On).await;
    assert_eq!(again.status(), 404);
    assert_eq!(events(&app, "access_end_set").await, 1);
}

#[tokio::test]
async fn only_an_administrator_who_may_revoke_the_role_reaches_its_end() {
    let app = TestApp::start().await;
    let user = app.demo_user("cover.two").await;
    let role = active_role(&app, user).await;
    let page = format!("/users/{user}/roles/{role}/end");
    // A practice's own user administrator (A81001) does not reach a role at A81005; a provider
    // user has no Users at all; the holder cannot set their own.
    for local in ["user.admin", "provider.user", "cover.two"] {
        let b = app.browser();
        b.sign_in(local).await;
        let res = b
            .post(
                "role_end",
                &[
                    ("user", &user.to_string()),
                    ("assignment", &role.to_string()),
                ],
                Js::On,
                &page,
            )
            .await;
        assert_eq!(res.status(), 404, "{local}");
        let res = b
            .post(
                "set_role_end",
                &[
                    ("user", &user.to_string()),
                    ("assignment", &role.to_string()),
                    ("remove", "1"),
                ],
                Js::On,
                &page,
            )
            .await;
        assert_eq!(res.status(), 404, "{local}");
    }
    assert_eq!(events(&app, "access_end_removed").await, 0);
}

/// The worker tells a holder once a week before their role ends and once a day before: in the
/// app, and by email only when they take email.
#[tokio::test]
async fn the_holder_is_reminded_a_week_and_a_day_before_once_each() {
    let app = TestApp::start().await;
    let three = app.demo_user("cover.three").await;
    let two = app.demo_user("cover.two").await;
    app.sql(&format!(
        "UPDATE users SET notify_by_email = FALSE WHERE id = {two}"
    ))
    .await;
    let end_in = |user: i64, seconds: i64| {
        format!(
            "UPDATE role_assignments SET ends_at = CAST(strftime('%s', 'now') AS INTEGER) + {seconds} \
             WHERE user_id = {user} AND status = 'active'"
        )
    };
    let at = &app;
    let notices = |user: i64| async move {
        at.scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {user} AND body LIKE 'Your access as Provider User at Springwood Surgery (A81005) ends after %'"
        ))
        .await
    };
    let emails = |user: i64| async move {
        at.scalar(&format!(
            "SELECT COUNT(*) FROM outbox o JOIN users u ON u.email = o.recipient WHERE u.id = {user} \
             AND o.subject LIKE 'Your Gatehouse access at Springwood Surgery ends after %'"
        ))
        .await
    };
    // Eight days away: too early. Three days: the week's reminder, once.
    app.sql(&end_in(three, 8 * 86_400)).await;
    assert_eq!(server::temporary_access::tick(&app.state).await.1, 0);
    app.sql(&end_in(three, 3 * 86_400)).await;
    app.sql(&end_in(two, 3 * 86_400)).await;
    assert_eq!(server::temporary_access::tick(&app.state).await.1, 2);
    assert_eq!(
        server::temporary_access::tick(&app.state).await.1,
        0,
        "once"
    );
    assert_eq!((notices(three).await, emails(three).await), (1, 1));
    assert_eq!(
        (notices(two).await, emails(two).await),
        (1, 0),
        "no email asked for"
    );
    // Twelve hours: the day's reminder, once.
    app.sql(&end_in(three, 12 * 3_600)).await;
    assert_eq!(server::temporary_access::tick(&app.state).await.1, 1);
    assert_eq!(server::temporary_access::tick(&app.state).await.1, 0);
    assert_eq!((notices(three).await, emails(three).await), (2, 2));
    // The administrators of Springwood are told with each reminder (QHM's Commissioning Account
    // Administrator, for both holders' two and one reminders); the Service Desk, and anyone who
    // does not manage users there, is not.
    let told = |local: &'static str| async move {
        let user = at.demo_user(local).await;
        at.scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {user} \
             AND body LIKE '% access as Provider User at Springwood Surgery (A81005) ends after %' \
             AND body LIKE '%Change its end date on their page%'"
        ))
        .await
    };
    assert_eq!(told("account.admin").await, 3);
    assert_eq!(told("service.desk").await, 0);
    assert_eq!(told("provider.user").await, 0);
    // The holder reads it on Notifications.
    let b = app.browser();
    b.sign_in("cover.three").await;
    let page = b.get("/notifications").await.text().await.expect("page");
    assert!(page.contains("ends after"), "{page}");
}
