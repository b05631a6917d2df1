//! Add New User (seed 002) over HTTP against the real app (SQLite, demo data), without
//! JavaScript: the email twice, the user information, Add Organisation, roles with payment types
//! and clusters, Submit; the new user's link, sign-in and the restrictions they carry; and what
//! is refused, with nothing written.

mod support;

use support::{demo_email, location, location_path, Js, TestApp};

const STRONG: &str = "Correct-Horse-Battery-9";

async fn page(b: &support::Browser, path: &str) -> String {
    let res = b.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("page")
}

#[tokio::test]
async fn an_administrator_adds_a_user_with_roles_payment_types_and_a_cluster() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let users = page(&admin, "/users").await;
    assert!(users.contains("href=\"/users/new\"") && users.contains("Add New User"));
    // Steps 3-5: the email twice; a difference or a known address stops at the field.
    let start = page(&admin, "/users/new").await;
    assert!(start.contains("Email Address") && start.contains("Confirm Email Address"));
    let differ = page(&admin, "/users/new?email=nia.new%40example.nhs.uk&confirm_email=nia.neww%40example.nhs.uk&step=details").await;
    assert!(
        differ.contains("The email addresses do not match"),
        "differ"
    );
    let known = demo_email("provider.user").replace('@', "%40");
    let taken = page(
        &admin,
        &format!("/users/new?email={known}&confirm_email={known}&step=details"),
    )
    .await;
    assert!(taken.contains("An account already uses this email address"));
    let base = "/users/new?email=nia.new%40example.nhs.uk&confirm_email=NIA.NEW%40example.nhs.uk";
    // Step 6: the user information; everything but the mobile is needed, and an organisation.
    let details = page(&admin, &format!("{base}&step=details")).await;
    assert!(details.contains("User Information") && details.contains("Mobile Phone (optional)"));
    let empty = page(&admin, &format!("{base}&step=roles")).await;
    for message in [
        "Enter the user&#x27;s first name",
        "Enter the user&#x27;s last name",
        "Enter a telephone number",
        "Add at least one organisation",
    ] {
        assert!(
            empty.contains(message) || empty.contains(&message.replace("&#x27;", "'")),
            "{message}"
        );
    }
    // Steps 7-9: Add Organisation, Search By, tick.
    let who = "first_name=Nia&last_name=New&phone=0191+123+4567";
    let found = page(&admin, &format!("{base}&{who}&q=Hillside&step=details")).await;
    assert!(found.contains("value=\"A81022\""), "Hillside offered");
    // Step 10: Submit shows each organisation's roles, starred ones with payment types, and
    // the organisation's clusters.
    let roles = page(
        &admin,
        &format!("{base}&{who}&organisations=A81022&organisations=QHM&step=roles"),
    )
    .await;
    assert!(roles.contains("Hillside Practice (A81022)") && roles.contains("(QHM)"));
    assert!(roles.contains("Finance View*"));
    assert!(roles.contains("none ticked = all payment types"));
    assert!(roles.contains("Tees Valley North Practices (C61A6DB801)"));
    let finance_view = app
        .scalar("SELECT id FROM roles WHERE name = 'Finance View'")
        .await;
    let provider_user = app
        .scalar("SELECT id FROM roles WHERE name = 'Provider User'")
        .await;
    // Steps 11-13: tick, Submit.
    let fv = format!("QHM:{finance_view}");
    let qof = format!("QHM:{finance_view}:QOF");
    let pu = format!("A81022:{provider_user}");
    let form = [
        ("email", "nia.new@example.nhs.uk"),
        ("confirm_email", "NIA.NEW@example.nhs.uk"),
        ("first_name", "Nia"),
        ("last_name", "New"),
        ("phone", "0191 123 4567"),
        ("mobile", ""),
        ("organisations", "A81022,QHM"),
        ("grants[3]", fv.as_str()),
        ("payments[4]", qof.as_str()),
        ("clusters[9]", "QHM:C61A6DB801"),
        ("grants[1]", pu.as_str()),
    ];
    let res = admin
        .post("add_new_user", &form, Js::Off, "/users/new")
        .await;
    let to = location(&res);
    assert!(to.ends_with("?done=added"), "{to}");
    let added = page(&admin, &to).await;
    assert!(added.contains("You have successfully added the new user."));
    assert!(added.contains("Hillside Practice") && added.contains("Finance View"));
    let nia = app
        .scalar("SELECT id FROM users WHERE email = 'nia.new@example.nhs.uk' AND status = 'pending' AND phone = '0191 123 4567'")
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = {nia} AND status = 'active'"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'user_added'")
            .await,
        1
    );
    // The same again: the address is taken now, and nothing more is written.
    let again = admin
        .post("add_new_user", &form, Js::On, "/users/new")
        .await;
    assert_eq!(again.status(), 400);
    assert!(again.text().await.expect("b").contains("NewUserEmailTaken"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'nia.new@example.nhs.uk'")
            .await,
        1
    );
    // The new user's email holds the link; they set a password and sign in.
    let body = app
        .texts("SELECT body FROM outbox WHERE recipient = 'nia.new@example.nhs.uk'")
        .await
        .pop()
        .expect("an email to the new user");
    let token = body
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("a link")
        .to_owned();
    let nia_browser = app.browser();
    let set = nia_browser
        .post(
            "activate",
            &[
                ("token", &token),
                ("password", STRONG),
                ("confirm_password", STRONG),
            ],
            Js::Off,
            "/activate",
        )
        .await;
    assert_eq!(location(&set), "/sign-in?activated=1");
    let signed = nia_browser
        .post(
            "sign_in",
            &[("email", "nia.new@example.nhs.uk"), ("password", STRONG)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(
        location_path(&signed),
        "/select-account",
        "two roles: choose one"
    );
    let qhm_assignment = app
        .scalar(&format!(
            "SELECT id FROM role_assignments WHERE user_id = {nia} AND role_id = {finance_view}"
        ))
        .await;
    nia_browser
        .post(
            "select_account",
            &[("assignment", &qhm_assignment.to_string())],
            Js::Off,
            "/select-account",
        )
        .await;
    let viewer = nia_browser.viewer().await;
    assert_eq!(
        viewer["acting"]["payment_types"],
        serde_json::json!(["QOF"]),
        "{viewer}"
    );
    assert_eq!(
        viewer["acting"]["clustered"],
        serde_json::json!(true),
        "{viewer}"
    );
    // The header says so, and My Account shows the roles, payment types and clusters held.
    let home = page(&nia_browser, "/").await;
    assert!(home.contains("Finance View</strong> (QOF)"), "header");
    assert!(home.contains("limited to its Service Provider Clusters"));
    let account = page(&nia_browser, "/my-account").await;
    assert!(account.contains("Tees Valley North Practices") && account.contains("QOF"));
}

#[tokio::test]
async fn what_an_administrator_may_not_give_is_refused_and_nothing_is_written() {
    let app = TestApp::start().await;
    let provider_user = app
        .scalar("SELECT id FROM roles WHERE name = 'Provider User'")
        .await;
    let finance_view = app
        .scalar("SELECT id FROM roles WHERE name = 'Finance View'")
        .await;
    let commissioning_finance = app
        .scalar("SELECT id FROM roles WHERE name = 'Commissioning Finance'")
        .await;
    let users_before = app.scalar("SELECT COUNT(*) FROM users").await;
    let attempt = |org: &str, grant: String, extra: Option<(&'static str, String)>| {
        let mut form = vec![
            ("email", "ola.other@example.nhs.uk".to_owned()),
            ("confirm_email", "ola.other@example.nhs.uk".to_owned()),
            ("first_name", "Ola".to_owned()),
            ("last_name", "Other".to_owned()),
            ("phone", "0191 123 4567".to_owned()),
            ("organisations", org.to_owned()),
            ("grants[0]", grant),
        ];
        if let Some(e) = extra {
            form.push(e);
        }
        form
    };
    let cases = [
        // A User Administrator at A81001 gives roles there only.
        (
            "user.admin",
            attempt("QHM", format!("QHM:{finance_view}"), None),
            "OrganisationNotOffered",
        ),
        // A payment type on a role without a star.
        (
            "account.admin",
            attempt(
                "A81022",
                format!("A81022:{provider_user}"),
                Some(("payments[1]", format!("A81022:{provider_user}:QOF"))),
            ),
            "PaymentTypeNotAllowed",
        ),
        // A cluster of another organisation.
        (
            "account.admin",
            attempt(
                "A81022",
                format!("A81022:{provider_user}"),
                Some(("clusters[1]", "A81022:C61A6DB801".to_owned())),
            ),
            "ClusterNotOffered",
        ),
        // A role not held at that kind of organisation.
        (
            "account.admin",
            attempt("A81022", format!("A81022:{commissioning_finance}"), None),
            "RoleNotOffered",
        ),
    ];
    for (local, form, expected) in cases {
        let b = app.browser();
        b.sign_in(local).await;
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = b.post("add_new_user", &pairs, Js::On, "/users/new").await;
        let status = res.status().as_u16();
        let body = res.text().await.expect("body");
        assert!(
            status == 400 && body.contains(expected),
            "{local} {expected}: {status} {body}"
        );
    }
    // No role ticked at all.
    let b = app.browser();
    b.sign_in("account.admin").await;
    let none = b
        .post(
            "add_new_user",
            &[
                ("email", "ola.other@example.nhs.uk"),
                ("confirm_email", "ola.other@example.nhs.uk"),
                ("first_name", "Ola"),
                ("last_name", "Other"),
                ("phone", "0191 123 4567"),
                ("organisations", "A81022"),
            ],
            Js::On,
            "/users/new",
        )
        .await;
    assert_eq!(none.status(), 400);
    assert!(none.text().await.expect("b").contains("NoRoleTicked"));
    // Someone without manage_users: not found.
    let org = app.browser();
    org.sign_in("org.admin").await;
    assert_eq!(org.get("/users/new").await.status(), 404);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, 0);
}

#[tokio::test]
async fn an_administrator_limits_a_role_to_payment_types_and_a_cluster_from_the_users_page() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let tier1 = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("commissioner.tier1")
        ))
        .await;
    let assignment = app
        .scalar(&format!(
            "SELECT id FROM role_assignments WHERE user_id = {tier1} AND status = 'active'"
        ))
        .await;
    let user_page = page(&admin, &format!("/users/{tier1}")).await;
    let change = format!("/users/{tier1}/roles/{assignment}");
    assert!(
        user_page.contains(&format!("href=\"{change}\"")),
        "a Change link"
    );
    let form = page(&admin, &change).await;
    assert!(form.contains("This role is not limited by payment type."));
    assert!(form.contains("Tees Valley North Practices (C61A6DB801)"));
    // The commissioner sees every practice of the ICB until the cluster is ticked.
    let user = app.browser();
    user.sign_in("commissioner.tier1").await;
    assert_eq!(user.get("/providers/A81022").await.status(), 200);
    let ids = [
        ("user", tier1.to_string()),
        ("assignment", assignment.to_string()),
    ];
    let mut body: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (*k, v.as_str())).collect();
    body.push(("clusters[2]", "C61A6DB801"));
    let res = admin
        .post("restrict_assignment", &body, Js::Off, &change)
        .await;
    assert_eq!(location(&res), format!("/users/{tier1}?done=restricted"));
    assert_eq!(
        user.get("/providers/A81022").await.status(),
        404,
        "next request: limited"
    );
    assert!(page(&admin, &format!("/users/{tier1}"))
        .await
        .contains("Clusters: Tees Valley North Practices"));
    // A payment type on a role without a star is refused, and changes nothing.
    let mut bad = body.clone();
    bad.push(("payments[1]", "QOF"));
    let res = admin
        .post("restrict_assignment", &bad, Js::On, &change)
        .await;
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .expect("b")
        .contains("PaymentTypeNotAllowed"));
    assert_eq!(user.get("/providers/A81022").await.status(), 404);
    // Nothing ticked: the whole organisation again.
    let plain: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (*k, v.as_str())).collect();
    admin
        .post("restrict_assignment", &plain, Js::Off, &change)
        .await;
    assert_eq!(user.get("/providers/A81022").await.status(), 200);
    // A starred role takes payment types; the next request carries them.
    let fv = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("finance.view")
        ))
        .await;
    let fv_assignment = app
        .scalar(&format!(
            "SELECT id FROM role_assignments WHERE user_id = {fv} AND status = 'active'"
        ))
        .await;
    let viewer = app.browser();
    viewer.sign_in("finance.view").await;
    let (fv_s, fva_s) = (fv.to_string(), fv_assignment.to_string());
    let res = admin
        .post(
            "restrict_assignment",
            &[
                ("user", fv_s.as_str()),
                ("assignment", fva_s.as_str()),
                ("payments[0]", "QOF"),
                ("payments[1]", "DES"),
            ],
            Js::On,
            "/users",
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        viewer.viewer().await["acting"]["payment_types"],
        serde_json::json!(["QOF", "DES"])
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'assignment_clusters_changed'"
        )
        .await,
        3
    );
    // An administrator of another practice: not found.
    let other = app.browser();
    other.sign_in("user.admin").await;
    assert_eq!(other.get(&change).await.status(), 404);
}
