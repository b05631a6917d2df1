//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::model::role::{Capability, Reach};
use domain::model::session::NewSession;
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{Accounts, Directory, Sessions, StoreError};
use domain::values::clock::{SecretToken, Timestamp, TokenHash, TokenSource};
use domain::{AssignmentId, EmailAddress, OdsCode, OrgId, PersonName};
use store::Store;

struct Fixed(u8);
impl TokenSource for Fixed {
    fn random_bytes(&self) -> [u8; 32] {
        [self.0; 32]
    }
}

fn org(code: &str, kind: OrgKind, parent: Option<&str>) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: format!("Org {code}"),
        kind,
        type_label: "Test".into(),
        parent_code: parent.map(|p| OdsCode::parse(p).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
    }
}

pub(crate) async fn small_tree(s: &Store) {
    let orgs = [
        org("Y63", OrgKind::Commissioning, Some("GATEHOUSE")),
        org("QHM", OrgKind::Commissioning, Some("Y63")),
        org("16C", OrgKind::Commissioning, Some("QHM")),
        org("A81001", OrgKind::Provider, Some("16C")),
        org("A81002", OrgKind::Provider, Some("16C")),
    ];
    assert_eq!(
        s.insert_organisations(&orgs, None).await.expect("insert"),
        5
    );
}

pub(crate) async fn user(s: &Store, email: &str) -> UserId {
    s.insert_user(&NewUser {
        email: EmailAddress::parse(email).expect("email"),
        first_name: PersonName::parse("Jane").expect("name"),
        last_name: PersonName::parse("Smith").expect("name"),
        status: AccountStatus::Active,
        password_hash: Some(PasswordHash::from_phc("$argon2id$fake".into())),
        created_at: Timestamp(1),
    })
    .await
    .expect("user")
}

async fn org_id(s: &Store, code: &str) -> OrgId {
    s.organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("query")
        .expect("exists")
        .id
}

pub(crate) async fn assign(
    s: &Store,
    u: UserId,
    code: &str,
    role: i64,
    status: AssignmentStatus,
) -> domain::AssignmentId {
    let organisation = org_id(s, code).await;
    s.insert_assignment(&NewAssignment {
        user: u,
        organisation,
        role: domain::RoleId(role),
        status,
        payment_types: vec![],
        created_at: Timestamp(1),
    })
    .await
    .expect("assignment")
}

async fn the_default_catalogue_holds_every_role_with_its_capabilities(s: &Store) {
    let c = s.catalogue().await.expect("catalogue");
    assert_eq!(c.roles.len(), 19);
    let caa = c
        .by_name("Commissioning Account Administrator")
        .expect("CAA");
    assert!(caa
        .grants
        .iter()
        .any(|g| g.capability == Capability::ManageUsers && g.reach == Reach::Subtree));
    let ua = c.by_name("User Administrator").expect("UA");
    assert!(ua
        .grants
        .iter()
        .any(|g| g.capability == Capability::ManageUsers && g.reach == Reach::Organisation));
    assert!(ua.may_be_held_at(OrgKind::Provider) && ua.may_be_held_at(OrgKind::Commissioning));
    assert!(
        c.by_name("Commissioning Approver (tier 2)")
            .expect("tier 2")
            .approver_tier
    );
    assert!(c.by_name("Finance View").expect("FV").payment_restrictable);
    assert!(!c
        .by_name("Service Management")
        .expect("SM")
        .may_be_held_at(OrgKind::Commissioning));
    // Administrators do not switch approval level; commissioners do.
    assert!(!caa
        .grants
        .iter()
        .any(|g| g.capability == Capability::SetApprovalLevel));
    let cu = c.by_name("Commissioning User (tier 1)").expect("tier 1");
    assert!(cu
        .grants
        .iter()
        .any(|g| g.capability == Capability::SetApprovalLevel));
    let desk = c.by_name("Service Desk").expect("desk");
    assert!(desk.may_be_held_at(OrgKind::Platform));
}

async fn organisations_take_their_path_from_their_parent(s: &Store) {
    small_tree(s).await;
    let root = s.platform_root().await.expect("root");
    let icb = s
        .organisation_by_code(&OdsCode::parse("qhm").expect("code"))
        .await
        .expect("q")
        .expect("QHM");
    let practice = s
        .organisation_by_code(&OdsCode::parse("A81001").expect("code"))
        .await
        .expect("q")
        .expect("A81001");
    assert!(root.path.covers(&practice.path));
    assert!(icb.path.covers(&practice.path));
    assert!(!practice.path.covers(&icb.path));
    assert_eq!(practice.path.depth(), 5);
    assert_eq!(practice.kind, OrgKind::Provider);
    assert_eq!(
        s.organisation(practice.id).await.expect("q"),
        Some(practice)
    );
    assert_eq!(s.count_organisations().await.expect("count"), 6);
}

async fn a_batch_with_an_unknown_parent_changes_nothing(s: &Store) {
    let orgs = [
        org("Y63", OrgKind::Commissioning, Some("GATEHOUSE")),
        org("A81009", OrgKind::Provider, Some("NOPE1")),
    ];
    assert!(matches!(
        s.insert_organisations(&orgs, None).await,
        Err(StoreError::Missing(_))
    ));
    assert_eq!(s.count_organisations().await.expect("count"), 1);
}

async fn a_provider_cannot_parent_another_organisation(s: &Store) {
    small_tree(s).await;
    let orgs = [org("A81003", OrgKind::Provider, Some("A81001"))];
    assert!(s.insert_organisations(&orgs, None).await.is_err());
}

async fn organisation_codes_and_user_emails_are_unique(s: &Store) {
    small_tree(s).await;
    let again = [org("a81001", OrgKind::Provider, Some("16C"))];
    assert!(matches!(
        s.insert_organisations(&again, None).await,
        Err(StoreError::Conflict(_))
    ));
    user(s, "jane@nhs.net").await;
    let dup = s
        .insert_user(&NewUser {
            email: EmailAddress::parse("JANE@nhs.net").expect("email"),
            first_name: PersonName::parse("J").expect("n"),
            last_name: PersonName::parse("S").expect("n"),
            status: AccountStatus::Pending,
            password_hash: None,
            created_at: Timestamp(2),
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))));
}

async fn credentials_are_found_by_email_only(s: &Store) {
    let u = user(s, "jane@nhs.net").await;
    let c = s
        .credentials(&EmailAddress::parse("Jane@NHS.net").expect("e"))
        .await
        .expect("q")
        .expect("found");
    assert_eq!(c.user, u);
    assert_eq!(c.status, AccountStatus::Active);
    assert_eq!(
        c.password_hash.as_ref().map(|h| h.as_phc()),
        Some("$argon2id$fake")
    );
    assert!(s
        .credentials(&EmailAddress::parse("nobody@nhs.net").expect("e"))
        .await
        .expect("q")
        .is_none());
    let full = s.user(u).await.expect("q").expect("user");
    assert_eq!(full.first_name, "Jane");
}

async fn assignments_come_with_organisation_role_and_payment_types(s: &Store) {
    small_tree(s).await;
    let u = user(s, "jane@nhs.net").await;
    let icb = org_id(s, "QHM").await;
    s.insert_assignment(&NewAssignment {
        user: u,
        organisation: icb,
        role: domain::RoleId(10),
        status: AssignmentStatus::Active,
        payment_types: vec!["QOF".into(), "DES".into()],
        created_at: Timestamp(1),
    })
    .await
    .expect("assign");
    assign(s, u, "A81001", 6, AssignmentStatus::Pending).await;
    let views = s.assignments_of(u).await.expect("views");
    assert_eq!(views.len(), 2);
    let fv = views
        .iter()
        .find(|v| v.role_name == "Finance View")
        .expect("finance view");
    assert_eq!(fv.organisation.code, "QHM");
    // In the catalogue's order (QOF first), as the header and the session show them.
    assert_eq!(fv.payment_types, ["QOF", "DES"]);
    let pu = views
        .iter()
        .find(|v| v.role_name == "Provider User")
        .expect("provider user");
    assert_eq!(pu.status, AssignmentStatus::Pending);
    assert_eq!(pu.organisation.kind, OrgKind::Provider);
}

async fn an_unknown_payment_type_refuses_the_whole_assignment(s: &Store) {
    small_tree(s).await;
    let u = user(s, "jane@nhs.net").await;
    let icb = org_id(s, "QHM").await;
    let r = s
        .insert_assignment(&NewAssignment {
            user: u,
            organisation: icb,
            role: domain::RoleId(10),
            status: AssignmentStatus::Active,
            payment_types: vec!["QOF".into(), "NOPE".into()],
            created_at: Timestamp(1),
        })
        .await;
    assert!(r.is_err());
    assert!(s.assignments_of(u).await.expect("views").is_empty());
}

/// A new session of `user` under `id`, acting as `assignment`, started at `now`.
fn session(id: TokenHash, user: UserId, assignment: Option<AssignmentId>, now: i64) -> NewSession {
    NewSession {
        id_hash: id,
        user,
        assignment,
        now: Timestamp(now),
        client: None,
        agent: None,
        proof: Default::default(),
    }
}

fn event(action: AuditAction) -> NewAudit {
    NewAudit::anonymous(action, Timestamp(1), Some("127.0.0.1"))
}

async fn a_session_reads_its_acting_assignment_while_it_is_active(s: &Store) {
    small_tree(s).await;
    let u = user(s, "jane@nhs.net").await;
    let active = assign(s, u, "A81001", 6, AssignmentStatus::Active).await;
    let revoked = assign(s, u, "A81002", 6, AssignmentStatus::Revoked).await;
    let t1 = SecretToken::generate(&Fixed(1));
    s.create_session(
        &session(t1.hash(), u, Some(active), 100),
        &event(AuditAction::SignIn),
    )
    .await
    .expect("create");
    let ctx = s
        .session_context(&t1.hash())
        .await
        .expect("q")
        .expect("session");
    assert_eq!(ctx.user.id, u);
    let acting = ctx.acting.expect("acting");
    assert_eq!(acting.assignment, active);
    assert_eq!(acting.organisation.code, "A81001");
    assert_eq!(ctx.session.created_at, Timestamp(100));

    let t2 = SecretToken::generate(&Fixed(2));
    s.create_session(
        &session(t2.hash(), u, Some(revoked), 100),
        &event(AuditAction::SignIn),
    )
    .await
    .expect("create");
    let ctx = s
        .session_context(&t2.hash())
        .await
        .expect("q")
        .expect("session");
    assert!(
        ctx.acting.is_none(),
        "a revoked assignment is never acted as"
    );
}

async fn rotating_a_session_ends_the_old_id(s: &Store) {
    let u = user(s, "jane@nhs.net").await;
    let old = SecretToken::generate(&Fixed(1));
    let new = SecretToken::generate(&Fixed(2));
    s.create_session(
        &session(old.hash(), u, None, 1),
        &event(AuditAction::SignIn),
    )
    .await
    .expect("c");
    s.rotate_session(
        &old.hash(),
        &session(new.hash(), u, None, 5),
        &event(AuditAction::RoleSwitch),
    )
    .await
    .expect("rotate");
    assert!(s.session_context(&old.hash()).await.expect("q").is_none());
    let ctx = s
        .session_context(&new.hash())
        .await
        .expect("q")
        .expect("new");
    assert_eq!(ctx.session.created_at, Timestamp(5));
    s.touch_session(&new.hash(), Timestamp(70))
        .await
        .expect("touch");
    let ctx = s
        .session_context(&new.hash())
        .await
        .expect("q")
        .expect("new");
    assert_eq!(ctx.session.last_seen_at, Timestamp(70));
    s.delete_session(&new.hash()).await.expect("delete");
    assert!(s.session_context(&new.hash()).await.expect("q").is_none());
}

/// The requests of one session in flight when it falls due for a touch each ask for it; the
/// session is written once, and a touch never moves its last use back.
async fn a_session_falling_due_is_touched_once_and_never_back(s: &Store) {
    let u = user(s, "jane@nhs.net").await;
    let id = SecretToken::generate(&Fixed(1)).hash();
    s.create_session(
        &session(id.clone(), u, None, 1),
        &event(AuditAction::SignIn),
    )
    .await
    .expect("create");
    let touches: Vec<_> = (0..8)
        .map(|_| {
            let (s, id) = (s.clone(), id.clone());
            tokio::spawn(async move { s.touch_session(&id, Timestamp(70)).await })
        })
        .collect();
    let mut written = 0;
    for t in touches {
        if t.await.expect("task").expect("touch") {
            written += 1;
        }
    }
    assert_eq!(written, 1, "eight touches at once write the session once");
    let seen = |s: &Store| {
        let (s, id) = (s.clone(), id.clone());
        async move {
            s.session_context(&id)
                .await
                .expect("q")
                .expect("live")
                .session
                .last_seen_at
        }
    };
    assert_eq!(seen(s).await, Timestamp(70));
    assert!(
        !s.touch_session(&id, Timestamp(40)).await.expect("touch"),
        "a touch with an earlier time changes nothing"
    );
    assert_eq!(seen(s).await, Timestamp(70));
    assert!(s.touch_session(&id, Timestamp(130)).await.expect("touch"));
    assert_eq!(seen(s).await, Timestamp(130));
    assert!(
        !s.touch_session(&SecretToken::generate(&Fixed(9)).hash(), Timestamp(200))
            .await
            .expect("touch"),
        "no session, nothing touched"
    );
}

conformance!(
    the_default_catalogue_holds_every_role_with_its_capabilities,
    organisations_take_their_path_from_their_parent,
    a_batch_with_an_unknown_parent_changes_nothing,
    a_provider_cannot_parent_another_organisation,
    organisation_codes_and_user_emails_are_unique,
    credentials_are_found_by_email_only,
    assignments_come_with_organisation_role_and_payment_types,
    an_unknown_payment_type_refuses_the_whole_assignment,
    a_session_reads_its_acting_assignment_while_it_is_active,
    rotating_a_session_ends_the_old_id,
    a_session_falling_due_is_touched_once_and_never_back,
);
