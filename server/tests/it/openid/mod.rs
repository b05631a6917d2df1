//! Gatehouse as an OpenID Connect provider, over HTTP: each MUST of the Basic OP profile that
//! applies to the code flow, PKCE, refresh rotation with reuse detection, introspection and
//! revocation, back-channel logout, and the attacks a provider must turn away (a redirect URI
//! prefix trick, a replayed code, a stolen refresh token after rotation, one service's token at
//! another). The PKCE challenge and the token checks are computed here independently of the
//! server's own code, from the RFCs.

mod claims;
mod flows;
mod keys;
mod revocation;

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::support::{location, Browser, TestApp};

pub const CLIENT: &str = server::demo::DEMO_CLIENT_ID;
pub const SECRET: &str = server::demo::DEMO_CLIENT_SECRET;
pub const CALLBACK: &str = "http://localhost:4000/callback";
pub const VERIFIER: &str = "a-verifier-of-more-than-forty-three-characters-0123456789";

/// RFC 7636's S256, written here rather than borrowed from the server.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An authorization request's address.
pub fn authorize_path(client: &str, redirect: &str, extra: &[(&str, &str)]) -> String {
    let mut q = vec![
        ("response_type", "code".to_owned()),
        ("client_id", client.to_owned()),
        ("redirect_uri", redirect.to_owned()),
        ("scope", "openid profile email".to_owned()),
        ("state", "st-123".to_owned()),
        ("nonce", "n-456".to_owned()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    for (k, v) in extra {
        q.retain(|(key, _)| key != k);
        if !v.is_empty() {
            q.push((k, (*v).to_owned()));
        }
    }
    let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    format!("/oidc/authorize?{}", query.join("&"))
}

/// The parameters of an address's query.
pub fn query_of(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

/// The address the authorization sends the browser to: a redirect's Location, or the
/// "Returning to the service" page's link after one of Gatehouse's own forms.
pub async fn answer_of(res: reqwest::Response) -> String {
    if res.status().is_redirection() {
        return location(&res);
    }
    let body = res.text().await.expect("body");
    let at = body.find("url=").expect("a page that moves on") + 4;
    let end = at + body[at..].find('"').expect("end");
    body[at..end].replace("&amp;", "&")
}

/// Signs `local` in and authorizes `client`: the code.
pub async fn code_for(app: &TestApp, b: &Browser, client: &str, redirect: &str) -> String {
    let _ = app;
    let res = b.get(&authorize_path(client, redirect, &[])).await;
    assert_eq!(res.status(), 302, "authorize answers with a redirect");
    let to = location(&res);
    assert!(to.starts_with(redirect), "{to}");
    let q = query_of(&to);
    assert_eq!(q.get("state").map(String::as_str), Some("st-123"));
    assert_eq!(q.get("iss"), Some(&app.base));
    q.get("code").expect("a code").clone()
}

pub async fn signed_in(app: &TestApp, local: &str) -> Browser {
    let b = app.browser();
    let res = b.sign_in(local).await;
    assert!(res.status().is_redirection(), "signed in");
    b
}

/// A token request with the secret in HTTP Basic.
pub async fn token(
    app: &TestApp,
    client: &str,
    secret: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{}/oidc/token", app.base))
        .form(form);
    if let Some(s) = secret {
        req = req.header(
            "authorization",
            format!(
                "Basic {}",
                STANDARD.encode(format!("{}:{}", enc(client), enc(s)))
            ),
        );
    } else {
        let mut with_id: Vec<(&str, &str)> = form.to_vec();
        with_id.push(("client_id", client));
        req = reqwest::Client::new()
            .post(format!("{}/oidc/token", app.base))
            .form(&with_id);
    }
    req.send().await.expect("token request")
}

/// A code's token request: the code, where it was sent, and the verifier.
pub fn code_grant<'a>(
    code: &'a str,
    redirect: &'a str,
    verifier: &'a str,
) -> [(&'a str, &'a str); 4] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect),
        ("code_verifier", verifier),
    ]
}

pub async fn exchange(app: &TestApp, code: &str) -> serde_json::Value {
    let res = token(
        app,
        CLIENT,
        Some(SECRET),
        &code_grant(code, CALLBACK, VERIFIER),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    res.json().await.expect("json")
}

pub async fn error_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A JWT's claims, after checking its ES256 signature against the published key set.
pub async fn verified(app: &TestApp, jwt: &str) -> (jsonwebtoken::Header, serde_json::Value) {
    let set: serde_json::Value = reqwest::get(format!("{}/oidc/jwks", app.base))
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let header = jsonwebtoken::decode_header(jwt).expect("a JWT");
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    let kid = header.kid.clone().expect("kid");
    let jwk = set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the key is published");
    let key = jsonwebtoken::DecodingKey::from_ec_components(
        jwk["x"].as_str().expect("x"),
        jwk["y"].as_str().expect("y"),
    )
    .expect("key");
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    v.validate_aud = false;
    v.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &v)
        .expect("signature and expiry good");
    (header, data.claims)
}

/// Introspects `token` as `client`.
pub async fn introspect(
    app: &TestApp,
    client: &str,
    secret: &str,
    token: &str,
) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/oidc/introspect", app.base))
        .basic_auth(client, Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .expect("introspect")
        .json()
        .await
        .expect("json")
}

/// Registers another service straight in storage: its client id and secret (if confidential).
pub async fn add_service(
    app: &TestApp,
    client_id: &str,
    confidential: bool,
    backchannel: Option<String>,
) -> Option<String> {
    use domain::model::connected_service::ServiceSettings;
    use domain::storage::ConnectedServices;
    let secret = confidential.then(|| {
        format!("{client_id:-<43}")
            .chars()
            .take(43)
            .collect::<String>()
    });
    let hash = secret.as_deref().map(|s| {
        domain::values::clock::SecretToken::from_presented(s)
            .expect("43 characters")
            .hash()
    });
    let audit = domain::model::audit::NewAudit::anonymous(
        domain::model::audit::AuditAction::ConnectedServiceAdded,
        domain::Timestamp(0),
        None,
    );
    app.store
        .add_service(
            client_id,
            &ServiceSettings {
                name: client_id.into(),
                redirect_uris: vec![format!("http://localhost:4001/{client_id}/cb")],
                post_logout_redirect_uris: vec![],
                backchannel_logout_uri: backchannel,
            },
            hash.as_ref(),
            domain::Timestamp(0),
            &audit,
        )
        .await
        .expect("added");
    secret
}
