//! Demo mode: on an empty database, real organisation data for one ICB (QHM, from the ODS extracts
//! in `demo-data/`) and one demo user per role of the catalogue. Demo users exist only here.

use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::user::PasswordHasher;
use domain::model::user::{AccountStatus, NewUser, PasswordHash};
use domain::storage::{Accounts, Clusters, Directory, Grants, StoreError};
use domain::values::password::NewPassword;
use domain::{EmailAddress, OdsCode, PersonName};
use store::Store;

pub const DEMO_PASSWORD: &str = "Gatehouse-Demo-2026!";
pub const DEMO_DOMAIN: &str = "demo.gatehouse.example";

const ICBS: &str = include_str!("../demo-data/icb.csv");
const COMMISSIONERS: &str = include_str!("../demo-data/eccg-qhm.csv");
const PRACTICES: &str = include_str!("../demo-data/epraccur-qhm.csv");

/// (email local part, first name, last name, [(role, organisation code, status)])
type DemoUser = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, AssignmentStatus)],
);

use AssignmentStatus::{Active, Revoked};

/// Commissioning roles sit at the ICB, practice roles at The Densham Surgery (A81001).
/// The demo user who has not signed in for 200 days.
pub const DORMANT_DEMO_USER: &str = "dormant";

pub const DEMO_USERS: &[DemoUser] = &[
    (
        "service.desk",
        "Sam",
        "Desk",
        &[("Service Desk", "GATEHOUSE", Active)],
    ),
    (
        "account.admin",
        "Alex",
        "Admin",
        &[("Commissioning Account Administrator", "QHM", Active)],
    ),
    (
        "commissioner.tier1",
        "Chris",
        "Tierone",
        &[("Commissioning User (tier 1)", "QHM", Active)],
    ),
    (
        "approver.tier2",
        "Pat",
        "Tiertwo",
        &[("Commissioning Approver (tier 2)", "QHM", Active)],
    ),
    (
        "finance",
        "Fran",
        "Finance",
        &[("Commissioning Finance", "QHM", Active)],
    ),
    (
        "provider.user",
        "Priya",
        "Provider",
        &[("Provider User", "A81001", Active)],
    ),
    (
        "provider.approver",
        "Morgan",
        "Manager",
        &[("Provider Approver", "A81001", Active)],
    ),
    (
        "advanced.admin",
        "Ade",
        "Advanced",
        &[("Advanced User Administrator", "QHM", Active)],
    ),
    (
        "user.admin",
        "Uma",
        "Useradmin",
        &[("User Administrator", "A81001", Active)],
    ),
    (
        "finance.view",
        "Finn",
        "Viewer",
        &[("Finance View", "QHM", Active)],
    ),
    ("view", "Vic", "Viewer", &[("View", "A81001", Active)]),
    (
        "achievement.entry",
        "Ash",
        "Entry",
        &[("Achievement Entry", "A81001", Active)],
    ),
    (
        "commissioning.management",
        "Cam",
        "Manager",
        &[("Commissioning Management", "QHM", Active)],
    ),
    (
        "service.management",
        "Sid",
        "Manager",
        &[("Service Management", "A81001", Active)],
    ),
    (
        "declaration.management",
        "Dee",
        "Manager",
        &[("Declaration Management", "A81001", Active)],
    ),
    (
        "approval.management",
        "Abi",
        "Manager",
        &[("Approval Management", "QHM", Active)],
    ),
    (
        "finance.management",
        "Fay",
        "Manager",
        &[("Finance Management", "QHM", Active)],
    ),
    (
        "supervisor",
        "Sue",
        "Supervisor",
        &[("Supervisor", "QHM", Active)],
    ),
    (
        "org.admin",
        "Olu",
        "Orgadmin",
        &[("Organisation Administrator", "QHM", Active)],
    ),
    // Switch Role: an Administrator who is also a Commissioning User at the same ICB.
    (
        "admin.commissioner",
        "Robin",
        "Tworoles",
        &[
            ("Commissioning Account Administrator", "QHM", Active),
            ("Commissioning User (tier 1)", "QHM", Active),
        ],
    ),
    // A practice manager looking after two practices, with a role at each.
    (
        "practice.manager",
        "Jo",
        "Twopractices",
        &[
            ("Provider User", "A81001", Active),
            ("Provider User", "A81002", Active),
        ],
    ),
    // Request Access: locums at The Densham Surgery who ask for access at other practices (one
    // per browser-test project, so parallel runs never share a request).
    (
        "locum.one",
        "Lee",
        "Locum",
        &[("Provider User", "A81001", Active)],
    ),
    (
        "locum.two",
        "Lou",
        "Locum",
        &[("Provider User", "A81001", Active)],
    ),
    (
        "locum.three",
        "Lyn",
        "Locum",
        &[("Provider User", "A81001", Active)],
    ),
    // Passwords and lock-out: practice staff who forget, change and lock their passwords (one per
    // browser-test project, so a lock-out in one run never stops another).
    (
        "staff.one",
        "Sam",
        "Staff",
        &[("Provider User", "A81022", Active)],
    ),
    (
        "staff.two",
        "Sol",
        "Staff",
        &[("Provider User", "A81022", Active)],
    ),
    (
        "staff.three",
        "Sky",
        "Staff",
        &[("Provider User", "A81022", Active)],
    ),
    // Covering staff, one per browser-test project: an administrator gives each an "Access ends
    // on" date, and the tests bring it into the past, so parallel runs never end another's role.
    (
        "cover.one",
        "Cory",
        "Cover",
        &[("Provider User", "A81005", Active)],
    ),
    (
        "cover.two",
        "Cass",
        "Cover",
        &[("Provider User", "A81005", Active)],
    ),
    (
        "cover.three",
        "Cal",
        "Cover",
        &[("Provider User", "A81005", Active)],
    ),
    // Added 200 days before the demo began and never signed in since: "Dormant" on Users (signing
    // in as them ends that).
    (
        DORMANT_DEMO_USER,
        "Dee",
        "Dormant",
        &[("Provider User", "A81005", Active)],
    ),
    // Restricted to the demo cluster below, so they reach only its practices.
    (
        "cluster.admin",
        "Cleo",
        "Cluster",
        &[("Commissioning Account Administrator", "QHM", Active)],
    ),
    (
        "cluster.user",
        "Cody",
        "Cluster",
        &[("Commissioning User (tier 1)", "QHM", Active)],
    ),
    // Revoked, so only My Profile is reachable.
    (
        "revoked",
        "Rey",
        "Revoked",
        &[("Provider User", "A81004", Revoked)],
    ),
];

/// The demo Service Provider Cluster, made by the Organisation Administrator at
/// QHM: (short name, name, description, members, users restricted to it).
pub const DEMO_CLUSTER: (&str, &str, &str, &[&str], &[&str]) = (
    "C61A6DB801",
    "Tees Valley North Practices",
    "GPs in the north of Tees Valley",
    &["A81001", "A81002", "A81005"],
    &["cluster.admin", "cluster.user"],
);

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data refers to {0}, which is missing")]
    Missing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] domain::model::user::HashError),
}

/// The demo's authenticator-app key (printed in the README, shown on the demo's code page).
pub use app::features::two_factor::DEMO_TOTP_SECRET;

/// Gives every demo user the policy asks a second factor of (an administrator under `admins`,
/// everyone under `everyone`) the demo's authenticator app, already confirmed.
async fn give_demo_administrators_an_app(
    store: &Store,
    catalogue: &domain::model::role::Catalogue,
    mfa: domain::model::second_factor::MfaPolicy,
    now: domain::Timestamp,
) -> Result<(), DemoError> {
    use domain::model::audit::{AuditAction, NewAudit};
    use domain::storage::{Accounts as _, SecondFactors};
    for (local, _, _, roles) in DEMO_USERS {
        let asked = roles
            .iter()
            .any(|(name, _, _)| mfa.requires(catalogue.by_name(name)));
        if !asked {
            continue;
        }
        let email = EmailAddress::parse(&format!("{local}@{DEMO_DOMAIN}"))
            .map_err(|_| DemoError::Missing((*local).into()))?;
        let Some(creds) = store.credentials(&email).await? else {
            continue;
        };
        store.begin_app(creds.user, DEMO_TOTP_SECRET, now).await?;
        let audit = NewAudit::by_user(creds.user, AuditAction::SecondFactorSetUp, now, None)
            .reason("Demo data: the demo authenticator app");
        store.confirm_app(creds.user, 0, &[], &audit).await?;
    }
    Ok(())
}

/// Fills an empty database; a database that already has users is left alone.
pub async fn seed(
    store: &Store,
    hasher: &impl PasswordHasher,
    now: domain::Timestamp,
    mfa: domain::model::second_factor::MfaPolicy,
) -> Result<bool, DemoError> {
    if store.count_users().await? > 0 {
        return Ok(false);
    }
    if store.count_organisations().await? <= 1 {
        // The same importer as `gatehouse import-ods`, on the QHM extracts.
        let extracts = crate::import::Extracts {
            icb_list: ICBS.into(),
            eccg: COMMISSIONERS.into(),
            epraccur: PRACTICES.into(),
        };
        let report =
            crate::import::import(store, &extracts, Some("QHM"), false, &|_, _| {}).await?;
        for r in &report.rejected {
            tracing::info!(source = r.source, line = r.line, reason = %r.reason, "demo data: skipped a row");
        }
        tracing::info!(
            organisations = report.summary.added,
            "demo data: organisations loaded"
        );
    }
    let catalogue = store.catalogue().await?;
    let password = NewPassword::parse(DEMO_PASSWORD)
        .map_err(|_| DemoError::Missing("a valid demo password".into()))?;
    // One hash for every demo user: they share the documented demo password anyway.
    let hash: PasswordHash = hasher.hash(&password).await?;
    let mut held: Vec<(&str, domain::AssignmentId, domain::UserId)> = Vec::new();
    for (local, first, last, roles) in DEMO_USERS {
        let email = EmailAddress::parse(&format!("{local}@{DEMO_DOMAIN}"))
            .map_err(|_| DemoError::Missing((*local).into()))?;
        let user = store
            .insert_user(&NewUser {
                email,
                first_name: PersonName::parse(first)
                    .map_err(|_| DemoError::Missing((*first).into()))?,
                last_name: PersonName::parse(last)
                    .map_err(|_| DemoError::Missing((*last).into()))?,
                status: AccountStatus::Active,
                password_hash: Some(hash.clone()),
                created_at: if *local == DORMANT_DEMO_USER {
                    domain::Timestamp(now.0 - 200 * 24 * 60 * 60)
                } else {
                    now
                },
            })
            .await?;
        for (role_name, code, status) in *roles {
            let role = catalogue
                .by_name(role_name)
                .ok_or_else(|| DemoError::Missing((*role_name).into()))?;
            let code = OdsCode::parse(code).map_err(|_| DemoError::Missing((*code).into()))?;
            let org = store
                .organisation_by_code(&code)
                .await?
                .ok_or_else(|| DemoError::Missing(code.to_string()))?;
            let assignment = store
                .insert_assignment(&NewAssignment {
                    user,
                    organisation: org.id,
                    role: role.id,
                    status: *status,
                    payment_types: vec![],
                    created_at: now,
                })
                .await?;
            held.push((local, assignment, user));
        }
    }
    tracing::info!(users = DEMO_USERS.len(), "demo data: users created");
    if mfa != domain::model::second_factor::MfaPolicy::Optional {
        give_demo_administrators_an_app(store, &catalogue, mfa, now).await?;
    }
    seed_cluster(store, &held, now).await?;
    seed_connected_service(store, now).await?;
    Ok(true)
}

/// The demo's connected service: the example claims service of `examples/claims-service`, at
/// <http://localhost:4000>, with the README's demo secret.
pub const DEMO_CLIENT_ID: &str = "claims-service";
/// Demo data only: printed in the README so that the example service runs from two commands.
pub const DEMO_CLIENT_SECRET: &str = "claims-service-demo-secret-not-for-real-use";
pub const DEMO_CLIENT_ORIGIN: &str = "http://localhost:4000";

async fn seed_connected_service(store: &Store, now: domain::Timestamp) -> Result<(), DemoError> {
    use domain::model::connected_service::ServiceSettings;
    use domain::storage::ConnectedServices;
    let secret = domain::values::clock::SecretToken::from_presented(DEMO_CLIENT_SECRET)
        .ok_or_else(|| DemoError::Missing("a valid demo client secret".into()))?;
    let settings = ServiceSettings {
        name: "Claims service (demo)".into(),
        redirect_uris: vec![format!("{DEMO_CLIENT_ORIGIN}/callback")],
        post_logout_redirect_uris: vec![format!("{DEMO_CLIENT_ORIGIN}/")],
        backchannel_logout_uri: Some(format!("{DEMO_CLIENT_ORIGIN}/backchannel-logout")),
    };
    let mut audit = domain::model::audit::NewAudit::anonymous(
        domain::model::audit::AuditAction::ConnectedServiceAdded,
        now,
        None,
    );
    audit.reason = Some(format!("{} ({DEMO_CLIENT_ID}) (demo data)", settings.name));
    store
        .add_service(DEMO_CLIENT_ID, &settings, Some(&secret.hash()), now, &audit)
        .await?;
    Ok(())
}

async fn seed_cluster(
    store: &Store,
    held: &[(&str, domain::AssignmentId, domain::UserId)],
    now: domain::Timestamp,
) -> Result<(), DemoError> {
    let (short_name, name, description, members, restricted) = DEMO_CLUSTER;
    let of = |local: &str| {
        held.iter()
            .find(|(l, _, _)| *l == local)
            .ok_or_else(|| DemoError::Missing(local.into()))
    };
    let owner = store
        .organisation_by_code(&OdsCode::parse("QHM").map_err(|_| DemoError::Missing("QHM".into()))?)
        .await?
        .ok_or_else(|| DemoError::Missing("QHM".into()))?;
    let codes: Vec<OdsCode> = members
        .iter()
        .filter_map(|c| OdsCode::parse(c).ok())
        .collect();
    let orgs = store.organisations_by_codes(&codes).await?;
    let by = of("org.admin")?.2;
    let mut audit = domain::model::audit::NewAudit::by_user(
        by,
        domain::model::audit::AuditAction::ClusterCreated,
        now,
        None,
    );
    audit.target_user = None;
    audit.organisation = Some(owner.id);
    audit.reason = Some(format!("{short_name} {name} (demo data)"));
    let id = store
        .create_cluster(&domain::model::cluster::ClusterChange {
            owner: owner.id,
            short_name: short_name.into(),
            name: name.into(),
            description: description.into(),
            members: orgs.iter().map(|(o, _)| o.id).collect(),
            at: now,
            by,
            audit,
        })
        .await?;
    for local in restricted {
        store
            .set_assignment_clusters(of(local)?.1, &[id], None)
            .await?;
    }
    Ok(())
}
