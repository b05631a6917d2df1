//! The outbox's storage conformance: claims, leases, back-off and sending, on SQLite and
//! PostgreSQL. Time is passed in, so leases and back-off are tested without sleeping.

use std::collections::BTreeSet;

use domain::model::outbox::{backoff_seconds, NewEmail, CLAIM_LEASE_SECONDS};
use domain::storage::Outbox;
use domain::values::clock::Timestamp;
use domain::EmailAddress;
use store::Store;

fn email(n: usize) -> NewEmail {
    NewEmail {
        to: EmailAddress::parse(&format!("person{n}@example.org")).expect("email"),
        subject: format!("Subject {n}"),
        body: format!("Body {n}\nSecond line"),
    }
}

async fn queue(s: &Store, count: usize, at: i64) {
    let emails: Vec<NewEmail> = (0..count).map(email).collect();
    s.enqueue_emails(&emails, Timestamp(at))
        .await
        .expect("enqueue");
}

async fn claim(s: &Store, now: i64) -> Vec<i64> {
    s.claim_emails(Timestamp(now), 20)
        .await
        .expect("claim")
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// Claims in small batches until nothing is left for this claimer.
async fn drain(s: &Store, now: i64) -> Vec<i64> {
    let mut mine = Vec::new();
    loop {
        let batch = s.claim_emails(Timestamp(now), 5).await.expect("claim");
        if batch.is_empty() {
            return mine;
        }
        mine.extend(batch.into_iter().map(|e| e.id));
        tokio::task::yield_now().await;
    }
}

async fn a_queued_email_is_claimed_with_its_content_and_one_attempt(s: &Store) {
    queue(s, 1, 100).await;
    let claimed = s.claim_emails(Timestamp(100), 20).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    let e = &claimed[0];
    assert_eq!(e.to, "person0@example.org");
    assert_eq!(e.subject, "Subject 0");
    assert_eq!(e.body, "Body 0\nSecond line");
    assert_eq!(e.created_at, Timestamp(100));
    assert_eq!(e.attempts, 1);
    assert_eq!(e.sent_at, None);
    assert_eq!(e.last_error, None);
}

async fn an_email_is_not_due_before_it_was_queued(s: &Store) {
    queue(s, 1, 100).await;
    assert!(claim(s, 99).await.is_empty());
    assert_eq!(claim(s, 100).await.len(), 1);
}

async fn two_concurrent_claimers_share_the_rows_without_overlap(s: &Store) {
    queue(s, 50, 100).await;
    let (a, b) = tokio::join!(drain(s, 100), drain(s, 100));
    let a_set: BTreeSet<i64> = a.iter().copied().collect();
    let b_set: BTreeSet<i64> = b.iter().copied().collect();
    assert_eq!(a_set.len(), a.len(), "a claimer got a row twice");
    assert_eq!(b_set.len(), b.len(), "a claimer got a row twice");
    assert!(
        a_set.is_disjoint(&b_set),
        "both claimed {:?}",
        a_set.intersection(&b_set).collect::<Vec<_>>()
    );
    assert_eq!(a_set.len() + b_set.len(), 50, "every row is claimed once");
    let all = s.outbox(100).await.expect("outbox");
    assert_eq!(all.len(), 50);
    assert!(all.iter().all(|e| e.attempts == 1));
}

async fn a_sent_email_is_never_claimed_again(s: &Store) {
    queue(s, 1, 100).await;
    let id = claim(s, 100).await[0];
    s.mark_sent(id, Timestamp(101)).await.expect("sent");
    assert!(claim(s, 101).await.is_empty());
    assert!(claim(s, 100 + CLAIM_LEASE_SECONDS + 1).await.is_empty());
    assert!(claim(s, 10_000_000).await.is_empty());
    let row = &s.outbox(10).await.expect("outbox")[0];
    assert_eq!(row.sent_at, Some(Timestamp(101)));
    assert_eq!(row.attempts, 1);
    // A sent email's text (which may hold a single-use link) is not kept.
    assert_eq!(row.body, "");
}

async fn a_failed_email_waits_for_its_back_off_and_is_then_retried(s: &Store) {
    queue(s, 1, 100).await;
    let id = claim(s, 100).await[0];
    s.mark_failed(id, Timestamp(110), "connection refused")
        .await
        .expect("failed");
    let first = 110 + backoff_seconds(1);
    assert!(claim(s, first - 1).await.is_empty());
    let again = s.claim_emails(Timestamp(first), 20).await.expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("connection refused"));

    // The second failure waits longer.
    s.mark_failed(id, Timestamp(first), "still refused")
        .await
        .expect("failed");
    let second = first + backoff_seconds(2);
    assert!(backoff_seconds(2) > backoff_seconds(1));
    assert!(claim(s, second - 1).await.is_empty());
    assert_eq!(claim(s, second).await, vec![id]);
}

async fn a_claimed_email_is_not_claimed_again_until_its_lease_ends(s: &Store) {
    queue(s, 1, 100).await;
    let id = claim(s, 100).await[0];
    assert!(claim(s, 100).await.is_empty());
    assert!(claim(s, 100 + CLAIM_LEASE_SECONDS).await.is_empty());
    let again = s
        .claim_emails(Timestamp(100 + CLAIM_LEASE_SECONDS + 1), 20)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, id);
    assert_eq!(again[0].attempts, 2);
}

async fn a_claim_takes_at_most_its_limit_oldest_first(s: &Store) {
    queue(s, 5, 100).await;
    let first = s.claim_emails(Timestamp(100), 3).await.expect("claim");
    let subjects: Vec<&str> = first.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects, ["Subject 0", "Subject 1", "Subject 2"]);
    assert_eq!(
        s.claim_emails(Timestamp(100), 3)
            .await
            .expect("claim")
            .len(),
        2
    );
}

async fn a_long_error_is_kept_to_five_hundred_characters(s: &Store) {
    queue(s, 1, 100).await;
    let id = claim(s, 100).await[0];
    let long = "é".repeat(600);
    s.mark_failed(id, Timestamp(100), &long)
        .await
        .expect("failed");
    let row = &s.outbox(10).await.expect("outbox")[0];
    assert_eq!(
        row.last_error.as_deref().map(|e| e.chars().count()),
        Some(500)
    );
}

async fn the_outbox_lists_the_newest_first(s: &Store) {
    queue(s, 3, 100).await;
    let rows = s.outbox(2).await.expect("outbox");
    let subjects: Vec<&str> = rows.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects, ["Subject 2", "Subject 1"]);
}

conformance!(
    a_queued_email_is_claimed_with_its_content_and_one_attempt,
    an_email_is_not_due_before_it_was_queued,
    two_concurrent_claimers_share_the_rows_without_overlap,
    a_sent_email_is_never_claimed_again,
    a_failed_email_waits_for_its_back_off_and_is_then_retried,
    a_claimed_email_is_not_claimed_again_until_its_lease_ends,
    a_claim_takes_at_most_its_limit_oldest_first,
    a_long_error_is_kept_to_five_hundred_characters,
    the_outbox_lists_the_newest_first,
);
