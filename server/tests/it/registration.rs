//! Sign-up over HTTP against the real app (SQLite, demo data): register → review → approve or
//! reject → the email's link → set password → sign in, with the bad input and scope rules.

use crate::support::{demo_email, location, location_path, said, Js, TestApp};
use sqlx::Row;

const PROVIDER_USER: &str = "6";
const STRONG: &str = "Correct-Horse-42!";

async fn rows(app: &TestApp, sql: &str) -> Vec<sqlx::sqlite::SqliteRow> {
    let pool = sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("db");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&pool)
        .await
        .expect("query");
    pool.close().await;
    rows
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    rows(app, sql).await[0].get::<i64, _>(0)
}

/// The outbox's emails to one address: (subject, body), oldest first.
async fn mail_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    rows(
        app,
        &format!("SELECT subject, body FROM outbox WHERE recipient = '{to}' ORDER BY id"),
    )
    .await
    .iter()
    .map(|r| (r.get("subject"), r.get("body")))
    .collect()
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn link_in(body: &str) -> String {
    let start = body.find("/activate?token=").expect("a link in the email");
    let rest = &body[start..];
    rest.split_whitespace().next().expect("link").to_owned()
}

async fn register(
    app: &TestApp,
    email: &str,
    org: &str,
    first: &str,
    last: &str,
    js: Js,
) -> reqwest::Response {
    let b = app.browser();
    let start = b
        .post(
            "register_start",
            &[("email", email), ("organisation", org)],
            js,
            "/register",
        )
        .await;
    if js == Js::Off {
        assert_eq!(start.status(), 302);
        assert_eq!(
            location_path(&start),
            "/register/details",
            "{}",
            location(&start)
        );
    }
    b.post(
        "register",
        &[
            ("email", email),
            ("org", org),
            ("role", PROVIDER_USER),
            ("first_name", first),
            ("last_name", last),
        ],
        js,
        "/register/details",
    )
    .await
}

async fn assignment_of(app: &TestApp, email: &str) -> i64 {
    rows(
        app,
        &format!(
            "SELECT a.id FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE u.email = '{email}' ORDER BY a.id DESC"
        ),
    )
    .await[0]
        .get::<i64, _>("id")
}

#[tokio::test]
async fn register_approve_activate_and_sign_in() {
    let app = TestApp::start().await;
    let email = "jo.bloggs@example.nhs.uk";
    let done = register(&app, email, "A81001", "Jo", "Bloggs", Js::Off).await;
    assert_eq!(location(&done), "/register/done");

    // Pending user and request; the area's administrators are told in-app and by email, the
    // Service Desk is not (it reviews administrators' registrations).
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND status = 'pending' AND password_hash IS NULL")).await, 1);
    let id = assignment_of(&app, email).await;
    // The submission is on the audit trail, as the person and at the practice.
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.target_user_id JOIN organisations o ON o.id = e.organisation_id WHERE e.action = 'registration_submitted' AND u.email = '{email}' AND o.code = 'A81001'")).await, 1);
    let notified: Vec<String> = rows(&app, &format!(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.assignment_id = {id} ORDER BY u.email"
    )).await.iter().map(|r| r.get("email")).collect();
    assert!(
        notified.contains(&demo_email("account.admin")),
        "{notified:?}"
    );
    assert!(notified.contains(&demo_email("user.admin")), "{notified:?}");
    assert!(
        !notified.contains(&demo_email("service.desk")),
        "{notified:?}"
    );
    assert!(
        !notified.contains(&demo_email("provider.user")),
        "{notified:?}"
    );
    let admin_mail = mail_to(&app, &demo_email("account.admin")).await;
    assert_eq!(admin_mail.len(), 1);
    assert!(admin_mail[0]
        .1
        .contains("Jo Bloggs has asked to register as Provider User at"));

    // The administrator sees it in Pending Actions and as a notification, and approves it.
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let home = admin.get("/").await.text().await.expect("home");
    assert!(home.contains("Pending Actions") && home.contains("Notifications"));
    let list = admin
        .get("/pending-actions")
        .await
        .text()
        .await
        .expect("list");
    assert!(
        list.contains("Jo") && list.contains("Bloggs") && list.contains(email),
        "{list}"
    );
    assert!(list.contains("New account and role by self registration"));
    let notes = admin
        .get("/notifications")
        .await
        .text()
        .await
        .expect("notifications");
    assert!(notes.contains(&format!("/pending-actions/{id}")));
    let review = admin
        .get(&format!("/pending-actions/{id}"))
        .await
        .text()
        .await
        .expect("review");
    assert!(review.contains("Details for Jo Bloggs") && !review.contains("shared mailbox"));
    let decided = admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::Off,
            "/pending-actions",
        )
        .await;
    assert_eq!(location(&decided), "/pending-actions?done=approved");

    // The email's link sets the password, once.
    let mail = mail_to(&app, email).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].0.contains("approved"));
    let link = link_in(&mail[0].1);
    let token = link.split("token=").nth(1).expect("token").to_owned();
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM user_tokens WHERE token_hash = '{token}'")
        )
        .await,
        0,
        "only the hash is stored"
    );
    let user = app.browser();
    let page = user.get(&link).await.text().await.expect("page");
    assert!(page.contains("Set your password") && page.contains("at least 8 characters"));

    // Each unmet rule is named; nothing changes.
    let weak = user
        .post(
            "activate",
            &[
                ("token", &token),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
            Js::On,
            "/activate",
        )
        .await;
    assert_eq!(weak.status(), 400);
    let body = said(weak).await;
    for rule in ["AtLeast8", "UpperCase", "Digit", "Special"] {
        assert!(body.contains(rule), "{rule} in {body}");
    }
    let mismatch = user
        .post(
            "activate",
            &[
                ("token", &token),
                ("password", STRONG),
                ("confirm_password", "Other-Horse-42!"),
            ],
            Js::On,
            "/activate",
        )
        .await;
    assert!(said(mismatch).await.contains("ConfirmMismatch"));
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND status = 'pending'")
        )
        .await,
        1
    );

    let set = user
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
    let again = user.get(&link).await.text().await.expect("page");
    assert!(again.contains("This link has already been used"));
    let reuse = user
        .post(
            "activate",
            &[
                ("token", &token),
                ("password", STRONG),
                ("confirm_password", STRONG),
            ],
            Js::On,
            "/activate",
        )
        .await;
    assert!(said(reuse).await.contains("LinkNotValid"));

    let signed_in = user
        .post(
            "sign_in",
            &[("email", email), ("password", STRONG)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location(&signed_in), "/");
    let home = user.get("/").await.text().await.expect("home");
    assert!(home.contains("Provider User") && home.contains("The Densham Surgery"));

    // Activated registrations leave Pending Actions.
    let list = admin
        .get("/pending-actions")
        .await
        .text()
        .await
        .expect("list");
    assert!(!list.contains(email));
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_emails_it() {
    let app = TestApp::start().await;
    let email = "reception.team-a81001@example.nhs.uk";
    register(&app, email, "A81001", "Reception", "Staff", Js::Off).await;
    let id = assignment_of(&app, email).await;
    let admin = app.browser();
    admin.sign_in("user.admin").await;
    let review = admin
        .get(&format!("/pending-actions/{id}"))
        .await
        .text()
        .await
        .expect("review");
    assert!(review.contains("This may be a shared mailbox"), "{review}");
    assert!(review.contains("A81001") && review.contains("Reception"));

    let no_reason = admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "reject"),
                ("reason", " "),
            ],
            Js::On,
            "/pending-actions",
        )
        .await;
    assert_eq!(no_reason.status(), 400);
    assert!(said(no_reason).await.contains("ReasonEmpty"));
    let too_long = "x".repeat(251);
    let long = admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "reject"),
                ("reason", &too_long),
            ],
            Js::On,
            "/pending-actions",
        )
        .await;
    assert!(said(long).await.contains("ReasonTooLong"));
    let none = admin
        .post(
            "decide_registration",
            &[("id", &id.to_string()), ("reason", "")],
            Js::On,
            "/pending-actions",
        )
        .await;
    assert!(said(none).await.contains("DecisionMissing"));
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM role_assignments WHERE id = {id} AND status = 'pending'"
            )
        )
        .await,
        1
    );
    assert!(mail_to(&app, email).await.is_empty());

    let reason = "Generic mailbox: please register with your own NHS email address";
    let rejected = admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "reject"),
                ("reason", reason),
            ],
            Js::Off,
            "/pending-actions",
        )
        .await;
    assert_eq!(location(&rejected), "/pending-actions?done=rejected");
    let mail = mail_to(&app, email).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].0.contains("rejected") && mail[0].1.contains(reason));
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = '{email}'")).await, 0);

    // A second decision finds the first one standing.
    let late = app.browser();
    late.sign_in("account.admin").await;
    let second = late
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::On,
            "/pending-actions",
        )
        .await;
    assert_eq!(second.status(), 400);
    assert!(said(second).await.contains("AlreadyDecided"));
    let page = late
        .get(&format!("/pending-actions/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Decided by Uma Useradmin") && page.contains(reason),
        "{page}"
    );
}

#[tokio::test]
async fn bad_registrations_are_refused_at_the_field_and_write_nothing() {
    let app = TestApp::start().await;
    let b = app.browser();

    // An address with an account gets exactly the answer of a new one, at both steps,
    // with and without JavaScript; only its owner is told, by email.
    let known = demo_email("provider.user");
    let fresh = "brand.new@example.nhs.uk";
    for js in [Js::On, Js::Off] {
        let mut answers = Vec::new();
        for email in [known.as_str(), fresh] {
            let res = b
                .post(
                    "register_start",
                    &[("email", email), ("organisation", "A81001")],
                    js,
                    "/register",
                )
                .await;
            let status = res.status();
            let to = location(&res).replace(&encode(email), "EMAIL");
            let body = said(res).await.replace(email, "EMAIL");
            answers.push((status, to, body));
        }
        assert_eq!(
            answers[0], answers[1],
            "register_start tells the addresses apart"
        );
    }
    let before_known = mail_to(&app, &known).await.len();
    let done_known = register(&app, &known, "A81001", "Someone", "Else", Js::Off).await;
    let done_fresh = register(&app, fresh, "A81001", "Brand", "New", Js::Off).await;
    assert_eq!(
        (done_known.status(), location(&done_known)),
        (done_fresh.status(), location(&done_fresh)),
        "register tells the addresses apart"
    );
    assert_eq!(location(&done_known), "/register/done");
    let to_owner = mail_to(&app, &known).await;
    assert_eq!(to_owner.len(), before_known + 1);
    let (subject, body) = to_owner.last().expect("mail");
    assert!(subject.contains("someone tried to register"), "{subject}");
    assert!(
        !body.contains("Someone Else") && !body.contains("token="),
        "{body}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM users WHERE email = '{known}' AND first_name = 'Priya'")
        )
        .await,
        1,
        "the account is untouched"
    );
    app.sql(&format!("DELETE FROM outbox WHERE recipient = '{fresh}'"))
        .await;
    let users_before = count(&app, "SELECT COUNT(*) FROM users").await;

    let unknown = b
        .post(
            "register_start",
            &[("email", "new@example.nhs.uk"), ("organisation", "Z99999")],
            Js::On,
            "/register",
        )
        .await;
    assert!(said(unknown).await.contains("OrganisationNotFound"));
    let empty = b
        .post(
            "register_start",
            &[("email", "not-an-email"), ("organisation", " ")],
            Js::On,
            "/register",
        )
        .await;
    let body = said(empty).await;
    assert!(
        body.contains("EmailMalformed") && body.contains("OrganisationEmpty"),
        "{body}"
    );

    // A role that cannot be held at a practice, missing names, a missing role.
    let wrong_role = b
        .post(
            "register",
            &[
                ("email", "new@example.nhs.uk"),
                ("org", "A81001"),
                ("role", "2"),
                ("first_name", "A"),
                ("last_name", "B"),
            ],
            Js::On,
            "/register/details",
        )
        .await;
    assert!(said(wrong_role).await.contains("RoleNotOffered"));
    let missing = b
        .post(
            "register",
            &[
                ("email", "new@example.nhs.uk"),
                ("org", "A81001"),
                ("first_name", " "),
                ("last_name", ""),
            ],
            Js::On,
            "/register/details",
        )
        .await;
    let body = said(missing).await;
    for code in ["RoleMissing", "FirstNameEmpty", "LastNameEmpty"] {
        assert!(body.contains(code), "{code} in {body}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users").await,
        users_before
    );

    // The same request twice: one registration; the second answer is the first's, and the
    // address's owner is emailed.
    let first = register(
        &app,
        "twice@example.nhs.uk",
        "A81001",
        "Tess",
        "Twice",
        Js::On,
    )
    .await;
    assert!(first.status().is_success() || first.status().is_redirection());
    let second = register(
        &app,
        "twice@example.nhs.uk",
        "A81001",
        "Tess",
        "Twice",
        Js::On,
    )
    .await;
    assert_eq!(second.status(), first.status());
    assert!(mail_to(&app, "twice@example.nhs.uk")
        .await
        .iter()
        .any(|(subject, _)| subject.contains("someone tried to register")));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = 'twice@example.nhs.uk'"
        )
        .await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE u.email = 'twice@example.nhs.uk'").await, 1);
}

#[tokio::test]
async fn the_practice_can_be_found_by_name() {
    let app = TestApp::start().await;
    let b = app.browser();
    let one = b
        .post(
            "register_start",
            &[("email", "n@example.nhs.uk"), ("organisation", "densham")],
            Js::Off,
            "/register",
        )
        .await;
    assert_eq!(location(&one), "/register/details?org=A81001");
    let many = b
        .post(
            "register_start",
            &[("email", "n@example.nhs.uk"), ("organisation", "surgery")],
            Js::Off,
            "/register",
        )
        .await;
    let loc = location(&many);
    assert!(
        loc.starts_with("/register?") && loc.contains("q=surgery"),
        "{loc}"
    );
    assert!(
        !loc.contains("example.nhs.uk"),
        "the address typed stays off the URL: {loc}"
    );
    let page = b.get(&loc).await.text().await.expect("page");
    assert!(
        page.contains("Organisations matching") && page.contains("name=\"choose\""),
        "{page}"
    );
    // The address typed is kept on the server for this browser, and filled in again.
    assert!(page.contains("value=\"n@example.nhs.uk\""), "{page}");
    // More than twenty practices are surgeries: the first twenty are listed, and the page says
    // that the list was cut rather than counting twenty.
    assert_eq!(page.matches("name=\"choose\"").count(), 20);
    assert!(
        page.contains("Showing the first 20: type more of the name")
            && !page.contains("20 organisations found"),
        "{page}"
    );
    let road = b.get("/register?q=road").await;
    let road = road.text().await.expect("page");
    let listed = road.matches("name=\"choose\"").count();
    assert!(
        (2..20).contains(&listed) && road.contains(&format!("{listed} organisations found.")),
        "{road}"
    );
}

#[tokio::test]
async fn reviewers_outside_scope_see_nothing_and_cannot_decide() {
    let app = TestApp::start().await;
    // A81002 is another QHM practice: its registrations are not for A81001's User Administrator.
    register(
        &app,
        "other@example.nhs.uk",
        "A81002",
        "Olu",
        "Other",
        Js::Off,
    )
    .await;
    let id = assignment_of(&app, "other@example.nhs.uk").await;
    let ua = app.browser();
    ua.sign_in("user.admin").await;
    assert!(!ua
        .get("/pending-actions")
        .await
        .text()
        .await
        .expect("list")
        .contains("other@example.nhs.uk"));
    let page = ua
        .get(&format!("/pending-actions/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Page not found") && !page.contains("Olu"));
    for (endpoint, form) in [
        (
            "decide_registration",
            vec![
                ("id", id.to_string()),
                ("decision", "approve".into()),
                ("reason", String::new()),
            ],
        ),
        ("resend_registration", vec![("id", id.to_string())]),
        ("delete_registration", vec![("id", id.to_string())]),
        ("registration_detail", vec![("id", id.to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = ua.post(endpoint, &form, Js::On, "/pending-actions").await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    // Someone without manage_users gets nothing either.
    let pu = app.browser();
    pu.sign_in("provider.user").await;
    let res = pu
        .post(
            "pending_actions",
            &[("sort", "created"), ("dir", "desc"), ("page", "1")],
            Js::On,
            "/",
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM role_assignments WHERE id = {id} AND status = 'pending'"
            )
        )
        .await,
        1
    );
}

#[tokio::test]
async fn resend_replaces_the_link_and_an_expired_link_can_ask_for_a_new_one() {
    let app = TestApp::start().await;
    let email = "late@example.nhs.uk";
    register(&app, email, "A81001", "Lee", "Late", Js::Off).await;
    let id = assignment_of(&app, email).await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    admin
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::Off,
            "/",
        )
        .await;
    let first = link_in(&mail_to(&app, email).await[0].1);

    let resent = admin
        .post(
            "resend_registration",
            &[("id", &id.to_string())],
            Js::Off,
            "/",
        )
        .await;
    assert_eq!(location(&resent), "/pending-actions?done=resent");
    // The resend is in the audit trail, at the registration's organisation.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.target_user_id \
             WHERE e.action = 'registration_email_resent' AND u.email = '{email}' AND e.organisation_id IS NOT NULL AND e.actor_user_id IS NOT NULL"
        ))
        .await,
        1
    );
    let mail = mail_to(&app, email).await;
    assert_eq!(mail.len(), 2);
    let second = link_in(&mail[1].1);
    assert_ne!(first, second);
    let b = app.browser();
    assert!(b
        .get(&first)
        .await
        .text()
        .await
        .expect("page")
        .contains("This link is not valid"));
    assert!(b
        .get("/activate?token=tampered")
        .await
        .text()
        .await
        .expect("page")
        .contains("This link is not valid"));

    app.sql("UPDATE user_tokens SET expires_at = 0").await;
    let expired = b.get(&second).await.text().await.expect("page");
    assert!(expired.contains("This link has expired"), "{expired}");
    let token = second.split("token=").nth(1).expect("token");
    let renewed = b
        .post(
            "renew_activation",
            &[("token", token)],
            Js::Off,
            "/activate",
        )
        .await;
    assert_eq!(location(&renewed), "/activate/renewed");
    let mail = mail_to(&app, email).await;
    assert_eq!(mail.len(), 3);
    let third = link_in(&mail[2].1);
    assert!(b
        .get(&third)
        .await
        .text()
        .await
        .expect("page")
        .contains("Set your password"));
}

#[tokio::test]
async fn delete_registration_removes_an_unactivated_account() {
    let app = TestApp::start().await;
    let email = "gone@example.nhs.uk";
    register(&app, email, "A81001", "Gail", "Gone", Js::Off).await;
    let id = assignment_of(&app, email).await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let confirm = admin
        .get(&format!("/pending-actions/{id}/delete"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        confirm.contains("Delete the registration of Gail Gone?") && confirm.contains("Confirm")
    );
    let deleted = admin
        .post(
            "delete_registration",
            &[("id", &id.to_string())],
            Js::Off,
            "/",
        )
        .await;
    assert_eq!(location(&deleted), "/pending-actions?done=deleted");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM users WHERE email = '{email}'")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM notifications WHERE assignment_id = {id}")
        )
        .await,
        0
    );
    // And the person may register again.
    let again = register(&app, email, "A81001", "Gail", "Gone", Js::Off).await;
    assert_eq!(location(&again), "/register/done");
}

#[tokio::test]
async fn notification_settings_govern_email_only() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let page = admin
        .get("/my-profile/notification-settings")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Send me notifications") && page.contains("checked"));
    let saved = admin
        .post(
            "save_notification_settings",
            &[],
            Js::Off,
            "/my-profile/notification-settings",
        )
        .await;
    assert_eq!(
        location(&saved),
        "/my-profile/notification-settings?saved=1"
    );
    register(
        &app,
        "quiet@example.nhs.uk",
        "A81001",
        "Quinn",
        "Quiet",
        Js::Off,
    )
    .await;
    assert!(
        mail_to(&app, &demo_email("account.admin")).await.is_empty(),
        "no email when unticked"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = '{}'", demo_email("account.admin"))).await,
        1,
        "the in-app notification still arrives"
    );
    let on = admin
        .post(
            "save_notification_settings",
            &[("send", "yes")],
            Js::Off,
            "/my-profile/notification-settings",
        )
        .await;
    assert_eq!(location(&on), "/my-profile/notification-settings?saved=1");
    register(
        &app,
        "loud@example.nhs.uk",
        "A81001",
        "Lou",
        "Loud",
        Js::Off,
    )
    .await;
    assert_eq!(mail_to(&app, &demo_email("account.admin")).await.len(), 1);
}

#[tokio::test]
async fn only_the_service_desk_reads_the_outbox() {
    let app = TestApp::start().await;
    register(
        &app,
        "seen@example.nhs.uk",
        "A81001",
        "Sian",
        "Seen",
        Js::Off,
    )
    .await;
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let page = desk.get("/outbox").await.text().await.expect("page");
    assert!(
        page.contains("a registration is waiting for your review"),
        "{page}"
    );
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin.post("outbox", &[], Js::On, "/").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_practice_manager_registration_is_reviewed_by_the_commissioning_approver() {
    let app = TestApp::start().await;
    let email = "pm@example.nhs.uk";
    let b = app.browser();
    b.post(
        "register_start",
        &[("email", email), ("organisation", "A81001")],
        Js::Off,
        "/register",
    )
    .await;
    // 7 = Provider Approver, an approver-tier role.
    let done = b
        .post(
            "register",
            &[
                ("email", email),
                ("org", "A81001"),
                ("role", "7"),
                ("first_name", "Pam"),
                ("last_name", "Manager"),
            ],
            Js::Off,
            "/register/details",
        )
        .await;
    assert_eq!(location(&done), "/register/done");
    let id = assignment_of(&app, email).await;
    let notified: Vec<String> = rows(&app, &format!(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.assignment_id = {id} ORDER BY u.email"
    )).await.iter().map(|r| r.get("email")).collect();
    assert_eq!(notified, vec![demo_email("approver.tier2")]);

    // The account administrator holds manage_users but not grant_approver_roles.
    let caa = app.browser();
    caa.sign_in("account.admin").await;
    assert!(!caa
        .get("/pending-actions")
        .await
        .text()
        .await
        .expect("list")
        .contains(email));
    let refused = caa
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::On,
            "/",
        )
        .await;
    assert_eq!(refused.status(), 404);

    let approver = app.browser();
    approver.sign_in("approver.tier2").await;
    let home = approver.get("/").await.text().await.expect("home");
    assert!(home.contains("href=\"/pending-actions\""), "{home}");
    assert!(approver
        .get("/pending-actions")
        .await
        .text()
        .await
        .expect("list")
        .contains(email));
    let approved = approver
        .post(
            "decide_registration",
            &[
                ("id", &id.to_string()),
                ("decision", "approve"),
                ("reason", ""),
            ],
            Js::Off,
            "/",
        )
        .await;
    assert_eq!(location(&approved), "/pending-actions?done=approved");
}
