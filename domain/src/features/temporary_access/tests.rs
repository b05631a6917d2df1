use super::*;
use crate::model::assignment::usable;

const NOW: Timestamp = Timestamp(1_800_000_000);

#[test]
fn a_role_is_usable_up_to_its_end_instant_and_not_a_second_after() {
    let end = Timestamp(NOW.0 + 10);
    assert!(usable(Some(end), Timestamp(end.0 - 1)));
    assert!(!usable(Some(end), end), "at its end it has ended");
    assert!(!usable(Some(end), Timestamp(end.0 + 1)));
    assert!(usable(None, Timestamp(i64::MAX)), "no end: always");
}

#[test]
fn the_watch_is_due_at_first_then_at_the_next_end_or_within_a_minute() {
    let w = ExpiryWatch::default();
    assert!(
        w.due(NOW),
        "the first request sweeps what ended while stopped"
    );
    // Swept, with an end in ten seconds: due then, not before.
    w.swept(NOW, Some(Timestamp(NOW.0 + 10)));
    assert!(!w.due(Timestamp(NOW.0 + 9)));
    assert!(w.due(Timestamp(NOW.0 + 10)));
    // No end known: at the latest a minute later (another instance may have set one).
    w.swept(NOW, None);
    assert!(!w.due(Timestamp(NOW.0 + SWEEP_AT_LEAST_EVERY_SECONDS - 1)));
    assert!(w.due(Timestamp(NOW.0 + SWEEP_AT_LEAST_EVERY_SECONDS)));
    // An end set here that is sooner brings the sweep forward; a later one does not delay it.
    w.swept(NOW, Some(Timestamp(NOW.0 + 50)));
    w.expect(Timestamp(NOW.0 + 5));
    assert!(w.due(Timestamp(NOW.0 + 5)));
    w.expect(Timestamp(NOW.0 + 500));
    assert!(w.due(Timestamp(NOW.0 + 5)));
}

#[test]
fn a_week_before_the_end_then_a_day_before_and_nothing_once_it_has_passed() {
    let end = Timestamp(NOW.0 + 30 * DAY);
    let at = |before: i64| Timestamp(end.0 - before);
    assert_eq!(reminder_stage(end, at(8 * DAY)), 0);
    assert_eq!(reminder_stage(end, at(7 * DAY + 1)), 0);
    assert_eq!(
        reminder_stage(end, at(7 * DAY)),
        1,
        "a week before, exactly"
    );
    assert_eq!(reminder_stage(end, at(DAY + 1)), 1);
    assert_eq!(reminder_stage(end, at(DAY)), 2, "a day before, exactly");
    assert_eq!(reminder_stage(end, at(1)), 2);
    assert_eq!(reminder_stage(end, at(0)), 0, "ended: no reminder");
    assert_eq!(reminder_stage(end, at(-DAY)), 0);
}
