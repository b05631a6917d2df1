//! Sign-in, sessions and role switching over HTTP against the real app (SQLite, demo data).

use crate::support::{demo_email, location, said, Js, TestApp, PASSWORD};

#[tokio::test]
async fn signing_in_with_one_role_lands_home_with_a_safe_cookie() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b.sign_in("provider.user").await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("gatehouse_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not mark the cookie Secure"
    );

    let home = b.get("/").await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.expect("body");
    assert!(
        html.contains("Provider User") && html.contains("The Densham Surgery"),
        "{html}"
    );
    assert!(html.contains("My Account") && !html.contains("href=\"/roles\""));
}

#[tokio::test]
async fn a_scripted_client_gets_the_same_landing_as_a_plain_form() {
    let app = TestApp::start().await;
    let b = app.browser();
    let email = demo_email("admin.commissioner");
    let res = b
        .post(
            "sign_in",
            &[("email", &email), ("password", PASSWORD)],
            Js::On,
            "/sign-in",
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(location(&res), "/select-account");
    assert!(res.headers().get("serverfnredirect").is_some());
}

#[tokio::test]
async fn two_roles_choose_an_account_then_switch_without_signing_out() {
    let app = TestApp::start().await;
    let b = app.browser();
    assert_eq!(
        location(&b.sign_in("admin.commissioner").await),
        "/select-account"
    );
    let v = b.viewer().await;
    assert!(
        v["acting"].is_null(),
        "no role acted as before choosing: {v}"
    );

    let accounts: serde_json::Value = b
        .post("selectable_accounts", &[], Js::On, "/select-account")
        .await
        .json()
        .await
        .expect("json");
    let list = accounts.as_array().expect("list");
    assert_eq!(list.len(), 2);
    let names: Vec<&str> = list
        .iter()
        .filter_map(|a| a["role_name"].as_str())
        .collect();
    assert!(
        names.contains(&"Commissioning Account Administrator")
            && names.contains(&"Commissioning User (tier 1)")
    );

    let admin = list
        .iter()
        .find(|a| a["role_name"] == "Commissioning Account Administrator")
        .expect("admin");
    let tier1 = list
        .iter()
        .find(|a| a["role_name"] == "Commissioning User (tier 1)")
        .expect("tier 1");
    let res = b
        .post(
            "select_account",
            &[("assignment", &admin["assignment"].to_string())],
            Js::Off,
            "/select-account",
        )
        .await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (302, "/".to_owned())
    );
    let after_first = session_cookie(&res);
    assert_eq!(
        b.viewer().await["acting"]["role_name"],
        "Commissioning Account Administrator"
    );
    let home = b.get("/").await.text().await.expect("home");
    assert!(
        home.contains("href=\"/roles\""),
        "an administrator gets the Roles tile"
    );

    // Switch Role: pick the other account, still signed in.
    let res = b
        .post(
            "select_account",
            &[("assignment", &tier1["assignment"].to_string())],
            Js::On,
            "/select-account",
        )
        .await;
    assert_eq!(location(&res), "/");
    assert_ne!(
        after_first,
        session_cookie(&res),
        "a new session id at every switch"
    );
    assert_eq!(
        b.viewer().await["acting"]["role_name"],
        "Commissioning User (tier 1)"
    );

    let my_account = b.get("/my-account").await.text().await.expect("page");
    assert!(
        my_account.contains("Commissioning Account Administrator")
            && my_account.contains("Commissioning User (tier 1)")
    );
    assert!(my_account.contains("(QHM)"));
}

#[tokio::test]
async fn the_old_session_id_is_dead_after_a_role_switch() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b.sign_in("admin.commissioner").await;
    let first = session_cookie(&res);
    let accounts: serde_json::Value = b
        .post("selectable_accounts", &[], Js::On, "/select-account")
        .await
        .json()
        .await
        .expect("json");
    let id = accounts[0]["assignment"].to_string();
    let res = b
        .post(
            "select_account",
            &[("assignment", &id)],
            Js::Off,
            "/select-account",
        )
        .await;
    let second = session_cookie(&res);
    assert_ne!(first, second);

    assert_eq!(
        app.viewer_with_cookie(&first).await,
        "null",
        "the pre-switch id must not be honoured"
    );
}

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("gatehouse_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .expect("session cookie")
}

#[tokio::test]
async fn choosing_someone_elses_account_is_answered_as_not_found() {
    let app = TestApp::start().await;
    let other = app.browser();
    other.sign_in("practice.manager").await;
    let theirs: serde_json::Value = other
        .post("selectable_accounts", &[], Js::On, "/select-account")
        .await
        .json()
        .await
        .expect("json");
    let b = app.browser();
    b.sign_in("admin.commissioner").await;
    let res = b
        .post(
            "select_account",
            &[("assignment", &theirs[0]["assignment"].to_string())],
            Js::On,
            "/select-account",
        )
        .await;
    assert_eq!(res.status(), 404);
    assert!(b.viewer().await["acting"].is_null());
}

#[tokio::test]
async fn wrong_password_unknown_email_and_a_guess_at_a_disabled_account_get_the_same_answer() {
    let app = TestApp::start().await;
    app.sql("UPDATE users SET status = 'disabled' WHERE email LIKE 'finance@%'")
        .await;
    let mut answers = Vec::new();
    for (email, password) in [
        (demo_email("provider.user"), "Wrong-Password-1!".to_owned()),
        (demo_email("nobody.here"), PASSWORD.to_owned()),
        (demo_email("finance"), "Wrong-Password-1!".to_owned()),
    ] {
        let b = app.browser();
        let js = b
            .post(
                "sign_in",
                &[("email", &email), ("password", &password)],
                Js::On,
                "/sign-in",
            )
            .await;
        let status = js.status().as_u16();
        let body = said(js).await.replace(&email, "EMAIL");
        let plain = b
            .post(
                "sign_in",
                &[("email", &email), ("password", &password)],
                Js::Off,
                "/sign-in",
            )
            .await;
        assert_eq!(plain.status(), 302);
        assert_eq!(location(&plain), "/sign-in", "nothing typed in the address");
        assert_no_session(&plain);
        answers.push((status, body));
    }
    assert_eq!(answers[0].0, 401);
    assert!(answers[0].1.contains("NotRecognised"), "{}", answers[0].1);
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);

    // Only the owner, who knows the password, learns that the account is disabled: no session,
    // a failed sign-in on the audit, and the page says to contact the Service Desk.
    let b = app.browser();
    let email = demo_email("finance");
    let told = b
        .post(
            "sign_in",
            &[("email", &email), ("password", PASSWORD)],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(told.status(), 403);
    assert!(said(told).await.contains("AccountDisabled"));
    let plain = b
        .post(
            "sign_in",
            &[("email", &email), ("password", PASSWORD)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_no_session(&plain);
    let back = location(&plain);
    let page = b
        .get(back.trim_start_matches(&b.base))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Your account has been disabled. Contact the Service Desk")
            && page.contains("Contact the Service Desk</h2>"),
        "{page}"
    );
    assert!(b.viewer().await.is_null());
    let failed = app
        .scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed' AND target_user_id = (SELECT id FROM users WHERE email LIKE 'finance@%')")
        .await;
    // Two guesses and two right passwords, each sent as a script and as a plain form.
    assert_eq!(failed, 4);
}

#[tokio::test]
async fn the_support_details_configured_are_on_contact_us_and_where_pages_send_people() {
    let app = TestApp::start_with(|c| {
        c.support = app::support::SupportContact {
            phone: Some("0300 123 4567".into()),
            email: Some("servicedesk@example.nhs.uk".into()),
            url: Some("https://help.example.nhs.uk/gatehouse".into()),
        }
    })
    .await;
    let b = app.browser();
    for path in [
        "/contact-us",
        "/forgotten-user-name",
        "/accessibility",
        "/privacy",
    ] {
        let page = b.get(path).await.text().await.expect("page");
        assert!(
            page.contains("href=\"tel:03001234567\"")
                && page.contains("0300 123 4567")
                && page.contains("mailto:servicedesk@example.nhs.uk")
                && page.contains("https://help.example.nhs.uk/gatehouse"),
            "{path}: {page}"
        );
    }
    // Every page's footer links to the help and legal pages.
    let sign_in = b.get("/sign-in").await.text().await.expect("page");
    for link in ["/contact-us", "/accessibility", "/privacy", "/cookies"] {
        assert!(sign_in.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let cookies = b.get("/cookies").await.text().await.expect("page");
    assert!(cookies.contains("gatehouse_session") && cookies.contains("strictly necessary"));
}

#[tokio::test]
async fn a_revoked_role_ends_access_on_the_very_next_request() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    assert_eq!(b.viewer().await["acting"]["role_name"], "Provider User");
    app.sql("UPDATE role_assignments SET status = 'revoked' WHERE user_id = (SELECT id FROM users WHERE email LIKE 'provider.user@%')").await;
    let v = b.viewer().await;
    assert!(v["acting"].is_null(), "{v}");
    assert_eq!(v["landing"], "MyProfile");
    let home = b.get("/").await;
    assert_eq!(
        (home.status().as_u16(), location(&home)),
        (302, "/my-profile".to_owned())
    );
    let profile = b.get("/my-profile").await;
    assert_eq!(profile.status(), 200);
    assert!(profile
        .text()
        .await
        .expect("body")
        .contains("You do not have a role at any organisation"));
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    app.sql("UPDATE users SET status = 'disabled' WHERE email LIKE 'provider.user@%'")
        .await;
    assert!(b.viewer().await.is_null());
    assert_eq!(location(&b.get("/").await), "/sign-in");
}

#[tokio::test]
async fn a_user_with_no_active_role_lands_on_my_profile() {
    let app = TestApp::start().await;
    let res = app.browser().sign_in("revoked").await;
    assert_eq!(location(&res), "/my-profile");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::start().await;
    let b = app.browser();
    let first = session_cookie(&b.sign_in("provider.user").await);
    let res = b.post("sign_out", &[], Js::Off, "/").await;
    assert_eq!(location(&res), "/sign-in");
    assert!(b.viewer().await.is_null());
    assert_eq!(app.viewer_with_cookie(&first).await, "null");
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = TestApp::start().await;
    let b = app.browser();
    for (path, sign_in) in [
        ("/", "/sign-in"),
        ("/my-account", "/sign-in?next=%2Fmy-account"),
        ("/my-profile", "/sign-in?next=%2Fmy-profile"),
        ("/select-account", "/sign-in?next=%2Fselect-account"),
        ("/roles", "/sign-in?next=%2Froles"),
    ] {
        let res = b.get(path).await;
        assert_eq!(
            (res.status().as_u16(), location(&res)),
            (302, sign_in.to_owned()),
            "{path}"
        );
    }
    let page = b.get("/sign-in").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("body").contains("Sign in"));
    assert_eq!(b.get("/no-such-page").await.status(), 404);
    // A form sent to an unknown address gets the same page, not a bare "method not allowed".
    let posted = b
        .client
        .post(format!("{}/no-such-page", b.base))
        .header(reqwest::header::ORIGIN, &b.base)
        .form(&[("a", "b")])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 404);
    assert!(posted
        .text()
        .await
        .expect("body")
        .contains("Page not found"));
}

#[tokio::test]
async fn a_session_idle_for_thirty_minutes_has_ended() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    assert!(!b.viewer().await.is_null());
    app.sql("UPDATE sessions SET last_seen_at = last_seen_at - 1800")
        .await;
    assert!(b.viewer().await.is_null(), "idle time-out");
    assert_eq!(location(&b.get("/").await), "/sign-in");
}

#[tokio::test]
async fn a_busy_session_still_ends_twelve_hours_after_sign_in() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    app.sql("UPDATE sessions SET created_at = created_at - 43200")
        .await;
    assert!(b.viewer().await.is_null(), "absolute time-out");
}

#[tokio::test]
async fn responses_are_compressed_when_the_browser_asks() {
    let app = TestApp::start().await;
    let res = app
        .browser()
        .client
        .get(format!("{}/sign-in", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("br")
    );
}

/// Ages the session behind this cookie as if nothing had happened for `seconds`.
async fn idle_for(app: &TestApp, cookie: &str, seconds: i64) {
    let hash = domain::values::clock::SecretToken::from_presented(cookie)
        .expect("a session token")
        .hash();
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = last_seen_at - {seconds} WHERE id_hash = '{}'",
        hash.as_str()
    ))
    .await;
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_and_never_to_another_site() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b.get("/users?q=staff").await;
    assert_eq!(location(&res), "/sign-in?next=%2Fusers%3Fq%3Dstaff");
    let email = demo_email("provider.user");
    let signed_in = b
        .post(
            "sign_in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "/users?q=staff"),
            ],
            Js::Off,
            "/sign-in?next=%2Fusers%3Fq%3Dstaff",
        )
        .await;
    assert_eq!(location(&signed_in), "/users?q=staff");

    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
    ] {
        let other = app.browser();
        let res = other
            .post(
                "sign_in",
                &[("email", &email), ("password", PASSWORD), ("next", evil)],
                Js::Off,
                "/sign-in",
            )
            .await;
        assert_eq!(location(&res), "/", "{evil}");
    }
}

#[tokio::test]
async fn with_several_roles_the_return_goes_through_select_your_account() {
    let app = TestApp::start().await;
    let b = app.browser();
    let email = demo_email("admin.commissioner");
    let res = b
        .post(
            "sign_in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "/pending-actions"),
            ],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location(&res), "/select-account?next=%2Fpending-actions");
    let accounts = b.get("/select-account?next=%2Fpending-actions").await;
    let html = accounts.text().await.expect("page");
    assert!(
        html.contains("name=\"next\" value=\"/pending-actions\""),
        "{html}"
    );
    let assignment = app
        .scalar(&format!(
            "SELECT a.id FROM role_assignments a JOIN users u ON u.id = a.user_id \
             WHERE u.email = '{email}' AND a.status = 'active' ORDER BY a.id LIMIT 1"
        ))
        .await
        .to_string();
    let chosen = b
        .post(
            "select_account",
            &[("assignment", &assignment), ("next", "/pending-actions")],
            Js::Off,
            "/select-account?next=%2Fpending-actions",
        )
        .await;
    assert_eq!(location(&chosen), "/pending-actions");
}

#[tokio::test]
async fn an_idle_session_ends_and_sign_in_says_why_and_where_you_were() {
    let app = TestApp::start().await;
    let b = app.browser();
    let cookie = session_cookie(&b.sign_in("provider.user").await);
    // Last seen 50 seconds ago (too recent to be written again): told when it ends.
    idle_for(&app, &cookie, 50).await;
    let viewer = b.viewer().await;
    let left = viewer["session"]["seconds_left"]
        .as_i64()
        .expect("seconds left");
    assert!((30 * 60 - 60..=30 * 60 - 45).contains(&left), "{viewer}");
    // "Stay signed in" gives it the whole idle time again, at once.
    let stayed = b.post("stay_signed_in", &[], Js::On, "/").await;
    assert_eq!(stayed.status(), 200);
    let left: i64 = stayed.json().await.expect("seconds");
    assert!((30 * 60 - 5..=30 * 60).contains(&left), "{left}");

    // Idle for the whole time-out: the next page goes to Sign in, which says why.
    idle_for(&app, &cookie, 31 * 60).await;
    let res = b.get("/my-account").await;
    assert_eq!(location(&res), "/sign-in?inactive=1&next=%2Fmy-account");
    let page = b.get("/sign-in?inactive=1&next=%2Fmy-account").await;
    let html = page.text().await.expect("page");
    assert!(
        html.contains("You were signed out because you were inactive"),
        "{html}"
    );
    assert!(
        html.contains("name=\"next\" value=\"/my-account\""),
        "{html}"
    );
}

#[tokio::test]
async fn a_form_sent_after_the_time_out_goes_to_sign_in_and_back_to_its_page() {
    let app = TestApp::start().await;
    let b = app.browser();
    let cookie = session_cookie(&b.sign_in("provider.user").await);
    idle_for(&app, &cookie, 31 * 60).await;
    let res = b
        .post(
            "end_other_sessions",
            &[],
            Js::Off,
            "/my-profile/sessions?__err=x",
        )
        .await;
    assert_eq!(
        location(&res),
        "/sign-in?inactive=1&next=%2Fmy-profile%2Fsessions"
    );
    // Ended for another reason (signed out elsewhere): no word of inactivity.
    let other = app.browser();
    other.sign_in("provider.user").await;
    app.sql("DELETE FROM sessions").await;
    let res = other.get("/my-account").await;
    assert_eq!(location(&res), "/sign-in?next=%2Fmy-account");
}

/// A failed sign-in sets no session cookie: at most the form cookie that keeps its problems.
fn assert_no_session(res: &reqwest::Response) {
    let cookies: Vec<&str> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies.iter().all(|c| c.starts_with("gatehouse_form=")),
        "a session cookie for a failed sign-in: {cookies:?}"
    );
}
