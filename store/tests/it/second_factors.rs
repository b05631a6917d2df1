//! Conformance of second factors on both backends: an app begun, shown again and confirmed once;
//! each time step taken once, racing requests included; recovery codes used once and replaced;
//! the session's proof kept through a rotation; and the Service Desk's reset, which ends every
//! session and emails the person in the same transaction.

use domain::model::audit::AuditAction;
use domain::model::session::{NewSession, SessionProof};
use domain::storage::{Outbox, SecondFactors, Sessions, StoredPasskey};
use store::Store;

use super::security::{event, events, hash, live, mail, session, user};

const NOW: domain::Timestamp = domain::Timestamp(1_800_000_000);
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// An app begun and confirmed at step 100, with the recovery codes "a" and "b".
async fn confirmed(s: &Store, u: domain::UserId) {
    assert!(s.begin_app(u, SECRET, NOW).await.expect("begin"));
    confirmed_again(s, u).await;
}

async fn an_app_is_begun_again_until_confirmed_and_then_only_once(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    assert_eq!(s.authenticator_app(u).await.expect("q"), None);
    assert!(s
        .begin_app(u, "FIRSTSECRETAAAAAAAAAAAAAAAAAAAAA", NOW)
        .await
        .expect("begin"));
    // Begun again (a new secret before it was confirmed): the new one replaces it.
    assert!(s.begin_app(u, SECRET, NOW).await.expect("again"));
    let app = s.authenticator_app(u).await.expect("q").expect("app");
    assert_eq!((app.secret.as_str(), app.confirmed_at), (SECRET, None));
    // A session of a person whose app is not yet confirmed has no second factor.
    session(s, "s1", u).await;
    let ctx = s
        .session_context(&hash("s1"))
        .await
        .expect("q")
        .expect("ctx");
    assert!(!ctx.has_second_factor);
    confirmed_again(s, u).await;
    let ctx = s
        .session_context(&hash("s1"))
        .await
        .expect("q")
        .expect("ctx");
    assert!(ctx.has_second_factor);
    // Confirmed: neither begun again nor confirmed twice.
    assert!(!s
        .begin_app(u, "OTHERSECRETAAAAAAAAAAAAAAAAAAAAA", NOW)
        .await
        .expect("begin"));
    assert!(!s
        .confirm_app(u, 200, &[], &event(AuditAction::SecondFactorSetUp, u))
        .await
        .expect("confirm"));
    let app = s.authenticator_app(u).await.expect("q").expect("app");
    assert_eq!((app.secret.as_str(), app.last_step), (SECRET, 100));
    assert_eq!(events(s, AuditAction::SecondFactorSetUp).await, 1);
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 2);
}

async fn confirmed_again(s: &Store, u: domain::UserId) {
    let codes = vec!["a".to_owned(), "b".to_owned()];
    assert!(s
        .confirm_app(u, 100, &codes, &event(AuditAction::SecondFactorSetUp, u))
        .await
        .expect("confirm"));
}

async fn each_step_is_taken_once_even_by_racing_requests(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    assert!(
        !s.take_step(u, 101).await.expect("take"),
        "no confirmed app"
    );
    confirmed(s, u).await;
    assert!(
        !s.take_step(u, 100).await.expect("take"),
        "the step of the set-up"
    );
    assert!(!s.take_step(u, 99).await.expect("take"), "an earlier step");
    let tries: Vec<_> = (0..10)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.take_step(u, 101).await.expect("take") })
        })
        .collect();
    let mut taken = 0;
    for t in tries {
        taken += usize::from(t.await.expect("join"));
    }
    assert_eq!(taken, 1, "ten requests with the same code: one accepted");
    assert!(s.take_step(u, 102).await.expect("take"));
}

async fn a_recovery_code_is_used_once_and_new_ones_replace_the_old(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let other = user(s, "other@example.nhs.uk").await;
    confirmed(s, u).await;
    assert!(
        !s.use_recovery_code(other, "a", NOW).await.expect("use"),
        "not theirs"
    );
    assert!(s.use_recovery_code(u, "a", NOW).await.expect("use"));
    assert!(
        !s.use_recovery_code(u, "a", NOW).await.expect("use"),
        "used"
    );
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 1);
    let new = vec!["c".to_owned(), "d".to_owned(), "e".to_owned()];
    s.replace_recovery_codes(u, &new, &event(AuditAction::RecoveryCodesReplaced, u))
        .await
        .expect("replace");
    assert!(
        !s.use_recovery_code(u, "b", NOW).await.expect("use"),
        "an old code"
    );
    assert!(s.use_recovery_code(u, "c", NOW).await.expect("use"));
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 2);
    assert_eq!(events(s, AuditAction::RecoveryCodesReplaced).await, 1);
}

async fn a_session_keeps_what_it_proved_and_a_new_one_replaces_it(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    confirmed(s, u).await;
    session(s, "pwd", u).await;
    let ctx = s
        .session_context(&hash("pwd"))
        .await
        .expect("q")
        .expect("ctx");
    let fresh = SessionProof::default();
    assert_eq!(
        (&ctx.session.proof.amr, ctx.session.proof.second_factor_at),
        (&fresh.amr, fresh.second_factor_at)
    );
    assert_eq!(ctx.session.proof.signed_in_at, Some(ctx.session.created_at));
    let proof = SessionProof::with_second_factor("otp", NOW);
    s.rotate_after_second_factor(
        &hash("pwd"),
        &NewSession {
            id_hash: hash("otp"),
            user: u,
            assignment: None,
            now: NOW,
            client: None,
            agent: None,
            proof: proof.clone(),
        },
        &event(AuditAction::SecondFactorUsed, u),
    )
    .await
    .expect("rotate");
    assert!(!live(s, "pwd").await, "the password-only session is gone");
    let ctx = s
        .session_context(&hash("otp"))
        .await
        .expect("q")
        .expect("ctx");
    assert_eq!(ctx.session.proof.amr, "pwd otp");
    assert_eq!(ctx.session.proof.second_factor_at, Some(NOW));
    let later = domain::Timestamp(NOW.0 + 1000);
    s.note_second_factor(
        &hash("otp"),
        "pwd rec",
        later,
        Some(&event(AuditAction::SecondFactorUsed, u)),
    )
    .await
    .expect("note");
    let ctx = s
        .session_context(&hash("otp"))
        .await
        .expect("q")
        .expect("ctx");
    assert_eq!(ctx.session.proof.amr, "pwd rec");
    assert_eq!(ctx.session.proof.second_factor_at, Some(later));
    assert_eq!(events(s, AuditAction::SecondFactorUsed).await, 2);
}

async fn a_reset_removes_everything_ends_every_session_and_emails_at_once(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let other = user(s, "other@example.nhs.uk").await;
    confirmed(s, u).await;
    confirmed(s, other).await;
    session(s, "a", u).await;
    session(s, "b", u).await;
    session(s, "c", other).await;
    let before = s.outbox(100).await.expect("outbox").len();
    assert!(s
        .remove_second_factor(
            u,
            &event(AuditAction::SecondFactorReset, u),
            true,
            Some(&mail("sam@example.nhs.uk"))
        )
        .await
        .expect("reset"));
    assert_eq!(s.authenticator_app(u).await.expect("q"), None);
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 0);
    assert!(
        !live(s, "a").await && !live(s, "b").await,
        "every session ended"
    );
    assert!(live(s, "c").await, "another person's session goes on");
    assert!(s.authenticator_app(other).await.expect("q").is_some());
    assert_eq!(s.outbox(100).await.expect("outbox").len(), before + 1);
    // Nothing left: nothing written.
    assert!(!s
        .remove_second_factor(
            u,
            &event(AuditAction::SecondFactorReset, u),
            true,
            Some(&mail("sam@example.nhs.uk"))
        )
        .await
        .expect("again"));
    assert_eq!(events(s, AuditAction::SecondFactorReset).await, 1);
    assert_eq!(s.outbox(100).await.expect("outbox").len(), before + 1);
    // Removed by the person themselves: their sessions go on.
    session(s, "d", other).await;
    assert!(s
        .remove_second_factor(
            other,
            &event(AuditAction::SecondFactorRemoved, other),
            false,
            None
        )
        .await
        .expect("remove"));
    assert!(live(s, "d").await);
}

fn key(credential_id: &str, name: &str) -> StoredPasskey {
    StoredPasskey {
        id: 0,
        credential_id: credential_id.into(),
        name: name.into(),
        passkey: format!("{{\"key\":\"{credential_id}\"}}"),
        created_at: NOW,
        last_used_at: None,
    }
}

async fn passkeys_are_each_persons_own_and_a_key_is_kept_once(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let other = user(s, "other@example.nhs.uk").await;
    session(s, "s1", u).await;
    let added = event(AuditAction::SecondFactorSetUp, u);
    assert!(s
        .add_passkey(u, &key("cred-1", "Laptop"), &added)
        .await
        .expect("add"));
    // A passkey alone is a second factor.
    let ctx = s
        .session_context(&hash("s1"))
        .await
        .expect("q")
        .expect("ctx");
    assert!(ctx.has_second_factor);
    // The same key again, for anyone: refused, nothing written.
    assert!(!s
        .add_passkey(other, &key("cred-1", "Stolen"), &added)
        .await
        .expect("add"));
    assert!(s.passkeys(other).await.expect("q").is_empty());
    assert!(s
        .add_passkey(u, &key("cred-2", "Blue key"), &added)
        .await
        .expect("add"));
    let keys = s.passkeys(u).await.expect("q");
    assert_eq!(
        keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["Laptop", "Blue key"]
    );
    // Used: its counters kept, for its owner only.
    let later = domain::Timestamp(NOW.0 + 60);
    assert!(!s
        .passkey_used(other, "cred-1", "{}", later)
        .await
        .expect("used"));
    assert!(s
        .passkey_used(u, "cred-1", "{\"counter\":2}", later)
        .await
        .expect("used"));
    let keys = s.passkeys(u).await.expect("q");
    assert_eq!(
        (keys[0].passkey.as_str(), keys[0].last_used_at),
        ("{\"counter\":2}", Some(later))
    );
    // Removed by its owner only.
    let removed = event(AuditAction::SecondFactorRemoved, u);
    assert!(!s
        .remove_passkey(other, keys[0].id, &removed)
        .await
        .expect("remove"));
    assert!(s
        .remove_passkey(u, keys[0].id, &removed)
        .await
        .expect("remove"));
    assert_eq!(s.passkeys(u).await.expect("q").len(), 1);
    assert_eq!(events(s, AuditAction::SecondFactorSetUp).await, 2);
}

async fn removing_the_last_factor_takes_the_recovery_codes_and_a_reset_takes_the_keys(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    confirmed(s, u).await;
    let added = event(AuditAction::SecondFactorSetUp, u);
    assert!(s
        .add_passkey(u, &key("cred-9", "Phone"), &added)
        .await
        .expect("add"));
    // The app goes; the passkey and the codes stay.
    assert!(s
        .remove_app(u, &event(AuditAction::SecondFactorRemoved, u))
        .await
        .expect("remove"));
    assert!(!s
        .remove_app(u, &event(AuditAction::SecondFactorRemoved, u))
        .await
        .expect("again"));
    assert_eq!(s.authenticator_app(u).await.expect("q"), None);
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 2);
    // The last passkey goes: so do the codes.
    let id = s.passkeys(u).await.expect("q")[0].id;
    assert!(s
        .remove_passkey(u, id, &event(AuditAction::SecondFactorRemoved, u))
        .await
        .expect("remove"));
    assert_eq!(s.recovery_codes_left(u).await.expect("q"), 0);
    // A reset takes passkeys too.
    assert!(s
        .add_passkey(u, &key("cred-10", "Phone"), &added)
        .await
        .expect("add"));
    assert!(s
        .remove_second_factor(u, &event(AuditAction::SecondFactorReset, u), true, None)
        .await
        .expect("reset"));
    assert!(s.passkeys(u).await.expect("q").is_empty());
}

conformance!(
    passkeys_are_each_persons_own_and_a_key_is_kept_once,
    removing_the_last_factor_takes_the_recovery_codes_and_a_reset_takes_the_keys,
    an_app_is_begun_again_until_confirmed_and_then_only_once,
    each_step_is_taken_once_even_by_racing_requests,
    a_recovery_code_is_used_once_and_new_ones_replace_the_old,
    a_session_keeps_what_it_proved_and_a_new_one_replaces_it,
    a_reset_removes_everything_ends_every_session_and_emails_at_once,
);
