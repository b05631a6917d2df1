//! The code flow: discovery, codes, PKCE, client authentication, tokens and their claims, and
//! the requests that must be refused.

use super::*;
use crate::support::TestApp;

#[tokio::test]
async fn discovery_names_this_issuer_and_its_endpoints_and_the_key_set_is_published() {
    let app = TestApp::start().await;
    let d: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
            .await
            .expect("discovery")
            .json()
            .await
            .expect("json");
    assert_eq!(d["issuer"], app.base.as_str());
    assert_eq!(
        d["token_endpoint"],
        format!("{}/oidc/token", app.base).as_str()
    );
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    let set: serde_json::Value = reqwest::get(format!("{}/oidc/jwks", app.base))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let keys = set["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kty"], "EC");
    assert_eq!(keys[0]["crv"], "P-256");
    assert!(keys[0].get("d").is_none(), "never the private half");
    let private: String = app
        .texts("SELECT private_key FROM signing_keys")
        .await
        .concat();
    assert!(
        !private.contains("BEGIN") && private.len() > 100,
        "kept sealed"
    );
}

#[tokio::test]
async fn the_code_flow_gives_signed_tokens_that_name_the_person_and_the_acting_role() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "finance").await;
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let t = exchange(&app, &code).await;
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["expires_in"].as_i64().expect("expires_in") <= 300);
    let (header, id) = verified(&app, t["id_token"].as_str().expect("id_token")).await;
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(id["iss"], app.base.as_str());
    assert_eq!(id["aud"], CLIENT);
    assert_eq!(id["nonce"], "n-456", "the nonce is echoed");
    let user = app.demo_user("finance").await;
    assert_eq!(
        id["sub"],
        user.to_string().as_str(),
        "sub is the stable id, not the email"
    );
    assert_eq!(id["email"], crate::support::demo_email("finance").as_str());
    assert_eq!(id["amr"], serde_json::json!(["pwd"]));
    assert_eq!(id["acr"], "aal1");
    assert!(id["auth_time"].as_i64().is_some() && id["sid"].as_str().is_some());
    let role = &id["gatehouse_role"];
    assert_eq!(role["role"]["name"], "Commissioning Finance");
    assert_eq!(role["role"]["code"], "commissioning_finance");
    assert_eq!(role["organisation"]["ods_code"], "QHM");
    assert_eq!(role["organisation"]["kind"], "commissioning");
    assert_eq!(
        role["payment_types"],
        serde_json::json!([]),
        "none listed: all"
    );
    assert!(id.get("gatehouse_roles").is_none(), "only with all_roles");
    let (at_header, at) = verified(&app, t["access_token"].as_str().expect("access")).await;
    assert_eq!(at_header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(at["client_id"], CLIENT);
    assert_eq!(at["sid"], id["sid"]);
    assert!(at["exp"].as_i64().expect("exp") - at["iat"].as_i64().expect("iat") <= 300);
    let info: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/oidc/userinfo", app.base))
        .bearer_auth(t["access_token"].as_str().expect("access"))
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("json");
    assert_eq!(info["sub"], id["sub"]);
    assert_eq!(
        info["gatehouse_role"]["role"]["name"],
        "Commissioning Finance"
    );
    let res = reqwest::Client::new()
        .get(format!("{}/oidc/userinfo", app.base))
        .bearer_auth(t["id_token"].as_str().expect("id"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(res.status(), 401, "an ID token is no access token");
}

/// Chooses the role at `code` on "Select your account" with `next`, as the page's form does.
async fn choose(app: &TestApp, b: &Browser, local: &str, code: &str, next: &str) {
    let user = app.demo_user(local).await;
    let assignment = app
        .scalar(&format!(
            "SELECT a.id FROM role_assignments a JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.user_id = {user} AND o.code = '{code}' LIMIT 1"
        ))
        .await;
    let res = b
        .post(
            "select_account",
            &[("assignment", &assignment.to_string()), ("next", next)],
            crate::support::Js::Off,
            "/select-account",
        )
        .await;
    assert_eq!(location(&res), next, "back to the authorization");
}

#[tokio::test]
async fn a_practice_role_says_its_approval_level_and_all_roles_lists_every_active_role() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "practice.manager").await;
    let res = b
        .get(&authorize_path(
            CLIENT,
            CALLBACK,
            &[("scope", "openid all_roles")],
        ))
        .await;
    let to = location(&res);
    assert!(
        to.starts_with("/select-account?next="),
        "two roles, none chosen: {to}"
    );
    let next = query_of(&to)["next"].clone();
    choose(&app, &b, "practice.manager", "A81002", &next).await;
    let res = b.get(&next).await;
    let code = query_of(&answer_of(res).await)["code"].clone();
    let t = exchange(&app, &code).await;
    let (_, id) = verified(&app, t["id_token"].as_str().expect("id")).await;
    assert_eq!(
        id["gatehouse_role"]["organisation"]["ods_code"], "A81002",
        "the chosen one"
    );
    assert_eq!(id["gatehouse_role"]["approval_level"], "single");
    let roles = id["gatehouse_roles"].as_array().expect("all roles");
    let codes: Vec<&str> = roles
        .iter()
        .map(|r| r["organisation"]["ods_code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert!(codes.contains(&"A81001") && codes.contains(&"A81002"));
}

#[tokio::test]
async fn an_unregistered_address_is_refused_on_a_page_and_never_redirected_to() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "finance").await;
    for bad in [
        "http://localhost:4000/callback/../evil",
        "http://localhost:4000/callbackx",
        "http://localhost:4000/callback?x=1",
        "http://localhost:4000/",
        "https://evil.example/callback",
    ] {
        let res = b.get(&authorize_path(CLIENT, bad, &[])).await;
        assert_eq!(res.status(), 400, "{bad}");
        assert!(res.headers().get("location").is_none(), "{bad}");
        let body = res.text().await.expect("body");
        assert!(body.contains("You cannot sign in to this service"), "{bad}");
    }
    let res = b.get(&authorize_path("nobody", CALLBACK, &[])).await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM service_grants").await, 0);
}

#[tokio::test]
async fn pkce_s256_is_required_and_its_verifier_checked() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "finance").await;
    for extra in [
        &[("code_challenge", "")][..],
        &[("code_challenge_method", "plain")][..],
        &[("code_challenge_method", "")][..],
    ] {
        let res = b.get(&authorize_path(CLIENT, CALLBACK, extra)).await;
        let q = query_of(&location(&res));
        assert_eq!(
            q.get("error").map(String::as_str),
            Some("invalid_request"),
            "{extra:?}"
        );
        assert_eq!(q.get("state").map(String::as_str), Some("st-123"));
    }
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let res = token(
        &app,
        CLIENT,
        Some(SECRET),
        &code_grant(
            &code,
            CALLBACK,
            "another-verifier-of-more-than-forty-three-characters",
        ),
    )
    .await;
    assert_eq!(error_of(res).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn a_code_is_used_once_by_its_own_service_within_its_minute() {
    let app = TestApp::start().await;
    let other_secret = add_service(&app, "other-service", true, None)
        .await
        .expect("secret");
    let b = signed_in(&app, "finance").await;
    // Replayed: refused, and the grant the first use made is ended with it.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let first = exchange(&app, &code).await;
    let again = code_grant(&code, CALLBACK, VERIFIER);
    assert_eq!(
        error_of(token(&app, CLIENT, Some(SECRET), &again).await)
            .await
            .1,
        "invalid_grant"
    );
    let refresh = first["refresh_token"].as_str().expect("refresh");
    let res = token(
        &app,
        CLIENT,
        Some(SECRET),
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(
        error_of(res).await.1,
        "invalid_grant",
        "the replay ended the grant"
    );
    // Another service's code.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let res = token(
        &app,
        "other-service",
        Some(&other_secret),
        &code_grant(&code, CALLBACK, VERIFIER),
    )
    .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    // Sent to another address than the code's.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let res = token(
        &app,
        CLIENT,
        Some(SECRET),
        &code_grant(&code, "http://localhost:4000/other", VERIFIER),
    )
    .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    // Expired.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    app.sql("UPDATE authorization_codes SET expires_at = expires_at - 61")
        .await;
    let res = token(
        &app,
        CLIENT,
        Some(SECRET),
        &code_grant(&code, CALLBACK, VERIFIER),
    )
    .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
}

#[tokio::test]
async fn services_prove_themselves_by_basic_or_by_form_and_public_ones_by_pkce_alone() {
    let app = TestApp::start().await;
    add_service(&app, "public-app", false, None).await;
    let b = signed_in(&app, "finance").await;
    // client_secret_post.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let res = reqwest::Client::new()
        .post(format!("{}/oidc/token", app.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200);
    // A wrong secret, and no secret for a confidential service.
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let form = code_grant(&code, CALLBACK, VERIFIER);
    let wrong = token(
        &app,
        CLIENT,
        Some("claims-service-demo-secret-not-for-real-usX"),
        &form,
    )
    .await;
    assert!(wrong.headers().get("www-authenticate").is_some());
    assert_eq!(error_of(wrong).await, (401, "invalid_client".into()));
    assert_eq!(
        error_of(token(&app, CLIENT, None, &form).await).await,
        (401, "invalid_client".into())
    );
    // A public service: its client_id and the verifier.
    let cb = "http://localhost:4001/public-app/cb";
    let code = code_for(&app, &b, "public-app", cb).await;
    let res = token(&app, "public-app", None, &code_grant(&code, cb, VERIFIER)).await;
    assert_eq!(res.status(), 200);
    let res = token(&app, CLIENT, None, &[("grant_type", "password")]).await;
    assert_eq!(error_of(res).await.0, 401, "who asks is checked first");
    let res = token(&app, CLIENT, Some(SECRET), &[("grant_type", "password")]).await;
    assert_eq!(error_of(res).await, (400, "unsupported_grant_type".into()));
}

#[tokio::test]
async fn prompt_none_without_a_session_answers_login_required_and_a_session_is_asked_for_otherwise()
{
    let app = TestApp::start().await;
    let b = app.browser();
    let res = b
        .get(&authorize_path(CLIENT, CALLBACK, &[("prompt", "none")]))
        .await;
    let q = query_of(&location(&res));
    assert_eq!(q.get("error").map(String::as_str), Some("login_required"));
    assert_eq!(q.get("state").map(String::as_str), Some("st-123"));
    let res = b.get(&authorize_path(CLIENT, CALLBACK, &[])).await;
    let to = location(&res);
    assert!(to.starts_with("/sign-in?next="), "{to}");
    // Signing in comes back to the request, which then goes to the service.
    let next = query_of(&to)["next"].clone();
    let res = b.sign_in("finance").await;
    let _ = res;
    let res = b.get(&next).await;
    let back = answer_of(res).await;
    assert!(
        back.starts_with(CALLBACK) && query_of(&back).contains_key("code"),
        "{back}"
    );
}

#[tokio::test]
async fn several_roles_choose_on_select_your_account_when_the_service_asks_again() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "admin.commissioner").await;
    let user = app.demo_user("admin.commissioner").await;
    let signed_in_at = app
        .scalar(&format!(
            "SELECT created_at FROM sessions WHERE user_id = {user}"
        ))
        .await;
    let res = b
        .get(&authorize_path(CLIENT, CALLBACK, &[("prompt", "none")]))
        .await;
    assert_eq!(
        query_of(&location(&res))["error"],
        "account_selection_required"
    );
    let res = b.get(&authorize_path(CLIENT, CALLBACK, &[])).await;
    let next = query_of(&location(&res))["next"].clone();
    choose(&app, &b, "admin.commissioner", "QHM", &next).await;
    // Choosing replaced the session, not the sign-in: auth_time and the absolute time-out stay.
    assert_eq!(
        app.scalar(&format!(
            "SELECT created_at FROM sessions WHERE user_id = {user}"
        ))
        .await,
        signed_in_at
    );
    let back = answer_of(b.get(&next).await).await;
    assert!(back.starts_with(CALLBACK));
    let t = exchange(&app, &query_of(&back)["code"]).await;
    let (_, id) = verified(&app, t["id_token"].as_str().expect("id")).await;
    assert_eq!(id["auth_time"].as_i64(), Some(signed_in_at));
    // With a role chosen, a service that asks (selectedrole) has the person choose again.
    let res = b
        .get(&authorize_path(
            CLIENT,
            CALLBACK,
            &[("scope", "openid selectedrole")],
        ))
        .await;
    let to = location(&res);
    assert!(to.starts_with("/select-account?next="), "{to}");
    assert!(query_of(&to)["next"].contains("gh_chosen=1"));
    // A person with one role has nothing to choose.
    let one = signed_in(&app, "finance").await;
    let res = one
        .get(&authorize_path(
            CLIENT,
            CALLBACK,
            &[("prompt", "select_account")],
        ))
        .await;
    assert!(location(&res).starts_with(CALLBACK));
    let res = b
        .get(&authorize_path(
            CLIENT,
            CALLBACK,
            &[("prompt", "none select_account")],
        ))
        .await;
    assert_eq!(query_of(&location(&res))["error"], "invalid_request");
}

#[tokio::test]
async fn a_session_that_owes_a_second_factor_gives_it_before_the_service_gets_a_code() {
    use domain::rules::totp::{step_of, TotpSecret};
    let app =
        TestApp::start_with(|c| c.mfa = domain::model::second_factor::MfaPolicy::Admins).await;
    let b = signed_in(&app, "account.admin").await;
    let authorize = authorize_path(CLIENT, CALLBACK, &[]);
    let res = b.get(&authorize).await;
    let to = location(&res);
    assert!(to.starts_with("/two-factor/code?next="), "{to}");
    let next = query_of(&to)["next"].clone();
    assert_eq!(next, authorize, "back to the same request");
    let now = domain::Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64,
    );
    let secret = TotpSecret::from_stored(app::features::two_factor::DEMO_TOTP_SECRET).expect("key");
    let code = secret.code_at_step(step_of(now)).expect("code");
    let res = b
        .post(
            "two_factor_code",
            &[("code", &code), ("next", &next)],
            crate::support::Js::Off,
            "/two-factor/code",
        )
        .await;
    assert_eq!(location(&res), next);
    // The browser follows the form's redirect from this site: a page moves on to the service.
    let res = b
        .client
        .get(format!("{}{next}", b.base))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("authorize");
    assert_eq!(res.status(), 200);
    let back = answer_of(res).await;
    let t = exchange(&app, &query_of(&back)["code"]).await;
    let (_, id) = verified(&app, t["id_token"].as_str().expect("id")).await;
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp"]));
    assert_eq!(id["acr"], "aal2");
    assert_eq!(
        id["gatehouse_role"]["capabilities"]
            .as_array()
            .map(|c| c.iter().any(|x| x == "manage_users")),
        Some(true)
    );
}
