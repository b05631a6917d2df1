//! Conformance of form drafts on both backends: a draft is replaced by the next write, read back
//! only by its own browser and person, gone when it expires, taken once, and expired drafts are
//! deleted by the next write.

use domain::model::draft::{DraftKey, NewDraft};
use domain::model::user::UserId;
use domain::storage::Drafts;
use domain::values::clock::{Timestamp, TokenHash};
use store::Store;

use crate::conformance::user;

const NOW: Timestamp = Timestamp(1_800_000_000);

fn browser(s: &str) -> TokenHash {
    TokenHash::from_stored(s.to_owned())
}

fn draft(b: &str, form: &str, owner: Option<UserId>, payload: &str, seconds: i64) -> NewDraft {
    NewDraft::new(browser(b), form, owner, payload.to_owned(), NOW, seconds).expect("small")
}

fn key<'a>(b: &'a TokenHash, form: &'a str, owner: Option<UserId>, now: Timestamp) -> DraftKey<'a> {
    DraftKey {
        browser: b,
        form,
        owner,
        now,
    }
}

async fn a_draft_is_replaced_and_read_only_by_its_browser_and_person(s: &Store) {
    let alice = user(s, "alice@nhs.net").await;
    let bob = user(s, "bob@nhs.net").await;
    s.save_draft(&draft("b1", "invite", Some(alice), "first", 600), NOW)
        .await
        .expect("save");
    s.save_draft(&draft("b1", "invite", Some(alice), "second", 600), NOW)
        .await
        .expect("replace");
    let b1 = browser("b1");
    let read = |owner, form| {
        let b1 = b1.clone();
        async move { s.draft(&key(&b1, form, owner, NOW)).await.expect("read") }
    };
    assert_eq!(read(Some(alice), "invite").await.as_deref(), Some("second"));
    assert_eq!(
        read(Some(bob), "invite").await,
        None,
        "another person in the same browser"
    );
    assert_eq!(
        read(None, "invite").await,
        None,
        "signed out in the same browser"
    );
    assert_eq!(read(Some(alice), "register").await, None, "another form");
    let b2 = browser("b2");
    assert_eq!(
        s.draft(&key(&b2, "invite", Some(alice), NOW))
            .await
            .expect("read"),
        None,
        "another browser"
    );
    // Nobody signed in: read back only with nobody signed in.
    s.save_draft(&draft("b1", "register", None, "email", 600), NOW)
        .await
        .expect("save");
    assert_eq!(read(None, "register").await.as_deref(), Some("email"));
    assert_eq!(read(Some(alice), "register").await, None);
}

async fn a_draft_expires_and_the_next_write_deletes_it(s: &Store) {
    s.save_draft(&draft("old", "invite", None, "typed", 60), NOW)
        .await
        .expect("save");
    let old = browser("old");
    let later = NOW.plus_seconds(60);
    assert_eq!(
        s.draft(&key(&old, "invite", None, NOW.plus_seconds(59)))
            .await
            .expect("read")
            .as_deref(),
        Some("typed")
    );
    assert_eq!(
        s.draft(&key(&old, "invite", None, later))
            .await
            .expect("read"),
        None
    );
    // Another browser's write, after the expiry, removes it from the table altogether.
    s.save_draft(
        &NewDraft::new(browser("new"), "invite", None, "x".into(), later, 60).expect("small"),
        later,
    )
    .await
    .expect("save");
    assert_eq!(
        s.take_draft(&key(&old, "invite", None, NOW))
            .await
            .expect("take"),
        None,
        "the expired draft is no longer stored at all"
    );
}

async fn problems_are_taken_once_and_never_by_another_person(s: &Store) {
    let alice = user(s, "alice@nhs.net").await;
    s.save_draft(&draft("b", "problems", None, "err", 120), NOW)
        .await
        .expect("save");
    let b = browser("b");
    assert_eq!(
        s.take_draft(&key(&b, "problems", None, NOW))
            .await
            .expect("take")
            .as_deref(),
        Some("err")
    );
    assert_eq!(
        s.take_draft(&key(&b, "problems", None, NOW))
            .await
            .expect("again"),
        None
    );
    // Someone else's problems are deleted, not shown.
    s.save_draft(&draft("b", "problems", None, "err", 120), NOW)
        .await
        .expect("save");
    assert_eq!(
        s.take_draft(&key(&b, "problems", Some(alice), NOW))
            .await
            .expect("take"),
        None
    );
    assert_eq!(
        s.take_draft(&key(&b, "problems", None, NOW))
            .await
            .expect("gone"),
        None
    );
}

async fn a_sent_form_forgets_its_draft(s: &Store) {
    s.save_draft(&draft("b", "invite", None, "typed", 600), NOW)
        .await
        .expect("save");
    let b = browser("b");
    s.delete_draft(&b, "invite").await.expect("delete");
    assert_eq!(
        s.draft(&key(&b, "invite", None, NOW)).await.expect("read"),
        None
    );
}

conformance!(
    a_draft_is_replaced_and_read_only_by_its_browser_and_person,
    a_draft_expires_and_the_next_write_deletes_it,
    problems_are_taken_once_and_never_by_another_person,
    a_sent_form_forgets_its_draft,
);
