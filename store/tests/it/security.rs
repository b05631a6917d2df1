//! Conformance of lock-out and passwords on both backends: attempts reserved atomically (twenty
//! racing reservations, exactly the limit granted), lock once and unlock, reset links replaced,
//! single use and refused to a locked account, and the sessions each password change ends.

use domain::model::audit::{AuditAction, NewAudit};
use domain::model::outbox::NewEmail;
use domain::model::session::NewSession;
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{Accounts, Directory, Outbox, Security, Sessions, TokenState, Users};
use domain::storage::{Audit, AuditQuery};
use domain::values::clock::{Timestamp, TokenHash};
use domain::{EmailAddress, PersonName};
use store::Store;

const NOW: Timestamp = Timestamp(1_800_000_000);

pub(crate) async fn user(s: &Store, email: &str) -> UserId {
    s.insert_user(&NewUser {
        email: EmailAddress::parse(email).expect("email"),
        first_name: PersonName::parse("Sam").expect("name"),
        last_name: PersonName::parse("Staff").expect("name"),
        status: AccountStatus::Active,
        password_hash: Some(PasswordHash::from_phc("$argon2id$old".into())),
        created_at: NOW,
    })
    .await
    .expect("user")
}

pub(crate) fn mail(to: &str) -> NewEmail {
    NewEmail {
        to: EmailAddress::parse(to).expect("email"),
        subject: "subject".into(),
        body: "body".into(),
    }
}

pub(crate) fn event(action: AuditAction, user: UserId) -> NewAudit {
    NewAudit::by_user(user, action, NOW, Some("127.0.0.1"))
}

pub(crate) fn hash(s: &str) -> TokenHash {
    TokenHash::from_stored(s.to_owned())
}

pub(crate) async fn session(s: &Store, id: &str, user: UserId) {
    s.create_session(
        &NewSession {
            id_hash: hash(id),
            user,
            assignment: None,
            now: NOW,
            client: None,
            agent: None,
            proof: Default::default(),
        },
        &event(AuditAction::SignIn, user),
    )
    .await
    .expect("session");
}

pub(crate) async fn live(s: &Store, id: &str) -> bool {
    s.session_context(&hash(id)).await.expect("q").is_some()
}

pub(crate) async fn events(s: &Store, action: AuditAction) -> i64 {
    let root = s.platform_root().await.expect("root");
    let (_, total) = s
        .audit_events(&AuditQuery {
            scope: domain::access::scope::compute(
                root.id,
                &root.path,
                domain::Reach::Subtree,
                None,
            ),
            include_unplaced: true,
            user: None,
            action: Some(action),
            from: None,
            until: None,
            offset: 0,
            limit: 1,
        })
        .await
        .expect("audit");
    total
}

async fn attempts_are_counted_up_to_the_limit_and_a_success_clears_them(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    for n in 1..=5 {
        assert_eq!(s.reserve_sign_in(u, 5).await.expect("reserve"), Some(n));
    }
    assert_eq!(s.reserve_sign_in(u, 5).await.expect("reserve"), None);
    s.clear_failed_sign_ins(u).await.expect("clear");
    assert_eq!(s.reserve_sign_in(u, 5).await.expect("reserve"), Some(1));
}

async fn racing_attempts_never_pass_the_limit(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let tries = (0..20).map(|_| {
        let s = s.clone();
        tokio::spawn(async move { s.reserve_sign_in(u, 5).await.expect("reserve") })
    });
    let mut granted = Vec::new();
    for t in tries {
        if let Some(n) = t.await.expect("join") {
            granted.push(n);
        }
    }
    granted.sort();
    assert_eq!(granted, vec![1, 2, 3, 4, 5]);
}

async fn an_account_locks_once_and_the_desk_unlocks_it(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let lock = event(AuditAction::AccountLocked, u);
    assert!(s
        .lock_account(u, &lock, &mail("sam@example.nhs.uk"))
        .await
        .expect("lock"));
    assert!(
        !s.lock_account(u, &lock, &mail("sam@example.nhs.uk"))
            .await
            .expect("lock"),
        "locked already: nothing written"
    );
    assert_eq!(s.locked_at(u).await.expect("q"), Some(NOW));
    assert_eq!(events(s, AuditAction::AccountLocked).await, 1);
    assert_eq!(s.outbox(10).await.expect("outbox").len(), 1);
    assert_eq!(s.reserve_sign_in(u, 5).await.expect("reserve"), None);
    let locked = s.locked_accounts(10).await.expect("list");
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].user.id, u);

    let unlock = event(AuditAction::AccountUnlocked, u);
    assert!(s.unlock_account(u, &unlock).await.expect("unlock"));
    assert!(!s.unlock_account(u, &unlock).await.expect("unlock"));
    assert_eq!(events(s, AuditAction::AccountUnlocked).await, 1);
    assert_eq!(s.locked_at(u).await.expect("q"), None);
    assert_eq!(s.reserve_sign_in(u, 5).await.expect("reserve"), Some(1));
}

async fn a_reset_link_is_replaced_used_once_and_ends_every_session(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    session(s, "s1", u).await;
    session(s, "s2", u).await;
    let later = NOW.plus_seconds(3600);
    let ask = event(AuditAction::PasswordResetRequested, u);
    s.replace_password_reset(u, &hash("old"), later, &mail("sam@example.nhs.uk"), &ask)
        .await
        .expect("reset");
    s.replace_password_reset(u, &hash("new"), later, &mail("sam@example.nhs.uk"), &ask)
        .await
        .expect("reset");
    assert_eq!(
        s.password_reset(&hash("old"), NOW).await.expect("q"),
        TokenState::Unknown,
        "replaced"
    );
    assert_eq!(
        s.password_reset(&hash("new"), later).await.expect("q"),
        TokenState::Expired { user: u }
    );
    assert_eq!(
        s.password_reset(&hash("new"), NOW).await.expect("q"),
        TokenState::Valid { user: u }
    );
    let done = event(AuditAction::PasswordReset, u);
    let pw = PasswordHash::from_phc("$argon2id$new".into());
    // Two racing uses of one link: exactly one sets the password.
    let (token, notice) = (hash("new"), mail("sam@example.nhs.uk"));
    let (a, b) = tokio::join!(
        s.reset_password(&token, &pw, NOW, &done, &notice),
        s.reset_password(&token, &pw, NOW, &done, &notice),
    );
    let wins = [a.expect("a"), b.expect("b")]
        .iter()
        .filter(|r| r.is_some())
        .count();
    assert_eq!(wins, 1);
    assert_eq!(
        s.password_reset(&hash("new"), NOW).await.expect("q"),
        TokenState::Used
    );
    assert!(!live(s, "s1").await && !live(s, "s2").await);
    assert_eq!(events(s, AuditAction::PasswordReset).await, 1);
    let creds = s
        .credentials(&EmailAddress::parse("sam@example.nhs.uk").expect("email"))
        .await
        .expect("q")
        .expect("creds");
    assert_eq!(
        creds.password_hash.as_ref().map(PasswordHash::as_phc),
        Some("$argon2id$new")
    );
}

async fn a_locked_or_disabled_account_cannot_use_its_reset_link(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let ask = event(AuditAction::PasswordResetRequested, u);
    let later = NOW.plus_seconds(3600);
    s.replace_password_reset(u, &hash("t1"), later, &mail("sam@example.nhs.uk"), &ask)
        .await
        .expect("reset");
    s.lock_account(
        u,
        &event(AuditAction::AccountLocked, u),
        &mail("sam@example.nhs.uk"),
    )
    .await
    .expect("lock");
    let pw = PasswordHash::from_phc("$argon2id$new".into());
    let done = event(AuditAction::PasswordReset, u);
    assert_eq!(
        s.reset_password(&hash("t1"), &pw, NOW, &done, &mail("sam@example.nhs.uk"))
            .await
            .expect("q"),
        None
    );
    assert_eq!(
        s.password_reset(&hash("t1"), NOW).await.expect("q"),
        TokenState::Valid { user: u },
        "nothing half-done: the link was not used up"
    );
    assert_eq!(events(s, AuditAction::PasswordReset).await, 0);

    let v = user(s, "vic@example.nhs.uk").await;
    s.replace_password_reset(v, &hash("t2"), later, &mail("vic@example.nhs.uk"), &ask)
        .await
        .expect("reset");
    s.set_disabled(v, true, &event(AuditAction::AccountDisabled, v))
        .await
        .expect("disable");
    assert_eq!(
        s.reset_password(&hash("t2"), &pw, NOW, &done, &mail("vic@example.nhs.uk"))
            .await
            .expect("q"),
        None
    );
}

async fn changing_the_password_keeps_only_the_current_session(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let other = user(s, "other@example.nhs.uk").await;
    session(s, "mine", u).await;
    session(s, "elsewhere", u).await;
    session(s, "someone-else", other).await;
    s.change_password(
        u,
        &hash("mine"),
        &PasswordHash::from_phc("$argon2id$new".into()),
        &event(AuditAction::PasswordChanged, u),
        &mail("sam@example.nhs.uk"),
    )
    .await
    .expect("change");
    assert!(live(s, "mine").await);
    assert!(!live(s, "elsewhere").await);
    assert!(live(s, "someone-else").await, "nobody else's session ends");
    assert_eq!(events(s, AuditAction::PasswordChanged).await, 1);
}

async fn a_user_sees_their_sessions_and_ends_the_others(s: &Store) {
    let u = user(s, "sam@example.nhs.uk").await;
    let other = user(s, "other@example.nhs.uk").await;
    s.create_session(
        &NewSession {
            id_hash: hash("laptop"),
            user: u,
            assignment: None,
            now: NOW,
            client: Some("192.0.2.7".into()),
            agent: Some("Firefox".into()),
            proof: Default::default(),
        },
        &event(AuditAction::SignIn, u),
    )
    .await
    .expect("session");
    session(s, "phone", u).await;
    session(s, "theirs", other).await;
    let mine = s.sessions_of(u).await.expect("list");
    assert_eq!(mine.len(), 2);
    let laptop = mine
        .iter()
        .find(|m| m.id_hash == hash("laptop"))
        .expect("laptop");
    assert_eq!(laptop.client.as_deref(), Some("192.0.2.7"));
    assert_eq!(laptop.agent.as_deref(), Some("Firefox"));
    let ended = s
        .end_other_sessions(
            u,
            &hash("phone"),
            &event(AuditAction::OtherSessionsEnded, u),
        )
        .await
        .expect("end");
    assert_eq!(ended, 1);
    assert!(live(s, "phone").await && !live(s, "laptop").await && live(s, "theirs").await);
    assert_eq!(events(s, AuditAction::OtherSessionsEnded).await, 1);
    let again = s
        .end_other_sessions(
            u,
            &hash("phone"),
            &event(AuditAction::OtherSessionsEnded, u),
        )
        .await
        .expect("end");
    assert_eq!(again, 0);
    assert_eq!(
        events(s, AuditAction::OtherSessionsEnded).await,
        1,
        "nothing ended, nothing recorded"
    );
}

conformance!(
    a_user_sees_their_sessions_and_ends_the_others,
    attempts_are_counted_up_to_the_limit_and_a_success_clears_them,
    racing_attempts_never_pass_the_limit,
    an_account_locks_once_and_the_desk_unlocks_it,
    a_reset_link_is_replaced_used_once_and_ends_every_session,
    a_locked_or_disabled_account_cannot_use_its_reset_link,
    changing_the_password_keeps_only_the_current_session,
);
