//! Conformance of connected services and their grants on both backends: services registered,
//! changed, switched off and given new secrets; a code redeemed once, a replay ending its grant;
//! refresh tokens used once, even by racing requests; a grant that lives exactly as long as its
//! session (followed through rotation), role, account and service; each ending queues one
//! back-channel logout; signing keys retired when a new one is added.

use domain::model::assignment::AssignmentStatus;
use domain::model::audit::AuditAction;
use domain::model::connected_service::{
    GrantEnd, NewCode, NewGrant, Redemption, Refresh, ServiceId, ServiceSettings, SigningKey,
};
use domain::model::session::{NewSession, SessionPolicy};
use domain::storage::{ConnectedServices, ServiceGrants, Sessions, StoreError};
use domain::values::clock::Timestamp;
use store::Store;

use super::conformance::{assign, small_tree};
use super::security::{event, events, hash, session, user};

const NOW: Timestamp = Timestamp(1_800_000_000);
const POLICY: SessionPolicy = SessionPolicy {
    idle_seconds: 1800,
    absolute_seconds: 43200,
};

fn settings(backchannel: bool) -> ServiceSettings {
    ServiceSettings {
        name: "Claims".into(),
        redirect_uris: vec![
            "https://claims.example/cb".into(),
            "http://localhost:4000/cb".into(),
        ],
        post_logout_redirect_uris: vec![],
        backchannel_logout_uri: backchannel.then(|| "https://claims.example/bc".into()),
    }
}

async fn service(s: &Store, client: &str, backchannel: bool) -> ServiceId {
    let u = user(s, &format!("{client}@example.nhs.uk")).await;
    s.add_service(
        client,
        &settings(backchannel),
        Some(&hash("secret")),
        NOW,
        &event(AuditAction::ConnectedServiceAdded, u),
    )
    .await
    .expect("added")
}

/// A person at QHM acting as role 1 with session `sid`, and a grant `grant` of `svc` made in it.
async fn granted(
    s: &Store,
    svc: ServiceId,
    email: &str,
    sid: &str,
    grant: &str,
) -> (domain::UserId, domain::AssignmentId) {
    let u = user(s, email).await;
    let a = assign(s, u, "QHM", 5, AssignmentStatus::Active).await;
    session(s, sid, u).await;
    let g = NewGrant {
        id: grant.into(),
        service: svc,
        user: u,
        assignment: a,
        session: hash(sid),
        scope: "openid".into(),
        nonce: Some("n".into()),
        auth_time: NOW,
        amr: "pwd".into(),
        now: NOW,
    };
    let code = NewCode {
        hash: hash(&format!("code-{grant}")),
        redirect_uri: "https://claims.example/cb".into(),
        challenge: "c".repeat(43),
        expires_at: Timestamp(NOW.0 + 60),
    };
    s.start_grant(&g, &code, &event(AuditAction::SignedInToService, u))
        .await
        .expect("grant");
    (u, a)
}

async fn redeemed(s: &Store, grant: &str, refresh: &str) {
    let r = s
        .redeem_code(&hash(&format!("code-{grant}")), NOW)
        .await
        .expect("redeem");
    assert!(
        matches!(r, Redemption::Redeemed { ref grant, .. } if grant.nonce.as_deref() == Some("n")),
        "{r:?}"
    );
    s.keep_refresh_token(grant, &hash(refresh), NOW)
        .await
        .expect("keep");
}

async fn live(s: &Store, grant: &str, at: Timestamp) -> bool {
    s.live_grant(grant, at, POLICY).await.expect("q").is_some()
}

async fn logouts(s: &Store) -> usize {
    s.due_logouts(Timestamp(NOW.0 + 100_000), 100)
        .await
        .expect("q")
        .len()
}

async fn services_are_registered_changed_switched_off_and_given_new_secrets(s: &Store) {
    small_tree(s).await;
    let id = service(s, "claims", true).await;
    let u = user(s, "desk@example.nhs.uk").await;
    let again = s
        .add_service(
            "claims",
            &settings(false),
            None,
            NOW,
            &event(AuditAction::ConnectedServiceAdded, u),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "client ids are unique"
    );
    let got = s
        .service_by_client_id("claims")
        .await
        .expect("q")
        .expect("found");
    assert_eq!(got.redirect_uris, settings(true).redirect_uris);
    assert!(got.confidential() && got.enabled);
    let mut changed = settings(false);
    changed.name = "Claims and payments".into();
    assert!(s
        .change_service(
            id,
            &changed,
            NOW,
            &event(AuditAction::ConnectedServiceChanged, u)
        )
        .await
        .expect("change"));
    let got = s.connected_service(id).await.expect("q").expect("found");
    assert_eq!(
        (got.name.as_str(), got.backchannel_logout_uri),
        ("Claims and payments", None)
    );
    let off = event(AuditAction::ConnectedServiceDisabled, u);
    assert!(s
        .set_service_enabled(id, false, NOW, &off)
        .await
        .expect("off"));
    assert!(
        !s.set_service_enabled(id, false, NOW, &off)
            .await
            .expect("off again"),
        "no change, no event"
    );
    assert_eq!(events(s, AuditAction::ConnectedServiceDisabled).await, 1);
    let rotated = event(AuditAction::ConnectedServiceSecretRotated, u);
    assert!(s
        .replace_service_secret(id, &hash("new"), NOW, &rotated)
        .await
        .expect("secret"));
    assert_eq!(
        s.connected_service(id)
            .await
            .expect("q")
            .expect("found")
            .secret_hash,
        Some(hash("new"))
    );
    let public = s
        .add_service(
            "app",
            &settings(false),
            None,
            NOW,
            &event(AuditAction::ConnectedServiceAdded, u),
        )
        .await
        .expect("public");
    assert!(
        !s.replace_service_secret(public, &hash("x"), NOW, &rotated)
            .await
            .expect("none"),
        "a public service keeps no secret"
    );
    assert_eq!(s.connected_services().await.expect("list").len(), 2);
}

async fn a_code_is_redeemed_once_and_a_replay_ends_its_grant_and_queues_one_logout(s: &Store) {
    small_tree(s).await;
    let svc = service(s, "claims", true).await;
    granted(s, svc, "sam@example.nhs.uk", "s1", "g1").await;
    assert_eq!(
        s.redeem_code(&hash("nope"), NOW).await.expect("q"),
        Redemption::Unknown
    );
    redeemed(s, "g1", "r1").await;
    assert!(live(s, "g1", NOW).await);
    assert_eq!(
        s.redeem_code(&hash("code-g1"), NOW).await.expect("q"),
        Redemption::Replayed
    );
    assert!(!live(s, "g1", NOW).await);
    assert_eq!(
        s.rotate_refresh_token(&hash("r1"), &hash("r2"), NOW)
            .await
            .expect("q"),
        Refresh::Unknown
    );
    assert_eq!(logouts(s).await, 1);
    assert!(
        !s.end_grant("g1", GrantEnd::Revoked, NOW)
            .await
            .expect("end"),
        "ended once"
    );
    assert_eq!(logouts(s).await, 1);
}

async fn a_refresh_token_is_used_once_even_by_racing_requests(s: &Store) {
    small_tree(s).await;
    let svc = service(s, "claims", false).await;
    granted(s, svc, "sam@example.nhs.uk", "s1", "g1").await;
    redeemed(s, "g1", "r1").await;
    assert!(matches!(
        s.rotate_refresh_token(&hash("r1"), &hash("r2"), NOW)
            .await
            .expect("q"),
        Refresh::Rotated(_)
    ));
    assert_eq!(
        s.grant_of_refresh_token(&hash("r2"))
            .await
            .expect("q")
            .as_deref(),
        Some("g1")
    );
    let racing: Vec<_> = (0..10)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.rotate_refresh_token(&hash("r2"), &hash(&format!("r3-{i}")), NOW)
                    .await
            })
        })
        .collect();
    let mut rotated = 0;
    for r in racing {
        if matches!(r.await.expect("task").expect("q"), Refresh::Rotated(_)) {
            rotated += 1;
        }
    }
    assert_eq!(rotated, 1, "one of ten racing requests");
    assert!(
        !live(s, "g1", NOW).await,
        "the losers' reuse ended the grant"
    );
    assert_eq!(
        logouts(s).await,
        0,
        "a service that asked for none is sent none"
    );
}

async fn a_grant_follows_its_session_and_lapses_with_it_or_its_role_account_or_service(s: &Store) {
    small_tree(s).await;
    let svc = service(s, "claims", true).await;
    let (u, _) = granted(s, svc, "one@example.nhs.uk", "s1", "g1").await;
    redeemed(s, "g1", "r1").await;
    // A role switch rotates the session: the grant follows, and the sign-in's start stays.
    let proof = s
        .session_context(&hash("s1"))
        .await
        .expect("q")
        .expect("ctx")
        .session
        .proof;
    assert_eq!(proof.signed_in_at, Some(NOW));
    let next = NewSession {
        id_hash: hash("s1b"),
        user: u,
        assignment: None,
        now: Timestamp(NOW.0 + 100),
        client: None,
        agent: None,
        proof,
    };
    s.rotate_session(&hash("s1"), &next, &event(AuditAction::RoleSwitch, u))
        .await
        .expect("rotate");
    let switched = s
        .session_context(&hash("s1b"))
        .await
        .expect("q")
        .expect("ctx")
        .session;
    assert_eq!(
        (switched.created_at, switched.last_seen_at),
        (NOW, Timestamp(NOW.0 + 100)),
        "the absolute time-out counts from sign-in"
    );
    assert!(live(s, "g1", Timestamp(NOW.0 + 100)).await);
    assert!(
        !live(s, "g1", Timestamp(NOW.0 + 1900)).await,
        "idle too long"
    );
    assert_eq!(s.end_lapsed_grants(NOW, POLICY).await.expect("sweep"), 0);
    s.end_session(&hash("s1b"), &event(AuditAction::SignOut, u))
        .await
        .expect("out");
    assert!(!live(s, "g1", NOW).await);
    assert_eq!(s.end_lapsed_grants(NOW, POLICY).await.expect("sweep"), 1);
    assert_eq!(s.end_lapsed_grants(NOW, POLICY).await.expect("sweep"), 0);
    let due = s.due_logouts(NOW, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].grant.as_str(), due[0].subject.clone()),
        ("g1", u.0.to_string())
    );
    s.logout_delivered(due[0].id, NOW).await.expect("sent");
    assert!(s.due_logouts(NOW, 10).await.expect("due").is_empty());
    // A revoked role, a disabled account, a switched-off service, a role past its end.
    granted(s, svc, "two@example.nhs.uk", "s2", "g2").await;
    granted(s, svc, "three@example.nhs.uk", "s3", "g3").await;
    granted(s, svc, "four@example.nhs.uk", "s4", "g4").await;
    for g in ["g2", "g3", "g4"] {
        assert!(live(s, g, NOW).await, "{g}");
    }
    for sql in [
        "UPDATE role_assignments SET status = 'revoked' WHERE user_id = \
         (SELECT id FROM users WHERE email = 'two@example.nhs.uk')",
        "UPDATE users SET status = 'disabled' WHERE email = 'three@example.nhs.uk'",
        "UPDATE role_assignments SET ends_at = 1800000000 WHERE user_id = \
         (SELECT id FROM users WHERE email = 'four@example.nhs.uk')",
    ] {
        assert_eq!(s.execute_static(sql).await.expect("sql"), 1, "{sql}");
    }
    for g in ["g2", "g3", "g4"] {
        assert!(!live(s, g, NOW).await, "{g}");
    }
    let (_, _) = granted(s, svc, "five@example.nhs.uk", "s5", "g5").await;
    let u = user(s, "desk@example.nhs.uk").await;
    s.set_service_enabled(
        svc,
        false,
        NOW,
        &event(AuditAction::ConnectedServiceDisabled, u),
    )
    .await
    .expect("off");
    assert!(!live(s, "g5", NOW).await);
    assert_eq!(s.end_lapsed_grants(NOW, POLICY).await.expect("sweep"), 4);
    assert_eq!(
        logouts(s).await,
        0,
        "none of them was redeemed: nobody to tell"
    );
}

async fn a_new_signing_key_retires_the_ones_before_it(s: &Store) {
    let key = |kid: &str, from: i64| SigningKey {
        kid: kid.into(),
        public_jwk: "{}".into(),
        private_key: "sealed".into(),
        created_at: NOW,
        signs_from: Timestamp(from),
        retired_at: None,
    };
    s.add_signing_key(&key("k1", NOW.0), NOW).await.expect("k1");
    s.add_signing_key(&key("k2", NOW.0 + 600), Timestamp(NOW.0 + 900))
        .await
        .expect("k2");
    let keys = s.signing_keys().await.expect("keys");
    let kids: Vec<(&str, Option<Timestamp>)> = keys
        .iter()
        .map(|k| (k.kid.as_str(), k.retired_at))
        .collect();
    assert_eq!(
        kids,
        vec![("k1", Some(Timestamp(NOW.0 + 900))), ("k2", None)]
    );
}

conformance!(
    services_are_registered_changed_switched_off_and_given_new_secrets,
    a_code_is_redeemed_once_and_a_replay_ends_its_grant_and_queues_one_logout,
    a_refresh_token_is_used_once_even_by_racing_requests,
    a_grant_follows_its_session_and_lapses_with_it_or_its_role_account_or_service,
    a_new_signing_key_retires_the_ones_before_it,
);
