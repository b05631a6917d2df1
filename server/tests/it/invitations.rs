//! Invitations over HTTP against the real app (SQLite, demo data): every step of the flow as a
//! plain form, the link for a new person and for an existing user, resend, withdraw, and the
//! rules on scope and approver-tier roles.

use crate::support::{demo_email, location, location_path, said, Js, TestApp, PASSWORD};

/// The newest link sent to `to`, from the outbox.
async fn link_to(app: &TestApp, to: &str) -> String {
    let pool = sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("db");
    let body: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT body FROM outbox WHERE recipient = '{to}' ORDER BY id DESC LIMIT 1"
    )))
    .fetch_one(&pool)
    .await
    .expect("an email");
    pool.close().await;
    let start = body.find("token=").expect("a link") + "token=".len();
    body[start..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Walks Invite → email → names → organisation → role → preview → Send as a no-JS browser. The
/// email address and names are kept on the server between steps: no address the browser is
/// sent to carries them.
async fn invite(
    b: &crate::support::Browser,
    email: &str,
    names: (&str, &str),
    org: &str,
    role: &str,
) -> reqwest::Response {
    let private = |url: &str| {
        [email, names.0, names.1]
            .iter()
            .any(|typed| url.contains(typed) || url.contains(&q(typed)))
            || url.contains("__err")
    };
    let res = b
        .post(
            "invite_email",
            &[("email", email)],
            Js::Off,
            "/users/invite",
        )
        .await;
    let details = location(&res);
    assert_eq!(details, "/users/invite/details");
    let res = b
        .post(
            "invite_names",
            &[("first_name", names.0), ("last_name", names.1)],
            Js::Off,
            &details,
        )
        .await;
    let organisation = location(&res);
    assert_eq!(organisation, "/users/invite/organisation");
    let res = b
        .post(
            "invite_organisation",
            &[("organisation", org)],
            Js::Off,
            &organisation,
        )
        .await;
    let role_step = location(&res);
    assert!(role_step.starts_with("/users/invite/role?"), "{role_step}");
    let res = b
        .post(
            "invite_role",
            &[("org", org), ("role", role)],
            Js::Off,
            &role_step,
        )
        .await;
    let preview = location(&res);
    assert!(preview.starts_with("/users/invite/preview?"), "{preview}");
    for url in [&details, &organisation, &role_step, &preview] {
        assert!(!private(url), "personal data in {url}");
    }
    let page = b.get(&preview).await.text().await.expect("preview");
    assert!(page.contains("Gatehouse: you have been invited"), "{page}");
    b.post(
        "send_invite",
        &[("org", org), ("role", role)],
        Js::Off,
        &preview,
    )
    .await
}

/// The first two steps, as the hydrated page posts them: what a forged later step starts from.
async fn start_invite(b: &crate::support::Browser, email: &str, names: (&str, &str)) {
    b.post("invite_email", &[("email", email)], Js::On, "/users/invite")
        .await;
    b.post(
        "invite_names",
        &[("first_name", names.0), ("last_name", names.1)],
        Js::On,
        "/users/invite/details",
    )
    .await;
}

/// The first step is a page like any other on every visit (nothing kept yet is not "not found");
/// a later step opened without the earlier ones is, and says to start again.
#[tokio::test]
async fn the_first_step_opens_fresh_and_a_later_step_needs_the_earlier_ones() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let first = admin.get("/users/invite").await;
    assert_eq!(first.status(), 200);
    assert!(first.text().await.expect("page").contains("Invite a user"));
    for later in ["/users/invite/details", "/users/invite/organisation"] {
        let res = admin.get(later).await;
        assert_eq!(res.status(), 404, "{later}");
        assert!(res
            .text()
            .await
            .expect("page")
            .contains("Start again from Users."));
    }
}

#[tokio::test]
async fn a_new_person_is_invited_accepts_and_signs_in() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let email = "nia.new@example.nhs.uk";
    let sent = invite(&admin, email, ("Nia", "New"), "A81002", "6").await;
    assert_eq!(location(&sent), "/users?done=invited");
    let landed = admin
        .get("/users?done=invited")
        .await
        .text()
        .await
        .expect("users");
    assert!(landed.contains("Invite successfully sent"), "{landed}");
    // Listed at once, as an invited person of the area.
    let listed = admin.get("/users?q=nia").await.text().await.expect("users");
    assert!(listed.contains(email), "{listed}");

    let token = link_to(&app, email).await;
    let person = app.browser();
    let page = person
        .get(&format!("/invite?token={token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Set up your account") && page.contains("Provider User"),
        "{page}"
    );
    // Nobody can sign in as them before they accept.
    let early = app
        .browser()
        .post(
            "sign_in",
            &[("email", email), ("password", PASSWORD)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location_path(&early), "/sign-in");

    let weak = person
        .post(
            "accept_invitation",
            &[
                ("token", &token),
                ("first_name", "Nia"),
                ("last_name", "Newton"),
                ("password", "password"),
                ("confirm_password", "password"),
            ],
            Js::On,
            "/invite",
        )
        .await;
    assert_eq!(weak.status(), 400);
    assert!(said(weak).await.contains("PasswordRule"));
    let ok = person
        .post(
            "accept_invitation",
            &[
                ("token", &token),
                ("first_name", "Nia"),
                ("last_name", "Newton"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
            Js::Off,
            "/invite",
        )
        .await;
    assert_eq!(location(&ok), "/sign-in?activated=1");
    let again = person
        .post(
            "accept_invitation",
            &[
                ("token", &token),
                ("first_name", "Nia"),
                ("last_name", "Newton"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
            Js::On,
            "/invite",
        )
        .await;
    assert_eq!(again.status(), 400, "the link works once");
    let signed = app
        .browser()
        .post(
            "sign_in",
            &[("email", email), ("password", PASSWORD)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location(&signed), "/");
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND status = 'active' AND last_name = 'Newton'")).await,
        1
    );
    for action in ["invitation_sent", "invitation_accepted"] {
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
async fn an_existing_user_signs_in_through_the_link_and_gains_the_role() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let email = demo_email("provider.user");
    let sent = invite(&admin, &email, ("ignored", "ignored"), "A81002", "6").await;
    assert_eq!(location(&sent), "/users?done=invited");
    // Names stayed theirs.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{email}' AND first_name = 'Priya'"
        ))
        .await,
        1
    );
    let token = link_to(&app, &email).await;
    let person = app.browser();
    let page = person
        .get(&format!("/invite?token={token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Sign in to accept your invitation"), "{page}");
    let wrong = person
        .post(
            "accept_invitation_signed",
            &[("token", &token), ("password", "Wrong-Password-1!")],
            Js::On,
            "/invite",
        )
        .await;
    assert_eq!(wrong.status(), 400);
    assert!(said(wrong).await.contains("NotRecognised"));
    let ok = person
        .post(
            "accept_invitation_signed",
            &[("token", &token), ("password", PASSWORD)],
            Js::Off,
            "/invite",
        )
        .await;
    // Two roles now: they choose which to act as.
    assert_eq!(location(&ok), "/select-account");
    let accounts = person
        .post("selectable_accounts", &[], Js::On, "/select-account")
        .await
        .text()
        .await
        .expect("b");
    assert!(
        accounts.contains("A81002") && accounts.contains("A81001"),
        "{accounts}"
    );
}

#[tokio::test]
async fn resend_replaces_the_link_and_withdraw_ends_it() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let email = "ola.other@example.nhs.uk";
    invite(&admin, email, ("Ola", "Other"), "A81001", "6").await;
    let first = link_to(&app, email).await;
    let user = app
        .scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
        .await;
    let list = admin
        .post(
            "user_invitations",
            &[("user", &user.to_string())],
            Js::On,
            "/users",
        )
        .await
        .text()
        .await
        .expect("b");
    let id: i64 = list
        .split("\"id\":")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.parse().ok())
        .expect("an invitation id");
    // The role offered ends in ten days: the resent email says so again.
    app.sql(&format!(
        "UPDATE role_assignments SET ends_at = CAST(strftime('%s', 'now') AS INTEGER) + 10 * 86400 \
         WHERE user_id = {user} AND status = 'pending'"
    ))
    .await;
    let res = admin
        .post(
            "change_invitation",
            &[
                ("user", &user.to_string()),
                ("invitation", &id.to_string()),
                ("change", "resend"),
            ],
            Js::Off,
            "/users",
        )
        .await;
    assert_eq!(location(&res), format!("/users/{user}?done=invite-resent"));
    let resent = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{email}' ORDER BY id DESC LIMIT 1"
        ))
        .await;
    assert!(
        resent[0].contains("This access is temporary: it ends after"),
        "{resent:?}"
    );
    let second = link_to(&app, email).await;
    assert_ne!(first, second);
    let old = app
        .browser()
        .get(&format!("/invite?token={first}"))
        .await
        .text()
        .await
        .expect("old");
    assert!(old.contains("This link is no longer valid"), "{old}");
    let res = admin
        .post(
            "change_invitation",
            &[
                ("user", &user.to_string()),
                ("invitation", &id.to_string()),
                ("change", "withdraw"),
            ],
            Js::Off,
            "/users",
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/users/{user}?done=invite-withdrawn")
    );
    let gone = app
        .browser()
        .get(&format!("/invite?token={second}"))
        .await
        .text()
        .await
        .expect("new");
    assert!(gone.contains("This link is no longer valid"), "{gone}");
}

/// The lookup at Invite tells an administrator nothing about an address with no role
/// in their scope (active elsewhere, disabled elsewhere, or unknown): the same answer, no names.
/// Send settles it inside its transaction and tells only the address's owner, by email.
#[tokio::test]
async fn an_address_outside_scope_is_answered_as_a_new_one_and_settled_at_send() {
    let app = TestApp::start().await;
    let ua = app.browser();
    ua.sign_in("user.admin").await; // User Administrator at A81001
    let active_elsewhere = demo_email("staff.one"); // Provider User at Hillside (A81022)
    let disabled_elsewhere = demo_email("staff.two");
    app.sql(&format!(
        "UPDATE users SET status = 'disabled' WHERE email = '{disabled_elsewhere}'"
    ))
    .await;
    let unknown = "nobody.yet@example.nhs.uk";
    let answer = |email: &str| {
        let email = email.to_owned();
        let ua = &ua;
        async move {
            let redirect = location(
                &ua.post(
                    "invite_email",
                    &[("email", &email)],
                    Js::Off,
                    "/users/invite",
                )
                .await,
            );
            let json = ua
                .post("invitee", &[], Js::On, "/users/invite/details")
                .await
                .text()
                .await
                .expect("json");
            (
                json.replace(&email, "EMAIL"),
                redirect.replace(&q(&email), "EMAIL"),
            )
        }
    };
    let new = answer(unknown).await;
    assert!(new.0.contains("\"existing\":null"), "{}", new.0);
    for email in [&active_elsewhere, &disabled_elsewhere] {
        assert_eq!(
            answer(email).await,
            new,
            "{email} answered unlike a new address"
        );
    }
    // Send: the active account gets the invitation, keeps its names, and is asked to sign in.
    let sent = invite(&ua, &active_elsewhere, ("Typed", "Name"), "A81001", "6").await;
    assert_eq!(location(&sent), "/users?done=invited");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{active_elsewhere}' AND first_name = 'Typed'"
        ))
        .await,
        0,
        "the names typed do not replace the account's"
    );
    let body = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{active_elsewhere}' ORDER BY id DESC LIMIT 1"
        ))
        .await
        .remove(0);
    assert!(
        body.contains("You already have a Gatehouse account"),
        "{body}"
    );
    assert!(!body.contains("Typed"), "{body}");
    // Still invisible to the inviter until accepted.
    let staff = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{active_elsewhere}'"
        ))
        .await
        .to_string();
    let res = ua
        .post("get_user", &[("id", &staff)], Js::On, "/users")
        .await;
    assert_eq!(res.status(), 404);
    // The disabled account: the same answer on screen, no invitation, its owner told.
    let sent = invite(&ua, &disabled_elsewhere, ("Typed", "Name"), "A81001", "6").await;
    assert_eq!(location(&sent), "/users?done=invited");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.email = '{disabled_elsewhere}'"
        ))
        .await,
        0
    );
    let body = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{disabled_elsewhere}' ORDER BY id DESC LIMIT 1"
        ))
        .await
        .remove(0);
    assert!(
        body.contains("your account is disabled, so no invitation was made"),
        "{body}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'invitation_undelivered' AND organisation_id IS NULL")
            .await,
        1,
        "the Service Desk alone sees what became of it"
    );
    // The active one accepts by signing in; now the role is in the inviter's scope.
    let token = link_to(&app, &active_elsewhere).await;
    let person = app.browser();
    let ok = person
        .post(
            "accept_invitation_signed",
            &[("token", &token), ("password", PASSWORD)],
            Js::Off,
            "/invite",
        )
        .await;
    assert_eq!(location(&ok), "/select-account");
    let res = ua
        .post("get_user", &[("id", &staff)], Js::On, "/users")
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn invitations_stay_inside_scope_and_approver_roles_need_the_approver() {
    let app = TestApp::start().await;
    // A practice's User Administrator cannot invite to another practice.
    let ua = app.browser();
    ua.sign_in("user.admin").await;
    start_invite(&ua, "x@example.nhs.uk", ("X", "Y")).await;
    let res = ua
        .post(
            "invite_organisation",
            &[("organisation", "A81002")],
            Js::On,
            "/users/invite/organisation",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("InviteOrganisationNotFound"));
    let sneaky = ua
        .post(
            "send_invite",
            &[("org", "A81002"), ("role", "6")],
            Js::On,
            "/users/invite/preview",
        )
        .await;
    assert_eq!(sneaky.status(), 400);
    // An account administrator may not invite to an approver-tier role (Provider Approver, 7)...
    let caa = app.browser();
    caa.sign_in("account.admin").await;
    start_invite(&caa, "x@example.nhs.uk", ("X", "Y")).await;
    let res = caa
        .post(
            "send_invite",
            &[("org", "A81001"), ("role", "7")],
            Js::On,
            "/users/invite/preview",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("RoleNotOffered"));
    // ...the Commissioning Approver may, and only to those.
    let approver = app.browser();
    approver.sign_in("approver.tier2").await;
    let res = approver
        .post(
            "invite_roles",
            &[("org", "A81001")],
            Js::On,
            "/users/invite/role",
        )
        .await
        .text()
        .await
        .expect("roles");
    assert!(
        res.contains("Provider Approver") && !res.contains("Provider User"),
        "{res}"
    );
    let sent = invite(
        &approver,
        "pam.approver@example.nhs.uk",
        ("Pam", "Approver"),
        "A81001",
        "7",
    )
    .await;
    assert_eq!(location(&sent), "/users/invite?sent=1");
    // Nobody invites themselves, at the first step or straight at Send: they ask for the role
    // (Request Access) and someone else decides.
    let own = crate::support::demo_email("account.admin");
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let first = admin
        .post(
            "invite_email",
            &[("email", own.as_str())],
            Js::On,
            "/users/invite",
        )
        .await;
    assert_eq!(first.status(), 400);
    assert!(said(first).await.contains("InviteSelf"));
    // Refused at the first step, the address is not kept: a forged Send has nobody to invite.
    let send = admin
        .post(
            "send_invite",
            &[("org", "A81001"), ("role", "6")],
            Js::On,
            "/users/invite/preview",
        )
        .await;
    assert_eq!(send.status(), 404);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM invitations").await,
        1,
        "only Pam's"
    );
    // Someone with neither capability cannot start at all.
    let plain = app.browser();
    plain.sign_in("provider.user").await;
    let res = plain
        .post(
            "invite_email",
            &[("email", "x@example.nhs.uk")],
            Js::On,
            "/users/invite",
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'x@example.nhs.uk'")
            .await,
        0,
        "nothing half-done"
    );
}

/// Accepting an invitation by signing in checks the password as sign-in does. Wrong
/// passwords count towards the lock-out, a locked account is refused even with its right
/// password, and the attempts spend sign-in's rate-limit budget.
#[tokio::test]
async fn accepting_by_signing_in_counts_towards_the_lock_out_and_the_rate_limit() {
    let app = TestApp::start().await;
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let email = demo_email("provider.user");
    let sent = invite(&admin, &email, ("ignored", "ignored"), "A81002", "6").await;
    assert_eq!(location(&sent), "/users?done=invited");
    let token = link_to(&app, &email).await;
    let guesser = app.browser();
    for _ in 0..5 {
        let wrong = guesser
            .post(
                "accept_invitation_signed",
                &[("token", &token), ("password", "Wrong-Password-1!")],
                Js::On,
                "/invite",
            )
            .await;
        assert_eq!(wrong.status(), 400);
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{email}' AND locked_at IS NOT NULL"
        ))
        .await,
        1,
        "five wrong passwords lock the account"
    );
    let right = guesser
        .post(
            "accept_invitation_signed",
            &[("token", &token), ("password", PASSWORD)],
            Js::On,
            "/invite",
        )
        .await;
    assert_eq!(right.status(), 400);
    assert!(said(right).await.contains("NotRecognised"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL")
            .await,
        0,
        "a locked account accepts nothing"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.target_user_id \
             WHERE e.action = 'sign_in_failed' AND u.email = '{email}'"
        ))
        .await,
        6
    );

    // The rate limit: sign-in's budget, shared.
    let limited = TestApp::start_with(|c| c.rate_limit_per_minute = 3).await;
    let b = limited.browser();
    for _ in 0..3 {
        let res = b
            .post(
                "accept_invitation_signed",
                &[("token", "nonsense"), ("password", "Wrong-Password-1!")],
                Js::On,
                "/invite",
            )
            .await;
        assert_eq!(res.status(), 400);
    }
    let res = b
        .post(
            "sign_in",
            &[
                ("email", "nobody@example.nhs.uk"),
                ("password", "Wrong-Password-1!"),
            ],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(
        res.status(),
        429,
        "the invitation's attempts spent sign-in's budget"
    );
}

/// A role that administers people or the organisation tree is given by the Service
/// Desk only. A Commissioning Account Administrator is no longer offered Organisation
/// Administrator, and a forged Send for it is refused at the field with nothing written.
#[tokio::test]
async fn only_the_service_desk_gives_the_organisation_administrator_role() {
    let app = TestApp::start().await;
    let caa = app.browser();
    caa.sign_in("account.admin").await;
    let roles = roles_offered_at_qhm(&caa).await;
    assert!(
        roles.contains(&"Commissioning User (tier 1)".to_owned()),
        "{roles:?}"
    );
    assert!(
        !roles.contains(&"Organisation Administrator".to_owned()),
        "{roles:?}"
    );
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let roles = roles_offered_at_qhm(&desk).await;
    assert!(
        roles.contains(&"Organisation Administrator".to_owned()),
        "{roles:?}"
    );
    let org_admin = app
        .scalar("SELECT id FROM roles WHERE name = 'Organisation Administrator'")
        .await
        .to_string();
    let before = app.scalar("SELECT COUNT(*) FROM invitations").await;
    start_invite(&caa, "would.be.admin@example.nhs.uk", ("Would", "Be")).await;
    let forged = caa
        .post(
            "send_invite",
            &[("org", "QHM"), ("role", &org_admin)],
            Js::On,
            "/users/invite/preview",
        )
        .await;
    assert_eq!(forged.status(), 400);
    assert!(said(forged).await.contains("RoleNotOffered"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM invitations").await, before);
}

/// The names of the roles Invite offers this browser's acting role at QHM.
async fn roles_offered_at_qhm(b: &crate::support::Browser) -> Vec<String> {
    let v: serde_json::Value = b
        .post(
            "invite_roles",
            &[("org", "QHM")],
            Js::On,
            "/users/invite/role",
        )
        .await
        .json()
        .await
        .expect("json");
    v[1].as_array()
        .expect("roles")
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_empty_invitee_address_is_asked_for_as_someone_elses() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    let body = said(
        b.post("invite_email", &[("email", "  ")], Js::On, "/users/invite")
            .await,
    )
    .await;
    assert!(
        body.contains("problems: [TheirEmailEmpty(Email)]"),
        "{body}"
    );
    assert_eq!(
        app::error::Problem::TheirEmailEmpty(app::error::Field::Email).message(),
        "Enter the email address of the person"
    );
}
