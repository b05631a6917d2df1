//! `gatehouse rotate-signing-key`: the new key is published at once and signs only after the
//! publishing lead; the old one signs until then and stays published until its last tokens have
//! expired. A key sealed under another operator key is refused, never used.

use domain::values::clock::Timestamp;
use server::config::Source;
use server::oidc::{keys::Keys, Provider};

use crate::support::TestApp;

const KEY: &[u8; 32] = b"a test key of exactly 32 bytes!!";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn rotate(app: &TestApp, key: &[u8; 32]) -> Result<String, String> {
    let (url, key) = (app.database_url.clone(), hex(key));
    let flags = move |name: &str| match name {
        "DATABASE_URL" => Some(url.clone()),
        "GATEHOUSE_KEY_ENCRYPTION_KEY" => Some(key.clone()),
        _ => None,
    };
    server::commands::rotate_signing_key(&Source::new(&flags))
        .await
        .map_err(|e| e.to_string())
}

fn kids(jwks: &serde_json::Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect()
}

#[tokio::test]
async fn a_rotated_key_is_published_before_it_signs_and_the_old_one_until_its_tokens_expire() {
    let app = TestApp::start().await;
    let p = Provider::of(&app.state).expect("provider");
    let now = p.now();
    let first = Keys::new(*KEY).at(&app.store, now).await.expect("keys");
    let old = first.signer.0.clone();
    assert_eq!(kids(&first.jwks), vec![old.clone()]);
    let said = rotate(&app, KEY).await.expect("rotated");
    assert!(
        said.contains("New signing key") && said.contains("10 minutes"),
        "{said}"
    );
    // Read afresh (each instance reads again every minute).
    let next = Keys::new(*KEY).at(&app.store, now).await.expect("keys");
    assert_eq!(
        next.signer.0, old,
        "the old key signs until the new one's time"
    );
    assert_eq!(kids(&next.jwks).len(), 2, "both published");
    let new = kids(&next.jwks)
        .into_iter()
        .find(|k| *k != old)
        .expect("new");
    let later = Keys::new(*KEY)
        .at(&app.store, Timestamp(now.0 + 601))
        .await
        .expect("keys");
    assert_eq!(later.signer.0, new);
    assert_eq!(
        kids(&later.jwks).len(),
        2,
        "the old key's tokens may still be live"
    );
    let after = Keys::new(*KEY)
        .at(&app.store, Timestamp(now.0 + 600 + 301))
        .await
        .expect("keys");
    assert_eq!(kids(&after.jwks), vec![new]);
}

#[tokio::test]
async fn a_key_sealed_under_another_operator_key_is_refused() {
    let app = TestApp::start().await;
    rotate(&app, b"another key, also exactly 32 b!!")
        .await
        .expect("rotated");
    let p = Provider::of(&app.state).expect("provider");
    let at = Timestamp(p.now().0 + 601);
    let e = Keys::new(*KEY)
        .at(&app.store, at)
        .await
        .err()
        .expect("refused");
    assert!(
        e.to_string().contains("GATEHOUSE_KEY_ENCRYPTION_KEY"),
        "{e}"
    );
}
