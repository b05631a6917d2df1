//! Conformance of access requests on both backends: one open request per person, organisation and
//! role (racing twins included); withdraw only one's own pending request; a decision and a
//! withdrawal racing yield exactly one outcome; tier 1 and tier 2 never approved together.

use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{
    Accounts, Directory, NewRequest, Notifications, RequestOutcome, RequestVerdict, Requests,
    StoreError, Taken,
};
use domain::values::clock::Timestamp;
use domain::{AssignmentId, EmailAddress, OdsCode, OrgId, PersonName, RoleId};
use store::Store;

const TIER1: i64 = 3;
const TIER2: i64 = 4;
const PROVIDER_USER: i64 = 6;

fn org(code: &str, kind: OrgKind, parent: &str) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: format!("Org {code}"),
        kind,
        type_label: "Test".into(),
        parent_code: Some(OdsCode::parse(parent).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
    }
}

async fn setup(s: &Store) -> (UserId, UserId, OrgId, OrgId) {
    s.insert_organisations(
        &[
            org("QHM", OrgKind::Commissioning, "GATEHOUSE"),
            org("A81001", OrgKind::Provider, "QHM"),
        ],
        None,
    )
    .await
    .expect("tree");
    let id = |code: &'static str| async move {
        s.organisation_by_code(&OdsCode::parse(code).expect("code"))
            .await
            .expect("q")
            .expect("org")
            .id
    };
    let (icb, practice) = (id("QHM").await, id("A81001").await);
    let mut users = Vec::new();
    for email in ["asker@example.nhs.uk", "admin@example.nhs.uk"] {
        users.push(
            s.insert_user(&NewUser {
                email: EmailAddress::parse(email).expect("email"),
                first_name: PersonName::parse("Pat").expect("name"),
                last_name: PersonName::parse("Asker").expect("name"),
                status: AccountStatus::Active,
                password_hash: Some(PasswordHash::from_phc("$argon2id$fake".into())),
                created_at: Timestamp(1),
            })
            .await
            .expect("user"),
        );
    }
    (users[0], users[1], icb, practice)
}

fn request(user: UserId, org: OrgId, role: i64, reviewer: UserId) -> NewRequest {
    NewRequest {
        user,
        organisation: org,
        role: RoleId(role),
        reason: "I manage this practice too".into(),
        ends_at: None,
        at: Timestamp(10),
        notify: vec![reviewer],
        notice: "Pat Asker has asked for access.".into(),
        emails: vec![],
        audit: NewAudit::by_user(user, AuditAction::AccessRequested, Timestamp(10), None)
            .at_organisation(org),
    }
}

fn verdict(id: AssignmentId, by: UserId, approve: bool) -> RequestVerdict {
    RequestVerdict {
        id,
        by,
        at: Timestamp(20),
        approve,
        ends_at: None,
        reason: (!approve).then(|| "Not at this practice".to_owned()),
        notice: "Decided.".into(),
        email: None,
        audit: NewAudit::by_user(
            by,
            if approve {
                AuditAction::AccessRequestApproved
            } else {
                AuditAction::AccessRequestRejected
            },
            Timestamp(20),
            None,
        ),
    }
}

async fn status(s: &Store, id: AssignmentId) -> AssignmentStatus {
    s.access_request(id)
        .await
        .expect("q")
        .expect("request")
        .status
}

async fn one_open_request_per_person_organisation_and_role(s: &Store) {
    let (asker, admin, _, practice) = setup(s).await;
    let first = s
        .create_request(&request(asker, practice, PROVIDER_USER, admin))
        .await
        .expect("first");
    let row = s.access_request(first).await.expect("q").expect("row");
    assert_eq!(row.reason, "I manage this practice too");
    assert_eq!(row.status, AssignmentStatus::Pending);
    // The reviewer's notification points at the request, and says whose it is.
    let notes = s.notifications(admin, 10).await.expect("notes");
    assert_eq!(notes[0].regarding, Some(first));
    assert_eq!(notes[0].request_of, Some(asker));
    match s
        .create_request(&request(asker, practice, PROVIDER_USER, admin))
        .await
    {
        Err(StoreError::Conflict(what)) => assert_eq!(what, Taken::Request),
        other => panic!("a second open request must be refused, got {other:?}"),
    }
    // Ten racing twins of another request: exactly one is written.
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (s, r) = (s.clone(), request(asker, practice, 7, admin));
        tries.spawn(async move { s.create_request(&r).await });
    }
    let results: Vec<_> = tries.join_all().await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results
        .iter()
        .all(|r| matches!(r, Ok(_) | Err(StoreError::Conflict(_)))));
    // Once withdrawn, the same role may be asked for again.
    assert!(s
        .withdraw_request(
            first,
            asker,
            Timestamp(11),
            &NewAudit::by_user(
                asker,
                AuditAction::AccessRequestWithdrawn,
                Timestamp(11),
                None
            )
        )
        .await
        .expect("withdraw"));
    s.create_request(&request(asker, practice, PROVIDER_USER, admin))
        .await
        .expect("asked again");
    let own = s.own_assignments(asker).await.expect("own");
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|o| o.requested));
    assert_eq!(
        own.iter()
            .filter(|o| o.view.status == AssignmentStatus::Withdrawn)
            .count(),
        1
    );
}

async fn only_the_requester_withdraws_and_only_while_pending(s: &Store) {
    let (asker, admin, _, practice) = setup(s).await;
    let id = s
        .create_request(&request(asker, practice, PROVIDER_USER, admin))
        .await
        .expect("request");
    let audit = |u| NewAudit::by_user(u, AuditAction::AccessRequestWithdrawn, Timestamp(11), None);
    assert!(!s
        .withdraw_request(id, admin, Timestamp(11), &audit(admin))
        .await
        .expect("q"));
    assert_eq!(status(s, id).await, AssignmentStatus::Pending);
    assert_eq!(
        s.decide_request(&verdict(id, admin, false))
            .await
            .expect("reject"),
        RequestOutcome::Decided
    );
    let row = s.access_request(id).await.expect("q").expect("row");
    assert_eq!(row.status, AssignmentStatus::Rejected);
    assert_eq!(row.decision_reason.as_deref(), Some("Not at this practice"));
    assert!(!s
        .withdraw_request(id, asker, Timestamp(12), &audit(asker))
        .await
        .expect("q"));
    // The requester was told; the reviewer's notification is dealt with.
    let told = s.notifications(asker, 10).await.expect("notes");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].regarding, None);
    assert!(s.notifications(admin, 10).await.expect("notes")[0].read);
    let own = s.own_assignments(asker).await.expect("own");
    assert_eq!(
        own[0].decision_reason.as_deref(),
        Some("Not at this practice")
    );
}

async fn an_approval_racing_a_withdrawal_yields_exactly_one_outcome(s: &Store) {
    let (asker, admin, _, practice) = setup(s).await;
    for round in 0..5 {
        let id = s
            .create_request(&request(asker, practice, PROVIDER_USER, admin))
            .await
            .expect("request");
        let withdraw_audit = NewAudit::by_user(
            asker,
            AuditAction::AccessRequestWithdrawn,
            Timestamp(11),
            None,
        );
        let approve = verdict(id, admin, true);
        let (w, d) = tokio::join!(
            s.withdraw_request(id, asker, Timestamp(11), &withdraw_audit),
            s.decide_request(&approve),
        );
        let (withdrawn, decided) = (w.expect("withdraw"), d.expect("decide"));
        let end = status(s, id).await;
        match (withdrawn, decided) {
            (true, RequestOutcome::AlreadyDecided(AssignmentStatus::Withdrawn)) => {
                assert_eq!(end, AssignmentStatus::Withdrawn, "round {round}")
            }
            (false, RequestOutcome::Decided) => {
                assert_eq!(end, AssignmentStatus::Active, "round {round}");
                // Approved: the role is now held, so revoke it for the next round.
                s.execute_static(
                    "UPDATE role_assignments SET status = 'revoked' WHERE status = 'active'",
                )
                .await
                .expect("reset");
            }
            other => panic!("round {round}: both or neither took effect: {other:?}"),
        }
    }
}

async fn tier_1_and_tier_2_are_never_approved_together(s: &Store) {
    let (asker, admin, icb, _) = setup(s).await;
    // Asked for both; approving both at once lets exactly one through.
    let one = s
        .create_request(&request(asker, icb, TIER1, admin))
        .await
        .expect("tier 1");
    let two = s
        .create_request(&request(asker, icb, TIER2, admin))
        .await
        .expect("tier 2");
    let (first, second) = (verdict(one, admin, true), verdict(two, admin, true));
    let (a, b) = tokio::join!(s.decide_request(&first), s.decide_request(&second));
    let outcomes = [a.expect("a"), b.expect("b")];
    assert!(
        outcomes.contains(&RequestOutcome::Decided)
            && outcomes.contains(&RequestOutcome::Conflicting),
        "{outcomes:?}"
    );
    let active = s
        .assignments_of(asker)
        .await
        .expect("q")
        .iter()
        .filter(|a| a.status == AssignmentStatus::Active)
        .count();
    assert_eq!(active, 1);
    // A role held outside the request flow counts too.
    let third = s
        .create_request(&request(admin, icb, TIER2, asker))
        .await
        .expect("request");
    s.insert_assignment(&NewAssignment {
        user: admin,
        organisation: icb,
        role: RoleId(TIER1),
        status: AssignmentStatus::Active,
        payment_types: vec![],
        created_at: Timestamp(1),
    })
    .await
    .expect("held");
    assert_eq!(
        s.decide_request(&verdict(third, asker, true))
            .await
            .expect("q"),
        RequestOutcome::Conflicting
    );
    assert_eq!(status(s, third).await, AssignmentStatus::Pending);
    // Rejecting it is still possible.
    assert_eq!(
        s.decide_request(&verdict(third, asker, false))
            .await
            .expect("q"),
        RequestOutcome::Decided
    );
}

async fn a_proposed_end_is_kept_while_pending_and_the_approved_end_given(s: &Store) {
    let (asker, admin, _, practice) = setup(s).await;
    let mut covering = request(asker, practice, PROVIDER_USER, admin);
    covering.ends_at = Some(Timestamp(90_000));
    let id = s.create_request(&covering).await.expect("asked");
    let row = s.access_request(id).await.expect("q").expect("row");
    assert_eq!(row.ends_at, Some(Timestamp(90_000)), "the proposal");
    // Approved until an earlier end: the role ends then.
    let mut approve = verdict(id, admin, true);
    approve.ends_at = Some(Timestamp(50_000));
    assert_eq!(
        s.decide_request(&approve).await.expect("q"),
        RequestOutcome::Decided
    );
    let role = &s.assignments_of(asker).await.expect("roles")[0];
    assert_eq!(
        (role.status, role.ends_at),
        (AssignmentStatus::Active, Some(Timestamp(50_000)))
    );
}

conformance!(
    a_proposed_end_is_kept_while_pending_and_the_approved_end_given,
    one_open_request_per_person_organisation_and_role,
    only_the_requester_withdraws_and_only_while_pending,
    an_approval_racing_a_withdrawal_yields_exactly_one_outcome,
    tier_1_and_tier_2_are_never_approved_together,
);
