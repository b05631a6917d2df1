//! Add New User over HTTP against the real app (SQLite, demo data), without
//! JavaScript: the email twice, the user information, Add Organisation, roles with payment types
//! and clusters, Submit; the new user's link, sign-in and the restrictions they carry; and what
//! is refused, with nothing written.

use crate::support::{demo_email, location, location_path, said, Js, TestApp};

const STRONG: &str = "Correct-Horse-Battery-9";

async fn page(b: &crate::support::Browser, path: &str) -> String {
    let res = b.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("page")
}

/// One step of Add New User as a browser without JavaScript: the answers are posted, kept on the
/// server, and the browser is sent to an address that carries none of them.
async fn step(b: &crate::support::Browser, form: &[(&str, &str)]) -> String {
    let res = b.post("new_user_step", form, Js::Off, "/users/new").await;
    let to = location(&res);
    assert!(to.starts_with("/users/new?step="), "{to}");
    for (field, typed) in form {
        if !["step", "q"].contains(field) && !field.starts_with("organisations") {
            let encoded: String = form_urlencoded::byte_serialize(typed.as_bytes()).collect();
            assert!(
                !to.contains(typed) && !to.contains(&encoded),
                "{field} in {to}"
            );
        }
    }
    page(b, &to).await
}

#[tokio::test]
async fn an_administrator_adds_a_user_with_roles_payment_types_and_a_cluster() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let users = page(&admin, "/users").await;
    assert!(users.contains("href=\"/users/new\"") && users.contains("Add New User"));
    // The email twice; a difference or a known address stops at the field.
    let start = page(&admin, "/users/new").await;
    assert!(start.contains("Email Address") && start.contains("Confirm Email Address"));
    let differ = step(
        &admin,
        &[
            ("email", "nia.new@example.nhs.uk"),
            ("confirm_email", "nia.neww@example.nhs.uk"),
            ("step", "details"),
        ],
    )
    .await;
    assert!(
        differ.contains("The email addresses do not match"),
        "differ"
    );
    let known = demo_email("provider.user");
    let taken = step(
        &admin,
        &[
            ("email", known.as_str()),
            ("confirm_email", known.as_str()),
            ("step", "details"),
        ],
    )
    .await;
    assert!(taken.contains("An account already uses this email address"));
    let email = [
        ("email", "nia.new@example.nhs.uk"),
        ("confirm_email", "NIA.NEW@example.nhs.uk"),
    ];
    // The user information; everything but the mobile is needed, and an organisation.
    let details = step(&admin, &[email[0], email[1], ("step", "details")]).await;
    assert!(details.contains("User Information") && details.contains("Mobile Phone (optional)"));
    let empty = step(&admin, &[("step", "roles")]).await;
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
    // Add Organisation, Search By, tick. The email typed at the first step is still kept.
    let who = [
        ("first_name", "Nia"),
        ("last_name", "New"),
        ("phone", "0191 123 4567"),
    ];
    let found = step(
        &admin,
        &[
            who[0],
            who[1],
            who[2],
            ("q", "Hillside"),
            ("step", "details"),
        ],
    )
    .await;
    assert!(found.contains("value=\"A81022\""), "Hillside offered");
    assert!(
        found.contains("nia.new@example.nhs.uk"),
        "the email is kept"
    );
    // Submit shows each organisation's roles, starred ones with payment types, and
    // the organisation's clusters.
    let roles = step(
        &admin,
        &[
            ("organisations[0]", "A81022"),
            ("organisations[1]", "QHM"),
            ("step", "roles"),
        ],
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
    // Tick roles, payment types and clusters, then the final Submit.
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
    assert!(said(again).await.contains("NewUserEmailTaken"));
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
        let body = said(res).await;
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
    assert!(said(none).await.contains("NoRoleTicked"));
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
    let role_id = |name: &str| format!("SELECT id FROM roles WHERE name = '{name}'");
    let tier1_role = app.scalar(&role_id("Commissioning User (tier 1)")).await;
    let finance_view_role = app.scalar(&role_id("Finance View")).await;
    // The role itself, its own first and chosen; others the administrator may give there.
    assert!(
        form.contains(&format!("value=\"{tier1_role}\" checked")),
        "current role chosen"
    );
    assert!(
        form.contains("Finance View*") && form.contains(&format!("value=\"{finance_view_role}\""))
    );
    assert!(form.contains("Only roles marked * are limited by payment type."));
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
    assert!(said(res).await.contains("PaymentTypeNotAllowed"));
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
    // The role itself changes: tier 1 becomes Finance View limited to QOF, and the
    // commissioner's next request acts as it, in the same session.
    let (tier1_s, assignment_s, fvr_s) = (
        tier1.to_string(),
        assignment.to_string(),
        finance_view_role.to_string(),
    );
    let res = admin
        .post(
            "restrict_assignment",
            &[
                ("user", tier1_s.as_str()),
                ("assignment", assignment_s.as_str()),
                ("role", fvr_s.as_str()),
                ("payments[0]", "QOF"),
            ],
            Js::Off,
            &change,
        )
        .await;
    assert_eq!(location(&res), format!("/users/{tier1}?done=restricted"));
    let acting = user.viewer().await;
    assert_eq!(
        acting["acting"]["payment_types"],
        serde_json::json!(["QOF"]),
        "{acting}"
    );
    assert!(page(&user, "/")
        .await
        .contains("Finance View</strong> (QOF)"));
    assert!(app
        .texts("SELECT reason FROM audit_events WHERE action = 'assignment_clusters_changed'")
        .await
        .iter()
        .any(|r| r.starts_with("Commissioning User (tier 1) changed to Finance View")));
    // A role the administrator may not give there (tier 2 needs grant_approver_roles).
    let tier2_role = app
        .scalar(&role_id("Commissioning Approver (tier 2)"))
        .await
        .to_string();
    let res = admin
        .post(
            "restrict_assignment",
            &[
                ("user", tier1_s.as_str()),
                ("assignment", assignment_s.as_str()),
                ("role", tier2_role.as_str()),
            ],
            Js::On,
            &change,
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("RoleNotOffered"));
    // An administrator of another practice: not found.
    let other = app.browser();
    other.sign_in("user.admin").await;
    assert_eq!(other.get(&change).await.status(), 404);
}

/// On a user's page: Add Organisation (Search By, tick, Submit, roles, Submit), Remove
/// Organisation (Submit), and the Enabled/Disabled radio, each for someone in the administrator's
/// area only.
#[tokio::test]
async fn on_a_users_page_an_administrator_adds_and_removes_organisations_and_sets_access() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let chris = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("commissioner.tier1")
        ))
        .await;
    let role = |name: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT id FROM roles WHERE name = '{name}'"))
                .await
        }
    };
    let (tier1, tier2) = (
        role("Commissioning User (tier 1)").await,
        role("Commissioning Approver (tier 2)").await,
    );
    let (finance_view, provider_user) = (role("Finance View").await, role("Provider User").await);
    let user_page = page(&admin, &format!("/users/{chris}")).await;
    let add = format!("/users/{chris}/organisations");
    assert!(
        user_page.contains(&format!("href=\"{add}\"")) && user_page.contains("Add Organisation")
    );
    assert!(user_page.contains(&format!("action=\"/users/{chris}/access\"")));
    assert!(user_page.contains("name=\"access\"") && user_page.contains("value=\"disabled\""));
    // Search By, tick: Hillside is found; Submit with nothing ticked is a problem at the field.
    let found = page(&admin, &format!("{add}?q=Hillside&step=organisations")).await;
    assert!(found.contains("value=\"A81022\"") && found.contains("Chris Tierone"));
    let nothing = page(&admin, &format!("{add}?step=roles")).await;
    assert!(nothing.contains("Add at least one organisation"));
    // Submit: each organisation's roles, less the one Chris holds at QHM.
    let roles = page(
        &admin,
        &format!("{add}?organisations=QHM&organisations=A81022&step=roles"),
    )
    .await;
    assert!(roles.contains(&format!("value=\"QHM:{finance_view}\"")));
    assert!(roles.contains(&format!("value=\"A81022:{provider_user}\"")));
    assert!(
        !roles.contains(&format!("value=\"QHM:{tier1}\"")),
        "a role held is not offered again"
    );
    assert!(roles.contains("Tees Valley North Practices (C61A6DB801)"));
    // Refused, with nothing written: the role held; an approver-tier role from an administrator
    // without grant_approver_roles; and tier 2 beside tier 1, from the Service Desk, who may
    // give it.
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let before = app.scalar("SELECT COUNT(*) FROM role_assignments").await;
    let chris_id = chris.to_string();
    for (who, grant, expected) in [
        (&admin, format!("QHM:{tier1}"), "AlreadyInvited"),
        (&admin, format!("QHM:{tier2}"), "RoleNotOffered"),
        (&desk, format!("QHM:{tier2}"), "RolesConflict"),
    ] {
        let res = who
            .post(
                "add_user_roles",
                &[
                    ("user", chris_id.as_str()),
                    ("organisations", "QHM"),
                    ("grants[1]", grant.as_str()),
                ],
                Js::On,
                &add,
            )
            .await;
        let status = res.status().as_u16();
        let body = said(res).await;
        assert!(
            status == 400 && body.contains(expected),
            "{grant}: {status} {body}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM role_assignments").await,
        before
    );
    // Tick Finance View with QOF and the cluster at QHM, and Provider User at Hillside: Submit.
    let fv = format!("QHM:{finance_view}");
    let qof = format!("QHM:{finance_view}:QOF");
    let pu = format!("A81022:{provider_user}");
    let res = admin
        .post(
            "add_user_roles",
            &[
                ("user", chris_id.as_str()),
                ("organisations", "QHM,A81022"),
                ("grants[2]", fv.as_str()),
                ("payments[3]", qof.as_str()),
                ("clusters[7]", "QHM:C61A6DB801"),
                ("grants[9]", pu.as_str()),
            ],
            Js::Off,
            &add,
        )
        .await;
    let to = location(&res);
    assert_eq!(to, format!("/users/{chris}?done=roles-added"));
    let after = page(&admin, &to).await;
    assert!(after.contains("You have successfully added the organisation and roles."));
    assert!(after.contains("Hillside Practice (A81022)") && after.contains("Finance View"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = {chris} AND status = 'active' \
             AND role_id IN ({finance_view}, {provider_user})"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM assignment_payment_types p JOIN role_assignments r ON r.id = p.assignment_id \
             WHERE r.user_id = {chris} AND r.role_id = {finance_view} AND p.payment_type = 'QOF'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.texts(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{}'",
            demo_email("commissioner.tier1")
        ))
        .await,
        ["Gatehouse: you have been given new access"]
    );
    // One event per organisation, placed there, so each area's administrators see their own.
    assert_eq!(
        app.texts(
            "SELECT o.code FROM audit_events e JOIN organisations o ON o.id = e.organisation_id \
             WHERE e.action = 'roles_added' ORDER BY o.code"
        )
        .await,
        ["A81022", "QHM"]
    );
    // Chris now chooses between three roles, the new one limited to QOF and the cluster.
    let chris_browser = app.browser();
    let signed = chris_browser
        .post(
            "sign_in",
            &[
                ("email", demo_email("commissioner.tier1").as_str()),
                ("password", crate::support::PASSWORD),
            ],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location_path(&signed), "/select-account");
    // Remove Organisation: Hillside's row links to the revoke page with it chosen, and Submit.
    let remove = format!("/users/{chris}/revoke?organisation=A81022");
    assert!(after.contains(&format!("href=\"{}\"", remove.replace('&', "&amp;"))));
    let confirm = page(&admin, &remove).await;
    assert!(confirm.contains(">Submit</button>"));
    let res = admin
        .post(
            "revoke_access",
            &[("user", chris_id.as_str()), ("organisation", "A81022")],
            Js::Off,
            &remove,
        )
        .await;
    assert!(location(&res).ends_with("?done=revoked"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments r JOIN organisations o ON o.id = r.organisation_id \
             WHERE r.user_id = {chris} AND o.code = 'A81022' AND r.status = 'revoked'"
        ))
        .await,
        1
    );
    // The radio's Submit leads to Disable (with its reason) or says the account is enabled.
    let disable = page(&admin, &format!("/users/{chris}/access?access=disabled")).await;
    assert!(disable.contains("Disable the account of Chris Tierone?"));
    let enabled = page(&admin, &format!("/users/{chris}/access?access=enabled")).await;
    assert!(enabled.contains("This account is enabled already"));
    // Nobody gives themselves a role or changes their own: no link, and "not found".
    let me = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("account.admin")
        ))
        .await;
    let my_assignment = app
        .scalar(&format!(
            "SELECT id FROM role_assignments WHERE user_id = {me} AND status = 'active'"
        ))
        .await;
    let own = page(&admin, &format!("/users/{me}")).await;
    assert!(
        !own.contains(&format!("/users/{me}/organisations\""))
            && !own.contains(&format!("/users/{me}/roles/")),
        "no Add Organisation or Change link on your own page"
    );
    assert_eq!(
        admin
            .get(&format!("/users/{me}/organisations"))
            .await
            .status(),
        404
    );
    let (me_s, mine_s) = (me.to_string(), my_assignment.to_string());
    for (endpoint, form) in [
        (
            "add_user_roles",
            vec![
                ("user", me_s.as_str()),
                ("organisations", "QHM"),
                ("grants[1]", fv.as_str()),
            ],
        ),
        (
            "restrict_assignment",
            vec![("user", me_s.as_str()), ("assignment", mine_s.as_str())],
        ),
    ] {
        let res = admin.post(endpoint, &form, Js::On, "/users").await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    // A disabled account is enabled before organisations are added to it.
    app.sql(&format!(
        "UPDATE users SET status = 'disabled' WHERE id = {chris}"
    ))
    .await;
    assert!(page(&admin, &add)
        .await
        .contains("This account is disabled. Enable it before adding organisations"));
    let res = admin
        .post(
            "add_user_roles",
            &[
                ("user", chris_id.as_str()),
                ("organisations", "A81022"),
                ("grants[1]", pu.as_str()),
            ],
            Js::On,
            &add,
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("InviteeDisabled"));
    // Outside the area: a practice's User Administrator gets "not found".
    let outsider = app.browser();
    outsider.sign_in("user.admin").await;
    assert_eq!(outsider.get(&add).await.status(), 404);
    let res = outsider
        .post(
            "add_user_roles",
            &[
                ("user", chris_id.as_str()),
                ("organisations", "A81001"),
                ("grants[1]", &format!("A81001:{provider_user}")),
            ],
            Js::On,
            &add,
        )
        .await;
    assert_eq!(res.status(), 404);
}
