//! Account security over HTTP against the real app (SQLite, demo data): lock-out and the Service
//! Desk's unlock, forgotten password and its link, Change Password, security headers and rate
//! limits.

use crate::support::{demo_email, location, location_path, said, Js, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "Brand-New-Passw0rd!";

async fn wrong_sign_in(b: &crate::support::Browser, email: &str) -> reqwest::Response {
    b.post(
        "sign_in",
        &[("email", email), ("password", "Wrong-Passw0rd!")],
        Js::On,
        "/sign-in",
    )
    .await
}

async fn sign_in_with(
    b: &crate::support::Browser,
    email: &str,
    password: &str,
) -> reqwest::Response {
    b.post(
        "sign_in",
        &[("email", email), ("password", password)],
        Js::Off,
        "/sign-in",
    )
    .await
}

/// Posts the "Set a new password" form of a reset link.
async fn reset(
    b: &crate::support::Browser,
    token: &str,
    password: &str,
    confirm: &str,
    js: Js,
) -> reqwest::Response {
    b.post(
        "reset_password",
        &[
            ("token", token),
            ("password", password),
            ("confirm_password", confirm),
        ],
        js,
        "/reset-password",
    )
    .await
}

/// Posts the Change Password form.
async fn change(
    b: &crate::support::Browser,
    current: &str,
    new: &str,
    confirm: &str,
    js: Js,
) -> reqwest::Response {
    b.post(
        "change_password",
        &[
            ("current_password", current),
            ("password", new),
            ("confirm_password", confirm),
        ],
        js,
        "/my-profile/details/change-password",
    )
    .await
}

async fn user_id(app: &TestApp, local: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id FROM users WHERE email = '{}'",
        demo_email(local)
    ))
    .await
}

async fn count_events(app: &TestApp, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

/// The newest link of a kind sent to `to`.
async fn newest_link(app: &TestApp, to: &str, path: &str) -> String {
    let bodies = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{to}' ORDER BY id DESC"
        ))
        .await;
    let body = bodies
        .iter()
        .find(|b| b.contains(path))
        .expect("an email with the link");
    let start = body.find("token=").expect("a token") + "token=".len();
    body[start..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_until_the_service_desk_unlocks_it() {
    let app = TestApp::start().await;
    let email = demo_email("provider.user");
    let b = app.browser();
    let first = wrong_sign_in(&b, &email).await;
    assert_eq!(first.status(), 401);
    let first_body = first.text().await.expect("body");
    for _ in 0..4 {
        wrong_sign_in(&b, &email).await;
    }
    let id = user_id(&app, "provider.user").await;
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND locked_at IS NOT NULL"
        ))
        .await
            == 1,
        "locked after the fifth"
    );
    // The right password is now refused with the very same answer as a wrong one.
    let right = b
        .post(
            "sign_in",
            &[("email", &email), ("password", PASSWORD)],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(right.status(), 401);
    assert_eq!(right.text().await.expect("body"), first_body);
    // The owner is told by email, once.
    let mails = app
        .texts(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{email}'"
        ))
        .await;
    assert_eq!(mails, vec!["Gatehouse: your account is locked".to_owned()]);
    assert_eq!(count_events(&app, "account_locked").await, 1);

    // The administrator sees the lock on the user's page, but only the Service Desk sees the
    // list and unlocks.
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let page = admin
        .get(&format!("/users/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Locked after too many failed sign-ins"),
        "{page}"
    );
    let refused = admin
        .post("unlock_account", &[("user", &id.to_string())], Js::On, "/")
        .await;
    assert_eq!(refused.status(), 404);
    let res = admin.post("locked_accounts", &[], Js::On, "/").await;
    assert_eq!(res.status(), 404);

    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let page = desk
        .get("/locked-accounts")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&email), "{page}");
    let res = desk
        .post(
            "unlock_account",
            &[("user", &id.to_string())],
            Js::Off,
            "/locked-accounts",
        )
        .await;
    assert_eq!(location_path(&res), "/locked-accounts");
    assert_eq!(count_events(&app, "account_unlocked").await, 1);
    let again = desk
        .post("unlock_account", &[("user", &id.to_string())], Js::On, "/")
        .await;
    assert_eq!(again.status(), 404, "nothing left to unlock");

    let res = b.sign_in("provider.user").await;
    assert_eq!(location(&res), "/", "signs in once unlocked");
}

#[tokio::test]
async fn a_success_starts_the_count_again() {
    let app = TestApp::start().await;
    let email = demo_email("provider.user");
    let b = app.browser();
    for _ in 0..4 {
        wrong_sign_in(&b, &email).await;
    }
    assert_eq!(location(&b.sign_in("provider.user").await), "/");
    for _ in 0..4 {
        wrong_sign_in(&b, &email).await;
    }
    assert_eq!(
        location(&b.sign_in("provider.user").await),
        "/",
        "eight failures, but never five in a row"
    );
}

#[tokio::test]
async fn twenty_parallel_guesses_never_get_more_than_five_tries() {
    let app = TestApp::start().await;
    let email = demo_email("provider.user");
    let guesses = (0..20).map(|_| {
        let b = app.browser();
        let email = email.clone();
        tokio::spawn(async move { wrong_sign_in(&b, &email).await.status().as_u16() })
    });
    for g in guesses {
        assert_eq!(g.await.expect("join"), 401);
    }
    let id = user_id(&app, "provider.user").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT failed_sign_ins FROM users WHERE id = {id}"
        ))
        .await,
        5,
        "attempts are reserved before the password is checked"
    );
    assert_eq!(count_events(&app, "account_locked").await, 1);
    assert_eq!(count_events(&app, "sign_in_failed").await, 20);
}

#[tokio::test]
async fn a_forgotten_password_link_sets_a_new_password_and_ends_every_session() {
    let app = TestApp::start().await;
    let email = demo_email("provider.user");
    // Signed in elsewhere beforehand.
    let elsewhere = app.browser();
    elsewhere.sign_in("provider.user").await;
    assert_eq!(elsewhere.get("/").await.status(), 200);

    let b = app.browser();
    let known = b
        .post(
            "forgotten_password",
            &[("email", &email)],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    let unknown = b
        .post(
            "forgotten_password",
            &[("email", "nobody@example.nhs.uk")],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), "/forgotten-password/sent");
    assert_eq!(location(&unknown), "/forgotten-password/sent");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'nobody@example.nhs.uk'")
            .await,
        0
    );
    let token = newest_link(&app, &email, "/reset-password?token=").await;

    // Bad input at its field, nothing changed.
    let weak = reset(&b, &token, "short", "short", Js::On).await;
    assert_eq!(weak.status(), 400);
    assert!(said(weak).await.contains("PasswordRule"));

    let res = reset(&b, &token, NEW_PASSWORD, NEW_PASSWORD, Js::Off).await;
    assert_eq!(location(&res), "/sign-in?reset=1");
    assert_eq!(
        location(&elsewhere.get("/").await),
        "/sign-in",
        "the other session ended"
    );
    // Single use.
    let twice = reset(&b, &token, "Another-Passw0rd!", "Another-Passw0rd!", Js::On).await;
    assert_eq!(twice.status(), 400);
    assert!(said(twice).await.contains("LinkNotValid"));
    let page = b
        .get(&format!("/reset-password?token={token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("This link is no longer valid"), "{page}");

    assert_eq!(
        sign_in_with(&b, &email, PASSWORD).await.status(),
        302,
        "a plain form answers with a redirect back"
    );
    assert_eq!(location(&sign_in_with(&b, &email, NEW_PASSWORD).await), "/");
    let subjects = app
        .texts(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{email}' ORDER BY id"
        ))
        .await;
    assert_eq!(
        subjects,
        vec![
            "Gatehouse: reset your password".to_owned(),
            "Gatehouse: your password has been changed".to_owned()
        ]
    );
    assert_eq!(count_events(&app, "password_reset").await, 1);
}

#[tokio::test]
async fn a_new_reset_link_replaces_the_old_and_a_locked_account_gets_no_link() {
    let app = TestApp::start().await;
    let email = demo_email("provider.user");
    let b = app.browser();
    for _ in 0..2 {
        b.post(
            "forgotten_password",
            &[("email", &email)],
            Js::On,
            "/forgotten-password",
        )
        .await;
    }
    let links = app
        .scalar("SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL")
        .await;
    assert_eq!(links, 1, "the second request replaced the first link");

    for _ in 0..5 {
        wrong_sign_in(&b, &email).await;
    }
    b.post(
        "forgotten_password",
        &[("email", &email)],
        Js::On,
        "/forgotten-password",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL")
            .await,
        1,
        "no new link for a locked account"
    );
    let subjects = app
        .texts(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{email}' ORDER BY id"
        ))
        .await;
    assert_eq!(
        subjects.last().map(String::as_str),
        Some("Gatehouse: your account is locked"),
        "the lock's own email is the last: asking again sends nothing more"
    );
    assert_eq!(subjects.len(), 3, "two reset links, then the lock");
    // The link sent before the lock does not reopen the account either.
    let token = newest_link(&app, &email, "/reset-password?token=").await;
    let res = reset(&b, &token, NEW_PASSWORD, NEW_PASSWORD, Js::On).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn change_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::start().await;
    let email = demo_email("practice.manager");
    let other = app.browser();
    other.sign_in("practice.manager").await;
    let b = app.browser();
    b.sign_in("practice.manager").await;

    let wrong = change(&b, "Not-The-Passw0rd!", NEW_PASSWORD, NEW_PASSWORD, Js::On).await;
    assert_eq!(wrong.status(), 400);
    assert!(said(wrong).await.contains("CurrentPasswordWrong"));
    let mismatch = change(&b, PASSWORD, NEW_PASSWORD, "Something-Else-1!", Js::On).await;
    assert_eq!(mismatch.status(), 400);
    assert!(said(mismatch).await.contains("ConfirmMismatch"));
    assert_eq!(count_events(&app, "password_changed").await, 0);

    let res = change(&b, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, Js::Off).await;
    assert_eq!(location(&res), "/my-profile/details?password-changed=1");
    assert_eq!(
        b.get("/my-profile/details").await.status(),
        200,
        "this session goes on"
    );
    assert_eq!(
        location(&other.get("/").await),
        "/sign-in",
        "the other session ended"
    );
    assert_eq!(count_events(&app, "password_changed").await, 1);
    let fresh = app.browser();
    assert_eq!(
        location(&sign_in_with(&fresh, &email, NEW_PASSWORD).await),
        "/select-account",
        "the new password works (two roles: choose one)"
    );

    // Signed out, there is nothing to change.
    let anonymous = app.browser();
    let res = change(&anonymous, NEW_PASSWORD, PASSWORD, PASSWORD, Js::On).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_their_scripts_nonce() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b.get("/sign-in").await;
    let policy = res
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        res.headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert!(
        res.headers().get("strict-transport-security").is_none(),
        "plain http"
    );
    let html = res.text().await.expect("page");
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    let nonce = &policy[start..start + policy[start..].find('\'').expect("end")];
    assert!(nonce.len() >= 16);
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script of the page carries the nonce: {html}"
    );
    // Another response, another nonce.
    let again = b.get("/sign-in").await;
    let other = again
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(!other.contains(nonce));

    let api = b.post("viewer", &[], Js::On, "/").await;
    let policy = api
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
}

#[tokio::test]
async fn https_deployments_send_hsts() {
    let app = TestApp::start_with(|c| c.public_url = "https://gatehouse.example".into()).await;
    let res = app.browser().get("/sign-in").await;
    assert!(res
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("max-age=")));
}

#[tokio::test]
async fn too_many_attempts_from_one_address_get_a_readable_429() {
    let app = TestApp::start_with(|c| c.rate_limit_per_minute = 3).await;
    let b = app.browser();
    let email = demo_email("nobody");
    for _ in 0..3 {
        assert_eq!(wrong_sign_in(&b, &email).await.status(), 401);
    }
    let hydrated = wrong_sign_in(&b, &email).await;
    assert_eq!(hydrated.status(), 429);
    assert_eq!(
        hydrated
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("60")
    );
    assert_eq!(hydrated.text().await.expect("body"), "\"RateLimited\"");
    let plain = sign_in_with(&b, &email, "Wrong-Passw0rd!").await;
    assert_eq!(plain.status(), 429);
    assert!(plain
        .text()
        .await
        .expect("page")
        .contains("Too many attempts"));
    // The refused attempts never reached the account or the audit.
    assert_eq!(count_events(&app, "sign_in_failed").await, 3);
    // Other endpoints keep their own budget.
    let res = b
        .post(
            "forgotten_password",
            &[("email", &email)],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    assert_eq!(location(&res), "/forgotten-password/sent");
}

#[tokio::test]
async fn the_forgotten_user_name_and_password_pages_are_linked_from_sign_in() {
    let app = TestApp::start().await;
    let b = app.browser();
    let page = b.get("/sign-in").await.text().await.expect("page");
    assert!(page.contains("href=\"/forgotten-password\""));
    assert!(page.contains("href=\"/forgotten-user-name\""));
    let page = b
        .get("/forgotten-user-name")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Your user name is always your email address"));
}

#[tokio::test]
async fn a_user_lists_their_sessions_and_signs_the_others_out() {
    let app = TestApp::start().await;
    let laptop = app.browser();
    laptop.sign_in("provider.user").await;
    let phone = app.browser();
    let res = phone
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("user-agent", "Mozilla/5.0 (Linux; Android 14; Pixel 7)")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            demo_email("provider.user"),
            crate::support::PASSWORD
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(location(&res), "/");
    let res = laptop
        .post("my_sessions", &[], Js::On, "/my-profile/sessions")
        .await;
    let list: serde_json::Value = res.json().await.expect("json");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().any(
        |s| s["browser"] == "Mozilla/5.0 (Linux; Android 14; Pixel 7)" && s["from"] == "127.0.0.1"
    ));
    let page = laptop
        .get("/my-profile/sessions")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("This session") && page.contains("Pixel 7"),
        "{page}"
    );

    let res = laptop
        .post("end_other_sessions", &[], Js::Off, "/my-profile/sessions")
        .await;
    assert_eq!(location(&res), "/my-profile/sessions?ended=1");
    assert_eq!(
        location(&phone.get("/").await),
        "/sign-in",
        "the phone is signed out"
    );
    assert_eq!(laptop.get("/").await.status(), 200, "the laptop goes on");
    assert_eq!(count_events(&app, "other_sessions_ended").await, 1);
}

#[tokio::test]
async fn a_session_id_planted_before_sign_in_is_never_honoured_after() {
    let app = TestApp::start().await;
    // The attacker's own, real session id, planted in the victim's browser.
    let attacker = app.browser();
    let res = attacker.sign_in("provider.user").await;
    let planted = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("a session cookie");
    let victim = app.browser();
    let res = victim
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("cookie", format!("gatehouse_session={planted}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            demo_email("practice.manager"),
            crate::support::PASSWORD
        ))
        .send()
        .await
        .expect("post");
    let issued = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(issued.starts_with("gatehouse_session="), "{issued}");
    assert!(!issued.contains(&planted), "a new id at sign-in");
    assert_eq!(
        app.viewer_with_cookie(&planted).await,
        "null",
        "the planted id is dead, so it cannot ride on the victim's sign-in"
    );
    // A made-up id is no session at all.
    assert_eq!(
        app.viewer_with_cookie("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await,
        "null"
    );
}

/// Behind a trusted load balancer the forwarded address is the client (audit, rate limits);
/// from anyone else the header is ignored, so nobody picks their own address.
#[tokio::test]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    let forwarded_sign_in = |app: &TestApp, from: &'static str| {
        let b = app.browser();
        let base = app.base.clone();
        async move {
            b.client
                .post(format!("{base}/api/sign_in"))
                .header("origin", &base)
                .header("accept", "application/json")
                .header("x-forwarded-for", from)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("email=nobody%40example.nhs.uk&password=Wrong-Passw0rd%21")
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
    };
    let direct = TestApp::start_with(|c| c.rate_limit_per_minute = 2).await;
    assert_eq!(forwarded_sign_in(&direct, "203.0.113.1").await, 401);
    assert_eq!(forwarded_sign_in(&direct, "203.0.113.2").await, 401);
    assert_eq!(
        forwarded_sign_in(&direct, "203.0.113.3").await,
        429,
        "an untrusted peer's header is ignored: one address, one budget"
    );
    assert_eq!(
        direct
            .texts("SELECT DISTINCT origin FROM audit_events WHERE action = 'sign_in_failed'")
            .await,
        vec!["127.0.0.1".to_owned()]
    );

    let proxied = TestApp::start_with(|c| {
        c.rate_limit_per_minute = 2;
        c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    for _ in 0..2 {
        assert_eq!(forwarded_sign_in(&proxied, "203.0.113.1").await, 401);
    }
    assert_eq!(forwarded_sign_in(&proxied, "203.0.113.1").await, 429);
    assert_eq!(
        forwarded_sign_in(&proxied, "203.0.113.2").await,
        401,
        "another client behind the same proxy has its own budget"
    );
    let origins = proxied
        .texts("SELECT DISTINCT origin FROM audit_events WHERE action = 'sign_in_failed' ORDER BY origin")
        .await;
    assert_eq!(
        origins,
        vec!["203.0.113.1".to_owned(), "203.0.113.2".to_owned()]
    );
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lock_out() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    for _ in 0..5 {
        let res = change(&b, "Not-The-Passw0rd!", NEW_PASSWORD, NEW_PASSWORD, Js::On).await;
        assert_eq!(res.status(), 400);
    }
    assert_eq!(count_events(&app, "account_locked").await, 1);
    // Now even the right one is refused, here and at sign-in.
    let res = change(&b, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, Js::On).await;
    assert!(said(res).await.contains("CurrentPasswordWrong"));
    let fresh = app.browser();
    assert_eq!(
        wrong_sign_in(&fresh, &demo_email("provider.user"))
            .await
            .status(),
        401
    );
    assert_eq!(fresh.sign_in("provider.user").await.status(), 302);
    assert_ne!(location(&fresh.sign_in("provider.user").await), "/");
}

#[tokio::test]
async fn an_account_stuck_at_the_limit_but_not_locked_locks_at_the_next_attempt() {
    let app = TestApp::start().await;
    let id = user_id(&app, "provider.user").await;
    // As if a request had counted the fifth failure and ended before it could lock.
    app.sql(&format!(
        "UPDATE users SET failed_sign_ins = 5 WHERE id = {id}"
    ))
    .await;
    let b = app.browser();
    assert_ne!(location(&b.sign_in("provider.user").await), "/");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND locked_at IS NOT NULL"
        ))
        .await,
        1,
        "locked, so it is on the Service Desk's list and the owner is told"
    );
    assert_eq!(count_events(&app, "account_locked").await, 1);
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let page = desk
        .get("/locked-accounts")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&demo_email("provider.user")));
}

/// Outside demo mode the Outbox lists recipients, subjects and status only; a reset
/// link there would let the Service Desk take over the account it was sent to. In demo mode the
/// page shows the emails whole, and says why.
#[tokio::test]
async fn the_outbox_shows_no_link_outside_demo_mode() {
    let demo = TestApp::start().await;
    let email = demo_email("account.admin");
    let b = demo.browser();
    let res = b
        .post(
            "forgotten_password",
            &[("email", &email)],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    assert_eq!(location(&res), "/forgotten-password/sent");
    let desk = demo.browser();
    desk.sign_in("service.desk").await;
    let page = desk.get("/outbox").await.text().await.expect("page");
    assert!(
        page.contains("reset-password?token="),
        "demo mode shows the link"
    );
    assert!(page.contains("because this is a demo"), "{page}");

    // The same database served by an instance that is not in demo mode.
    let real = TestApp::start_with(|c| {
        c.database_url = demo.database_url.clone();
        c.demo = false;
    })
    .await;
    let desk = real.browser();
    desk.sign_in("service.desk").await;
    let page = desk.get("/outbox").await.text().await.expect("page");
    assert!(page.contains(&email), "the recipient is listed");
    assert!(
        page.contains("reset your password"),
        "the subject is listed"
    );
    assert!(!page.contains("token="), "no link on the page");
    assert!(!page.contains("because this is a demo"));
    let json: serde_json::Value = desk
        .post("outbox", &[], Js::On, "/outbox")
        .await
        .json()
        .await
        .expect("json");
    let rows = json["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["body"].is_null()),
        "no email's text leaves the server: {json}"
    );
    assert_eq!(json["demo"], false);
}

/// A signed-in page holds personal data; no browser or shared cache may keep it.
#[tokio::test]
async fn signed_in_responses_are_never_stored_by_a_cache() {
    let app = TestApp::start().await;
    let b = app.browser();
    let cache = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let signed_in = b.sign_in("account.admin").await;
    assert_eq!(
        cache(&signed_in),
        "no-store",
        "the answer that sets the session"
    );
    for path in ["/", "/users", "/my-profile", "/audit"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(cache(&res), "no-store", "{path}");
    }
    let res = b.post("viewer", &[], Js::On, "/").await;
    assert_eq!(cache(&res), "no-store", "server functions too");
}

/// Behind HTTPS the session cookie carries the `__Host-` prefix, so no other site
/// (a sibling subdomain) can plant or shadow it.
#[tokio::test]
async fn a_secure_session_cookie_has_the_host_prefix() {
    let app = TestApp::start_with(|c| c.public_url = "https://gatehouse.example".into()).await;
    let b = app.browser();
    let res = b
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", "https://gatehouse.example")
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            demo_email("provider.user"),
            PASSWORD
        ))
        .send()
        .await
        .expect("post");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("__Host-gatehouse_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

/// `GATEHOUSE_PASSWORD_POLICY=nist` takes a long passphrase that the default (the job
/// aids' composition rules) refuses, asks for 15 characters, and says so on the page.
#[tokio::test]
async fn the_nist_password_policy_takes_a_passphrase_and_asks_for_fifteen_characters() {
    let passphrase = "correct horse battery staple lamp";
    let seeds = TestApp::start().await;
    let b = seeds.browser();
    b.sign_in("staff.one").await;
    let refused = change(&b, PASSWORD, passphrase, passphrase, Js::On).await;
    assert_eq!(refused.status(), 400);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("UpperCase") && body.contains("Digit"),
        "{body}"
    );
    let page = b
        .get("/my-profile/details/change-password")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("at least 8 characters"), "seeds rules listed");

    let nist = TestApp::start_with(|c| c.password_policy = domain::PasswordPolicy::Nist).await;
    let b = nist.browser();
    b.sign_in("staff.one").await;
    let page = b
        .get("/my-profile/details/change-password")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("at least 15 characters"), "nist rules listed");
    assert!(
        !page.contains("an upper case letter"),
        "no composition rules listed"
    );
    let short = change(&b, PASSWORD, "Kettle-Harb0ur!", "Kettle-Harb0ur", Js::On).await;
    assert_eq!(short.status(), 400);
    let short = change(&b, PASSWORD, "Kettle-Harb0u", "Kettle-Harb0u", Js::On).await;
    let body = short.text().await.expect("body");
    assert!(body.contains("AtLeast15"), "{body}");
    let ok = change(&b, PASSWORD, passphrase, passphrase, Js::Off).await;
    assert!(ok.status().is_redirection(), "{}", ok.status());
    assert!(!location(&ok).contains("__err"), "{}", location(&ok));
    let again = nist.browser();
    assert_eq!(
        location(
            &again
                .post(
                    "sign_in",
                    &[
                        ("email", &demo_email("staff.one")),
                        ("password", passphrase)
                    ],
                    Js::Off,
                    "/sign-in",
                )
                .await
        ),
        "/"
    );
}
