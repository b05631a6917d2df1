//! Bad input answers with a message at the field, never a 500, and changes nothing.

use crate::support::{demo_email, location, said, Js, TestApp, PASSWORD};

#[tokio::test]
async fn a_malformed_email_is_a_field_error() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b
        .post(
            "sign_in",
            &[("email", "not-an-email"), ("password", "x")],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = said(res).await;
    assert!(
        body.contains("EmailMalformed") && body.contains("not-an-email"),
        "{body}"
    );
}

#[tokio::test]
async fn empty_fields_are_each_named() {
    let app = TestApp::start().await;
    let res = app
        .browser()
        .post(
            "sign_in",
            &[("email", " "), ("password", "")],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = said(res).await;
    assert!(
        body.contains("EmailEmpty") && body.contains("PasswordEmpty"),
        "{body}"
    );
}

#[tokio::test]
async fn over_long_fields_are_refused_without_hashing_them() {
    let app = TestApp::start().await;
    let long_email = format!("{}@nhs.net", "a".repeat(300));
    let long_password = "P".repeat(10_000);
    let res = app
        .browser()
        .post(
            "sign_in",
            &[("email", &long_email), ("password", &long_password)],
            Js::On,
            "/sign-in",
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = said(res).await;
    assert!(
        body.contains("EmailTooLong") && body.contains("PasswordTooLong"),
        "{body}"
    );
}

#[tokio::test]
async fn without_javascript_the_error_comes_back_to_the_form_page() {
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b
        .post(
            "sign_in",
            &[("email", "jane@"), ("password", "")],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(res.status(), 302);
    // Back to the form's own clean address: the problems and what was typed are kept on the
    // server for this browser, never in the address.
    let back = location(&res);
    assert_eq!(back, "/sign-in");
    let page = b.get(&back).await;
    assert_eq!(page.status(), 200, "{back}");
    let html = page.text().await.expect("page");
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains("href=\"#email\"") && html.contains("correct format"));
    assert!(html.contains("nhsuk-input--error"));
    assert!(
        html.contains("value=\"jane@\""),
        "what was typed comes back"
    );
    // Shown once: the page asked for again is the empty form.
    let again = b.get("/sign-in").await.text().await.expect("page");
    assert!(!again.contains("There is a problem") && !again.contains("jane@"));
    // Another browser never sees them.
    let other = app
        .browser()
        .get("/sign-in")
        .await
        .text()
        .await
        .expect("page");
    assert!(!other.contains("jane@"));
}

#[tokio::test]
async fn missing_and_hostile_bodies_are_a_bad_request_not_a_server_error() {
    let app = TestApp::start().await;
    let b = app.browser();
    for body in [
        "",
        "email=a",
        "password=b",
        "%%%",
        "email[]=x&password=y",
        "email=a&email=b&password=c",
    ] {
        let res = b
            .client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        assert!(
            res.status().is_client_error(),
            "{body:?} answered {}",
            res.status()
        );
    }
    let res = b
        .post(
            "select_account",
            &[("assignment", "'; DROP TABLE users; --")],
            Js::On,
            "/",
        )
        .await;
    assert!(res.status().is_client_error());
    // Nothing was changed: every demo user can still sign in.
    assert_eq!(location(&app.browser().sign_in("provider.user").await), "/");
}

#[tokio::test]
async fn a_cross_site_post_is_refused_before_it_does_anything() {
    let app = TestApp::start().await;
    let b = app.browser();
    let email = demo_email("provider.user");
    let res = b
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={email}&password={PASSWORD}"))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let res = b
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={email}&password={PASSWORD}"))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403, "no Origin and no Referer is refused too");
    // A Host header that agrees with a foreign Origin proves nothing.
    let res = b
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", "http://evil.example")
        .header("host", "evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={email}&password={PASSWORD}"))
        .send()
        .await
        .expect("post");
    assert_eq!(
        res.status(),
        403,
        "the Host named by the request is not our origin"
    );
    assert!(res.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn a_role_without_manage_users_cannot_read_the_catalogue() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("provider.user").await;
    assert_eq!(
        b.post("role_catalogue", &[], Js::On, "/roles")
            .await
            .status(),
        404
    );
    let admin = app.browser();
    admin.sign_in("account.admin").await;
    let res = admin.post("role_catalogue", &[], Js::On, "/roles").await;
    assert_eq!(res.status(), 200);
    let roles: serde_json::Value = res.json().await.expect("json");
    assert_eq!(roles.as_array().map(Vec::len), Some(19));
    // Who gives each role is written beside it.
    let given_by = |name: &str| {
        roles
            .as_array()
            .and_then(|a| a.iter().find(|r| r["name"] == name))
            .and_then(|r| r["given_by"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(given_by("Organisation Administrator").starts_with("The Service Desk only"));
    assert!(given_by("Commissioning Account Administrator").starts_with("The Service Desk only"));
    assert!(given_by("Provider Approver").starts_with("A Commissioning Approver"));
    assert!(given_by("Provider User").starts_with("The user administrators"));
    let signed_out = app.browser();
    assert_eq!(
        signed_out
            .post("role_catalogue", &[], Js::On, "/roles")
            .await
            .status(),
        401
    );
}

/// A body over the limit answers 413 with a page that says so, before it is read.
#[tokio::test]
async fn a_body_over_the_limit_answers_413_with_a_clear_page() {
    let app = TestApp::start().await;
    let b = app.browser();
    let huge = format!(
        "email={}&password={}",
        "a".repeat(3 * 1024 * 1024),
        PASSWORD
    );
    for (accept, expect) in [
        ("text/html", "What you sent is too large"),
        ("application/json", "\"TooLarge\""),
    ] {
        let res = b
            .client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", &app.base)
            .header("accept", accept)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(huge.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 413, "{accept}");
        assert!(res.text().await.expect("body").contains(expect), "{accept}");
    }
    // A form of ordinary size still gets its ordinary answer.
    assert_eq!(location(&b.sign_in("provider.user").await), "/");
}
