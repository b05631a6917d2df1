//! Conformance of sign-up storage on SQLite and PostgreSQL: registrations, listing in scope,
//! decisions (and their race), activation links, notifications and the organisation lookup.

use domain::model::assignment::AssignmentStatus;
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::model::outbox::NewEmail;
use domain::model::role::Reach;
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{
    Accounts, DecideOutcome, Directory, NewRegistration, Notifications, Outbox, RegistrationQuery,
    RegistrationSort, Registrations, ReviewArm, StoreError, Taken, TokenState, Users, Verdict,
    VerdictOutcome,
};
use domain::values::clock::{Timestamp, TokenHash};
use domain::{AssignmentId, EmailAddress, OdsCode, PersonName, RoleId};
use store::Store;

type Org = domain::model::organisation::Organisation;

const PROVIDER_USER: RoleId = RoleId(6);
const CAA: RoleId = RoleId(2);

fn org(code: &str, name: &str, kind: OrgKind, parent: &str, closed: bool) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: name.into(),
        kind,
        type_label: "Test".into(),
        parent_code: Some(OdsCode::parse(parent).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: closed.then(|| "2024-01-01".into()),
        contract_type: None,
    }
}

async fn tree(s: &Store) {
    let orgs = [
        org(
            "QHM",
            "North East ICB",
            OrgKind::Commissioning,
            "GATEHOUSE",
            false,
        ),
        org("16C", "Tees Valley", OrgKind::Commissioning, "QHM", false),
        org(
            "A81001",
            "The Densham Surgery",
            OrgKind::Provider,
            "16C",
            false,
        ),
        org(
            "A81002",
            "Queens Park 100% Medical",
            OrgKind::Provider,
            "16C",
            false,
        ),
        org("A81003", "Closed Surgery", OrgKind::Provider, "16C", true),
    ];
    s.insert_organisations(&orgs, None).await.expect("tree");
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("email")
}

fn name(s: &str) -> PersonName {
    PersonName::parse(s).expect("name")
}

async fn organisation(s: &Store, code: &str) -> Org {
    s.organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("query")
        .expect("exists")
}

async fn admin(s: &Store, mail: &str, first: &str) -> UserId {
    s.insert_user(&NewUser {
        email: email(mail),
        first_name: name(first),
        last_name: name("Admin"),
        status: AccountStatus::Active,
        password_hash: Some(PasswordHash::from_phc("$argon2id$fake".into())),
        created_at: Timestamp(1),
    })
    .await
    .expect("user")
}

fn registration(
    mail: &str,
    first: &str,
    org: domain::OrgId,
    at: i64,
    notify: Vec<UserId>,
) -> NewRegistration {
    NewRegistration {
        email: email(mail),
        first_name: name(first),
        last_name: name("Person"),
        organisation: org,
        role: PROVIDER_USER,
        at: Timestamp(at),
        notify,
        notice: format!("{first} Person has asked to register"),
        audit: NewAudit::anonymous(AuditAction::RegistrationSubmitted, Timestamp(at), None),
        emails: vec![NewEmail {
            to: email("reviewer@example.nhs.uk"),
            subject: "review".into(),
            body: format!("{first} waits"),
        }],
    }
}

/// Registrations for Provider User and CAA (the roles these tests write) within `scope`.
fn query(scope: domain::Scope, sort: RegistrationSort, descending: bool) -> RegistrationQuery {
    RegistrationQuery {
        arms: vec![ReviewArm {
            scope,
            roles: vec![PROVIDER_USER, CAA],
        }],
        sort,
        descending,
        offset: 0,
        limit: 50,
    }
}

fn subtree(o: &Org) -> domain::Scope {
    domain::access::scope::compute(o.id, &o.path, Reach::Subtree, None)
}

async fn a_registration_writes_user_request_notifications_and_email_at_once(s: &Store) {
    tree(s).await;
    let reviewer = admin(s, "reviewer@example.nhs.uk", "Rita").await;
    let practice = organisation(s, "A81001").await;
    let id = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            practice.id,
            10,
            vec![reviewer],
        ))
        .await
        .expect("register");
    let creds = s
        .credentials(&email("jo@example.nhs.uk"))
        .await
        .expect("q")
        .expect("user");
    assert_eq!(creds.status, AccountStatus::Pending);
    assert!(creds.password_hash.is_none());
    let row = s.registration(id).await.expect("q").expect("row");
    assert_eq!(row.status, AssignmentStatus::Pending);
    assert_eq!(
        row.role_reason,
        domain::rules::review::SELF_REGISTRATION_REASON
    );
    assert_eq!(row.organisation.code, "A81001");
    let notes = s.notifications(reviewer, 10).await.expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].regarding, Some(id));
    assert_eq!(s.unread_notifications(reviewer).await.expect("n"), 1);
    s.mark_notifications_read(reviewer, Timestamp(11))
        .await
        .expect("read");
    assert_eq!(s.unread_notifications(reviewer).await.expect("n"), 0);
    let mail = s.outbox(10).await.expect("outbox");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, "reviewer@example.nhs.uk");

    // The same request again, and another request while one is under way, are refused.
    let again = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            practice.id,
            12,
            vec![],
        ))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(Taken::Registration))),
        "{again:?}"
    );
    let other = organisation(s, "A81002").await;
    let elsewhere = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            other.id,
            12,
            vec![],
        ))
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::Conflict(Taken::Account))),
        "{elsewhere:?}"
    );
    // An active account never registers again.
    let taken = s
        .register(&registration(
            "reviewer@example.nhs.uk",
            "Rita",
            practice.id,
            12,
            vec![],
        ))
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict(Taken::Account))),
        "{taken:?}"
    );
    // A refused registration wrote nothing: still one email, one notification.
    assert_eq!(s.outbox(10).await.expect("outbox").len(), 1);
    assert_eq!(s.notifications(reviewer, 10).await.expect("notes").len(), 1);
}

/// Four registrations waiting under QHM: Provider Users Bea (at 3) and Cal (2) at A81001 and Abe
/// (1) at A81002, and Dee (4) for CAA at QHM itself. Gives A81001, A81002 and QHM.
async fn four_waiting(s: &Store) -> (Org, Org, Org) {
    tree(s).await;
    let a1 = organisation(s, "A81001").await;
    let a2 = organisation(s, "A81002").await;
    let qhm = organisation(s, "QHM").await;
    for (mail, first, org, at) in [
        ("b@example.nhs.uk", "Bea", a1.id, 3),
        ("a@example.nhs.uk", "Abe", a2.id, 1),
        ("c@example.nhs.uk", "Cal", a1.id, 2),
    ] {
        s.register(&registration(mail, first, org, at, vec![]))
            .await
            .expect("register");
    }
    let mut admin_reg = registration("d@example.nhs.uk", "Dee", qhm.id, 4, vec![]);
    admin_reg.role = CAA;
    s.register(&admin_reg).await.expect("register");
    (a1, a2, qhm)
}

/// Jo's registration at A81001, waiting, and Ann, an administrator to decide it.
async fn jo_waits(s: &Store) -> (UserId, AssignmentId) {
    tree(s).await;
    let ann = admin(s, "ann@example.nhs.uk", "Ann").await;
    let practice = organisation(s, "A81001").await;
    let id = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            practice.id,
            10,
            vec![],
        ))
        .await
        .expect("register");
    (ann, id)
}

async fn registrations_are_listed_in_scope_sorted_and_paged(s: &Store) {
    let (a1, a2, qhm) = four_waiting(s).await;

    let (rows, total) = s
        .registrations(&query(subtree(&qhm), RegistrationSort::Created, true))
        .await
        .expect("list");
    assert_eq!(total, 4);
    let firsts: Vec<&str> = rows.iter().map(|r| r.first_name.as_str()).collect();
    assert_eq!(firsts, ["Dee", "Bea", "Cal", "Abe"]);

    let (rows, _) = s
        .registrations(&query(subtree(&qhm), RegistrationSort::FirstName, false))
        .await
        .expect("list");
    assert_eq!(
        rows.iter()
            .map(|r| r.first_name.as_str())
            .collect::<Vec<_>>(),
        ["Abe", "Bea", "Cal", "Dee"]
    );

    // An arm lists only its roles: an area administrator does not see administrators' requests.
    let mut q = query(subtree(&qhm), RegistrationSort::Created, false);
    q.arms[0].roles = vec![PROVIDER_USER];
    assert_eq!(s.registrations(&q).await.expect("list").1, 3);
    // Arms are alternatives: one practice's Provider Users, or CAA anywhere under QHM.
    q.arms = vec![
        ReviewArm {
            scope: domain::access::scope::compute(a2.id, &a2.path, Reach::Organisation, None),
            roles: vec![PROVIDER_USER],
        },
        ReviewArm {
            scope: subtree(&qhm),
            roles: vec![CAA],
        },
    ];
    let (rows, total) = s.registrations(&q).await.expect("list");
    assert_eq!(total, 2);
    let mut firsts: Vec<&str> = rows.iter().map(|r| r.first_name.as_str()).collect();
    firsts.sort();
    assert_eq!(firsts, ["Abe", "Dee"]);
    q.arms.clear();
    assert_eq!(s.registrations(&q).await.expect("list").1, 0);

    // One practice only (a practice's User Administrator).
    let single = domain::access::scope::compute(a1.id, &a1.path, Reach::Organisation, None);
    let (rows, total) = s
        .registrations(&query(single, RegistrationSort::Email, false))
        .await
        .expect("list");
    assert_eq!(total, 2);
    assert_eq!(
        rows.iter().map(|r| r.email.as_str()).collect::<Vec<_>>(),
        ["b@example.nhs.uk", "c@example.nhs.uk"]
    );

    // Another practice's subtree sees only its own.
    assert_eq!(
        s.registrations(&query(subtree(&a2), RegistrationSort::Created, false))
            .await
            .expect("list")
            .1,
        1
    );

    // Paging: the total stays, the rows are the page.
    let mut q = query(subtree(&qhm), RegistrationSort::Created, false);
    q.limit = 2;
    q.offset = 2;
    let (rows, total) = s.registrations(&q).await.expect("list");
    assert_eq!((rows.len(), total), (2, 4));
    assert_eq!(rows[0].first_name, "Bea");
}

/// Every sort, both ways: pages of one, laid end to end, are the whole list in the same order
/// (a page's ids are chosen first, then read).
async fn every_sort_pages_as_it_lists(s: &Store) {
    let (_, a2, qhm) = four_waiting(s).await;
    // Eve ties with Bea on the date: the id decides between them.
    s.register(&registration("e@example.nhs.uk", "Eve", a2.id, 3, vec![]))
        .await
        .expect("register");
    for sort in RegistrationSort::ALL {
        for descending in [false, true] {
            let mut q = query(subtree(&qhm), sort, descending);
            let (all, total) = s.registrations(&q).await.expect("list");
            assert_eq!((all.len(), total), (5, 5), "{sort:?}");
            let mut paged = Vec::new();
            q.limit = 1;
            for offset in 0..5 {
                q.offset = offset;
                let (rows, total) = s.registrations(&q).await.expect("page");
                assert_eq!((rows.len(), total), (1, 5), "{sort:?} {offset}");
                paged.extend(rows.into_iter().map(|r| r.assignment));
            }
            let listed: Vec<_> = all.iter().map(|r| r.assignment).collect();
            assert_eq!(paged, listed, "{sort:?} descending {descending}");
        }
    }
}

/// A registration waits while its person's account is pending, whichever way the account
/// changes: approved and not yet activated it still waits; disabled it does not; enabled again
/// (still without a password) it waits again; activated it is done.
async fn a_registration_waits_while_its_account_is_pending(s: &Store) {
    let (ann, id) = jo_waits(s).await;
    let qhm = organisation(s, "QHM").await;
    let waiting = || async {
        let (rows, total) = s
            .registrations(&query(subtree(&qhm), RegistrationSort::Created, false))
            .await
            .expect("list");
        assert_eq!(rows.len() as i64, total, "the page and the count agree");
        total
    };
    assert_eq!(waiting().await, 1);
    s.decide_registration(&approve(id, ann, &"c".repeat(64)))
        .await
        .expect("approve");
    assert_eq!(waiting().await, 1, "approved, awaiting its password");
    let user = s.registration(id).await.expect("q").expect("row").user;
    let audit = |action| NewAudit::anonymous(action, Timestamp(200), None).target(user);
    assert!(s
        .set_disabled(user, true, &audit(AuditAction::AccountDisabled))
        .await
        .expect("disable"));
    assert_eq!(waiting().await, 0, "a disabled account waits for nothing");
    assert!(s
        .set_disabled(user, false, &audit(AuditAction::AccountEnabled))
        .await
        .expect("enable"));
    assert_eq!(waiting().await, 1, "enabled again without a password");
    s.activate(
        &TokenHash::from_stored("c".repeat(64)),
        &PasswordHash::from_phc("$set".into()),
        Timestamp(300),
        &activated(),
    )
    .await
    .expect("activate")
    .expect("used");
    assert_eq!(waiting().await, 0, "activated");
}

fn approve(id: AssignmentId, by: UserId, token: &str) -> Verdict {
    Verdict {
        assignment: id,
        by,
        at: Timestamp(100),
        outcome: VerdictOutcome::Approve {
            token: TokenHash::from_stored(token.into()),
            expires_at: Timestamp(1000),
            ends_at: None,
        },
        email: NewEmail {
            to: email("jo@example.nhs.uk"),
            subject: "approved".into(),
            body: "link".into(),
        },
        audit: NewAudit::anonymous(AuditAction::RegistrationApproved, Timestamp(100), None)
            .target(by),
    }
}

fn deleted() -> NewAudit {
    NewAudit::anonymous(AuditAction::RegistrationDeleted, Timestamp(100), None)
}

fn activated() -> NewAudit {
    NewAudit::anonymous(AuditAction::AccountActivated, Timestamp(100), None)
}

fn reject(id: AssignmentId, by: UserId) -> Verdict {
    Verdict {
        assignment: id,
        by,
        at: Timestamp(100),
        outcome: VerdictOutcome::Reject {
            reason: "generic mailbox".into(),
        },
        email: NewEmail {
            to: email("jo@example.nhs.uk"),
            subject: "rejected".into(),
            body: "reason".into(),
        },
        audit: NewAudit::anonymous(AuditAction::RegistrationRejected, Timestamp(100), None)
            .target(by),
    }
}

async fn two_racing_decisions_yield_exactly_one(s: &Store) {
    tree(s).await;
    let ann = admin(s, "ann@example.nhs.uk", "Ann").await;
    let bob = admin(s, "bob@example.nhs.uk", "Bob").await;
    let practice = organisation(s, "A81001").await;
    for round in 0..5 {
        let mail = format!("racer{round}@example.nhs.uk");
        let id = s
            .register(&registration(&mail, "Racer", practice.id, 10, vec![]))
            .await
            .expect("register");
        let before = s.outbox(100).await.expect("outbox").len();
        let token = format!("{round:064}");
        let a = approve(id, ann, &token);
        let b = reject(id, bob);
        let (ra, rb) = tokio::join!(s.decide_registration(&a), s.decide_registration(&b));
        let (ra, rb) = (ra.expect("a"), rb.expect("b"));
        let wins = [&ra, &rb]
            .iter()
            .filter(|o| ***o == DecideOutcome::Decided)
            .count();
        assert_eq!(wins, 1, "round {round}: {ra:?} {rb:?}");
        let row = s.registration(id).await.expect("q").expect("row");
        let loser = if ra == DecideOutcome::Decided { rb } else { ra };
        match row.status {
            AssignmentStatus::Active => {
                assert_eq!(row.decided_by.as_deref(), Some("Ann Admin"));
                assert_eq!(
                    loser,
                    DecideOutcome::AlreadyDecided {
                        by: Some("Ann Admin".into()),
                        status: AssignmentStatus::Active
                    }
                );
                assert!(matches!(
                    s.activation_token(&TokenHash::from_stored(token.clone()), Timestamp(200))
                        .await
                        .expect("t"),
                    TokenState::Valid { .. }
                ));
            }
            AssignmentStatus::Rejected => {
                assert_eq!(row.reason.as_deref(), Some("generic mailbox"));
                assert_eq!(
                    loser,
                    DecideOutcome::AlreadyDecided {
                        by: Some("Bob Admin".into()),
                        status: AssignmentStatus::Rejected
                    }
                );
                assert_eq!(
                    s.activation_token(&TokenHash::from_stored(token.clone()), Timestamp(200))
                        .await
                        .expect("t"),
                    TokenState::Unknown
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        // Exactly one email: the winner's.
        assert_eq!(s.outbox(100).await.expect("outbox").len(), before + 1);
    }
    assert_eq!(
        s.decide_registration(&reject(AssignmentId(999_999), bob))
            .await
            .expect("q"),
        DecideOutcome::Missing
    );
}

async fn an_activation_link_works_once_and_not_after_it_expires(s: &Store) {
    let (ann, id) = jo_waits(s).await;
    let token = TokenHash::from_stored("a".repeat(64));
    // Approved as temporary access: the role carries its end.
    let mut until = approve(id, ann, &"a".repeat(64));
    if let VerdictOutcome::Approve { ends_at, .. } = &mut until.outcome {
        *ends_at = Some(Timestamp(90_000));
    }
    s.decide_registration(&until).await.expect("approve");
    let user = s.registration(id).await.expect("q").expect("row").user;
    assert_eq!(
        s.assignments_of(user).await.expect("roles")[0].ends_at,
        Some(Timestamp(90_000))
    );
    assert_eq!(
        s.activation_token(&token, Timestamp(999)).await.expect("t"),
        TokenState::Valid { user }
    );
    assert_eq!(
        s.activation_token(&token, Timestamp(1000))
            .await
            .expect("t"),
        TokenState::Expired { user }
    );
    assert_eq!(
        s.activate(
            &token,
            &PasswordHash::from_phc("$late".into()),
            Timestamp(1000),
            &activated()
        )
        .await
        .expect("a"),
        None
    );

    // Two racing uses: one sets the password.
    let h1 = PasswordHash::from_phc("$first".into());
    let h2 = PasswordHash::from_phc("$second".into());
    let event = activated();
    let (r1, r2) = tokio::join!(
        s.activate(&token, &h1, Timestamp(500), &event),
        s.activate(&token, &h2, Timestamp(500), &event)
    );
    let used: Vec<_> = [r1.expect("1"), r2.expect("2")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(used, vec![user]);
    assert_eq!(
        s.activation_token(&token, Timestamp(501)).await.expect("t"),
        TokenState::Used
    );
    let creds = s
        .credentials(&email("jo@example.nhs.uk"))
        .await
        .expect("q")
        .expect("user");
    assert_eq!(creds.status, AccountStatus::Active);
    assert!(creds.password_hash.is_some());

    // Activated: no longer listed, cannot be deleted as a registration.
    let qhm = organisation(s, "QHM").await;
    assert_eq!(
        s.registrations(&query(subtree(&qhm), RegistrationSort::Created, false))
            .await
            .expect("list")
            .1,
        0
    );
    assert!(!s.delete_registration(id, &deleted()).await.expect("delete"));
}

async fn resending_replaces_the_link(s: &Store) {
    let (ann, id) = jo_waits(s).await;
    s.decide_registration(&approve(id, ann, &"b".repeat(64)))
        .await
        .expect("approve");
    let user = s.registration(id).await.expect("q").expect("row").user;
    let mail = NewEmail {
        to: email("jo@example.nhs.uk"),
        subject: "again".into(),
        body: "new link".into(),
    };
    s.replace_activation(
        user,
        &TokenHash::from_stored("c".repeat(64)),
        Timestamp(200),
        Timestamp(2000),
        &mail,
        None,
    )
    .await
    .expect("replace");
    assert_eq!(
        s.activation_token(&TokenHash::from_stored("b".repeat(64)), Timestamp(300))
            .await
            .expect("t"),
        TokenState::Unknown
    );
    assert_eq!(
        s.activation_token(&TokenHash::from_stored("c".repeat(64)), Timestamp(300))
            .await
            .expect("t"),
        TokenState::Valid { user }
    );
    assert!(s
        .outbox(10)
        .await
        .expect("outbox")
        .iter()
        .any(|m| m.subject == "again"));
}

async fn a_rejected_person_may_register_again_and_a_deleted_one_leaves_no_trace(s: &Store) {
    tree(s).await;
    let ann = admin(s, "ann@example.nhs.uk", "Ann").await;
    let practice = organisation(s, "A81001").await;
    let first = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            practice.id,
            10,
            vec![ann],
        ))
        .await
        .expect("register");
    s.decide_registration(&reject(first, ann))
        .await
        .expect("reject");
    let second = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Joanna",
            practice.id,
            20,
            vec![ann],
        ))
        .await
        .expect("again");
    assert_ne!(first, second);
    let row = s.registration(second).await.expect("q").expect("row");
    assert_eq!(row.first_name, "Joanna");
    assert_eq!(
        row.user,
        s.registration(first).await.expect("q").expect("row").user
    );

    // Deleting the second keeps the user (the rejected request is still theirs); a fresh one goes.
    assert!(s
        .delete_registration(second, &deleted())
        .await
        .expect("delete"));
    assert!(s.registration(second).await.expect("q").is_none());
    assert!(s
        .credentials(&email("jo@example.nhs.uk"))
        .await
        .expect("q")
        .is_some());
    let lone = s
        .register(&registration(
            "lone@example.nhs.uk",
            "Lone",
            practice.id,
            30,
            vec![ann],
        ))
        .await
        .expect("register");
    assert!(s
        .delete_registration(lone, &deleted())
        .await
        .expect("delete"));
    assert!(s
        .credentials(&email("lone@example.nhs.uk"))
        .await
        .expect("q")
        .is_none());
    assert!(s
        .notifications(ann, 10)
        .await
        .expect("notes")
        .iter()
        .all(|n| n.regarding != Some(lone)));
    assert!(!s
        .delete_registration(lone, &deleted())
        .await
        .expect("again"));
}

async fn reviewers_are_found_among_holders_above(s: &Store) {
    tree(s).await;
    let ann = admin(s, "ann@example.nhs.uk", "Ann").await;
    let bob = admin(s, "bob@example.nhs.uk", "Bob").await;
    let cat = admin(s, "cat@example.nhs.uk", "Cat").await;
    let qhm = organisation(s, "QHM").await;
    let a1 = organisation(s, "A81001").await;
    let a2 = organisation(s, "A81002").await;
    for (u, o, status) in [
        (ann, qhm.id, AssignmentStatus::Active),
        (bob, a2.id, AssignmentStatus::Active),
        (cat, a1.id, AssignmentStatus::Revoked),
    ] {
        s.insert_assignment(&domain::model::assignment::NewAssignment {
            user: u,
            organisation: o,
            role: RoleId(9),
            status,
            payment_types: vec![],
            created_at: Timestamp(1),
        })
        .await
        .expect("assign");
    }
    s.set_notify_by_email(ann, false).await.expect("setting");
    let holders = s.holders_above(&a1.path).await.expect("holders");
    let users: Vec<UserId> = holders.iter().map(|h| h.user).collect();
    assert_eq!(
        users,
        vec![ann],
        "active holders at the practice and above only"
    );
    assert!(!holders[0].notify_by_email);
    assert_eq!(holders[0].organisation.code, "QHM");
}

async fn organisations_are_found_by_code_or_part_of_the_name(s: &Store) {
    tree(s).await;
    let codes = |v: Vec<domain::model::organisation::Organisation>| {
        v.into_iter()
            .map(|o| o.code.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(s.find_organisations("a81001", 10).await.expect("q")),
        ["A81001"]
    );
    assert_eq!(
        codes(s.find_organisations("DENSHAM", 10).await.expect("q")),
        ["A81001"]
    );
    // Closed practices and the platform are never offered.
    assert!(s
        .find_organisations("Closed", 10)
        .await
        .expect("q")
        .is_empty());
    assert!(s
        .find_organisations("Gatehouse", 10)
        .await
        .expect("q")
        .is_empty());
    // LIKE's wildcards are taken literally.
    assert_eq!(
        codes(s.find_organisations("100%", 10).await.expect("q")),
        ["A81002"]
    );
    assert!(s.find_organisations("_", 10).await.expect("q").is_empty());
    assert_eq!(s.find_organisations("e", 2).await.expect("q").len(), 2);
}

async fn activating_ends_what_a_resend_could_do(s: &Store) {
    let (ann, id) = jo_waits(s).await;
    s.decide_registration(&approve(id, ann, &"c".repeat(64)))
        .await
        .expect("approve");
    let user = s.registration(id).await.expect("q").expect("row").user;
    s.activate(
        &TokenHash::from_stored("c".repeat(64)),
        &PasswordHash::from_phc("$set".into()),
        Timestamp(300),
        &activated(),
    )
    .await
    .expect("activate")
    .expect("used");
    let before = s.outbox(10).await.expect("outbox").len();
    let mail = NewEmail {
        to: email("jo@example.nhs.uk"),
        subject: "again".into(),
        body: "new link".into(),
    };
    let late = s
        .replace_activation(
            user,
            &TokenHash::from_stored("d".repeat(64)),
            Timestamp(400),
            Timestamp(4000),
            &mail,
            None,
        )
        .await;
    assert!(matches!(late, Err(StoreError::Missing(_))), "{late:?}");
    assert_eq!(
        s.activation_token(&TokenHash::from_stored("d".repeat(64)), Timestamp(401))
            .await
            .expect("t"),
        TokenState::Unknown
    );
    assert_eq!(
        s.outbox(10).await.expect("outbox").len(),
        before,
        "nothing written"
    );
}

async fn deleting_an_approved_registration_kills_its_link(s: &Store) {
    // An earlier rejected request keeps the person's account when the approved one is deleted.
    let (ann, first) = jo_waits(s).await;
    let practice = organisation(s, "A81001").await;
    s.decide_registration(&reject(first, ann))
        .await
        .expect("reject");
    let second = s
        .register(&registration(
            "jo@example.nhs.uk",
            "Jo",
            practice.id,
            20,
            vec![],
        ))
        .await
        .expect("again");
    s.decide_registration(&approve(second, ann, &"e".repeat(64)))
        .await
        .expect("approve");
    assert!(s
        .delete_registration(second, &deleted())
        .await
        .expect("delete"));
    assert!(s
        .credentials(&email("jo@example.nhs.uk"))
        .await
        .expect("q")
        .is_some());
    let token = TokenHash::from_stored("e".repeat(64));
    assert_eq!(
        s.activation_token(&token, Timestamp(30)).await.expect("t"),
        TokenState::Unknown
    );
    assert_eq!(
        s.activate(
            &token,
            &PasswordHash::from_phc("$x".into()),
            Timestamp(30),
            &activated()
        )
        .await
        .expect("a"),
        None
    );
}

async fn two_identical_registrations_racing_write_one(s: &Store) {
    tree(s).await;
    let practice = organisation(s, "A81001").await;
    let ann = admin(s, "ann@example.nhs.uk", "Ann").await;
    for round in 0..5 {
        // A person whose earlier request was rejected submits twice at once.
        let mail = format!("twin{round}@example.nhs.uk");
        let first = s
            .register(&registration(&mail, "Twin", practice.id, 10, vec![]))
            .await
            .expect("register");
        s.decide_registration(&reject(first, ann))
            .await
            .expect("reject");
        let a = registration(&mail, "Twin", practice.id, 20, vec![]);
        let (ra, rb) = tokio::join!(s.register(&a), s.register(&a));
        let ok = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "round {round}: {ra:?} {rb:?}");
        let refused = if ra.is_ok() { rb } else { ra };
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
    }
}

conformance!(
    a_registration_writes_user_request_notifications_and_email_at_once,
    registrations_are_listed_in_scope_sorted_and_paged,
    every_sort_pages_as_it_lists,
    a_registration_waits_while_its_account_is_pending,
    two_racing_decisions_yield_exactly_one,
    an_activation_link_works_once_and_not_after_it_expires,
    resending_replaces_the_link,
    activating_ends_what_a_resend_could_do,
    deleting_an_approved_registration_kills_its_link,
    two_identical_registrations_racing_write_one,
    a_rejected_person_may_register_again_and_a_deleted_one_leaves_no_trace,
    reviewers_are_found_among_holders_above,
    organisations_are_found_by_code_or_part_of_the_name,
);
