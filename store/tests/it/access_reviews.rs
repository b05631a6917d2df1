//! Conformance of access reviews: the snapshot takes every active, unended role of the area in
//! scope and nothing else, and does not change when the roles do; marks stay in scope, skip the
//! marker's own roles and stop at completion; completion ends each role marked to end once (two
//! completers at the same moment included), with its events and notices, says which had ended
//! already, and follows the setting for rows nobody reviewed.

use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::session::NewSession;
use domain::storage::Sessions;
use domain::storage::{
    AccessReviews, Accounts, Audit, Completion, Decision, Directory, ItemMarks, ItemQuery,
    ItemState, NewReview, Notifications, Outcome, ReviewId, ReviewRoot, TemporaryAccess,
    Unreviewed, Users,
};
use domain::values::clock::{SecretToken, Timestamp, TokenSource};
use domain::{AssignmentId, OdsCode, RoleId, Scope, UserId};
use store::Store;

use crate::users::{assign, audit_query, people, person, subtree};

const NOW: Timestamp = Timestamp(1_800_000_000);

struct Fixed;
impl TokenSource for Fixed {
    fn random_bytes(&self) -> [u8; 32] {
        [7; 32]
    }
}

async fn root(s: &Store, code: &str) -> ReviewRoot {
    let o = s
        .organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("org");
    ReviewRoot {
        organisation: o.id,
        path: o.path,
        subtree: true,
    }
}

async fn start(
    s: &Store,
    by: UserId,
    code: &str,
    scope: &Scope,
    unreviewed: Unreviewed,
) -> (ReviewId, i64) {
    start_repeating(s, by, code, scope, unreviewed, None).await
}

async fn start_repeating(
    s: &Store,
    by: UserId,
    code: &str,
    scope: &Scope,
    unreviewed: Unreviewed,
    repeat_days: Option<i64>,
) -> (ReviewId, i64) {
    let r = NewReview {
        title: format!("Review of {code}"),
        roots: vec![root(s, code).await],
        started_by: by,
        started_at: NOW,
        due_at: Timestamp(NOW.0 + 14 * 86_400),
        unreviewed,
        repeat_days,
        audit: NewAudit::anonymous(AuditAction::AccessReviewStarted, NOW, None),
    };
    s.start_review(&r, scope).await.expect("start")
}

fn items_query(review: ReviewId, scope: Scope) -> ItemQuery {
    ItemQuery {
        review,
        scope,
        state: ItemState::All,
        org_code: None,
        signed_in_before: None,
        offset: 0,
        limit: 100,
        now: NOW,
    }
}

async fn emails(s: &Store, q: &ItemQuery) -> Vec<String> {
    let (rows, total) = s.review_items(q).await.expect("items");
    assert_eq!(total as usize, rows.len());
    rows.into_iter()
        .map(|r| format!("{} {}", r.email, r.org_code))
        .collect()
}

fn marks<'a>(
    review: ReviewId,
    scope: &'a Scope,
    items: &'a [AssignmentId],
    decision: Option<Decision>,
    by: UserId,
) -> ItemMarks<'a> {
    ItemMarks {
        review,
        scope,
        items,
        decision,
        reason: decision
            .filter(|d| *d == Decision::End)
            .map(|_| "Left the practice"),
        by,
        at: NOW,
    }
}

fn completion<'a>(review: ReviewId, scope: &'a Scope, by: UserId) -> Completion<'a> {
    Completion {
        review,
        scope,
        by,
        acting_as: Some("User Administrator at QHM".into()),
        at: Timestamp(NOW.0 + 60),
        origin: None,
        audit: NewAudit::anonymous(
            AuditAction::AccessReviewCompleted,
            Timestamp(NOW.0 + 60),
            None,
        ),
    }
}

async fn role_of(s: &Store, u: UserId, code: &str) -> AssignmentId {
    s.assignments_of(u)
        .await
        .expect("roles")
        .into_iter()
        .find(|a| a.organisation.code == code)
        .expect("role")
        .id
}

async fn the_snapshot_takes_active_roles_in_the_area_and_scope_and_keeps_still(s: &Store) {
    // Ann and Dan hold active roles at A81001, Bob waits at A81002, Cat and Dan are at P84001.
    let [ann, bob, cat, dan] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let reviewer = person(s, "rev@example.nhs.uk", "Rev", "Iewer").await;
    // Eve's role has passed its end: not active any more, so not reviewed.
    let eve = person(s, "eve@example.nhs.uk", "Eve", "Evans").await;
    let eves = assign(s, eve, "A81002", 6, AssignmentStatus::Active).await;
    s.set_role_end(
        eves,
        Some(Timestamp(NOW.0 - 1)),
        &NewAudit::anonymous(AuditAction::AccessEndSet, NOW, None),
    )
    .await
    .expect("end");
    // Fay's role is restricted to two payment types: the snapshot names them.
    let fay = person(s, "fay@example.nhs.uk", "Fay", "Fisher").await;
    let a81002 = s
        .organisation_by_code(&OdsCode::parse("A81002").expect("code"))
        .await
        .expect("q")
        .expect("org");
    s.insert_assignment(&NewAssignment {
        user: fay,
        organisation: a81002.id,
        role: RoleId(11),
        status: AssignmentStatus::Active,
        payment_types: vec!["DES".into(), "QOF".into()],
        created_at: Timestamp(1),
    })
    .await
    .expect("fay");
    let (id, n) = start(s, reviewer, "QHM", &qhm, Unreviewed::Keep).await;
    assert_eq!(n, 3);
    let q = items_query(id, qhm.clone());
    assert_eq!(
        emails(s, &q).await,
        [
            "ann.archer@example.nhs.uk A81001",
            "dan.dyer@example.nhs.uk A81001",
            "fay@example.nhs.uk A81002",
        ],
        "by last name; Bob's waiting role, Cat's and Dan's other ICB and Eve's ended role are not reviewed"
    );
    let (rows, _) = s.review_items(&q).await.expect("rows");
    assert_eq!(
        rows[2].payment_types,
        "Quality and Outcomes Framework, Directed Enhanced Services"
    );
    assert_eq!(rows[0].payment_types, "", "not restricted: all");
    assert!(rows.iter().all(|r| r.active_now && r.decision.is_none()));
    let _ = (bob, cat);
    // Roles change during the review: Ann's is revoked, Dan signs in, Bob gains a role. The
    // rows stay as they were; only "active now" follows.
    let (_, practice) = subtree(s, "A81001").await;
    s.revoke_assignments(
        ann,
        &practice,
        &qhm,
        &NewAudit::anonymous(AuditAction::AccessRevoked, NOW, None),
    )
    .await
    .expect("revoke");
    s.create_session(
        &NewSession {
            id_hash: SecretToken::generate(&Fixed).hash(),
            user: dan,
            assignment: None,
            now: NOW,
            client: None,
            agent: None,
            proof: Default::default(),
        },
        &NewAudit::anonymous(AuditAction::SignIn, NOW, None),
    )
    .await
    .expect("signed in");
    assign(s, bob, "A81001", 7, AssignmentStatus::Active).await;
    let (after, total) = s.review_items(&q).await.expect("rows");
    assert_eq!(total, 3);
    assert_eq!(
        after[1].last_signed_in, None,
        "as it was when the review started"
    );
    assert_eq!(
        after.iter().map(|r| r.active_now).collect::<Vec<_>>(),
        [false, true, true]
    );
    // A reviewer whose scope is one practice reads only its rows.
    let (one, _) = subtree(s, "A81001").await;
    assert_eq!(emails(s, &items_query(id, one)).await.len(), 2);
    // Nothing to review: no review is written.
    let (other, _) = subtree(s, "QOP").await;
    let (none, n) = start(s, reviewer, "QHM", &other, Unreviewed::Keep).await;
    assert_eq!((none, n), (ReviewId(0), 0));
    assert_eq!(s.reviews(&qhm, 10).await.expect("list").len(), 1);
}

async fn marks_stay_in_scope_skip_the_markers_own_and_filter(s: &Store) {
    let [ann, _, _, dan] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (id, _) = start(s, ann, "QHM", &qhm, Unreviewed::Keep).await;
    let anns = role_of(s, ann, "A81001").await;
    let dans = role_of(s, dan, "A81001").await;
    // Ann reviews: her own row is left alone.
    let both = [anns, dans];
    assert_eq!(
        s.mark_items(&marks(id, &qhm, &both, Some(Decision::End), ann))
            .await
            .expect("mark"),
        1
    );
    let mut q = items_query(id, qhm.clone());
    q.state = ItemState::ToEnd;
    assert_eq!(emails(s, &q).await, ["dan.dyer@example.nhs.uk A81001"]);
    q.state = ItemState::NotReviewed;
    assert_eq!(emails(s, &q).await, ["ann.archer@example.nhs.uk A81001"]);
    // Keep instead, then take it back.
    let one = [dans];
    s.mark_items(&marks(id, &qhm, &one, Some(Decision::Keep), ann))
        .await
        .expect("keep");
    q.state = ItemState::Kept;
    assert_eq!(emails(s, &q).await.len(), 1);
    s.mark_items(&marks(id, &qhm, &one, None, ann))
        .await
        .expect("undo");
    assert_eq!(emails(s, &q).await.len(), 0);
    // A scope that does not reach the row marks nothing.
    let (other, _) = subtree(s, "QOP").await;
    assert_eq!(
        s.mark_items(&marks(id, &other, &one, Some(Decision::End), ann))
            .await
            .expect("mark"),
        0
    );
    // Filters: by organisation, and by no sign-in before a date (never signed in counts).
    let mut q = items_query(id, qhm.clone());
    q.org_code = Some("A81002".into());
    assert_eq!(emails(s, &q).await.len(), 0);
    q.org_code = Some("A81001".into());
    q.signed_in_before = Some(NOW);
    assert_eq!(emails(s, &q).await.len(), 2);
    // Never signed in counts from the account's making (at 1), as on Users: not before it.
    q.signed_in_before = Some(Timestamp(0));
    assert_eq!(emails(s, &q).await.len(), 0);
    let summary = s.review(id).await.expect("q").expect("review");
    assert_eq!((summary.total, summary.kept, summary.to_end), (2, 0, 0));
}

async fn two_completers_at_once_end_each_role_once_and_say_which_had_ended(s: &Store) {
    let [ann, _, cat, dan] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let reviewer = person(s, "rev@example.nhs.uk", "Rev", "Iewer").await;
    let (id, _) = start(s, reviewer, "QHM", &qhm, Unreviewed::Keep).await;
    let anns = role_of(s, ann, "A81001").await;
    let dans = role_of(s, dan, "A81001").await;
    s.mark_items(&marks(
        id,
        &qhm,
        &[anns, dans],
        Some(Decision::End),
        reviewer,
    ))
    .await
    .expect("mark");
    // Dan's role is revoked by someone else before completion: nothing more to do to it.
    let (_, practice) = subtree(s, "A81001").await;
    let only_dan = s
        .revoke_assignments(
            dan,
            &practice,
            &qhm,
            &NewAudit::anonymous(AuditAction::AccessRevoked, NOW, None),
        )
        .await
        .expect("revoke");
    assert_eq!(only_dan, 1);
    let q = audit_query(s, "QHM").await;
    let (first, second) = (
        completion(id, &qhm, reviewer),
        completion(id, &qhm, reviewer),
    );
    let (a, b) = tokio::join!(s.complete_review(&first), s.complete_review(&second));
    let reports: Vec<_> = [a.expect("a"), b.expect("b")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(
        reports.len(),
        1,
        "one completion; the other finds it completed"
    );
    assert_eq!(
        (reports[0].ended, reports[0].already_ended, reports[0].kept),
        (1, 1, 0)
    );
    let ann_role = s.assignments_of(ann).await.expect("roles");
    assert_eq!(ann_role[0].status, AssignmentStatus::Revoked);
    let ended = s
        .audit_events(&domain::storage::AuditQuery {
            action: Some(AuditAction::AccessEndedByReview),
            ..q.clone()
        })
        .await
        .expect("events");
    assert_eq!(ended.1, 1);
    assert!(ended.0[0]
        .reason
        .as_deref()
        .unwrap_or_default()
        .contains("Left the practice"));
    let notices = s.notifications(ann, 10).await.expect("notices");
    assert!(notices
        .iter()
        .any(|n| n.body.contains("ended by an access review")));
    let (rows, _) = s
        .review_items(&items_query(id, qhm.clone()))
        .await
        .expect("rows");
    let outcomes: Vec<_> = rows.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [Some(Outcome::Ended), Some(Outcome::AlreadyEnded)]
    );
    // Completed: no more marks, no second completion.
    assert_eq!(
        s.mark_items(&marks(id, &qhm, &[anns], Some(Decision::Keep), reviewer))
            .await
            .expect("mark"),
        0
    );
    assert!(s
        .complete_review(&completion(id, &qhm, reviewer))
        .await
        .expect("again")
        .is_none());
    let _ = cat;
}

async fn unreviewed_rows_follow_the_setting_and_the_completers_own_are_kept(s: &Store) {
    let [ann, _, _, dan] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (id, _) = start(s, ann, "QHM", &qhm, Unreviewed::End).await;
    let report = s
        .complete_review(&completion(id, &qhm, ann))
        .await
        .expect("complete")
        .expect("report");
    assert_eq!(
        (report.ended, report.kept),
        (1, 1),
        "Dan's ends, Ann's own is kept"
    );
    let dans = s.assignments_of(dan).await.expect("roles");
    assert_eq!(
        dans.iter()
            .find(|a| a.organisation.code == "A81001")
            .expect("role")
            .status,
        AssignmentStatus::Revoked
    );
    assert_eq!(
        s.assignments_of(ann).await.expect("roles")[0].status,
        AssignmentStatus::Active
    );
}

async fn an_overdue_review_is_reminded_once_a_day(s: &Store) {
    let [ann, ..] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (id, _) = start(s, ann, "QHM", &qhm, Unreviewed::Keep).await;
    let due = Timestamp(NOW.0 + 14 * 86_400);
    assert!(s
        .overdue_reviews(Timestamp(due.0 - 1), Timestamp(0))
        .await
        .expect("q")
        .is_empty());
    let overdue = s
        .overdue_reviews(due, Timestamp(due.0 - 86_400))
        .await
        .expect("q");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].unreviewed, 2);
    let since = Timestamp(due.0 - 86_400);
    let (a, b) = tokio::join!(
        s.record_review_reminder(id, ann, "Overdue", due, since),
        s.record_review_reminder(id, ann, "Overdue", due, since)
    );
    assert_eq!(
        [a.expect("a"), b.expect("b")]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert!(s
        .overdue_reviews(Timestamp(due.0 + 60), Timestamp(due.0 + 60 - 86_400))
        .await
        .expect("q")
        .is_empty());
    assert_eq!(
        s.overdue_reviews(Timestamp(due.0 + 86_400), Timestamp(due.0))
            .await
            .expect("q")
            .len(),
        1
    );
}

async fn a_scheduled_review_is_due_after_its_days_and_claimed_once(s: &Store) {
    let [ann, ..] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (once, _) = start(s, ann, "QHM", &qhm, Unreviewed::Keep).await;
    let (yearly, _) = start_repeating(s, ann, "QHM", &qhm, Unreviewed::End, Some(365)).await;
    let year = Timestamp(NOW.0 + 365 * 86_400);
    assert!(s
        .due_repeats(Timestamp(year.0 - 1))
        .await
        .expect("q")
        .is_empty());
    let due = s.due_repeats(year).await.expect("q");
    assert_eq!(due.len(), 1, "only the scheduled one");
    assert_eq!(
        (
            due[0].id,
            due[0].started_by,
            due[0].due_days,
            due[0].unreviewed,
            due[0].repeat_days
        ),
        (yearly, ann, 14, Unreviewed::End, 365)
    );
    assert_eq!(due[0].roots, vec![root(s, "QHM").await]);
    // Two instances at once: one takes it.
    let (a, b) = tokio::join!(s.claim_repeat(yearly), s.claim_repeat(yearly));
    assert_eq!(
        [a.expect("a"), b.expect("b")]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert!(s.due_repeats(year).await.expect("q").is_empty(), "taken");
    s.set_repeated_as(yearly, once).await.expect("set");
    assert_eq!(
        s.review(yearly)
            .await
            .expect("q")
            .expect("review")
            .repeat_days,
        Some(365)
    );
}

conformance!(
    a_scheduled_review_is_due_after_its_days_and_claimed_once,
    the_snapshot_takes_active_roles_in_the_area_and_scope_and_keeps_still,
    marks_stay_in_scope_skip_the_markers_own_and_filter,
    two_completers_at_once_end_each_role_once_and_say_which_had_ended,
    unreviewed_rows_follow_the_setting_and_the_completers_own_are_kept,
    an_overdue_review_is_reminded_once_a_day,
);
