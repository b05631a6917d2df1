//! The worker that makes revocation reach the services: every few seconds it ends the grants
//! that are no longer good (their session signed out, ended by an administrator or timed out;
//! their role revoked or ended; their account disabled; their service switched off) and posts a
//! back-channel logout token to each service that asked for them, retrying with back-off like the
//! email outbox. Refresh, userinfo and introspection never wait for it: each looks at the grant
//! itself.

use std::time::Duration;

use domain::model::connected_service::PendingLogout;
use domain::model::outbox::backoff_seconds;
use domain::storage::ServiceGrants;
use domain::values::clock::Timestamp;
use tokio::task::JoinHandle;

use super::{Provider, LOGOUT_TYP};

pub const EVERY: Duration = Duration::from_secs(5);
/// How long a service has to answer a logout.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How many logouts one round posts at most.
const BATCH: i64 = 50;

pub fn spawn(p: Provider) -> JoinHandle<()> {
    tokio::spawn(async move {
        let http = client();
        loop {
            round(&p, &http).await;
            tokio::time::sleep(EVERY).await;
        }
    })
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// One round: lapsed grants ended, due logouts posted. How many grants ended and how many
/// logouts were delivered; failures are logged and tried again later.
pub async fn round(p: &Provider, http: &reqwest::Client) -> (u64, usize) {
    let store = &p.state.store;
    let now = p.now();
    let ended = store
        .end_lapsed_grants(now, p.state.sessions)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "ending lapsed grants failed");
            0
        });
    let due = store.due_logouts(now, BATCH).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "reading due back-channel logouts failed");
        Vec::new()
    });
    let mut delivered = 0;
    for logout in due {
        match post(p, http, &logout, now).await {
            Ok(()) => {
                delivered += 1;
                if let Err(e) = store.logout_delivered(logout.id, now).await {
                    tracing::error!(error = %e, "recording a delivered logout failed");
                }
            }
            Err(why) => {
                tracing::warn!(service = %logout.client_id, error = %why, "a back-channel logout was not accepted");
                let next = Timestamp(now.0 + backoff_seconds(logout.attempts + 1));
                if let Err(e) = store.logout_failed(logout.id, &why, next).await {
                    tracing::error!(error = %e, "recording a failed logout failed");
                }
            }
        }
    }
    (ended, delivered)
}

/// The logout token (Back-Channel Logout 1.0): who and which session, for the service, with the
/// logout event and never a nonce.
async fn post(
    p: &Provider,
    http: &reqwest::Client,
    logout: &PendingLogout,
    now: Timestamp,
) -> Result<(), String> {
    let claims = serde_json::json!({
        "iss": p.issuer,
        "aud": logout.client_id,
        "iat": now.0,
        "exp": now.0 + 120,
        "jti": p.new_jti(),
        "sub": logout.subject,
        "sid": logout.grant,
        "events": { "http://schemas.openid.net/event/backchannel-logout": {} },
    });
    let token = p
        .sign(LOGOUT_TYP, &claims)
        .await
        .map_err(|_| "could not sign the logout token".to_owned())?;
    let answer = http
        .post(&logout.uri)
        .header(reqwest::header::CACHE_CONTROL, "no-store")
        .form(&[("logout_token", token)])
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(format!("answered {}", answer.status()))
    }
}
