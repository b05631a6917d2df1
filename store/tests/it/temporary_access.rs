//! Conformance of roles that end by themselves: an end set only on an active role, with its
//! audit event; the session's read carries the end; the sweep marks each ended role once (two
//! sweeps at the same moment included), dated at its end, and names the next end to come.

use domain::model::audit::{AuditAction, NewAudit};
use domain::storage::{Accounts, Audit, AuditQuery, TemporaryAccess};
use domain::values::clock::Timestamp;
use domain::AssignmentStatus;
use store::Store;

use crate::users::{assign, audit_query, people};

const NOW: Timestamp = Timestamp(1_800_000_000);

fn event(action: AuditAction) -> NewAudit {
    NewAudit::anonymous(action, NOW, None)
}

async fn count(s: &Store, q: &AuditQuery, action: AuditAction) -> i64 {
    s.audit_events(&AuditQuery {
        action: Some(action),
        include_unplaced: true,
        ..q.clone()
    })
    .await
    .expect("events")
    .1
}

async fn an_end_is_set_on_an_active_role_only_and_audited(s: &Store) {
    let [ann, bob, ..] = people(s).await;
    let q = audit_query(s, "GATEHOUSE").await;
    let anns = s.assignments_of(ann).await.expect("roles");
    let end = Timestamp(NOW.0 + 3_600);
    assert!(s
        .set_role_end(anns[0].id, Some(end), &event(AuditAction::AccessEndSet))
        .await
        .expect("set"));
    let anns = s.assignments_of(ann).await.expect("roles");
    assert_eq!((anns[0].ends_at, anns[0].expired), (Some(end), false));
    // Bob's role waits for a decision: nothing to end, and no event.
    let bobs = s.assignments_of(bob).await.expect("roles");
    assert_eq!(bobs[0].status, AssignmentStatus::Pending);
    assert!(!s
        .set_role_end(bobs[0].id, Some(end), &event(AuditAction::AccessEndSet))
        .await
        .expect("set"));
    assert_eq!(count(s, &q, AuditAction::AccessEndSet).await, 1);
    // Removing it leaves no end.
    assert!(s
        .set_role_end(anns[0].id, None, &event(AuditAction::AccessEndRemoved))
        .await
        .expect("remove"));
    assert_eq!(s.assignments_of(ann).await.expect("roles")[0].ends_at, None);
}

async fn the_sweep_marks_each_ended_role_once_and_names_the_next_end(s: &Store) {
    // Bob's role is pending: never swept.
    let [ann, _, cat, dan] = people(s).await;
    let q = audit_query(s, "GATEHOUSE").await;
    let role = |u| async move { s.assignments_of(u).await.expect("roles")[0].id };
    let set = |a, at: i64| async move {
        s.set_role_end(a, Some(Timestamp(at)), &event(AuditAction::AccessEndSet))
            .await
            .expect("set")
    };
    // Ann's ended a second ago, Cat's ends now, Dan's in an hour.
    assert!(set(role(ann).await, NOW.0 - 1).await);
    assert!(set(role(cat).await, NOW.0).await);
    let dans = role(dan).await;
    assert!(set(dans, NOW.0 + 3_600).await);
    // Two sweeps at the same moment: each ended role is marked, and audited, once.
    let (a, b) = tokio::join!(s.expire_roles(NOW), s.expire_roles(NOW));
    let (a, b) = (a.expect("sweep"), b.expect("sweep"));
    assert_eq!(a.ended + b.ended, 2);
    assert_eq!(a.next_end, Some(Timestamp(NOW.0 + 3_600)));
    assert_eq!(count(s, &q, AuditAction::AccessExpired).await, 2);
    for u in [ann, cat] {
        let r = &s.assignments_of(u).await.expect("roles")[0];
        assert_eq!(r.status, AssignmentStatus::Revoked);
        assert!(r.expired, "reads Expired, not Revoked");
    }
    let d = &s.assignments_of(dan).await.expect("roles");
    assert_eq!(
        (d[0].status, d[0].expired),
        (AssignmentStatus::Active, false)
    );
    // Nothing more until Dan's end; then his ends, and no end is left.
    let again = s
        .expire_roles(Timestamp(NOW.0 + 3_599))
        .await
        .expect("sweep");
    assert_eq!(
        (again.ended, again.next_end),
        (0, Some(Timestamp(NOW.0 + 3_600)))
    );
    let last = s
        .expire_roles(Timestamp(NOW.0 + 3_600))
        .await
        .expect("sweep");
    assert_eq!((last.ended, last.next_end), (1, None));
    assert_eq!(count(s, &q, AuditAction::AccessExpired).await, 3);
    // A role without an end is never swept.
    let kept = assign(s, ann, "A81002", 6, AssignmentStatus::Active).await;
    assert_eq!(
        s.expire_roles(Timestamp(i64::MAX))
            .await
            .expect("sweep")
            .ended,
        0
    );
    let anns = s.assignments_of(ann).await.expect("roles");
    assert!(anns
        .iter()
        .any(|r| r.id == kept && r.status == AssignmentStatus::Active));
}

async fn each_reminder_is_recorded_once_with_its_notice(s: &Store) {
    use domain::storage::{EndReminder, Notifications};
    let [ann, _, cat, dan] = people(s).await;
    let role = |u| async move { s.assignments_of(u).await.expect("roles")[0].id };
    let set = |a, at: i64| async move {
        s.set_role_end(a, Some(Timestamp(at)), &event(AuditAction::AccessEndSet))
            .await
            .expect("set")
    };
    // Ann's ends in three days, Cat's in ten, Dan's ended.
    let anns = role(ann).await;
    set(anns, NOW.0 + 3 * 86_400).await;
    set(role(cat).await, NOW.0 + 10 * 86_400).await;
    set(role(dan).await, NOW.0 - 1).await;
    let due = s.ending_roles(NOW, 7 * 86_400).await.expect("due");
    assert_eq!(
        due.len(),
        1,
        "only Ann's, within the week and not yet ended"
    );
    assert_eq!((due[0].assignment, due[0].reminded), (anns, 0));
    assert_eq!(due[0].email.as_str(), "ann.archer@example.nhs.uk");
    let reminder = |stage| EndReminder {
        assignment: anns,
        user: ann,
        stage,
        notice: format!("Reminder {stage}"),
        email: None,
        administrators: vec![dan],
        administrator_notice: format!("Ann's role ends: reminder {stage}"),
        administrator_emails: vec![],
        at: NOW,
    };
    // Two instances at once: one records it.
    let (first, second) = (reminder(1), reminder(1));
    let (a, b) = tokio::join!(
        s.record_end_reminder(&first),
        s.record_end_reminder(&second)
    );
    assert_eq!(
        [a.expect("a"), b.expect("b")]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert_eq!(
        s.ending_roles(NOW, 7 * 86_400).await.expect("due")[0].reminded,
        1
    );
    // The administrator in scope is told with the holder, once.
    let dans = s.notifications(dan, 10).await.expect("notices");
    assert_eq!(
        dans.iter()
            .filter(|n| n.body == "Ann's role ends: reminder 1")
            .count(),
        1
    );
    assert!(s.record_end_reminder(&reminder(2)).await.expect("day"));
    assert!(
        s.ending_roles(NOW, 7 * 86_400)
            .await
            .expect("due")
            .is_empty(),
        "both sent"
    );
    assert!(
        !s.record_end_reminder(&reminder(1)).await.expect("late"),
        "never backwards"
    );
    assert_eq!(s.unread_notifications(ann).await.expect("n"), 2);
}

async fn the_dormancy_rule_disables_each_unused_account_once_and_spares_the_exempt(s: &Store) {
    use domain::storage::{Outbox, Users};
    let [ann, _, cat, _] = people(s).await;
    // Everyone was made at 1 and never signed in: all are unused before NOW.
    let unused = |before: i64| async move {
        s.unused_accounts(Timestamp(before), 100)
            .await
            .expect("unused")
            .iter()
            .map(|a| a.user)
            .collect::<Vec<_>>()
    };
    assert!(unused(NOW.0).await.contains(&ann));
    assert!(unused(1).await.is_empty(), "made at 1: not unused before 1");
    // The Service Desk keeps Ann from the rule.
    assert!(s
        .set_dormancy_exemption(
            ann,
            Some("On-call account"),
            &event(AuditAction::DormancyExemptionSet)
        )
        .await
        .expect("exempt"));
    assert_eq!(
        s.dormancy_exemption(ann).await.expect("q").as_deref(),
        Some("On-call account")
    );
    assert!(!unused(NOW.0).await.contains(&ann));
    // Cat is disabled once, even by two instances at once, with her sessions ended and emailed.
    let mail = domain::model::outbox::NewEmail {
        to: domain::EmailAddress::parse("cat.cooper@example.nhs.uk").expect("e"),
        subject: "Your Gatehouse account has been disabled".into(),
        body: "unused".into(),
    };
    let audit = event(AuditAction::AccountDisabledUnused);
    let (a, b) = tokio::join!(
        s.disable_unused(cat, NOW, &audit, &mail),
        s.disable_unused(cat, NOW, &audit, &mail)
    );
    assert_eq!(
        [a.expect("a"), b.expect("b")]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert_eq!(
        s.user(cat).await.expect("q").expect("cat").status,
        domain::AccountStatus::Disabled
    );
    assert_eq!(s.outbox(10).await.expect("o").len(), 1);
    // Ann is exempt: never disabled by the rule.
    assert!(!s
        .disable_unused(ann, NOW, &audit, &mail)
        .await
        .expect("ann"));
    // Enabled again at NOW: unused only from then on.
    assert!(s
        .set_disabled(
            cat,
            false,
            &NewAudit::anonymous(AuditAction::AccountEnabled, NOW, None)
        )
        .await
        .expect("enabled"));
    assert!(!unused(NOW.0).await.contains(&cat));
    assert!(unused(NOW.0 + 1).await.contains(&cat));
    // The exemption ends: Ann is unused again.
    assert!(s
        .set_dormancy_exemption(ann, None, &event(AuditAction::DormancyExemptionRemoved))
        .await
        .expect("end"));
    assert!(unused(NOW.0).await.contains(&ann));
}

conformance!(
    the_dormancy_rule_disables_each_unused_account_once_and_spares_the_exempt,
    each_reminder_is_recorded_once_with_its_notice,
    an_end_is_set_on_an_active_role_only_and_audited,
    the_sweep_marks_each_ended_role_once_and_names_the_next_end,
);
