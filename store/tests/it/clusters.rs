//! Conformance of Service Provider Clusters on both backends: create with members
//! and audit in one step, the list newest first with counts and search, one live name per
//! organisation without case, change, retire, and the restriction every request reads.

use domain::access::scope::Restriction;
use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::cluster::{ClusterChange, ClusterId};
use domain::model::organisation::{NewOrganisation, OrgKind};
use domain::model::role::Reach;
use domain::model::session::NewSession;
use domain::model::user::{AccountStatus, NewUser, PasswordHash, UserId};
use domain::storage::{
    Accounts, Audit, Clusters, Directory, Grants, Registrations, Sessions, StoreError,
};
use domain::values::clock::{SecretToken, Timestamp, TokenSource};
use domain::{EmailAddress, OdsCode, OrgId, PersonName, RoleId};
use store::Store;

struct Fixed(u8);
impl TokenSource for Fixed {
    fn random_bytes(&self) -> [u8; 32] {
        [self.0; 32]
    }
}

fn org(code: &str, name: &str, kind: OrgKind, parent: &str) -> NewOrganisation {
    NewOrganisation {
        code: OdsCode::parse(code).expect("code"),
        name: name.into(),
        kind,
        type_label: "GP Practice".into(),
        parent_code: Some(OdsCode::parse(parent).expect("code")),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
    }
}

/// QHM with a sub-ICB location and three practices; QOP with one.
async fn tree(s: &Store) {
    let orgs = [
        org("QHM", "North East ICB", OrgKind::Commissioning, "GATEHOUSE"),
        org("16C", "Tees Valley", OrgKind::Commissioning, "QHM"),
        org("A81001", "Castle Practice", OrgKind::Provider, "16C"),
        org("A81002", "Harbour Surgery", OrgKind::Provider, "16C"),
        org("A81003", "Quay Medical", OrgKind::Provider, "QHM"),
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

async fn id_of(s: &Store, code: &str) -> domain::model::organisation::Organisation {
    s.organisation_by_code(&OdsCode::parse(code).expect("code"))
        .await
        .expect("q")
        .expect("org")
}

async fn person(s: &Store, email: &str) -> UserId {
    s.insert_user(&NewUser {
        email: EmailAddress::parse(email).expect("email"),
        first_name: PersonName::parse("Olu").expect("name"),
        last_name: PersonName::parse("Admin").expect("name"),
        status: AccountStatus::Active,
        password_hash: Some(PasswordHash::from_phc("$argon2id$fake".into())),
        created_at: Timestamp(1),
    })
    .await
    .expect("user")
}

fn audit(action: AuditAction, at: i64, by: UserId, owner: OrgId) -> NewAudit {
    NewAudit {
        at: Timestamp(at),
        actor: Some(by),
        acting_as: Some("Organisation Administrator at QHM".into()),
        action,
        target_user: None,
        organisation: Some(owner),
        reason: None,
        origin: None,
    }
}

async fn change(
    s: &Store,
    short: &str,
    name: &str,
    members: &[&str],
    at: i64,
    by: UserId,
) -> ClusterChange {
    let owner = id_of(s, "QHM").await.id;
    let mut ids = Vec::new();
    for m in members {
        ids.push(id_of(s, m).await.id);
    }
    ClusterChange {
        owner,
        short_name: short.into(),
        name: name.into(),
        description: format!("{name}, described"),
        members: ids,
        at: Timestamp(at),
        by,
        audit: audit(AuditAction::ClusterCreated, at, by, owner),
    }
}

async fn count_events(s: &Store, action: AuditAction) -> usize {
    let root = s.platform_root().await.expect("root");
    let (events, _) = s
        .audit_events(&domain::storage::AuditQuery {
            scope: domain::access::scope::compute(root.id, &root.path, Reach::Subtree, None),
            include_unplaced: true,
            user: None,
            action: Some(action),
            from: None,
            until: None,
            offset: 0,
            limit: 100,
        })
        .await
        .expect("events");
    events.len()
}

async fn clusters_are_created_listed_searched_changed_and_retired(s: &Store) {
    tree(s).await;
    let admin = person(s, "olu.admin@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await.id;
    let first = s
        .create_cluster(
            &change(
                s,
                "C61A6DB801",
                "Eastern City Practices",
                &["A81001", "A81002"],
                100,
                admin,
            )
            .await,
        )
        .await
        .expect("create");
    let second = s
        .create_cluster(&change(s, "873CF39E1C", "Northern Region", &["A81003"], 200, admin).await)
        .await
        .expect("create");
    // Newest first, each with its number of organisations.
    let list = s.clusters_of(qhm, "").await.expect("list");
    let rows: Vec<_> = list
        .iter()
        .map(|c| (c.short_name.as_str(), c.members))
        .collect();
    assert_eq!(rows, [("873CF39E1C", 1), ("C61A6DB801", 2)]);
    assert_eq!(list[1].created_at, Timestamp(100));
    // Search by part of the name (any case) or by short name.
    let by_name = s.clusters_of(qhm, "eastern").await.expect("search");
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].id, first);
    assert_eq!(s.clusters_of(qhm, "873CF39E1C").await.expect("s").len(), 1);
    assert!(
        s.clusters_of(qhm, "50%").await.expect("s").is_empty(),
        "LIKE wildcards are literal"
    );
    // Another organisation sees none of them.
    assert!(s
        .clusters_of(id_of(s, "QOP").await.id, "")
        .await
        .expect("q")
        .is_empty());
    // One live name per organisation, whatever its case.
    let clash = s
        .create_cluster(
            &change(
                s,
                "ABCDEF0001",
                "EASTERN CITY PRACTICES",
                &["A81003"],
                300,
                admin,
            )
            .await,
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(
        s.cluster_named(qhm, "eastern city practices")
            .await
            .expect("n"),
        Some(first)
    );
    // A clash leaves nothing behind: no cluster, no members, no audit event.
    assert_eq!(s.clusters_of(qhm, "").await.expect("list").len(), 2);
    assert_eq!(count_events(s, AuditAction::ClusterCreated).await, 2);
    // Members come back with their parents' names, by code.
    let members = s.cluster_members(first).await.expect("members");
    let codes: Vec<_> = members
        .iter()
        .map(|(o, p)| (o.code.as_str().to_owned(), p.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("A81001".to_owned(), "Tees Valley"),
            ("A81002".to_owned(), "Tees Valley")
        ]
    );
    // A change replaces name, description and members together.
    let mut changed = change(
        s,
        "C61A6DB801",
        "Eastern City",
        &["A81002", "A81003"],
        400,
        admin,
    )
    .await;
    changed.audit.action = AuditAction::ClusterUpdated;
    s.update_cluster(first, &changed).await.expect("update");
    let now = s
        .cluster_by_short_name("C61A6DB801")
        .await
        .expect("q")
        .expect("c");
    assert_eq!((now.name.as_str(), now.members), ("Eastern City", 2));
    let codes: Vec<_> = s
        .cluster_members(first)
        .await
        .expect("m")
        .into_iter()
        .map(|(o, _)| o.code.as_str().to_owned())
        .collect();
    assert_eq!(codes, ["A81002", "A81003"]);
    // Retired: kept and marked; its name is free again; it cannot be changed or retired twice.
    s.retire_cluster(
        second,
        Timestamp(500),
        &audit(AuditAction::ClusterRetired, 500, admin, qhm),
    )
    .await
    .expect("retire");
    let retired = s
        .cluster_by_short_name("873CF39E1C")
        .await
        .expect("q")
        .expect("c");
    assert_eq!(retired.retired_at, Some(Timestamp(500)));
    assert!(matches!(
        s.retire_cluster(
            second,
            Timestamp(600),
            &audit(AuditAction::ClusterRetired, 600, admin, qhm)
        )
        .await,
        Err(StoreError::Missing(_))
    ));
    assert!(matches!(
        s.update_cluster(
            second,
            &change(s, "873CF39E1C", "Back", &["A81003"], 700, admin).await
        )
        .await,
        Err(StoreError::Missing(_))
    ));
    s.create_cluster(&change(s, "ABCDEF0002", "Northern Region", &["A81003"], 800, admin).await)
        .await
        .expect("a retired cluster's name can be used again");
    assert_eq!(count_events(s, AuditAction::ClusterRetired).await, 1);
    assert_eq!(count_events(s, AuditAction::ClusterUpdated).await, 1);
    // Looking up codes in one step: those that exist, with their parents' names.
    let found = s
        .organisations_by_codes(&[
            OdsCode::parse("A81001").expect("c"),
            OdsCode::parse("Z99999").expect("c"),
        ])
        .await
        .expect("codes");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "Tees Valley");
}

async fn sign_in(
    s: &Store,
    user: UserId,
    assignment: domain::AssignmentId,
    n: u8,
) -> domain::values::clock::TokenHash {
    let id = SecretToken::generate(&Fixed(n)).hash();
    s.create_session(
        &NewSession {
            id_hash: id.clone(),
            user,
            assignment: Some(assignment),
            now: Timestamp(10),
            client: None,
            agent: None,
            proof: Default::default(),
        },
        &NewAudit::by_user(user, AuditAction::SignIn, Timestamp(10), None),
    )
    .await
    .expect("session");
    id
}

async fn paths(s: &Store, id: &domain::values::clock::TokenHash) -> Option<Vec<String>> {
    let ctx = s.session_context(id).await.expect("ctx").expect("session");
    ctx.acting.expect("acting").clusters.map(|m| {
        let mut v: Vec<String> = m.iter().map(|p| p.as_str().to_owned()).collect();
        v.sort();
        v
    })
}

async fn every_request_reads_the_live_clusters_of_the_acting_assignment(s: &Store) {
    tree(s).await;
    let admin = person(s, "olu.admin@example.nhs.uk").await;
    let cleo = person(s, "cleo.cluster@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await;
    let a81001 = id_of(s, "A81001").await;
    let a81003 = id_of(s, "A81003").await;
    let assignment = s
        .insert_assignment(&NewAssignment {
            user: cleo,
            organisation: qhm.id,
            role: RoleId(2),
            status: AssignmentStatus::Active,
            payment_types: vec![],
            created_at: Timestamp(1),
        })
        .await
        .expect("assignment");
    let session = sign_in(s, cleo, assignment, 1).await;
    assert_eq!(
        paths(s, &session).await,
        None,
        "no clusters: the whole organisation"
    );
    let east = s
        .create_cluster(&change(s, "C61A6DB801", "East", &["A81001"], 100, admin).await)
        .await
        .expect("create");
    let north = s
        .create_cluster(&change(s, "873CF39E1C", "North", &["A81003"], 100, admin).await)
        .await
        .expect("create");
    s.set_assignment_clusters(
        assignment,
        &[east, north],
        Some(&audit(
            AuditAction::AssignmentClustersChanged,
            150,
            admin,
            qhm.id,
        )),
    )
    .await
    .expect("assign");
    assert_eq!(
        paths(s, &session).await,
        Some(vec![
            a81001.path.as_str().to_owned(),
            a81003.path.as_str().to_owned()
        ])
    );
    // A change of members reaches the session on its next request.
    s.update_cluster(
        east,
        &change(s, "C61A6DB801", "East", &["A81002"], 200, admin).await,
    )
    .await
    .expect("update");
    let a81002 = id_of(s, "A81002").await;
    assert_eq!(
        paths(s, &session).await,
        Some(vec![
            a81002.path.as_str().to_owned(),
            a81003.path.as_str().to_owned()
        ])
    );
    // The restriction, as the domain builds it, reaches the members and nothing else.
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    let r = Restriction::new(&qhm.path, ctx.acting.expect("a").clusters.expect("c"));
    let scope = domain::access::scope::compute(qhm.id, &qhm.path, Reach::Subtree, Some(&r));
    let (orgs, total) = s
        .organisations_in(&scope, None, "", 0, 50)
        .await
        .expect("orgs");
    let codes: Vec<_> = orgs.iter().map(|(o, _)| o.code.as_str()).collect();
    assert_eq!((codes, total), (vec!["A81002", "A81003"], 2));
    // A retired cluster no longer reaches its members; when none is left the assignment reaches
    // nothing at all (it fails closed), never the whole organisation.
    s.retire_cluster(
        north,
        Timestamp(300),
        &audit(AuditAction::ClusterRetired, 300, admin, qhm.id),
    )
    .await
    .expect("retire");
    assert_eq!(
        paths(s, &session).await,
        Some(vec![a81002.path.as_str().to_owned()])
    );
    s.retire_cluster(
        east,
        Timestamp(301),
        &audit(AuditAction::ClusterRetired, 301, admin, qhm.id),
    )
    .await
    .expect("retire");
    assert_eq!(paths(s, &session).await, Some(vec![]));
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    let r = Restriction::new(&qhm.path, ctx.acting.expect("a").clusters.expect("c"));
    let scope = domain::access::scope::compute(qhm.id, &qhm.path, Reach::Subtree, Some(&r));
    let (orgs, total) = s
        .organisations_in(&scope, None, "", 0, 50)
        .await
        .expect("orgs");
    assert!(
        orgs.is_empty() && total == 0,
        "{total} organisations reached"
    );
    // Holders notified of a registration carry their restriction too.
    let live = s
        .create_cluster(&change(s, "ABCDEF0003", "Live", &["A81003"], 400, admin).await)
        .await
        .expect("create");
    s.set_assignment_clusters(assignment, &[live], None)
        .await
        .expect("assign");
    let holders = s.holders_above(&a81001.path).await.expect("holders");
    let cleo_holds = holders.iter().find(|h| h.user == cleo).expect("cleo");
    assert_eq!(
        cleo_holds.clusters.as_deref().map(|m| m.len()),
        Some(1),
        "{:?}",
        cleo_holds.clusters
    );
    // Only live clusters of the organisation the assignment is held at can be assigned: a
    // retired one, or one of another organisation, leaves the clusters as they were.
    let qop = s
        .create_cluster(&ClusterChange {
            owner: id_of(s, "QOP").await.id,
            ..change(s, "ABCDEF0004", "Elsewhere", &["P84001"], 500, admin).await
        })
        .await
        .expect("create");
    for bad in [east, qop, ClusterId(999_999)] {
        let r = s.set_assignment_clusters(assignment, &[bad], None).await;
        assert!(matches!(r, Err(StoreError::Missing(_))), "{bad:?}: {r:?}");
    }
    let still = paths(s, &session).await;
    assert_eq!(still, Some(vec![a81003.path.as_str().to_owned()]));
}

/// Payment types travel with the assignment into every request, in the catalogue's order; none
/// means all of them.
async fn every_request_reads_the_payment_types_of_the_acting_assignment(s: &Store) {
    tree(s).await;
    let finn = person(s, "finn.view@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await;
    let catalogue = s.catalogue().await.expect("catalogue");
    let codes: Vec<_> = catalogue
        .payment_types
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(codes, ["QOF", "DES", "LES", "LIS", "NES"]);
    let finance_view = catalogue.by_name("Finance View").expect("role").id;
    let mut sessions = Vec::new();
    for (n, types) in [
        (3u8, vec![]),
        (4u8, vec!["DES".to_owned(), "QOF".to_owned()]),
    ] {
        let a = s
            .insert_assignment(&NewAssignment {
                user: finn,
                organisation: qhm.id,
                role: finance_view,
                status: AssignmentStatus::Active,
                payment_types: types,
                created_at: Timestamp(1),
            })
            .await
            .expect("assignment");
        sessions.push(sign_in(s, finn, a, n).await);
    }
    let types = |ctx: domain::storage::SessionContext| ctx.acting.expect("acting").payment_types;
    let all = s
        .session_context(&sessions[0])
        .await
        .expect("c")
        .expect("s");
    assert!(types(all).is_empty());
    let some = s
        .session_context(&sessions[1])
        .await
        .expect("c")
        .expect("s");
    assert_eq!(types(some), ["QOF", "DES"]);
}

/// Add New User: the account waiting for its password, its roles with payment types
/// and clusters, the link, the email and the audit event, all or nothing.
async fn add_new_user_writes_everything_or_nothing(s: &Store) {
    use domain::storage::{AddedGrant, AddedUser, Outbox, TokenState};
    tree(s).await;
    let admin = person(s, "olu.admin@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await;
    let a81001 = id_of(s, "A81001").await;
    let east = s
        .create_cluster(&change(s, "C61A6DB801", "East", &["A81001"], 100, admin).await)
        .await
        .expect("create");
    let token = SecretToken::generate(&Fixed(7));
    let added = |email: &str, clusters: Vec<ClusterId>| AddedUser {
        user: NewUser {
            email: EmailAddress::parse(email).expect("email"),
            first_name: PersonName::parse("Nia").expect("n"),
            last_name: PersonName::parse("New").expect("n"),
            status: AccountStatus::Pending,
            password_hash: None,
            created_at: Timestamp(1_000),
        },
        phone: "0191 123 4567".into(),
        mobile: None,
        grants: vec![
            AddedGrant {
                organisation: qhm.id,
                role: RoleId(9),
                payment_types: vec!["QOF".into()],
                clusters,
            },
            AddedGrant {
                organisation: a81001.id,
                role: RoleId(6),
                payment_types: vec![],
                clusters: vec![],
            },
        ],
        ends_at: None,
        token: token.hash(),
        expires_at: Timestamp(2_000),
        email: domain::model::outbox::NewEmail {
            to: EmailAddress::parse(email).expect("email"),
            subject: "Gatehouse: an account has been made for you".into(),
            body: "link".into(),
        },
        audit: audit(AuditAction::UserAdded, 1_000, admin, qhm.id),
    };
    // A locum's account: every role it is given ends at the same instant.
    let mut locum = added("nia.new@example.nhs.uk", vec![east]);
    locum.ends_at = Some(Timestamp(90_000));
    let nia = s.add_user(&locum).await.expect("added");
    let user = s.user(nia).await.expect("q").expect("user");
    assert_eq!(user.status, AccountStatus::Pending);
    let roles = s.assignments_of(nia).await.expect("roles");
    assert_eq!(roles.len(), 2);
    assert!(roles.iter().all(|a| a.ends_at == Some(Timestamp(90_000))));
    let at_qhm = roles
        .iter()
        .find(|a| a.organisation.code == "QHM")
        .expect("QHM");
    assert_eq!(at_qhm.status, AssignmentStatus::Active);
    assert_eq!(at_qhm.payment_types, ["QOF"]);
    assert!(matches!(
        s.activation_token(&token.hash(), Timestamp(1_500)).await.expect("t"),
        TokenState::Valid { user, .. } if user == nia
    ));
    assert_eq!(s.outbox(10).await.expect("o").len(), 1);
    assert_eq!(count_events(s, AuditAction::UserAdded).await, 1);
    // Signed in as the QHM role, the session carries its payment types and cluster.
    let session = sign_in(s, nia, at_qhm.id, 9).await;
    assert_eq!(
        paths(s, &session).await,
        Some(vec![a81001.path.as_str().to_owned()])
    );
    // The same address again, or a retired cluster: nothing at all is written.
    let users_before = s.count_users().await.expect("n");
    let again = s.add_user(&added("nia.new@example.nhs.uk", vec![])).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    s.retire_cluster(
        east,
        Timestamp(1_100),
        &audit(AuditAction::ClusterRetired, 1_100, admin, qhm.id),
    )
    .await
    .expect("retire");
    let retired = s
        .add_user(&added("other.new@example.nhs.uk", vec![east]))
        .await;
    assert!(
        matches!(retired, Err(StoreError::Missing(_))),
        "{retired:?}"
    );
    assert_eq!(s.count_users().await.expect("n"), users_before);
    assert_eq!(s.outbox(10).await.expect("o").len(), 1);
    assert_eq!(count_events(s, AuditAction::UserAdded).await, 1);
}

/// Changing an active role's payment types and clusters replaces both at once, or nothing.
async fn an_active_roles_payment_types_and_clusters_are_replaced_together(s: &Store) {
    tree(s).await;
    let admin = person(s, "olu.admin@example.nhs.uk").await;
    let finn = person(s, "finn.view@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await;
    let a81001 = id_of(s, "A81001").await;
    let assignment = s
        .insert_assignment(&NewAssignment {
            user: finn,
            organisation: qhm.id,
            role: RoleId(9),
            status: AssignmentStatus::Active,
            payment_types: vec!["LES".into()],
            created_at: Timestamp(1),
        })
        .await
        .expect("assignment");
    let east = s
        .create_cluster(&change(s, "C61A6DB801", "East", &["A81001"], 100, admin).await)
        .await
        .expect("create");
    let event = audit(AuditAction::AssignmentClustersChanged, 200, admin, qhm.id);
    s.restrict_assignment(
        assignment,
        RoleId(9),
        &["DES".into(), "QOF".into()],
        &[east],
        &event,
    )
    .await
    .expect("restrict");
    let session = sign_in(s, finn, assignment, 5).await;
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    let acting = ctx.acting.expect("acting");
    assert_eq!(acting.payment_types, ["QOF", "DES"]);
    assert_eq!(
        acting
            .clusters
            .map(|m| m.iter().map(|p| p.as_str().to_owned()).collect::<Vec<_>>()),
        Some(vec![a81001.path.as_str().to_owned()])
    );
    let view = s.assignments_of(finn).await.expect("a");
    assert_eq!(
        view[0].clusters,
        [("C61A6DB801".to_owned(), "East".to_owned())]
    );
    // Another organisation's cluster: refused, and the role keeps what it had.
    let qop = s
        .create_cluster(&ClusterChange {
            owner: id_of(s, "QOP").await.id,
            ..change(s, "ABCDEF0005", "West", &["P84001"], 300, admin).await
        })
        .await
        .expect("create");
    let refused = s
        .restrict_assignment(assignment, RoleId(9), &[], &[qop], &event)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Missing(_))),
        "{refused:?}"
    );
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    assert_eq!(ctx.acting.expect("acting").payment_types, ["QOF", "DES"]);
    assert_eq!(
        count_events(s, AuditAction::AssignmentClustersChanged).await,
        1
    );
    // Nothing ticked: all payment types, the whole organisation.
    s.restrict_assignment(assignment, RoleId(9), &[], &[], &event)
        .await
        .expect("clear");
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    let acting = ctx.acting.expect("acting");
    assert!(acting.payment_types.is_empty() && acting.clusters.is_none());
    // The role itself changes too: the same session acts as the new role on its next request.
    s.restrict_assignment(assignment, RoleId(3), &[], &[], &event)
        .await
        .expect("tier 1");
    let ctx = s.session_context(&session).await.expect("c").expect("s");
    assert_eq!(ctx.acting.expect("acting").role, RoleId(3));
    // Not to a role held there by another assignment, nor to tier 2 beside an active tier 1.
    s.insert_assignment(&NewAssignment {
        user: finn,
        organisation: qhm.id,
        role: RoleId(9),
        status: AssignmentStatus::Active,
        payment_types: vec![],
        created_at: Timestamp(2),
    })
    .await
    .expect("a second role");
    let other = s
        .assignments_of(finn)
        .await
        .expect("a")
        .into_iter()
        .find(|a| a.id != assignment)
        .expect("the second")
        .id;
    for (which, to) in [(assignment, 9), (other, 4)] {
        let r = s
            .restrict_assignment(which, RoleId(to), &[], &[], &event)
            .await;
        assert!(matches!(r, Err(StoreError::Conflict(_))), "{to}: {r:?}");
    }
    let roles: Vec<i64> = s
        .assignments_of(finn)
        .await
        .expect("a")
        .iter()
        .map(|a| a.role.0)
        .collect();
    assert!(roles.contains(&3) && roles.contains(&9), "{roles:?}");
}

/// Add Organisation on an existing user's page: roles with their payment types and
/// clusters, the email and the audit event together; a role held, waited for or conflicting
/// with one held there refuses the whole submission; racing twins write one role.
async fn add_organisation_grants_each_role_once_and_never_beside_a_conflicting_one(s: &Store) {
    use domain::storage::{AddedGrant, GrantedRoles, Outbox};
    tree(s).await;
    let admin = person(s, "olu.admin@example.nhs.uk").await;
    let finn = person(s, "finn.view@example.nhs.uk").await;
    let qhm = id_of(s, "QHM").await;
    let a81001 = id_of(s, "A81001").await;
    let a81002 = id_of(s, "A81002").await;
    // Finn is a Commissioning User (tier 1, role 3) at QHM; tier 2 (role 4) conflicts with it.
    s.insert_assignment(&NewAssignment {
        user: finn,
        organisation: qhm.id,
        role: RoleId(3),
        status: AssignmentStatus::Active,
        payment_types: vec![],
        created_at: Timestamp(1),
    })
    .await
    .expect("assignment");
    let east = s
        .create_cluster(&change(s, "C61A6DB801", "East", &["A81001"], 100, admin).await)
        .await
        .expect("create");
    let grant = |org: OrgId, role: i64, payment: &[&str], clusters: Vec<ClusterId>| AddedGrant {
        organisation: org,
        role: RoleId(role),
        payment_types: payment.iter().map(|p| p.to_string()).collect(),
        clusters,
    };
    let granted = |grants: Vec<AddedGrant>| GrantedRoles {
        user: finn,
        grants,
        ends_at: None,
        at: Timestamp(1_000),
        email: domain::model::outbox::NewEmail {
            to: EmailAddress::parse("finn.view@example.nhs.uk").expect("email"),
            subject: "Gatehouse: you have been given new access".into(),
            body: "roles".into(),
        },
        audits: vec![
            audit(AuditAction::RolesAdded, 1_000, admin, qhm.id),
            audit(AuditAction::RolesAdded, 1_000, admin, a81001.id),
        ],
    };
    // Given until an end: the new roles carry it, the role Finn held already does not.
    let mut until = granted(vec![
        grant(qhm.id, 9, &["QOF"], vec![east]),
        grant(a81001.id, 6, &[], vec![]),
    ]);
    until.ends_at = Some(Timestamp(90_000));
    s.grant_roles(&until).await.expect("granted");
    let roles = s.assignments_of(finn).await.expect("roles");
    assert_eq!(roles.len(), 3);
    let ending: Vec<_> = roles.iter().filter_map(|a| a.ends_at).collect();
    assert_eq!(ending, [Timestamp(90_000), Timestamp(90_000)]);
    let finance = roles
        .iter()
        .find(|a| a.role == RoleId(9))
        .expect("the new role at QHM");
    assert_eq!(finance.status, AssignmentStatus::Active);
    assert_eq!(finance.payment_types, ["QOF"]);
    assert_eq!(
        finance.clusters,
        [("C61A6DB801".to_owned(), "East".to_owned())]
    );
    assert_eq!(s.outbox(10).await.expect("o").len(), 1);
    assert_eq!(count_events(s, AuditAction::RolesAdded).await, 2);
    // Refused whole: a role held (with a new one beside it), and tier 2 beside tier 1.
    for refused in [
        vec![
            grant(a81002.id, 6, &[], vec![]),
            grant(qhm.id, 9, &[], vec![]),
        ],
        vec![grant(qhm.id, 4, &[], vec![])],
    ] {
        let r = s.grant_roles(&granted(refused)).await;
        assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    }
    assert_eq!(s.assignments_of(finn).await.expect("roles").len(), 3);
    assert_eq!(s.outbox(10).await.expect("o").len(), 1);
    assert_eq!(count_events(s, AuditAction::RolesAdded).await, 2);
    // Eight racing twins: exactly one role is written.
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (s, g) = (s.clone(), granted(vec![grant(a81002.id, 6, &[], vec![])]));
        tries.spawn(async move { s.grant_roles(&g).await });
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
    assert_eq!(s.assignments_of(finn).await.expect("roles").len(), 4);
}

conformance!(
    add_organisation_grants_each_role_once_and_never_beside_a_conflicting_one,
    an_active_roles_payment_types_and_clusters_are_replaced_together,
    add_new_user_writes_everything_or_nothing,
    clusters_are_created_listed_searched_changed_and_retired,
    every_request_reads_the_live_clusters_of_the_acting_assignment,
    every_request_reads_the_payment_types_of_the_acting_assignment,
);
