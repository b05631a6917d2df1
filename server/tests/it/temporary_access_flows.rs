//! "Access ends on" in every flow that gives a role, over HTTP against the real app (SQLite, demo
//! data): Add New User, Add Organisation, Invite, approving a registration, and Request Access,
//! whose proposal the reviewer may shorten but not lengthen. A date in the past is refused at the
//! field and nothing is written.

use crate::support::{location, said, Js, TestApp};

/// A date `days` from today as the three boxes take it: (day, month, year).
async fn boxes(app: &TestApp, days: i64) -> (String, String, String) {
    let [d, m, y] = crate::temporary_access::boxes(app, days).await;
    (d, m, y)
}

/// The instant a role typed as ending `days` from today ends: the start of the next UK day.
async fn end_of(app: &TestApp, days: i64) -> i64 {
    // Within a day either way of UTC midnight; the flows store the UK one.
    app.scalar(&format!(
        "SELECT CAST(strftime('%s', date('now', '{:+} days')) AS INTEGER)",
        days + 1
    ))
    .await
}

fn near(stored: i64, expected: i64) -> bool {
    (stored - expected).abs() <= 3_600
}

async fn problems(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    said(res).await
}

#[tokio::test]
async fn add_new_user_gives_every_role_until_the_day_and_refuses_a_past_day() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let provider_user = app
        .scalar("SELECT id FROM roles WHERE name = 'Provider User'")
        .await;
    let pu = format!("A81022:{provider_user}");
    let submit = |when: (String, String, String)| {
        let (admin, pu) = (&admin, pu.clone());
        async move {
            admin
                .post(
                    "add_new_user",
                    &[
                        ("email", "lou.locum@example.nhs.uk"),
                        ("confirm_email", "lou.locum@example.nhs.uk"),
                        ("first_name", "Lou"),
                        ("last_name", "Locum"),
                        ("phone", "0191 123 4567"),
                        ("organisations", "A81022"),
                        ("grants[0]", pu.as_str()),
                        ("access_ends_day", &when.0),
                        ("access_ends_month", &when.1),
                        ("access_ends_year", &when.2),
                    ],
                    Js::On,
                    "/users/new",
                )
                .await
        }
    };
    let users = "SELECT COUNT(*) FROM users";
    let before = app.scalar(users).await;
    assert!(problems(submit(boxes(&app, -1).await).await)
        .await
        .contains("AccessEndInThePast"));
    assert!(problems(submit(boxes(&app, 400).await).await)
        .await
        .contains("AccessEndTooFar"));
    assert_eq!(app.scalar(users).await, before, "nothing half-written");
    let res = submit(boxes(&app, 14).await).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let ends = app
        .scalar("SELECT a.ends_at FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE u.email = 'lou.locum@example.nhs.uk' AND a.status = 'active'")
        .await;
    assert!(near(ends, end_of(&app, 14).await), "{ends}");
    let trail = app
        .texts(
            "SELECT reason FROM audit_events WHERE action = 'user_added' ORDER BY id DESC LIMIT 1",
        )
        .await;
    assert!(trail[0].contains("ending at"), "{trail:?}");
}

#[tokio::test]
async fn add_organisation_and_an_invitation_carry_the_end_to_the_role() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    // Add Organisation for an existing user: a role at Hillside until a day.
    let user = app.demo_user("cover.two").await;
    let provider_user = app
        .scalar("SELECT id FROM roles WHERE name = 'Provider User'")
        .await;
    let grant = format!("A81022:{provider_user}");
    let when = boxes(&app, 20).await;
    let (u, page) = (user.to_string(), format!("/users/{user}/organisations"));
    let res = admin
        .post(
            "add_user_roles",
            &[
                ("user", u.as_str()),
                ("organisations", "A81022"),
                ("grants[0]", grant.as_str()),
                ("access_ends_day", &when.0),
                ("access_ends_month", &when.1),
                ("access_ends_year", &when.2),
            ],
            Js::Off,
            &page,
        )
        .await;
    assert_eq!(location(&res), format!("/users/{user}?done=roles-added"));
    let ends = app
        .scalar(&format!("SELECT a.ends_at FROM role_assignments a JOIN organisations o ON o.id = a.organisation_id WHERE a.user_id = {user} AND o.code = 'A81022'"))
        .await;
    assert!(near(ends, end_of(&app, 20).await), "{ends}");

    // Invite: the role step takes the end, the preview and the email say it, and the pending
    // role carries it.
    admin
        .post(
            "invite_email",
            &[("email", "lee.locum@example.nhs.uk")],
            Js::Off,
            "/users/invite",
        )
        .await;
    admin
        .post(
            "invite_names",
            &[("first_name", "Lee"), ("last_name", "Locum")],
            Js::Off,
            "/users/invite/details",
        )
        .await;
    let role = provider_user.to_string();
    let past = boxes(&app, -3).await;
    let res = admin
        .post(
            "invite_role",
            &[
                ("org", "A81022"),
                ("role", role.as_str()),
                ("access_ends_day", &past.0),
                ("access_ends_month", &past.1),
                ("access_ends_year", &past.2),
            ],
            Js::On,
            "/users/invite/role",
        )
        .await;
    assert!(problems(res).await.contains("AccessEndInThePast"));
    let when = boxes(&app, 30).await;
    let res = admin
        .post(
            "invite_role",
            &[
                ("org", "A81022"),
                ("role", role.as_str()),
                ("access_ends_day", &when.0),
                ("access_ends_month", &when.1),
                ("access_ends_year", &when.2),
            ],
            Js::Off,
            "/users/invite/role",
        )
        .await;
    let preview = location(&res);
    let shown = admin.get(&preview).await.text().await.expect("preview");
    assert!(
        shown.contains("Access ends") && shown.contains("This access is temporary: it ends after"),
        "{shown}"
    );
    let res = admin
        .post(
            "send_invite",
            &[("org", "A81022"), ("role", role.as_str())],
            Js::Off,
            &preview,
        )
        .await;
    assert_eq!(location(&res), "/users?done=invited");
    let ends = app
        .scalar("SELECT a.ends_at FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE u.email = 'lee.locum@example.nhs.uk' AND a.status = 'pending'")
        .await;
    assert!(near(ends, end_of(&app, 30).await), "{ends}");
}

#[tokio::test]
async fn a_proposed_end_may_be_shortened_by_the_reviewer_but_not_lengthened() {
    let app = TestApp::start().await;
    let requester = app.browser();
    requester.sign_in("provider.user").await;
    let priya = app.demo_user("provider.user").await;
    requester
        .post(
            "request_organisation",
            &[("query", "A81009"), ("organisation", "A81009")],
            Js::Off,
            "/my-profile/request-access",
        )
        .await;
    let proposal = boxes(&app, 20).await;
    let res = requester
        .post(
            "request_role",
            &[
                ("org", "A81009"),
                ("role", "6"),
                ("reason", "Covering a vacancy"),
                ("access_ends_day", &proposal.0),
                ("access_ends_month", &proposal.1),
                ("access_ends_year", &proposal.2),
            ],
            Js::Off,
            "/my-profile/request-access/role",
        )
        .await;
    let check = location(&res);
    let summary = requester.get(&check).await.text().await.expect("check");
    assert!(
        summary.contains("Access needed") && summary.contains("Until "),
        "{summary}"
    );
    let res = requester
        .post(
            "send_request",
            &[("org", "A81009"), ("role", "6")],
            Js::Off,
            &check,
        )
        .await;
    assert_eq!(location(&res), "/my-profile/roles?done=requested");
    let id = app
        .scalar(&format!(
            "SELECT MAX(id) FROM role_assignments WHERE user_id = {priya} AND origin = 'request'"
        ))
        .await;
    let proposed = app
        .scalar(&format!(
            "SELECT ends_at FROM role_assignments WHERE id = {id}"
        ))
        .await;
    assert!(near(proposed, end_of(&app, 20).await));

    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let review = admin
        .get(&format!("/users/{priya}/requests/{id}"))
        .await
        .text()
        .await
        .expect("review");
    assert!(review.contains("Access asked for"), "{review}");
    let decide = |when: (String, String, String)| {
        let (admin, id) = (&admin, id.to_string());
        async move {
            admin
                .post(
                    "decide_request",
                    &[
                        ("id", id.as_str()),
                        ("decision", "approve"),
                        ("reason", ""),
                        ("access_ends_day", &when.0),
                        ("access_ends_month", &when.1),
                        ("access_ends_year", &when.2),
                    ],
                    Js::On,
                    "/users",
                )
                .await
        }
    };
    // Later than asked: refused, still waiting.
    assert!(problems(decide(boxes(&app, 25).await).await)
        .await
        .contains("AccessEndAfterProposal"));
    let status =
        format!("SELECT COUNT(*) FROM role_assignments WHERE id = {id} AND status = 'pending'");
    assert_eq!(app.scalar(&status).await, 1);
    // Earlier: approved until then.
    let res = decide(boxes(&app, 10).await).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let given = app
        .scalar(&format!(
            "SELECT ends_at FROM role_assignments WHERE id = {id} AND status = 'active'"
        ))
        .await;
    assert!(near(given, end_of(&app, 10).await), "{given}");
}

#[tokio::test]
async fn a_registration_may_be_approved_as_temporary_access() {
    let app = TestApp::start().await;
    let b = app.browser();
    let email = "temp.reg@example.nhs.uk";
    b.post(
        "register_start",
        &[("email", email), ("organisation", "A81001")],
        Js::Off,
        "/register",
    )
    .await;
    b.post(
        "register",
        &[
            ("email", email),
            ("org", "A81001"),
            ("role", "6"),
            ("first_name", "Tam"),
            ("last_name", "Temp"),
        ],
        Js::Off,
        "/register/details",
    )
    .await;
    let id = app
        .scalar(&format!("SELECT a.id FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE u.email = '{email}'"))
        .await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let when = boxes(&app, 7).await;
    let res = admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
                ("access_ends_day", &when.0),
                ("access_ends_month", &when.1),
                ("access_ends_year", &when.2),
            ],
            Js::Off,
            "/pending-actions",
        )
        .await;
    assert_eq!(location(&res), "/pending-actions?done=approved");
    let ends = app
        .scalar(&format!(
            "SELECT ends_at FROM role_assignments WHERE id = {id} AND status = 'active'"
        ))
        .await;
    assert!(near(ends, end_of(&app, 7).await), "{ends}");
}

#[tokio::test]
async fn the_dormancy_rule_disables_an_unused_account_unless_the_service_desk_keeps_it() {
    let app = TestApp::start().await;
    // The demo's dormant user was added 200 days ago and never signed in.
    let dee = app.demo_user("dormant").await;
    let status = format!("SELECT status FROM users WHERE id = {dee}");
    let rule = app.state.clone();
    // Off by default: nothing happens.
    server::temporary_access::tick(&rule).await;
    assert_eq!(app.texts(&status).await, ["active"]);
    let rule: app::ssr::AppState = app::ssr::state::Shared {
        disable_dormant_days: 180,
        ..(*rule).clone()
    }
    .into();

    // The Service Desk keeps the account from the rule; nobody else may.
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let dee_id = dee.to_string();
    let keep = [("user", dee_id.as_str()), ("reason", "On-call account")];
    let res = admin
        .post("set_dormancy_exemption", &keep, Js::On, "/users")
        .await;
    assert_eq!(res.status(), 404);
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let page = format!("/users/{dee}/dormancy");
    let res = desk
        .post(
            "set_dormancy_exemption",
            &[("user", dee_id.as_str()), ("reason", "  ")],
            Js::On,
            &page,
        )
        .await;
    assert!(problems(res).await.contains("ExemptionReasonEmpty"));
    let res = desk
        .post("set_dormancy_exemption", &keep, Js::Off, &page)
        .await;
    assert_eq!(location(&res), format!("/users/{dee}?done=exempted"));
    let shown = desk.get(&page).await.text().await.expect("page");
    assert!(
        shown.contains("kept from the rule: On-call account"),
        "{shown}"
    );
    server::temporary_access::tick(&rule).await;
    assert_eq!(app.texts(&status).await, ["active"], "kept");

    // The exemption ends: the next round disables it, once, with its reason, and emails Dee.
    let res = desk
        .post(
            "set_dormancy_exemption",
            &[("user", dee_id.as_str()), ("remove", "1")],
            Js::Off,
            &page,
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/users/{dee}?done=exemption-removed")
    );
    server::temporary_access::tick(&rule).await;
    server::temporary_access::tick(&rule).await;
    assert_eq!(app.texts(&status).await, ["disabled"]);
    assert_eq!(
        app.texts(&format!(
            "SELECT reason FROM audit_events WHERE action = 'account_disabled_unused' AND target_user_id = {dee}"
        ))
        .await,
        ["Not used for 180 days"]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE subject = 'Your Gatehouse account has been disabled'")
            .await,
        1
    );
    // Enabled again by an administrator: not disabled again at the next round.
    app.sql(&format!(
        "UPDATE users SET status = 'active', enabled_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = {dee}"
    ))
    .await;
    server::temporary_access::tick(&rule).await;
    assert_eq!(app.texts(&status).await, ["active"]);
}
