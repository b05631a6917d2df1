//! Two-factor authentication over HTTP, under the default policy (administrators must have a
//! second factor): setting up an app from the page's own key, the code after the password,
//! recovery codes, the lock-out, the step-up before a dangerous action that carries on with the
//! form as filled in, and the Service Desk's reset. The codes are computed from the key as an
//! authenticator app would.

use crate::support::{demo_email, location, said, Js, TestApp};
use domain::model::second_factor::MfaPolicy;
use domain::rules::totp::{step_of, TotpSecret};

async fn start() -> TestApp {
    TestApp::start_with(|c| c.mfa = MfaPolicy::Admins).await
}

/// The code an app with `secret` shows `ahead` steps from now.
fn code(secret: &TotpSecret, ahead: i64) -> String {
    let now = domain::Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64,
    );
    secret.code_at_step(step_of(now) + ahead).expect("code")
}

fn demo_secret() -> TotpSecret {
    TotpSecret::from_stored(app::features::two_factor::DEMO_TOTP_SECRET).expect("secret")
}

/// The key the set-up page shows, as typed into an app (its spaces taken out).
fn key_on(page: &str) -> TotpSecret {
    let at = page.find("totp-secret").expect("the key on the page");
    let start = at + page[at..].find('>').expect("tag") + 1;
    let end = start + page[start..].find('<').expect("end");
    TotpSecret::from_stored(&page[start..end].replace(' ', "")).expect("a key")
}

async fn events(app: &TestApp, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

#[tokio::test]
async fn an_administrator_without_a_second_factor_sets_one_up_then_signs_in_with_it() {
    let app = start().await;
    let admin = app.demo_user("account.admin").await;
    app.sql(&format!(
        "DELETE FROM authenticator_apps WHERE user_id = {admin}"
    ))
    .await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    // Sent to set up, whatever is asked for.
    let users = b.get("/users").await;
    assert_eq!(location(&users), "/two-factor/set-up?next=%2Fusers");
    let page = b
        .get("/two-factor/set-up")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("<svg"),
        "the QR code, drawn on the server: {page}"
    );
    assert!(page.contains("Set it up to carry on"), "why");
    let key = key_on(&page);
    // Shown again, the same key (a reload must not change what was scanned).
    let again = b
        .get("/two-factor/set-up")
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(key_on(&again), key);
    // A wrong code is refused at its field; the right one confirms the app.
    let wrong = b
        .post(
            "two_factor_confirm",
            &[("code", "12345")],
            Js::On,
            "/two-factor/set-up",
        )
        .await;
    assert_eq!(wrong.status(), 400);
    assert!(said(wrong).await.contains("TotpMissing"));
    let right = b
        .post(
            "two_factor_confirm",
            &[("code", &code(&key, 0))],
            Js::Off,
            "/two-factor/set-up",
        )
        .await;
    assert_eq!(location(&right), "/two-factor/recovery-codes");
    let shown = b
        .get("/two-factor/recovery-codes")
        .await
        .text()
        .await
        .expect("page");
    let codes: Vec<String> = shown
        .match_indices("<li><code>")
        .map(|(i, _)| shown[i + 10..i + 21].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    // Shown once only, and only their hashes are kept.
    let later = b
        .get("/two-factor/recovery-codes")
        .await
        .text()
        .await
        .expect("page");
    assert!(!later.contains(&codes[0]));
    let stored = app
        .texts(&format!(
            "SELECT code_hash FROM recovery_codes WHERE user_id = {admin}"
        ))
        .await;
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|h| h.len() == 64 && !codes.contains(h)));
    // The session carries on: the page it asked for now answers.
    assert_eq!(b.get("/users").await.status(), 200);
    // Besides the demo administrators' apps, made with the demo data.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'second_factor_set_up' AND reason = 'Authenticator app'").await,
        1
    );

    // Next time: the password, then the code (a later step: the set-up's code was used).
    let next = app.browser();
    next.sign_in("account.admin").await;
    assert_eq!(location(&next.get("/").await), "/two-factor/code");
    let signed = next
        .post(
            "two_factor_code",
            &[("code", &code(&key, 1)), ("next", "/users")],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&signed), "/users");
    assert_eq!(next.get("/users").await.status(), 200);
    let amr = app
        .texts(&format!(
            "SELECT amr FROM sessions WHERE user_id = {admin} ORDER BY created_at DESC"
        ))
        .await;
    assert!(amr.contains(&"pwd otp".to_owned()), "{amr:?}");

    // A recovery code, once.
    let third = app.browser();
    third.sign_in("account.admin").await;
    let used = third
        .post(
            "two_factor_code",
            &[("code", &codes[3].to_lowercase()), ("method", "recovery")],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&used), "/");
    assert_eq!(third.get("/users").await.status(), 200);
    let fourth = app.browser();
    fourth.sign_in("account.admin").await;
    let again = fourth
        .post(
            "two_factor_code",
            &[("code", &codes[3]), ("method", "recovery")],
            Js::On,
            "/two-factor/code",
        )
        .await;
    assert_eq!(again.status(), 400, "a recovery code works once");
    assert!(said(again).await.contains("RecoveryCodeWrong"));
    assert_eq!(
        location(&fourth.get("/users").await),
        "/two-factor/code?next=%2Fusers"
    );
    assert_eq!(events(&app, "second_factor_used").await, 2);
    assert_eq!(events(&app, "second_factor_failed").await, 1);
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    let app = start().await;
    let first = app.browser();
    first.sign_in("advanced.admin").await;
    let c = code(&demo_secret(), 0);
    let ok = first
        .post(
            "two_factor_code",
            &[("code", &c)],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&ok), "/");
    let second = app.browser();
    second.sign_in("advanced.admin").await;
    let replay = second
        .post(
            "two_factor_code",
            &[("code", &c)],
            Js::On,
            "/two-factor/code",
        )
        .await;
    assert_eq!(replay.status(), 400, "the same code again");
    assert!(said(replay).await.contains("TotpWrong"));
}

#[tokio::test]
async fn five_wrong_codes_lock_the_account_and_end_the_session() {
    let app = start().await;
    let b = app.browser();
    // One wrong password first: codes count towards the same lock-out.
    b.post(
        "sign_in",
        &[
            ("email", &demo_email("advanced.admin")),
            ("password", "Wrong-Passw0rd!"),
        ],
        Js::On,
        "/sign-in",
    )
    .await;
    b.sign_in("advanced.admin").await;
    for _ in 0..3 {
        let wrong = b
            .post(
                "two_factor_code",
                &[("code", "000000")],
                Js::On,
                "/two-factor/code",
            )
            .await;
        assert_eq!(wrong.status(), 400);
    }
    // The right password cleared the count; three wrong codes since, two more lock.
    let fourth = b
        .post(
            "two_factor_code",
            &[("code", "000001")],
            Js::On,
            "/two-factor/code",
        )
        .await;
    assert_eq!(fourth.status(), 400);
    let fifth = b
        .post(
            "two_factor_code",
            &[("code", "000002")],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&fifth), "/sign-in?locked");
    let id = app.demo_user("advanced.admin").await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {id} AND locked_at IS NOT NULL"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = {id}"
        ))
        .await,
        0
    );
    assert!(b.viewer().await.is_null(), "signed out");
    let mail = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{}'",
            demo_email("advanced.admin")
        ))
        .await;
    assert!(
        mail.iter().any(|m| m.contains("wrong two-factor code")),
        "{mail:?}"
    );
    // The right password and the right code now get nowhere.
    b.sign_in("advanced.admin").await;
    assert!(b.viewer().await.is_null());
}

#[tokio::test]
async fn disabling_asks_for_the_code_again_after_fifteen_minutes_and_carries_on() {
    let app = start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    b.post(
        "two_factor_code",
        &[("code", &code(&demo_secret(), 0))],
        Js::Off,
        "/two-factor/code",
    )
    .await;
    let target = app.demo_user("provider.user").await;
    let form = [
        ("user", target.to_string()),
        ("disable_reason", "left".to_owned()),
        ("other_reason", String::new()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The code was used 16 minutes ago.
    app.sql("UPDATE sessions SET second_factor_at = second_factor_at - 960")
        .await;
    let asked = b
        .post(
            "disable_account",
            &form,
            Js::Off,
            &format!("/users/{target}/disable"),
        )
        .await;
    assert_eq!(
        location(&asked),
        "/two-factor/code?next=%2Ftwo-factor%2Fcarry-on"
    );
    let disabled =
        format!("SELECT COUNT(*) FROM users WHERE id = {target} AND status = 'disabled'");
    assert_eq!(app.scalar(&disabled).await, 0, "nothing done yet");
    let confirmed = b
        .post(
            "two_factor_code",
            &[
                ("code", &code(&demo_secret(), 1)),
                ("next", "/two-factor/carry-on"),
            ],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&confirmed), "/two-factor/carry-on");
    let page = b
        .get("/two-factor/carry-on")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("action=\"/api/disable_account\""),
        "the form, as filled in"
    );
    assert!(page.contains("value=\"left\""));
    let done = b
        .post("disable_account", &form, Js::Off, "/two-factor/carry-on")
        .await;
    assert_eq!(
        app.scalar(&disabled).await,
        1,
        "disabled: {}",
        location(&done)
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'second_factor_used' AND reason LIKE 'Confirmed%'").await,
        1
    );
}

#[tokio::test]
async fn the_service_desk_resets_a_second_factor_and_a_password_reset_never_does() {
    let app = start().await;
    let admin = app.demo_user("account.admin").await;
    let owner = app.browser();
    owner.sign_in("account.admin").await;
    owner
        .post(
            "two_factor_code",
            &[("code", &code(&demo_secret(), 0))],
            Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(owner.get("/users").await.status(), 200);

    // A password reset leaves the second factor in place.
    owner.post("sign_out", &[], Js::Off, "/").await;
    app.browser()
        .post(
            "forgotten_password",
            &[("email", &demo_email("account.admin"))],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    let bodies = app
        .texts(&format!(
            "SELECT body FROM outbox WHERE recipient = '{}' ORDER BY id DESC",
            demo_email("account.admin")
        ))
        .await;
    let body = bodies
        .iter()
        .find(|b| b.contains("token="))
        .expect("a reset link");
    let token = body[body.find("token=").expect("token") + 6..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned();
    let new_password = "Another-Demo-2026!";
    app.browser()
        .post(
            "reset_password",
            &[
                ("token", &token),
                ("password", new_password),
                ("confirm_password", new_password),
            ],
            Js::Off,
            "/reset-password",
        )
        .await;
    let after = app.browser();
    after
        .post(
            "sign_in",
            &[
                ("email", &demo_email("account.admin")),
                ("password", new_password),
            ],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(
        location(&after.get("/users").await),
        "/two-factor/code?next=%2Fusers",
        "still asked for the code"
    );

    // The Service Desk resets it, with a reason: every session ends, the owner is emailed.
    let desk = app.browser();
    desk.sign_in("service.desk").await;
    desk.post(
        "two_factor_code",
        &[("code", &code(&demo_secret(), 1))],
        Js::Off,
        "/two-factor/code",
    )
    .await;
    let page = desk
        .get(&format!("/users/{admin}/two-factor/reset"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Why are you resetting it?"));
    let no_reason = desk
        .post(
            "reset_two_factor",
            &[("user", &admin.to_string()), ("reason", " ")],
            Js::On,
            "/",
        )
        .await;
    assert_eq!(no_reason.status(), 400);
    assert!(said(no_reason).await.contains("ResetReasonEmpty"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM authenticator_apps WHERE user_id = {admin}"
        ))
        .await,
        1
    );
    let done = desk
        .post(
            "reset_two_factor",
            &[
                ("user", &admin.to_string()),
                ("reason", "Lost phone, called back"),
            ],
            Js::Off,
            "/",
        )
        .await;
    assert_eq!(
        location(&done),
        format!("/users/{admin}?done=two-factor-reset")
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM authenticator_apps WHERE user_id = {admin}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = {admin}"
        ))
        .await,
        0
    );
    assert!(after.viewer().await.is_null(), "signed out everywhere");
    let subjects = app
        .texts(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{}'",
            demo_email("account.admin")
        ))
        .await;
    assert!(subjects
        .iter()
        .any(|s| s.contains("two-factor authentication was reset")));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'second_factor_reset' AND reason = 'Lost phone, called back'").await,
        1
    );
    // Next sign-in: straight to set-up.
    let back = app.browser();
    back.post(
        "sign_in",
        &[
            ("email", &demo_email("account.admin")),
            ("password", new_password),
        ],
        Js::Off,
        "/sign-in",
    )
    .await;
    assert_eq!(location(&back.get("/").await), "/two-factor/set-up");
}

#[tokio::test]
async fn a_passkey_answer_that_does_not_verify_counts_as_a_wrong_code() {
    let app = start().await;
    let admin = app.demo_user("account.admin").await;
    // account.admin's only second factor: a passkey (its stored key is never reached: the
    // forged answer fails before it).
    app.sql(&format!(
        "DELETE FROM authenticator_apps WHERE user_id = {admin}; \
         INSERT INTO passkeys (user_id, credential_id, name, passkey, created_at) VALUES ({admin}, 'AAAA', 'Laptop', '{{}}', 1)"
    ))
    .await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    assert_eq!(
        location(&b.get("/users").await),
        "/two-factor/code?next=%2Fusers"
    );
    // The page offers the passkey, not an app's code.
    let page = b.get("/two-factor/code").await.text().await.expect("page");
    assert!(page.contains("Use your passkey"));
    assert!(!page.contains("6-digit code"));
    // An answer to no challenge of ours is refused, and counted like a wrong code.
    let forged = b
        .post(
            "two_factor_passkey_use",
            &[("credential", "{\"id\":\"AAAA\"}")],
            Js::On,
            "/two-factor/code",
        )
        .await;
    assert_eq!(forged.status(), 400);
    assert!(said(forged).await.contains("PasskeyRefused"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT failed_sign_ins FROM users WHERE id = {admin}"
        ))
        .await,
        1
    );
    assert_eq!(events(&app, "second_factor_failed").await, 1);
    // Still owes its second factor.
    assert_eq!(
        location(&b.get("/users").await),
        "/two-factor/code?next=%2Fusers"
    );
}

#[tokio::test]
async fn giving_a_role_or_changing_a_connected_service_asks_for_a_recent_second_factor() {
    let app = start().await;
    let b = app.browser();
    b.sign_in("account.admin").await;
    b.post(
        "two_factor_code",
        &[("code", &code(&demo_secret(), 0))],
        Js::Off,
        "/two-factor/code",
    )
    .await;
    app.sql("UPDATE sessions SET second_factor_at = second_factor_at - 960")
        .await;
    for endpoint in [
        "add_user_roles",
        "add_new_user",
        "send_invite",
        "decide_registration",
        "decide_request",
        "enable_account",
        "revoke_access",
        "unlock_account",
        "save_cluster",
        "retire_cluster",
        "create_organisation",
        "update_organisation",
        "connected_service_add",
        "connected_service_change",
        "connected_service_enabled",
        "connected_service_new_secret",
    ] {
        let asked = b.post(endpoint, &[("id", "1")], Js::Off, "/users").await;
        assert_eq!(
            location(&asked),
            "/two-factor/code?next=%2Ftwo-factor%2Fcarry-on",
            "{endpoint}"
        );
    }
    // Reading is not asked for.
    assert_eq!(b.get("/users").await.status(), 200);
}
