//! Access requests over HTTP against the real app (SQLite, demo data): request → review on the
//! user's page → approve, and the new role is selectable at once; reject with a reason; withdraw;
//! the tier 1/tier 2 rule; and reviewers outside the area who get "not found" from everything.

use crate::support::{demo_email, location, location_path, said, Browser, Js, TestApp};

const PROVIDER_USER: &str = "6";
const VIEW: &str = "11";
const TIER2: &str = "4";

async fn user_id(app: &TestApp, local: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id FROM users WHERE email = '{}'",
        demo_email(local)
    ))
    .await
}

async fn latest_request(app: &TestApp, user: i64) -> i64 {
    app.scalar(&format!(
        "SELECT MAX(id) FROM role_assignments WHERE user_id = {user} AND origin = 'request'"
    ))
    .await
}

/// Walks the three steps without JavaScript and sends.
async fn ask(b: &Browser, org: &str, role: &str, reason: &str) -> reqwest::Response {
    let res = b
        .post(
            "request_organisation",
            &[("query", org), ("organisation", org)],
            Js::Off,
            "/my-profile/request-access",
        )
        .await;
    assert_eq!(location_path(&res), "/my-profile/request-access/role");
    let res = b
        .post(
            "request_role",
            &[("org", org), ("role", role), ("reason", reason)],
            Js::Off,
            "/my-profile/request-access/role",
        )
        .await;
    let check = location(&res);
    assert!(
        check.starts_with("/my-profile/request-access/check?"),
        "{check}"
    );
    b.post(
        "send_request",
        &[("org", org), ("role", role), ("reason", reason)],
        Js::Off,
        &check,
    )
    .await
}

async fn problems(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    said(res).await
}

#[tokio::test]
async fn a_request_is_approved_on_the_users_page_and_the_role_is_selectable_at_once() {
    let app = TestApp::start().await;
    let requester = app.browser();
    requester.sign_in("provider.user").await;
    let priya = user_id(&app, "provider.user").await;

    // Step 1 finds the practice by its code or exact name.
    let found: serde_json::Value = requester
        .post("request_organisations", &[("query", "a81009")], Js::On, "/")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found[0]["code"], "A81009", "{found}");
    // Nothing chosen (an unticked radio group sends nothing): the problem is at the field.
    let res = requester
        .post("request_organisation", &[("query", "A81009")], Js::On, "/")
        .await;
    assert!(problems(res).await.contains("ChooseOrganisation"));
    // Step 2: a reason is needed.
    let res = requester
        .post(
            "request_role",
            &[("org", "A81009"), ("role", PROVIDER_USER), ("reason", " ")],
            Js::On,
            "/",
        )
        .await;
    assert!(problems(res).await.contains("RequestReasonEmpty"));

    let res = ask(
        &requester,
        "A81009",
        PROVIDER_USER,
        "I cover this practice on Tuesdays",
    )
    .await;
    assert_eq!(location(&res), "/my-profile/roles?done=requested");
    let id = latest_request(&app, priya).await;
    let mine: serde_json::Value = requester
        .post("my_roles", &[], Js::On, "/my-profile/roles")
        .await
        .json()
        .await
        .expect("json");
    let row = mine
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == id)
        .expect("listed");
    assert_eq!(
        (row["status"].as_str(), row["may_withdraw"].as_bool()),
        (Some("Pending"), Some(true))
    );
    // Asking twice is refused at the role.
    let res = requester
        .post(
            "request_role",
            &[
                ("org", "A81009"),
                ("role", PROVIDER_USER),
                ("reason", "again"),
            ],
            Js::On,
            "/",
        )
        .await;
    assert!(problems(res).await.contains("RoleRequested"));

    // The account administrator of the ICB is told, and reviews from Users.
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let notes: serde_json::Value = admin
        .post("notifications", &[], Js::On, "/notifications")
        .await
        .json()
        .await
        .expect("json");
    let review = format!("/users/{priya}/requests/{id}");
    assert!(
        notes
            .as_array()
            .expect("list")
            .iter()
            .any(|n| n["review"] == review.as_str()),
        "{notes}"
    );
    let listing: serde_json::Value = admin
        .post(
            "list_users",
            &[
                ("q", "Priya"),
                ("sort", "first_name"),
                ("dir", "asc"),
                ("page", "1"),
                ("size", "10"),
            ],
            Js::On,
            "/users",
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listing["rows"][0]["review"], review.as_str(), "{listing}");
    let detail: serde_json::Value = admin
        .post("get_user", &[("id", &priya.to_string())], Js::On, "/users")
        .await
        .json()
        .await
        .expect("json");
    let pending = detail["assignments"]
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["org_code"] == "A81009")
        .expect("shown")
        .clone();
    assert_eq!(pending["status"], "Pending Access Request");
    assert_eq!(pending["review"], review.as_str());
    let html = admin.get(&review).await.text().await.expect("page");
    assert!(html.contains("I cover this practice on Tuesdays"));

    // No decision chosen: refused at the field, nothing changes.
    let res = admin
        .post(
            "decide_request",
            &[("id", &id.to_string()), ("reason", "")],
            Js::On,
            &review,
        )
        .await;
    assert!(problems(res).await.contains("DecisionMissing"));
    let res = admin
        .post(
            "decide_request",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::Off,
            &review,
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/users/{priya}?done=request-approved")
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE id = {id} AND status = 'active'"
        ))
        .await,
        1
    );
    // Deciding again changes nothing.
    let res = admin
        .post(
            "decide_request",
            &[
                ("id", &id.to_string()),
                ("decision", "reject"),
                ("reason", "late"),
            ],
            Js::On,
            &review,
        )
        .await;
    assert!(problems(res).await.contains("RequestClosed"));

    // Still signed in, the requester can switch to the new role at once.
    let accounts: serde_json::Value = requester
        .post("selectable_accounts", &[], Js::On, "/select-account")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        accounts.to_string().contains("A81009"),
        "the new role is offered: {accounts}"
    );
    let told: serde_json::Value = requester
        .post("notifications", &[], Js::On, "/notifications")
        .await
        .json()
        .await
        .expect("json");
    assert!(told.to_string().contains("has been approved"), "{told}");
    for action in ["access_requested", "access_request_approved"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND target_user_id = {priya}"
            ))
            .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn a_rejection_gives_its_reason_and_a_withdrawn_request_cannot_be_decided() {
    let app = TestApp::start().await;
    let requester = app.browser();
    requester.sign_in("provider.user").await;
    let priya = user_id(&app, "provider.user").await;
    ask(&requester, "A81011", VIEW, "Covering a colleague").await;
    let rejected = latest_request(&app, priya).await;
    ask(&requester, "A81014", VIEW, "Covering a colleague").await;
    let withdrawn = latest_request(&app, priya).await;

    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin
        .post(
            "decide_request",
            &[
                ("id", &rejected.to_string()),
                ("decision", "reject"),
                ("reason", ""),
            ],
            Js::On,
            "/",
        )
        .await;
    assert!(problems(res).await.contains("ReasonEmpty"));
    admin
        .post(
            "decide_request",
            &[
                ("id", &rejected.to_string()),
                ("decision", "reject"),
                ("reason", "Not on our staff list"),
            ],
            Js::Off,
            "/",
        )
        .await;

    // Only the requester may withdraw.
    let res = admin
        .post(
            "withdraw_request",
            &[("id", &withdrawn.to_string())],
            Js::On,
            "/",
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = requester
        .post(
            "withdraw_request",
            &[("id", &withdrawn.to_string())],
            Js::Off,
            "/my-profile/roles",
        )
        .await;
    assert_eq!(location(&res), "/my-profile/roles?done=withdrawn");
    let res = admin
        .post(
            "decide_request",
            &[
                ("id", &withdrawn.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::On,
            "/",
        )
        .await;
    assert!(problems(res).await.contains("RequestClosed"));

    let mine: serde_json::Value = requester
        .post("my_roles", &[], Js::On, "/my-profile/roles")
        .await
        .json()
        .await
        .expect("json");
    let status = |id: i64| {
        mine.as_array()
            .expect("list")
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| {
                (
                    r["status"].clone(),
                    r["reason"].clone(),
                    r["may_withdraw"].clone(),
                )
            })
            .expect("listed")
    };
    assert_eq!(
        status(rejected),
        (
            "Rejected".into(),
            "Not on our staff list".into(),
            false.into()
        )
    );
    assert_eq!(status(withdrawn).0, "Withdrawn");
    let html = requester
        .get("/my-profile/roles")
        .await
        .text()
        .await
        .expect("page");
    assert!(html.contains("Rejected: Not on our staff list"));
    for action in ["access_request_rejected", "access_request_withdrawn"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
            ))
            .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn tier_1_and_tier_2_cannot_be_requested_together_and_strangers_see_nothing() {
    let app = TestApp::start().await;
    let tier1 = app.browser();
    tier1.sign_in("commissioner.tier1").await;
    let res = tier1
        .post(
            "request_role",
            &[
                ("org", "QHM"),
                ("role", TIER2),
                ("reason", "I approve claims too"),
            ],
            Js::On,
            "/",
        )
        .await;
    assert!(problems(res).await.contains("RoleConflict"));
    let res = tier1
        .post(
            "send_request",
            &[
                ("org", "QHM"),
                ("role", TIER2),
                ("reason", "I approve claims too"),
            ],
            Js::On,
            "/",
        )
        .await;
    assert!(
        problems(res).await.contains("RoleConflict"),
        "Send checks again"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM role_assignments WHERE origin = 'request'")
            .await,
        0
    );

    // A practice's own User Administrator does not review another practice's requests, and
    // nobody without a role reviews anything.
    let requester = app.browser();
    requester.sign_in("provider.user").await;
    ask(&requester, "A81018", PROVIDER_USER, "Second practice").await;
    let id = latest_request(&app, user_id(&app, "provider.user").await).await;
    let practice_admin = app.browser();
    practice_admin.sign_in("user.admin").await;
    for (endpoint, form) in [
        ("get_request", vec![("id", id.to_string())]),
        (
            "decide_request",
            vec![
                ("id", id.to_string()),
                ("decision", "approve".to_owned()),
                ("reason", String::new()),
            ],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = practice_admin.post(endpoint, &form, Js::On, "/").await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    // The requester cannot review their own request either.
    let res = requester
        .post("get_request", &[("id", &id.to_string())], Js::On, "/")
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM role_assignments WHERE id = {id} AND status = 'pending'"
        ))
        .await,
        1
    );

    // An administrator asking for another role in their own area is not their own reviewer:
    // not told, and not let in.
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let alex = user_id(&app, "account.admin").await;
    let notes_before = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {alex}"
        ))
        .await;
    ask(&admin, "A81009", PROVIDER_USER, "To see what practices see").await;
    let own = latest_request(&app, alex).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {alex}"
        ))
        .await,
        notes_before
    );
    let own_id = own.to_string();
    for (endpoint, form) in [
        ("get_request", vec![("id", own_id.as_str())]),
        (
            "decide_request",
            vec![
                ("id", own_id.as_str()),
                ("decision", "approve"),
                ("reason", ""),
            ],
        ),
    ] {
        let res = admin.post(endpoint, &form, Js::On, "/").await;
        assert_eq!(res.status(), 404, "{endpoint} on one's own request");
    }
    // The other administrators of the area still are.
    let other_admin = app.browser();
    other_admin.sign_in("advanced.admin").await;
    let res = other_admin
        .post("get_request", &[("id", &own.to_string())], Js::On, "/")
        .await;
    assert_eq!(res.status(), 200);

    // A revoked user (no active role) can still ask, from My Profile.
    let revoked = app.browser();
    revoked.sign_in("revoked").await;
    let res = ask(&revoked, "A81004", PROVIDER_USER, "Back from leave").await;
    assert_eq!(location(&res), "/my-profile/roles?done=requested");
}
