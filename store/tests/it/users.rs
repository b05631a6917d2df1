//! Conformance of the Users section and the audit trail: search by each field within scope,
//! revoke, disable (ending sessions), enable, and an append-only, scoped, filterable audit trail.

use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::model::role::Reach;
use domain::model::session::NewSession;
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{Accounts, Directory, Invitations, Outbox, ReviewArm, Sessions, Users};
use domain::storage::{Audit, AuditQuery};
use domain::storage::{UserQuery, UserSort};
use domain::values::clock::{SecretToken, Timestamp, TokenSource};
use domain::{EmailAddress, OdsCode, PersonName, RoleId, Scope};
use store::Store;

struct Fixed(u8);
impl TokenSource for Fixed {
    fn random_bytes(&self) -> [u8; 32] {
        [self.0; 32]
    }
}

pub(crate) fn org(code: &str, name: &str, kind: OrgKind, parent: &str) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: name.into(),
        kind,
        type_label: "Test".into(),
        parent_code: Some(OdsCode::parse(parent).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
    }
}

/// Two ICBs; QHM has a sub-ICB location with two practices, QOP one practice.
async fn tree(s: &Store) {
    let orgs = [
        org("QHM", "North East ICB", OrgKind::Commissioning, "GATEHOUSE"),
        org("16C", "Tees Valley", OrgKind::Commissioning, "QHM"),
        org("A81001", "Castle Practice", OrgKind::Provider, "16C"),
        org("A81002", "Harbour Surgery", OrgKind::Provider, "16C"),
        org(
            "QOP",
            "Greater Manchester ICB",
            OrgKind::Commissioning,
            "GATEHOUSE",
        ),
        org(
            "P84001",
            "Castleton Health Centre",
            OrgKind::Provider,
            "QOP",
        ),
    ];
    s.insert_organisations(&orgs, None).await.expect("tree");
}

pub(crate) async fn person(s: &Store, email: &str, first: &str, last: &str) -> UserId {
    s.insert_user(&NewUser {
        email: EmailAddress::parse(email).expect("email"),
        first_name: PersonName::parse(first).expect("name"),
        last_name: PersonName::parse(last).expect("name"),
        status: AccountStatus::Active,
        password_hash: Some(PasswordHash::from_phc("$argon2id$fake".into())),
        created_at: Timestamp(1),
    })
    .await
    .expect("user")
}

pub(crate) async fn assign(
    s: &Store,
    u: UserId,
    code: &str,
    role: i64,
    status: AssignmentStatus,
) -> domain::AssignmentId {
    let o = s
        .organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("org");
    s.insert_assignment(&NewAssignment {
        user: u,
        organisation: o.id,
        role: RoleId(role),
        status,
        payment_types: vec![],
        created_at: Timestamp(1),
    })
    .await
    .expect("assignment")
}

pub(crate) async fn subtree(s: &Store, code: &str) -> (Scope, domain::OrgPath) {
    let o = s
        .organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("org");
    (
        domain::access::scope::compute(o.id, &o.path, Reach::Subtree, None),
        o.path,
    )
}

pub(crate) fn query(scope: Scope, text: &str) -> UserQuery {
    UserQuery {
        scope,
        review: vec![],
        text: text.into(),
        sort: UserSort::LastName,
        descending: false,
        offset: 0,
        limit: 50,
        count_up_to: 1_000,
    }
}

async fn emails(s: &Store, q: &UserQuery) -> Vec<String> {
    let (rows, total) = s.search_users(q).await.expect("search");
    assert_eq!(total as usize, rows.len(), "one page holds them all here");
    rows.into_iter().map(|r| r.email).collect()
}

/// The people of the fixtures: Ann and Bob in QHM's area, Cat in QOP's, Dan in both.
pub(crate) async fn people(s: &Store) -> [UserId; 4] {
    tree(s).await;
    let ann = person(s, "ann.archer@example.nhs.uk", "Ann", "Archer").await;
    let bob = person(s, "bob.baker@example.nhs.uk", "Bob", "Baker").await;
    let cat = person(s, "cat.cooper@example.nhs.uk", "Cat", "Cooper").await;
    let dan = person(s, "dan.dyer@example.nhs.uk", "Dan", "Dyer").await;
    assign(s, ann, "A81001", 6, AssignmentStatus::Active).await;
    assign(s, bob, "A81002", 6, AssignmentStatus::Pending).await;
    assign(s, cat, "P84001", 6, AssignmentStatus::Active).await;
    assign(s, dan, "A81001", 6, AssignmentStatus::Active).await;
    assign(s, dan, "P84001", 6, AssignmentStatus::Active).await;
    [ann, bob, cat, dan]
}

async fn search_finds_users_in_scope_by_each_of_the_five_fields(s: &Store) {
    people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    // First name, last name and email: by their start, in any case.
    assert_eq!(
        emails(s, &query(qhm.clone(), "ANN")).await,
        ["ann.archer@example.nhs.uk"]
    );
    assert_eq!(
        emails(s, &query(qhm.clone(), "bak")).await,
        ["bob.baker@example.nhs.uk"]
    );
    assert_eq!(
        emails(s, &query(qhm.clone(), "dan.d")).await,
        ["dan.dyer@example.nhs.uk"]
    );
    // ODS code: exactly, in any case.
    assert_eq!(
        emails(s, &query(qhm.clone(), "a81002")).await,
        ["bob.baker@example.nhs.uk"]
    );
    // Organisation name: by its start.
    assert_eq!(
        emails(s, &query(qhm.clone(), "castle p")).await,
        ["ann.archer@example.nhs.uk", "dan.dyer@example.nhs.uk"]
    );
    // Cat is outside QHM's area whatever is typed. Dan is inside through one of his roles, but a
    // search by an organisation outside the area finds nobody: it would tell QHM where else Dan
    // works. QOP's search by its own practice finds him.
    assert!(emails(s, &query(qhm.clone(), "cat")).await.is_empty());
    assert!(emails(s, &query(qhm.clone(), "dan")).await == ["dan.dyer@example.nhs.uk"]);
    assert!(emails(s, &query(qhm.clone(), "P84001")).await.is_empty());
    assert!(emails(s, &query(qhm.clone(), "castleton")).await.is_empty());
    let (qop_scope, _) = subtree(s, "QOP").await;
    assert!(emails(s, &query(qop_scope, "P84001"))
        .await
        .contains(&"dan.dyer@example.nhs.uk".to_owned()));
    assert_eq!(emails(s, &query(qhm.clone(), "")).await.len(), 3);
    // LIKE's wildcards are taken literally.
    assert!(emails(s, &query(qhm, "%")).await.is_empty());
    let (qop, _) = subtree(s, "QOP").await;
    assert_eq!(
        emails(s, &query(qop, "")).await,
        ["cat.cooper@example.nhs.uk", "dan.dyer@example.nhs.uk"]
    );
}

async fn search_sorts_pages_and_flags_pending_reviews(s: &Store) {
    let [_, bob, ..] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let mut q = query(qhm.clone(), "");
    q.sort = UserSort::FirstName;
    q.descending = true;
    q.limit = 2;
    let (rows, total) = s.search_users(&q).await.expect("search");
    assert_eq!(total, 3);
    let firsts: Vec<_> = rows.iter().map(|r| r.first_name.as_str()).collect();
    assert_eq!(firsts, ["Dan", "Bob"]);
    q.offset = 2;
    let (rows, total) = s.search_users(&q).await.expect("page 2");
    assert_eq!(rows[0].first_name, "Ann");
    assert_eq!(total, 3, "the last page counts them all too");
    // A page past the end has no rows, and still knows how many there are.
    q.offset = 4;
    let (rows, total) = s.search_users(&q).await.expect("past the end");
    assert!(rows.is_empty());
    assert_eq!(total, 3);
    let (rows, total) = s
        .search_users(&query(subtree(s, "QHM").await.0, "nobody-matches-this"))
        .await
        .expect("no match");
    assert_eq!((rows.len(), total), (0, 0));
    // The total is counted only as far as asked: one past it says "more", on any page.
    let mut q = query(subtree(s, "QHM").await.0, "");
    q.limit = 1;
    q.count_up_to = 2;
    for offset in [0, 1, 5] {
        q.offset = offset;
        assert_eq!(
            s.search_users(&q).await.expect("capped").1,
            3,
            "offset {offset}"
        );
    }
    q.count_up_to = 1;
    assert_eq!(s.search_users(&q).await.expect("capped").1, 2);
    q.count_up_to = 3;
    assert_eq!(s.search_users(&q).await.expect("exact").1, 3);
    // A first page with room to spare is counted by its rows, and as far as asked too.
    q.offset = 0;
    q.limit = 10;
    assert_eq!(s.search_users(&q).await.expect("one page").1, 3);
    q.count_up_to = 1;
    assert_eq!(s.search_users(&q).await.expect("one page, capped").1, 2);
    // A search counts its matches beside the page, and as far as asked too.
    let mut q = query(subtree(s, "QHM").await.0, "castle p");
    q.limit = 1;
    assert_eq!(s.search_users(&q).await.expect("searched").1, 2);
    q.count_up_to = 0;
    assert_eq!(s.search_users(&q).await.expect("searched, capped").1, 1);
    q.offset = 3;
    assert_eq!(
        s.search_users(&q).await.expect("searched, past the end").1,
        1
    );
    // Only a reviewer whose arm covers the pending role sees it as pending review.
    let mut q = query(qhm.clone(), "bob");
    assert_eq!(
        s.search_users(&q).await.expect("s").0[0].pending_review,
        None
    );
    q.review = vec![ReviewArm {
        scope: qhm,
        roles: vec![RoleId(6)],
    }];
    let row = &s.search_users(&q).await.expect("s").0[0];
    assert_eq!(row.id, bob);
    assert!(row.pending_review.is_some());
}

fn event(action: AuditAction, at: i64) -> NewAudit {
    NewAudit {
        at: Timestamp(at),
        actor: None,
        acting_as: Some("User Administrator at QHM".into()),
        action,
        target_user: None,
        organisation: None,
        reason: None,
        origin: Some("192.0.2.1".into()),
    }
}

pub(crate) async fn audit_query(s: &Store, code: &str) -> AuditQuery {
    let (scope, _) = subtree(s, code).await;
    AuditQuery {
        scope,
        include_unplaced: false,
        user: None,
        action: None,
        from: None,
        until: None,
        offset: 0,
        limit: 100,
    }
}

async fn revoke_ends_active_roles_under_the_organisation_within_scope_only(s: &Store) {
    let [ann, _, _, dan] = people(s).await;
    let (qhm, _) = subtree(s, "QHM").await;
    let (_, practice) = subtree(s, "A81001").await;
    let (_, icb) = subtree(s, "QHM").await;
    let a81001 = s
        .organisation_by_code(&OdsCode::parse("A81001").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    let audit = NewAudit {
        target_user: Some(dan),
        organisation: Some(a81001),
        ..event(AuditAction::AccessRevoked, 50)
    };
    // Dan's role at P84001 lies under QOP, outside QHM's scope: it survives.
    assert_eq!(
        s.revoke_assignments(dan, &icb, &qhm, &audit)
            .await
            .expect("revoke"),
        1
    );
    let statuses: Vec<_> = s
        .assignments_of(dan)
        .await
        .expect("a")
        .into_iter()
        .map(|a| (a.organisation.code, a.status))
        .collect();
    assert!(statuses.contains(&("A81001".into(), AssignmentStatus::Revoked)));
    assert!(statuses.contains(&("P84001".into(), AssignmentStatus::Active)));
    // Nothing left to revoke: nothing changes, no event.
    assert_eq!(
        s.revoke_assignments(dan, &practice, &qhm, &audit)
            .await
            .expect("again"),
        0
    );
    let (events, total) = s
        .audit_events(&audit_query(s, "QHM").await)
        .await
        .expect("events");
    assert_eq!(total, 1);
    assert_eq!(events[0].action, AuditAction::AccessRevoked);
    assert_eq!(
        events[0].target_email.as_deref(),
        Some("dan.dyer@example.nhs.uk")
    );
    assert_eq!(events[0].organisation_code.as_deref(), Some("A81001"));
    assert_eq!(events[0].origin.as_deref(), Some("192.0.2.1"));
    // Ann is untouched.
    assert_eq!(
        s.assignments_of(ann).await.expect("a")[0].status,
        AssignmentStatus::Active
    );
}

async fn disabling_ends_every_session_and_enabling_restores_the_account(s: &Store) {
    let [ann, ..] = people(s).await;
    for n in 1..=2 {
        s.create_session(
            &NewSession {
                id_hash: SecretToken::generate(&Fixed(n)).hash(),
                user: ann,
                assignment: None,
                now: Timestamp(10),
                client: None,
                agent: None,
                proof: Default::default(),
            },
            &event(AuditAction::SignIn, 10),
        )
        .await
        .expect("session");
    }
    let disable = NewAudit {
        target_user: Some(ann),
        reason: Some("Left the organisation".into()),
        ..event(AuditAction::AccountDisabled, 20)
    };
    assert!(s.set_disabled(ann, true, &disable).await.expect("disable"));
    assert!(!s.set_disabled(ann, true, &disable).await.expect("twice"));
    for n in 1..=2 {
        let id = SecretToken::generate(&Fixed(n)).hash();
        assert!(s.session_context(&id).await.expect("q").is_none());
    }
    assert_eq!(
        s.user(ann).await.expect("q").expect("kept").status,
        AccountStatus::Disabled
    );
    let enable = NewAudit {
        target_user: Some(ann),
        ..event(AuditAction::AccountEnabled, 30)
    };
    assert!(s.set_disabled(ann, false, &enable).await.expect("enable"));
    assert_eq!(
        s.user(ann).await.expect("q").expect("kept").status,
        AccountStatus::Active
    );
    let mut q = audit_query(s, "QHM").await;
    q.include_unplaced = true;
    q.user = Some("ann.".into());
    q.action = Some(AuditAction::AccountDisabled);
    let (events, _) = s.audit_events(&q).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason.as_deref(), Some("Left the organisation"));
}

async fn the_audit_trail_is_append_only_scoped_and_filtered_by_date(s: &Store) {
    tree(s).await;
    let qhm = s
        .organisation_by_code(&OdsCode::parse("A81001").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    let qop = s
        .organisation_by_code(&OdsCode::parse("P84001").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    for (at, org) in [
        (100, Some(qhm)),
        (200, Some(qop)),
        (300, None),
        (400, Some(qhm)),
    ] {
        s.record_audit(&NewAudit {
            organisation: org,
            ..event(AuditAction::SignInFailed, at)
        })
        .await
        .expect("record");
    }
    let q = audit_query(s, "QHM").await;
    let (events, total) = s.audit_events(&q).await.expect("events");
    assert_eq!(total, 2, "only QHM's events");
    assert_eq!(events[0].at, Timestamp(400), "newest first");
    let (_, desk_total) = s
        .audit_events(&AuditQuery {
            include_unplaced: true,
            ..audit_query(s, "GATEHOUSE").await
        })
        .await
        .expect("desk");
    assert_eq!(desk_total, 4, "the platform sees everything, placed or not");
    let (events, _) = s
        .audit_events(&AuditQuery {
            from: Some(Timestamp(150)),
            until: Some(Timestamp(400)),
            include_unplaced: true,
            ..audit_query(s, "GATEHOUSE").await
        })
        .await
        .expect("dated");
    let ats: Vec<_> = events.iter().map(|e| e.at.0).collect();
    assert_eq!(ats, [300, 200]);
    // Append-only: the database itself refuses changes.
    assert!(s
        .execute_static("UPDATE audit_events SET reason = 'nothing happened'")
        .await
        .is_err());
    assert!(s.execute_static("DELETE FROM audit_events").await.is_err());
    assert_eq!(
        s.audit_events(&AuditQuery {
            include_unplaced: true,
            ..audit_query(s, "GATEHOUSE").await
        })
        .await
        .expect("still there")
        .1,
        4
    );
}

fn invitation(
    email: &str,
    existing: Option<UserId>,
    org: domain::OrgId,
    by: UserId,
    token: &str,
) -> domain::storage::NewInvitation {
    domain::storage::NewInvitation {
        email: EmailAddress::parse(email).expect("email"),
        first_name: "Nia".into(),
        last_name: "New".into(),
        existing,
        organisation: org,
        role: RoleId(6),
        ends_at: None,
        invited_by: by,
        token: domain::values::clock::TokenHash::from_stored(token.into()),
        at: Timestamp(100),
        expires_at: Timestamp(1000),
        email_out: domain::model::outbox::NewEmail {
            to: EmailAddress::parse(email).expect("email"),
            subject: "invited".into(),
            body: "link".into(),
        },
        audit: event(AuditAction::InvitationSent, 100),
        email_if_account: domain::model::outbox::NewEmail {
            to: EmailAddress::parse(email).expect("email"),
            subject: "invited, sign in".into(),
            body: "sign in through the link".into(),
        },
        email_if_disabled: domain::model::outbox::NewEmail {
            to: EmailAddress::parse(email).expect("email"),
            subject: "not invited".into(),
            body: "your account is disabled".into(),
        },
        audit_if_disabled: event(AuditAction::InvitationUndelivered, 100),
    }
}

async fn an_invitation_is_accepted_once_and_makes_a_new_person_active(s: &Store) {
    let [ann, ..] = people(s).await;
    let practice = s
        .organisation_by_code(&OdsCode::parse("A81002").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    // A locum's invitation: the role, once accepted, ends on its date.
    let mut locum = invitation("nia@example.nhs.uk", None, practice, ann, &"a".repeat(64));
    locum.ends_at = Some(Timestamp(90_000));
    s.create_invitation(&locum).await.expect("invite");
    let token = domain::values::clock::TokenHash::from_stored("a".repeat(64));
    let state = s
        .invitation_by_token(&token, Timestamp(200))
        .await
        .expect("q")
        .expect("found");
    assert!(state.valid && !state.has_password);
    assert_eq!(state.organisation.code, "A81002");
    // Nobody can sign in as them yet.
    let nia = state.user;
    assert_eq!(
        s.user(nia).await.expect("q").expect("u").status,
        AccountStatus::Pending
    );
    // Expired: refused.
    assert!(
        !s.invitation_by_token(&token, Timestamp(1000))
            .await
            .expect("q")
            .expect("found")
            .valid
    );
    let hash = PasswordHash::from_phc("$argon2id$nia".into());
    let accept = event(AuditAction::InvitationAccepted, 300);
    let (a, b) = tokio::join!(
        s.accept_invitation(
            &token,
            Timestamp(300),
            Some((&hash, "Nia", "Newton")),
            &accept
        ),
        s.accept_invitation(
            &token,
            Timestamp(300),
            Some((&hash, "Nia", "Newton")),
            &accept
        )
    );
    let winners: Vec<_> = [a.expect("a"), b.expect("b")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(winners, [nia], "exactly one use wins");
    let u = s.user(nia).await.expect("q").expect("u");
    assert_eq!(
        (u.status, u.last_name.as_str()),
        (AccountStatus::Active, "Newton")
    );
    let role = &s.assignments_of(nia).await.expect("a")[0];
    assert_eq!(
        (role.status, role.ends_at),
        (AssignmentStatus::Active, Some(Timestamp(90_000)))
    );
    assert!(
        !s.invitation_by_token(&token, Timestamp(300))
            .await
            .expect("q")
            .expect("found")
            .valid
    );
    assert_eq!(s.outbox(10).await.expect("outbox").len(), 1);
}

/// An invitation the inviter could not see an account for (existing: None) finds the account
/// inside its transaction: an active one gets the invitation with its names kept and the
/// sign-in email; a disabled one gets no invitation, only an email to its owner, and two events.
async fn an_invitation_to_an_account_the_inviter_could_not_see_is_settled_at_send(s: &Store) {
    let [ann, _, cat, _] = people(s).await;
    let a81002 = s
        .organisation_by_code(&OdsCode::parse("A81002").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    let (everyone, _) = subtree(s, "GATEHOUSE").await;
    let users_before = s
        .search_users(&query(everyone.clone(), ""))
        .await
        .expect("search")
        .1;
    let made = s
        .create_invitation(&invitation(
            "cat.cooper@example.nhs.uk",
            None,
            a81002,
            ann,
            &"e".repeat(64),
        ))
        .await
        .expect("invite cat");
    assert!(made.is_some(), "an active account gets the invitation");
    let state = s
        .invitation_by_token(
            &domain::values::clock::TokenHash::from_stored("e".repeat(64)),
            Timestamp(200),
        )
        .await
        .expect("q")
        .expect("found");
    assert_eq!(state.user, cat, "no second account for the address");
    assert!(state.valid && state.has_password);
    let cat_now = s.user(cat).await.expect("q").expect("u");
    assert_eq!(
        (cat_now.first_name.as_str(), cat_now.last_name.as_str()),
        ("Cat", "Cooper"),
        "the names the inviter typed do not replace the account's"
    );
    let out = s.outbox(10).await.expect("outbox");
    assert_eq!(
        out.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(),
        ["invited, sign in"]
    );
    // A disabled account: nothing made, its owner told, and the two events written.
    let eve = person(s, "eve.evans@example.nhs.uk", "Eve", "Evans").await;
    assign(s, eve, "P84001", 6, AssignmentStatus::Active).await;
    assert!(s
        .set_disabled(eve, true, &event(AuditAction::AccountDisabled, 150))
        .await
        .expect("disable"));
    let assignments_before = s.assignments_of(eve).await.expect("a").len();
    let made = s
        .create_invitation(&invitation(
            "eve.evans@example.nhs.uk",
            None,
            a81002,
            ann,
            &"f".repeat(64),
        ))
        .await
        .expect("invite eve");
    assert_eq!(made, None);
    assert_eq!(
        s.assignments_of(eve).await.expect("a").len(),
        assignments_before
    );
    assert!(s
        .invitation_by_token(
            &domain::values::clock::TokenHash::from_stored("f".repeat(64)),
            Timestamp(200)
        )
        .await
        .expect("q")
        .is_none());
    let out = s.outbox(10).await.expect("outbox");
    assert!(out
        .iter()
        .any(|e| e.subject == "not invited" && e.to == "eve.evans@example.nhs.uk"));
    let mut everything = audit_query(s, "QHM").await;
    everything.scope = everyone.clone();
    everything.include_unplaced = true;
    everything.user = Some("eve.evans".into());
    let (events, _) = s.audit_events(&everything).await.expect("audit");
    let actions: Vec<AuditAction> = events.iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&AuditAction::InvitationSent),
        "{actions:?}"
    );
    assert!(
        actions.contains(&AuditAction::InvitationUndelivered),
        "{actions:?}"
    );
    let users_after = s
        .search_users(&query(everyone.clone(), ""))
        .await
        .expect("search")
        .1;
    assert_eq!(
        users_after,
        users_before + 1,
        "only Eve was added, by the test itself"
    );
}

/// An invitation never accepted makes nobody visible in the inviter's Users search, except an
/// account that exists only through invitations.
async fn search_finds_nobody_through_an_invitation_never_accepted(s: &Store) {
    let [ann, _, _, _] = people(s).await;
    let a81002 = s
        .organisation_by_code(&OdsCode::parse("A81002").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    // Cat works in QOP's area; Nia is new.
    for (email, token) in [
        ("cat.cooper@example.nhs.uk", "g"),
        ("nia@example.nhs.uk", "h"),
    ] {
        s.create_invitation(&invitation(email, None, a81002, ann, &token.repeat(64)))
            .await
            .expect("invite")
            .expect("made");
    }
    let (qhm, _) = subtree(s, "QHM").await;
    let found = emails(s, &query(qhm.clone(), "")).await;
    assert!(
        !found.contains(&"cat.cooper@example.nhs.uk".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"nia@example.nhs.uk".to_owned()),
        "{found:?}"
    );
    // The same by what was typed, the path PostgreSQL tests by id before it reads the person.
    assert_eq!(
        emails(s, &query(qhm.clone(), "nia")).await,
        ["nia@example.nhs.uk"]
    );
    assert!(emails(s, &query(qhm.clone(), "cat")).await.is_empty());
    // Once Cat accepts, the role is hers and she is in QHM's area.
    s.accept_invitation(
        &domain::values::clock::TokenHash::from_stored("g".repeat(64)),
        Timestamp(300),
        None,
        &event(AuditAction::InvitationAccepted, 300),
    )
    .await
    .expect("accept")
    .expect("accepted");
    assert_eq!(
        emails(s, &query(qhm, "cat")).await,
        ["cat.cooper@example.nhs.uk"]
    );
}

async fn an_invitation_can_be_replaced_or_withdrawn_and_never_doubles_a_role(s: &Store) {
    let [ann, bob, ..] = people(s).await;
    let a81001 = s
        .organisation_by_code(&OdsCode::parse("A81001").expect("c"))
        .await
        .expect("q")
        .expect("o")
        .id;
    // Ann already holds Provider User at A81001.
    let twice = s
        .create_invitation(&invitation(
            "ann.archer@example.nhs.uk",
            Some(ann),
            a81001,
            bob,
            &"b".repeat(64),
        ))
        .await;
    assert!(
        matches!(twice, Err(domain::storage::StoreError::Conflict(_))),
        "{twice:?}"
    );
    let id = s
        .create_invitation(&invitation(
            "bob.baker@example.nhs.uk",
            Some(bob),
            a81001,
            ann,
            &"c".repeat(64),
        ))
        .await
        .expect("invite bob")
        .expect("made");
    let old = domain::values::clock::TokenHash::from_stored("c".repeat(64));
    let new = domain::values::clock::TokenHash::from_stored("d".repeat(64));
    let email = domain::model::outbox::NewEmail {
        to: EmailAddress::parse("bob.baker@example.nhs.uk").expect("e"),
        subject: "again".into(),
        body: "new link".into(),
    };
    assert!(s
        .replace_invitation(
            id,
            &new,
            Timestamp(2000),
            &email,
            &event(AuditAction::InvitationResent, 150)
        )
        .await
        .expect("resend"));
    assert!(s
        .invitation_by_token(&old, Timestamp(200))
        .await
        .expect("q")
        .is_none());
    assert!(
        s.invitation_by_token(&new, Timestamp(1500))
            .await
            .expect("q")
            .expect("new")
            .valid
    );
    assert_eq!(s.pending_invitations(bob).await.expect("p").len(), 1);
    assert!(s
        .withdraw_invitation(id, &event(AuditAction::InvitationWithdrawn, 160))
        .await
        .expect("withdraw"));
    assert!(!s
        .withdraw_invitation(id, &event(AuditAction::InvitationWithdrawn, 170))
        .await
        .expect("again"));
    assert!(
        !s.invitation_by_token(&new, Timestamp(200))
            .await
            .expect("q")
            .expect("row")
            .valid
    );
    assert!(s
        .accept_invitation(
            &new,
            Timestamp(200),
            None,
            &event(AuditAction::InvitationAccepted, 200)
        )
        .await
        .expect("accept")
        .is_none());
    assert!(s.pending_invitations(bob).await.expect("p").is_empty());
    let statuses: Vec<_> = s
        .assignments_of(bob)
        .await
        .expect("a")
        .into_iter()
        .map(|a| (a.organisation.code, a.status))
        .collect();
    assert!(
        statuses.contains(&("A81001".into(), AssignmentStatus::Withdrawn)),
        "{statuses:?}"
    );
    let (events, _) = s
        .audit_events(&AuditQuery {
            include_unplaced: true,
            ..audit_query(s, "GATEHOUSE").await
        })
        .await
        .expect("events");
    let actions: Vec<_> = events.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::InvitationWithdrawn,
            AuditAction::InvitationResent,
            AuditAction::InvitationSent
        ]
    );
}

conformance!(
    an_invitation_is_accepted_once_and_makes_a_new_person_active,
    an_invitation_can_be_replaced_or_withdrawn_and_never_doubles_a_role,
    an_invitation_to_an_account_the_inviter_could_not_see_is_settled_at_send,
    search_finds_nobody_through_an_invitation_never_accepted,
    search_finds_users_in_scope_by_each_of_the_five_fields,
    search_sorts_pages_and_flags_pending_reviews,
    revoke_ends_active_roles_under_the_organisation_within_scope_only,
    disabling_ends_every_session_and_enabling_restores_the_account,
    the_audit_trail_is_append_only_scoped_and_filtered_by_date,
);
