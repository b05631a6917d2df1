//! Grants that end: refresh tokens used once, a reused one ending the grant, introspection
//! after a role is revoked, revocation by the service, signing out, and the back-channel logout
//! each service that asked for one is sent once.

use std::sync::{Arc, Mutex};

use super::*;
use crate::support::TestApp;

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    super::token(
        app,
        CLIENT,
        Some(SECRET),
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

async fn tokens_for(app: &TestApp, local: &str) -> (Browser, serde_json::Value) {
    let b = signed_in(app, local).await;
    let code = code_for(app, &b, CLIENT, CALLBACK).await;
    let t = exchange(app, &code).await;
    (b, t)
}

fn s(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().expect(key).to_owned()
}

#[tokio::test]
async fn a_refresh_token_is_used_once_and_a_stolen_one_used_after_rotation_ends_the_grant() {
    let app = TestApp::start().await;
    let (_, t) = tokens_for(&app, "finance").await;
    let first = s(&t, "refresh_token");
    let res = refresh(&app, &first).await;
    assert_eq!(res.status(), 200);
    let t2: serde_json::Value = res.json().await.expect("json");
    let second = s(&t2, "refresh_token");
    assert_ne!(first, second, "rotated");
    let (_, id) = verified(&app, &s(&t2, "id_token")).await;
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(
        introspect(&app, CLIENT, SECRET, &s(&t2, "access_token")).await["active"],
        true
    );
    // The thief replays the first token: refused, and the owner's newer one dies with the grant.
    assert_eq!(
        error_of(refresh(&app, &first).await).await,
        (400, "invalid_grant".into())
    );
    assert_eq!(
        error_of(refresh(&app, &second).await).await.1,
        "invalid_grant"
    );
    assert_eq!(
        introspect(&app, CLIENT, SECRET, &s(&t2, "access_token")).await["active"],
        false
    );
    assert_eq!(
        app.texts("SELECT ended_reason FROM service_grants").await,
        vec!["replayed".to_owned()]
    );
}

#[tokio::test]
async fn introspection_says_active_with_the_role_until_the_role_is_revoked() {
    let app = TestApp::start().await;
    let (_, t) = tokens_for(&app, "finance").await;
    let access = s(&t, "access_token");
    let answer = introspect(&app, CLIENT, SECRET, &access).await;
    assert_eq!(answer["active"], true);
    assert_eq!(answer["client_id"], CLIENT);
    assert_eq!(
        answer["gatehouse_role"]["role"]["name"],
        "Commissioning Finance"
    );
    let user = app.demo_user("finance").await;
    app.sql(&format!(
        "UPDATE role_assignments SET status = 'revoked' WHERE user_id = {user}"
    ))
    .await;
    assert_eq!(
        introspect(&app, CLIENT, SECRET, &access).await,
        serde_json::json!({"active": false})
    );
    assert_eq!(
        error_of(refresh(&app, &s(&t, "refresh_token")).await)
            .await
            .1,
        "invalid_grant"
    );
    let res = reqwest::Client::new()
        .get(format!("{}/oidc/userinfo", app.base))
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(res.status(), 401);
    // A public service may not introspect; junk is inactive.
    add_service(&app, "public-app", false, None).await;
    let res = reqwest::Client::new()
        .post(format!("{}/oidc/introspect", app.base))
        .form(&[("token", access.as_str()), ("client_id", "public-app")])
        .send()
        .await
        .expect("introspect");
    assert_eq!(res.status(), 401);
    assert_eq!(
        introspect(&app, CLIENT, SECRET, "junk").await["active"],
        false
    );
}

#[tokio::test]
async fn a_token_for_one_service_is_nothing_to_another() {
    let app = TestApp::start().await;
    let other = add_service(&app, "other-service", true, None)
        .await
        .expect("secret");
    let (_, t) = tokens_for(&app, "finance").await;
    assert_eq!(
        introspect(&app, "other-service", &other, &s(&t, "access_token")).await["active"],
        false
    );
    let res = super::token(
        &app,
        "other-service",
        Some(&other),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &s(&t, "refresh_token")),
        ],
    )
    .await;
    assert_eq!(error_of(res).await.1, "invalid_grant");
    assert_eq!(
        error_of(refresh(&app, &s(&t, "refresh_token")).await)
            .await
            .1,
        "invalid_grant",
        "a token shown to another service is burnt"
    );
}

#[tokio::test]
async fn revoking_either_token_ends_the_grant() {
    let app = TestApp::start().await;
    for which in ["refresh_token", "access_token"] {
        let (_, t) = tokens_for(&app, "finance").await;
        let res = reqwest::Client::new()
            .post(format!("{}/oidc/revoke", app.base))
            .basic_auth(CLIENT, Some(SECRET))
            .form(&[("token", s(&t, which).as_str())])
            .send()
            .await
            .expect("revoke");
        assert_eq!(res.status(), 200);
        assert_eq!(
            introspect(&app, CLIENT, SECRET, &s(&t, "access_token")).await["active"],
            false,
            "{which}"
        );
        assert_eq!(
            error_of(refresh(&app, &s(&t, "refresh_token")).await)
                .await
                .1,
            "invalid_grant"
        );
    }
}

/// A service's back-channel logout endpoint: every logout token posted to it.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/bc",
        axum::routing::post(move |axum::Form(f): axum::Form<HashMap<String, String>>| {
            let keep = keep.clone();
            async move {
                if let Ok(mut g) = keep.lock() {
                    g.push(f.get("logout_token").cloned().unwrap_or_default());
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://127.0.0.1:{}/bc", addr.port()), got)
}

#[tokio::test]
async fn signing_out_ends_the_grant_and_its_service_hears_once_with_the_sid() {
    let app = TestApp::start().await;
    let (uri, got) = receiver().await;
    let secret = add_service(&app, "listening", true, Some(uri))
        .await
        .expect("secret");
    let b = signed_in(&app, "finance").await;
    let cb = "http://localhost:4001/listening/cb";
    let code = code_for(&app, &b, "listening", cb).await;
    let res = super::token(
        &app,
        "listening",
        Some(&secret),
        &code_grant(&code, cb, VERIFIER),
    )
    .await;
    let t: serde_json::Value = res.json().await.expect("json");
    let (_, id) = verified(&app, &s(&t, "id_token")).await;
    let p = server::oidc::Provider::of(&app.state).expect("provider");
    let http = server::oidc::logout::client();
    server::oidc::logout::round(&p, &http).await;
    assert!(got.lock().expect("lock").is_empty(), "nothing ended yet");
    let res = b.post("sign_out", &[], crate::support::Js::Off, "/").await;
    assert!(res.status().is_redirection());
    let (ended, delivered) = server::oidc::logout::round(&p, &http).await;
    assert_eq!((ended, delivered), (1, 1));
    server::oidc::logout::round(&p, &http).await;
    let tokens = got.lock().expect("lock").clone();
    assert_eq!(tokens.len(), 1, "sent once");
    let (header, logout) = verified(&app, &tokens[0]).await;
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    assert_eq!(logout["sid"], id["sid"]);
    assert_eq!(logout["sub"], id["sub"]);
    assert_eq!(logout["aud"], "listening");
    assert!(logout["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    assert!(logout.get("nonce").is_none());
    assert_eq!(
        introspect(&app, "listening", &secret, &s(&t, "access_token")).await["active"],
        false
    );
}

#[tokio::test]
async fn end_session_with_the_services_id_token_signs_out_and_returns_only_to_a_registered_address()
{
    let app = TestApp::start().await;
    let (b, t) = tokens_for(&app, "finance").await;
    let id_token = s(&t, "id_token");
    let path = format!(
        "/oidc/end-session?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
        enc(&id_token),
        enc("https://evil.example/")
    );
    let res = b.get(&path).await;
    assert_eq!(
        location(&res),
        "/sign-in",
        "an unregistered address is not followed"
    );
    let (b, t) = tokens_for(&app, "finance").await;
    let path = format!(
        "/oidc/end-session?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
        enc(&s(&t, "id_token")),
        enc("http://localhost:4000/")
    );
    let res = b.get(&path).await;
    assert_eq!(location(&res), "http://localhost:4000/?state=bye");
    let viewer = b.viewer().await;
    assert!(
        viewer.is_null() || viewer["user"].is_null(),
        "signed out: {viewer}"
    );
    assert_eq!(
        error_of(refresh(&app, &s(&t, "refresh_token")).await)
            .await
            .1,
        "invalid_grant"
    );
    // Without a hint, nobody is signed out by a link.
    let (b, _) = tokens_for(&app, "finance").await;
    let res = b
        .get("/oidc/end-session?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A4000%2F")
        .await;
    assert_eq!(location(&res), "/");
    assert!(!b.viewer().await.is_null());
}
