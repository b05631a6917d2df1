use super::*;
use crate::access::scope::{compute, Restriction};
use crate::model::organisation::{OrgId, OrgPath};
use crate::model::role::Reach;

const NOW: Timestamp = Timestamp(1_800_000_000);

fn tree() -> (OrgPath, OrgPath, OrgPath) {
    let icb = OrgPath::root(OrgId(1)).child(OrgId(2));
    let practice = icb.child(OrgId(3));
    let other = icb.child(OrgId(4));
    (icb, practice, other)
}

fn root(path: &OrgPath, subtree: bool) -> ReviewRoot {
    ReviewRoot {
        organisation: path.last_id().expect("an id"),
        path: path.clone(),
        subtree,
    }
}

#[test]
fn a_review_is_seen_only_by_a_scope_that_covers_its_whole_area() {
    let (icb, practice, other) = tree();
    let regional = compute(OrgId(2), &icb, Reach::Subtree, None);
    let manager = compute(OrgId(3), &practice, Reach::Organisation, None);
    let cluster = Restriction::new(&icb, [practice.clone()]);
    let limited = compute(OrgId(2), &icb, Reach::Subtree, Some(&cluster));
    let whole_icb = [root(&icb, true)];
    let one_practice = [root(&practice, true)];
    let both = [root(&practice, true), root(&other, true)];

    assert!(covers(&regional, &whole_icb));
    assert!(covers(&regional, &both));
    // A cluster-limited administrator sees a review of its practice, never the ICB's or one
    // that also holds a practice outside the cluster.
    assert!(covers(&limited, &one_practice));
    assert!(!covers(&limited, &whole_icb));
    assert!(!covers(&limited, &both));
    // A practice manager's scope is the practice alone: a review of it without what lies below
    // is theirs; one that takes everything below is not (it could hold more than they reach).
    assert!(covers(&manager, &[root(&practice, false)]));
    assert!(!covers(&manager, &one_practice));
    // An area of nothing is nobody's: a restriction that reaches nothing reaches no review.
    assert!(!covers(&regional, &[]));
    let retired = Restriction::new(&icb, []);
    let nothing = compute(OrgId(2), &icb, Reach::Subtree, Some(&retired));
    assert!(!covers(&nothing, &one_practice));
}

#[test]
fn a_review_is_due_in_one_to_ninety_days() {
    assert_eq!(
        due_at(NOW, 14).expect("14 days"),
        Timestamp(NOW.0 + 14 * DAY)
    );
    assert_eq!(due_at(NOW, 1).expect("a day"), Timestamp(NOW.0 + DAY));
    assert_eq!(
        due_at(NOW, 90).expect("90 days"),
        Timestamp(NOW.0 + 90 * DAY)
    );
    assert!(matches!(due_at(NOW, 0), Err(ReviewError::DueDays)));
    assert!(matches!(due_at(NOW, 91), Err(ReviewError::DueDays)));
    assert!(matches!(due_at(NOW, -3), Err(ReviewError::DueDays)));
}

#[test]
fn ending_access_needs_a_reason_of_at_most_250_characters() {
    assert_eq!(
        end_reason("  Left the practice ").expect("a reason"),
        "Left the practice"
    );
    assert!(matches!(end_reason("   "), Err(ReviewError::ReasonEmpty)));
    assert!(end_reason(&"x".repeat(250)).is_ok());
    assert!(matches!(
        end_reason(&"x".repeat(251)),
        Err(ReviewError::ReasonTooLong)
    ));
}

#[test]
fn a_role_that_had_already_ended_is_said_plainly_and_counted_apart() {
    let plain = CompletionReport {
        kept: 27,
        ended: 3,
        already_ended: 0,
    };
    assert_eq!(
        completion_words(&plain),
        "The review is complete. 3 roles ended; 27 roles kept."
    );
    let one = CompletionReport {
        kept: 1,
        ended: 0,
        already_ended: 1,
    };
    assert_eq!(
        completion_words(&one),
        "The review is complete. 0 roles ended; 1 role kept. 1 role marked to end had already \
         ended (revoked or past its end date): nothing more was done to it."
    );
}

#[test]
fn the_last_id_of_a_path_is_its_organisation() {
    let (icb, practice, _) = tree();
    assert_eq!(practice.last_id(), Some(OrgId(3)));
    assert_eq!(icb.last_id(), Some(OrgId(2)));
    assert_eq!(OrgPath::root(OrgId(1)).last_id(), Some(OrgId(1)));
}
