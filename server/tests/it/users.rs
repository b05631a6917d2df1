//! The Users section, account lifecycle and audit trail over HTTP against the real app (SQLite,
//! demo data): search, revoke mid-session, disable with a reason, self-disable, re-enable, and an
//! administrator of another ICB who can see none of it.

use crate::support::{demo_email, location, location_path, said, Js, Origin, TestApp};

async fn user_id(app: &TestApp, local: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id FROM users WHERE email = '{}'",
        demo_email(local)
    ))
    .await
}

/// The table of results only: the page also carries the viewer's own details in its header.
fn table(html: &str) -> String {
    match (html.find("<tbody"), html.find("</tbody>")) {
        (Some(a), Some(b)) => html[a..b].to_owned(),
        _ => String::new(),
    }
}

async fn events(app: &TestApp, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

/// A second ICB with one practice, its own account administrator and one provider user.
/// Answers the practice.
async fn other_icb(app: &TestApp) -> i64 {
    let root = app
        .scalar("SELECT id FROM organisations WHERE parent_id IS NULL")
        .await;
    let icb = app
        .add_organisation(
            "QOP",
            "NHS Greater Manchester ICB",
            "commissioning",
            "ICB",
            root,
        )
        .await;
    let practice = app
        .add_organisation(
            "P84001",
            "Castleton Health Centre",
            "provider",
            "GP Practice",
            icb,
        )
        .await;
    let administrator = app.role("Commissioning Account Administrator").await;
    let provider_user = app.role("Provider User").await;
    for (local, role, org) in [
        ("qop.admin", administrator, icb),
        ("qop.user", provider_user, practice),
    ] {
        let user = app
            .add_signing_in_person(&demo_email(local), "Quinn", "Other")
            .await;
        app.add_assignment(user, org, role, "active", Origin::Admin, None)
            .await;
    }
    practice
}

#[tokio::test]
async fn an_administrator_finds_users_by_each_of_the_five_fields() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    // Jo Twopractices (practice.manager): Provider User at A81001 and A81002 (demo data).
    let page = |q: &'static str| {
        let b = &b;
        async move {
            let html = b
                .get(&format!("/users?q={q}"))
                .await
                .text()
                .await
                .expect("page");
            table(&html)
        }
    };
    let first = page("jo").await;
    assert!(first.contains(&demo_email("practice.manager")), "{first}");
    let last = page("PROVIDER").await;
    assert!(!last.contains(&demo_email("practice.manager")), "{last}");
    assert!(last.contains(&demo_email("provider.user")), "{last}");
    let email = page("practice.ma").await;
    assert!(email.contains(&demo_email("practice.manager")), "{email}");
    // One match is "1 user", not "1 users".
    let one = b
        .get("/users?q=practice.manager%40")
        .await
        .text()
        .await
        .expect("page");
    assert!(one.contains(">1 user</caption>"), "{one}");
    let code = page("a81002").await;
    assert!(code.contains(&demo_email("practice.manager")), "{code}");
    assert!(!code.contains(&demo_email("account.admin")), "{code}");
    let org = page("the%20densham").await;
    assert!(org.contains(&demo_email("provider.user")), "{org}");
    // Page size and sorting are part of the URL.
    let sized = b
        .get("/users?q=&size=25&sort=email&dir=desc")
        .await
        .text()
        .await
        .expect("page");
    assert!(sized.contains("aria-sort=\"descending\""), "{sized}");
    assert!(sized.contains("<option value=\"25\" selected"), "{sized}");
}

#[tokio::test]
async fn revoke_takes_effect_on_the_users_next_request_even_mid_session() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let user = app.browser();
    user.sign_in("provider.user").await;
    assert!(user.viewer().await["acting"].is_object());
    let id = user_id(&app, "provider.user").await;

    let res = admin
        .post(
            "revoke_access",
            &[("user", &id.to_string()), ("organisation", "A81001")],
            Js::Off,
            &format!("/users/{id}/revoke"),
        )
        .await;
    assert_eq!(location(&res), format!("/users/{id}?done=revoked"));
    // Still signed in, with no role: My Profile is what is left.
    let v = user.viewer().await;
    assert!(v["acting"].is_null(), "{v}");
    assert_eq!(v["landing"], "MyProfile");
    assert_eq!(events(&app, "access_revoked").await, 1);
    // Revoking again finds nothing to revoke: a message at the field, no second event.
    let again = admin
        .post(
            "revoke_access",
            &[("user", &id.to_string()), ("organisation", "A81001")],
            Js::On,
            &format!("/users/{id}/revoke"),
        )
        .await;
    assert_eq!(again.status(), 409);
    assert!(said(again).await.contains("NothingToRevoke"));
    assert_eq!(events(&app, "access_revoked").await, 1);
}

#[tokio::test]
async fn disable_needs_a_reason_of_at_most_250_characters_and_ends_every_session() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let user = app.browser();
    user.sign_in("commissioner.tier1").await;
    let id = user_id(&app, "commissioner.tier1").await;
    let form = |reason: &'static str, other: String| {
        vec![
            ("user".to_owned(), id.to_string()),
            ("disable_reason".to_owned(), reason.to_owned()),
            ("other_reason".to_owned(), other),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let admin = &admin;
        async move {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            admin
                .post(
                    "disable_account",
                    &pairs,
                    Js::On,
                    &format!("/users/{id}/disable"),
                )
                .await
        }
    };
    let none = post(form("", String::new())).await;
    assert_eq!(none.status(), 400);
    assert!(said(none).await.contains("DisableReasonMissing"));
    let empty = post(form("other", "   ".into())).await;
    assert!(said(empty).await.contains("OtherReasonEmpty"));
    let long = post(form("other", "x".repeat(251))).await;
    assert_eq!(long.status(), 400);
    assert!(said(long).await.contains("ReasonTooLong"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND status = 'active'"
        ))
        .await,
        1,
        "nothing changed"
    );
    assert_eq!(events(&app, "account_disabled").await, 0);

    let ok = post(form("other", "y".repeat(250))).await;
    assert_eq!(ok.status(), 200, "{:?}", ok.text().await);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = {id}"
        ))
        .await,
        0,
        "every session ended"
    );
    assert_eq!(
        user.post("viewer", &[], Js::On, "/")
            .await
            .text()
            .await
            .expect("b"),
        "null"
    );
    let back = app.browser().sign_in("commissioner.tier1").await;
    assert_eq!(back.status(), 302);
    assert_eq!(location_path(&back), "/sign-in");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM audit_events WHERE action = 'account_disabled' AND target_user_id = {id} AND length(reason) = 250")).await,
        1
    );

    // Enable Account: they can sign in again.
    let res = admin
        .post(
            "enable_account",
            &[("user", &id.to_string())],
            Js::Off,
            &format!("/users/{id}/enable"),
        )
        .await;
    assert_eq!(location(&res), format!("/users/{id}?done=enabled"));
    let again = app.browser().sign_in("commissioner.tier1").await;
    assert_eq!(location(&again), "/");
}

#[tokio::test]
async fn a_user_disables_their_own_account_and_is_signed_out() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    let tile = b.get("/my-profile").await.text().await.expect("page");
    assert!(tile.contains("/my-profile/disable"), "{tile}");
    let res = b
        .post(
            "disable_own_account",
            &[],
            Js::Off,
            "/my-profile/disable/confirm",
        )
        .await;
    assert_eq!(location(&res), "/account-disabled");
    assert_eq!(
        b.post("viewer", &[], Js::On, "/")
            .await
            .text()
            .await
            .expect("b"),
        "null"
    );
    let page = b.get("/account-disabled").await.text().await.expect("page");
    assert!(page.contains("You do not have permission to view this page"));
    let again = app.browser().sign_in("provider.user").await;
    assert_eq!(location_path(&again), "/sign-in");
    assert_eq!(events(&app, "account_disabled").await, 1);
}

#[tokio::test]
async fn disabling_someone_with_roles_elsewhere_is_refused_and_revoke_offered() {
    let app = TestApp::start().await;
    let castleton = other_icb(&app).await;
    // practice.manager also becomes Provider User at the other ICB's practice.
    let id = user_id(&app, "practice.manager").await;
    let provider_user = app.role("Provider User").await;
    app.add_assignment(id, castleton, provider_user, "active", Origin::Admin, None)
        .await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let page = admin
        .get(&format!("/users/{id}/disable"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("You cannot disable this account"), "{page}");
    assert!(page.contains(&format!("/users/{id}/revoke")));
    let res = admin
        .post(
            "disable_account",
            &[
                ("user", &id.to_string()),
                ("disable_reason", "left"),
                ("other_reason", ""),
            ],
            Js::On,
            &format!("/users/{id}/disable"),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(said(res).await.contains("RolesOutsideScope"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND status = 'active'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_administrator_of_another_icb_cannot_see_view_revoke_or_disable() {
    let app = TestApp::start().await;
    other_icb(&app).await;
    let b = app.browser();
    let res = b.sign_in("qop.admin").await;
    assert_eq!(location(&res), "/");
    let target = user_id(&app, "provider.user").await;
    let list = table(&b.get("/users?q=").await.text().await.expect("list"));
    assert!(list.contains(&demo_email("qop.user")), "{list}");
    assert!(!list.contains(&demo_email("provider.user")), "{list}");
    let search = b.get("/users?q=A81001").await.text().await.expect("s");
    assert!(search.contains("No users match"), "{search}");
    let view = b
        .post("get_user", &[("id", &target.to_string())], Js::On, "/users")
        .await;
    assert_eq!(view.status(), 404);
    for (endpoint, form) in [
        (
            "revoke_access",
            vec![
                ("user", target.to_string()),
                ("organisation", "A81001".to_owned()),
            ],
        ),
        (
            "disable_account",
            vec![
                ("user", target.to_string()),
                ("disable_reason", "left".to_owned()),
                ("other_reason", String::new()),
            ],
        ),
        ("enable_account", vec![("user", target.to_string())]),
    ] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = b.post(endpoint, &pairs, Js::On, "/users").await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = {target} AND status = 'active'"
        ))
        .await,
        1
    );
    // A user without manage_users gets nothing either.
    let plain = app.browser();
    plain.sign_in("provider.user").await;
    let res = plain
        .post(
            "list_users",
            &[
                ("q", ""),
                ("sort", "last"),
                ("dir", "asc"),
                ("page", "1"),
                ("size", "10"),
            ],
            Js::On,
            "/users",
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_audit_page_and_its_csv_show_the_events_of_the_area() {
    let app = TestApp::start().await;
    let b = app.browser();
    // A failed sign-in, a sign-in and a revoke.
    let failed = b
        .post(
            "sign_in",
            &[
                ("email", &demo_email("provider.user")),
                ("password", "Wrong-Password-1!"),
            ],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location_path(&failed), "/sign-in");
    b.sign_in("account.admin").await;
    let id = user_id(&app, "provider.user").await;
    b.post(
        "revoke_access",
        &[("user", &id.to_string()), ("organisation", "A81001")],
        Js::Off,
        &format!("/users/{id}/revoke"),
    )
    .await;
    assert_eq!(events(&app, "sign_in_failed").await, 1);
    assert!(events(&app, "sign_in").await >= 1);
    let page = b
        .get("/audit?action=access_revoked")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Access revoked") && page.contains(&demo_email("provider.user")),
        "{page}"
    );
    assert!(
        page.contains("127.0.0.1"),
        "the client's address is recorded: {page}"
    );
    // The date boxes filter by UK day; an impossible date is left out of the filter and said so.
    let text = |res: reqwest::Response| async move { res.text().await.expect("page") };
    let since = text(
        b.get("/audit?action=access_revoked&from_day=1&from_month=1&from_year=2020")
            .await,
    )
    .await;
    assert!(since.contains("Access revoked") && !since.contains("No events match"));
    let future = text(
        b.get("/audit?action=access_revoked&from_day=1&from_month=1&from_year=2100")
            .await,
    )
    .await;
    assert!(future.contains("No events match"), "{future}");
    let until = text(
        b.get("/audit?action=access_revoked&to_day=31&to_month=12&to_year=2020")
            .await,
    )
    .await;
    assert!(until.contains("No events match"), "{until}");
    let impossible = text(
        b.get("/audit?action=access_revoked&from_day=31&from_month=2&from_year=2100")
            .await,
    )
    .await;
    assert!(
        impossible.contains("A date was not a real date") && impossible.contains("Access revoked"),
        "{impossible}"
    );
    assert!(
        impossible.contains("value=\"31\""),
        "the boxes keep what was typed"
    );

    let csv = b.get("/audit.csv?action=access_revoked").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/csv"));
    let body = csv.text().await.expect("csv");
    let mut lines = body.lines();
    assert!(lines
        .next()
        .expect("header")
        .starts_with("When (UTC),Actor,Acting as,Action"));
    let row = lines.next().expect("row");
    assert!(
        row.contains("Access revoked") && row.contains("A81001"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
    // Signed out, or without the capability: not found.
    assert_eq!(app.browser().get("/audit.csv").await.status(), 404);
}

/// A "not found" given to a signed-in user is counted for the Service Desk (and logged
/// at warn with who asked and for what); answers to anyone else are not.
#[tokio::test]
async fn refused_requests_are_counted_on_the_service_desks_home() {
    let app = TestApp::start().await;
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let refused = |v: serde_json::Value| v["refused_today"].as_i64();
    let counts = desk
        .post("home_counts", &[], Js::On, "/")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(refused(counts), Some(0));
    let hillside = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("staff.one")
        ))
        .await
        .to_string();
    let prober = app.browser();
    prober.sign_in("user.admin").await; // A81001 only: Hillside is outside
    for _ in 0..3 {
        let res = prober
            .post("get_user", &[("id", &hillside)], Js::On, "/users")
            .await;
        assert_eq!(res.status(), 404);
    }
    // Signed out: asked to sign in, not counted.
    let res = app
        .browser()
        .post("get_user", &[("id", &hillside)], Js::On, "/users")
        .await;
    assert_eq!(res.status(), 401);
    let counts: serde_json::Value = desk
        .post("home_counts", &[], Js::On, "/")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(refused(counts), Some(3));
    let home = desk.get("/").await.text().await.expect("home");
    assert!(
        home.contains("Requests refused today as out of scope or not found: 3"),
        "{home}"
    );
    // Only the Service Desk sees the count.
    let counts: serde_json::Value = prober
        .post("home_counts", &[], Js::On, "/")
        .await
        .json()
        .await
        .expect("json");
    assert!(counts["refused_today"].is_null());
}

/// An administrator's own record offers no Revoke, Disable or Enable, and the server refuses each
/// with the reason, whichever form is posted: their roles and account stay as they were.
#[tokio::test]
async fn an_administrator_cannot_revoke_disable_or_enable_their_own_account() {
    let app = TestApp::start().await;
    let me = user_id(&app, "account.admin").await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let page = admin
        .get(&format!("/users/{me}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("This is your own account"), "{page}");
    assert!(!page.contains(&format!("/users/{me}/revoke")), "{page}");
    assert!(!page.contains(&format!("/users/{me}/access")), "{page}");
    let revoke_page = admin
        .get(&format!("/users/{me}/revoke"))
        .await
        .text()
        .await
        .expect("page");
    assert!(revoke_page.contains("You cannot change your own access here"));

    for (function, form) in [
        (
            "revoke_access",
            vec![("user", me.to_string()), ("organisation", "QHM".to_owned())],
        ),
        (
            "disable_account",
            vec![
                ("user", me.to_string()),
                ("disable_reason", "left".to_owned()),
                ("other_reason", String::new()),
            ],
        ),
        ("enable_account", vec![("user", me.to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = admin
            .post(function, &form, Js::On, &format!("/users/{me}"))
            .await;
        assert_eq!(res.status(), 409, "{function}");
        assert!(said(res).await.contains("OwnAccount"), "{function}");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = {me} AND status = 'active'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {me} AND status = 'active'"
        ))
        .await,
        1
    );
    assert_eq!(events(&app, "access_revoked").await, 0);
    assert_eq!(events(&app, "account_disabled").await, 0);
    // Still acting as their role.
    assert_eq!(
        admin.viewer().await["acting"]["role_name"],
        "Commissioning Account Administrator"
    );
}

/// Users names each person's organisation, role and date added, and downloads the roles of the
/// people found: only roles inside the administrator's area, and nothing for anyone else.
#[tokio::test]
async fn the_users_list_and_its_download_show_roles_in_the_area_only() {
    let app = TestApp::start().await;
    other_icb(&app).await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    // Jo Twopractices (practice.manager): Provider User at A81001 and A81002. The list names
    // the first by organisation name, Queens Park Medical Centre.
    let list = table(
        &b.get("/users?q=practice.manager")
            .await
            .text()
            .await
            .expect("list"),
    );
    assert!(
        list.contains("Queens Park Medical Centre (A81002)"),
        "{list}"
    );
    assert!(list.contains("Provider User, Approved"), "{list}");
    assert!(list.contains("and 1 more role<"), "{list}");
    assert!(list.contains("Date Added"), "{list}");
    let res = b.get("/users.csv?q=practice.manager").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .expect("cd")
        .contains("gatehouse-users.csv"));
    let body = res.text().await.expect("csv");
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[0].starts_with("Last name,First name,Email,Account,Added (UTC)"),
        "{body}"
    );
    assert_eq!(lines.len(), 3, "a line per role: {body}");
    assert!(
        body.contains(",A81001,") && body.contains(",A81002,"),
        "{body}"
    );
    assert!(
        lines
            .iter()
            .skip(1)
            .all(|l| l.contains("Provider User,Approved")),
        "{body}"
    );
    // The other ICB's administrator downloads their own people, never this area's.
    let q = app.browser();
    q.sign_in("qop.admin").await;
    let theirs = q.get("/users.csv").await.text().await.expect("csv");
    assert!(theirs.contains(&demo_email("qop.user")), "{theirs}");
    assert!(
        !theirs.contains(&demo_email("practice.manager")),
        "{theirs}"
    );
    assert!(!theirs.contains("A81001"), "{theirs}");
    // Without the capability, or signed out: not found.
    let plain = app.browser();
    plain.sign_in("provider.user").await;
    assert_eq!(plain.get("/users.csv").await.status(), 404);
    assert_eq!(app.browser().get("/users.csv").await.status(), 404);
}

/// An active account unused for 90 days reads "Dormant" on Users and in the download; signing in
/// ends that.
#[tokio::test]
async fn an_account_unused_for_ninety_days_is_marked_dormant_until_it_signs_in() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    let list = || async {
        table(
            &b.get("/users?q=dormant%40")
                .await
                .text()
                .await
                .expect("list"),
        )
    };
    assert!(
        list().await.contains("Dormant: never signed in"),
        "{}",
        list().await
    );
    let csv = b
        .get("/users.csv?q=dormant%40")
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        csv.lines().nth(1).expect("a line").contains(",,Yes,"),
        "{csv}"
    );
    // A user signed in since is not dormant, whenever they were added.
    app.browser().sign_in("dormant").await;
    assert!(!list().await.contains("Dormant: "), "{}", list().await);
    let csv = b
        .get("/users.csv?q=dormant%40")
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        csv.lines().nth(1).expect("a line").contains(",No,"),
        "{csv}"
    );
    // Signed in 91 days ago: dormant again, with the date.
    app.sql(&format!(
        "UPDATE users SET last_signed_in_at = CAST(strftime('%s', 'now') AS INTEGER) - 91 * 86400 WHERE email = '{}'",
        demo_email("dormant")
    ))
    .await;
    assert!(
        list().await.contains("Dormant: last signed in "),
        "{}",
        list().await
    );
}
