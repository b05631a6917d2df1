//! Benchmark data at national scale: `gatehouse bench-data` fills an empty database with
//! the whole ODS extract (about 16,000 organisations) and a realistic population of users, and
//! `gatehouse bench-search` times the Users search over it. Neither is a test; both print figures.
//!
//! Users go in through the same store calls as the service's own (no SQL of its own), so what is
//! measured is what the service reads. Every user shares one password hash (hashing 100,000
//! passwords would measure argon2, not Gatehouse).

use std::time::{Duration, Instant};

use domain::access::actor::Actor;
use domain::model::assignment::{AssignmentStatus, NewAssignment};
use domain::model::audit::{AuditAction, NewAudit};
use domain::model::organisation::OrgRef;
use domain::model::organisation::{OrgKind, Organisation};
use domain::model::role::Catalogue;
use domain::model::user::PasswordHasher;
use domain::model::user::{AccountStatus, NewUser, PasswordHash};
use domain::storage::UserSort;
use domain::storage::{Accounts, Directory, NewRegistration, NewRequest, Registrations, Requests};
use domain::values::password::NewPassword;
use domain::{Clock, EmailAddress, PersonName, UserId};
use store::Store;
use tokio::task::JoinSet;

mod openid;
mod review;
mod search;
mod two_factor;
pub use openid::*;
pub use review::*;
pub use search::*;
pub use two_factor::*;

const USAGE: &str = "usage: gatehouse bench-data [--users N] [--ods DIR]\n       \
                     gatehouse bench-search [--rounds N]\n\
                     Both use DATABASE_URL; bench-data needs a database without users.";

/// The password of every generated user, so a benchmark can sign in as any of them.
pub const BENCH_PASSWORD: &str = "Gatehouse-Bench-2026!";
pub const BENCH_DOMAIN: &str = "bench.gatehouse.example";
/// The Advanced User Administrator of the benchmarks' region, made by `data`.
pub const REGION_ADMIN: &str = "region.admin@bench.gatehouse.example";

const FIRST: &[&str] = &[
    "Aisha",
    "Alex",
    "Amelia",
    "Amir",
    "Ava",
    "Ben",
    "Charlotte",
    "Chloe",
    "Daniel",
    "David",
    "Ella",
    "Emily",
    "Ethan",
    "Fatima",
    "Freya",
    "George",
    "Grace",
    "Hannah",
    "Harry",
    "Isla",
    "Jack",
    "James",
    "Jasmine",
    "Joseph",
    "Joshua",
    "Katie",
    "Leo",
    "Liam",
    "Lily",
    "Lucy",
    "Mark",
    "Mia",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruby",
    "Samuel",
    "Sarah",
    "Sophie",
    "Thomas",
    "Uma",
    "Victoria",
    "William",
    "Yusuf",
    "Zara",
];
const LAST: &[&str] = &[
    "Adams",
    "Ahmed",
    "Ali",
    "Bailey",
    "Baker",
    "Begum",
    "Bell",
    "Brown",
    "Campbell",
    "Clarke",
    "Cooper",
    "Davies",
    "Edwards",
    "Evans",
    "Fletcher",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jones",
    "Khan",
    "King",
    "Lewis",
    "Martin",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Scott",
    "Shah",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
];

/// splitmix64: the same data from the same seed, without a dependency for it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// What one generated person is: their name, and their assignments or pending submission.
enum Person {
    Staff(Vec<(usize, &'static str, AssignmentStatus)>),
    Registration(usize, &'static str),
    Requester(usize, &'static str, usize, &'static str),
}

struct Plan {
    first: &'static str,
    last: &'static str,
    person: Person,
}

/// The population: most users are practice staff, some hold two practice roles or work at two
/// practices (locums); about one in twelve is a commissioner with two to four roles at an ICB or
/// sub-ICB location; one in a hundred has a registration waiting and one in a hundred an access
/// request. Indexes refer to the `practices` and `commissioners` lists.
fn plan(rng: &mut Rng, practices: usize, commissioners: usize) -> Plan {
    const PRACTICE_ROLES: &[&str] = &["Provider User", "Provider Approver", "User Administrator"];
    const COMMISSIONING_ROLES: &[&str] = &[
        "Commissioning User (tier 1)",
        "Commissioning Finance",
        "View",
        "Finance View",
        "Achievement Entry",
        "Commissioning Account Administrator",
        "Advanced User Administrator",
    ];
    let first = *rng.pick(FIRST);
    let last = *rng.pick(LAST);
    let roll = rng.below(100);
    let person = if roll < 1 {
        Person::Registration(rng.below(practices), "Provider User")
    } else if roll < 2 {
        Person::Requester(
            rng.below(practices),
            "Provider User",
            rng.below(practices),
            "Provider User",
        )
    } else if roll < 10 && commissioners > 0 {
        let at = rng.below(commissioners);
        let mut roles: Vec<&str> = Vec::new();
        for _ in 0..2 + rng.below(3) {
            let r = *rng.pick(COMMISSIONING_ROLES);
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        Person::Staff(
            roles
                .into_iter()
                .map(|r| (practices + at, r, AssignmentStatus::Active))
                .collect(),
        )
    } else {
        let at = rng.below(practices);
        let mut roles = vec![(at, *rng.pick(PRACTICE_ROLES), AssignmentStatus::Active)];
        if rng.chance(10) {
            // A locum: the same role at a second practice.
            roles.push((
                rng.below(practices),
                "Provider User",
                AssignmentStatus::Active,
            ));
        }
        if rng.chance(3) {
            roles.push((at, "Provider User", AssignmentStatus::Revoked));
        }
        Person::Staff(roles)
    };
    Plan {
        first,
        last,
        person,
    }
}

/// Every organisation of `kind`, a page at a time.
async fn all_of(
    store: &Store,
    kind: OrgKind,
) -> Result<Vec<Organisation>, Box<dyn std::error::Error>> {
    let root = store.platform_root().await?;
    let everything = domain::access::scope::compute(
        root.id,
        &root.path,
        domain::model::role::Reach::Subtree,
        None,
    );
    let mut out = Vec::new();
    loop {
        let (page, total) = store
            .organisations_in(&everything, Some(kind), "", out.len() as i64, 5_000)
            .await?;
        let done = page.is_empty();
        out.extend(page.into_iter().map(|(o, _)| o));
        if done || out.len() as i64 >= total {
            return Ok(out);
        }
    }
}

async fn write_person(
    store: &Store,
    catalogue: &Catalogue,
    orgs: &[Organisation],
    hash: &PasswordHash,
    n: usize,
    p: Plan,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let at = app::ssr::state::SystemClock.now();
    let email = EmailAddress::parse(&format!(
        "{}.{}.{n}@{BENCH_DOMAIN}",
        p.first.to_lowercase(),
        p.last.to_lowercase()
    ))
    .map_err(|_| "generated email")?;
    let first_name = PersonName::parse(p.first).map_err(|_| "generated name")?;
    let last_name = PersonName::parse(p.last).map_err(|_| "generated name")?;
    let role = |name: &str| {
        catalogue
            .by_name(name)
            .map(|r| r.id)
            .ok_or_else(|| format!("the catalogue has no {name}"))
    };
    let new_user = |status| NewUser {
        email: email.clone(),
        first_name: first_name.clone(),
        last_name: last_name.clone(),
        status,
        password_hash: Some(hash.clone()),
        created_at: at,
    };
    match p.person {
        Person::Staff(roles) => {
            let user = store.insert_user(&new_user(AccountStatus::Active)).await?;
            for (org, name, status) in roles {
                store
                    .insert_assignment(&NewAssignment {
                        user,
                        organisation: orgs[org].id,
                        role: role(name)?,
                        status,
                        payment_types: vec![],
                        created_at: at,
                    })
                    .await?;
            }
        }
        Person::Registration(org, name) => {
            store
                .register(&NewRegistration {
                    email,
                    first_name,
                    last_name,
                    organisation: orgs[org].id,
                    role: role(name)?,
                    at,
                    notify: vec![],
                    notice: String::new(),
                    emails: vec![],
                    audit: NewAudit::anonymous(AuditAction::RegistrationSubmitted, at, None),
                })
                .await?;
        }
        Person::Requester(org, name, other, other_name) => {
            let user = store.insert_user(&new_user(AccountStatus::Active)).await?;
            store
                .insert_assignment(&NewAssignment {
                    user,
                    organisation: orgs[org].id,
                    role: role(name)?,
                    status: AssignmentStatus::Active,
                    payment_types: vec![],
                    created_at: at,
                })
                .await?;
            if other != org {
                let mut audit = NewAudit::anonymous(AuditAction::AccessRequested, at, None);
                audit.actor = Some(user);
                store
                    .create_request(&NewRequest {
                        user,
                        organisation: orgs[other].id,
                        role: role(other_name)?,
                        reason: "Covering sessions at this practice".into(),
                        ends_at: None,
                        at,
                        notify: vec![],
                        notice: String::new(),
                        emails: vec![],
                        audit,
                    })
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn data_command(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let mut users = 100_000usize;
    let mut ods = "data/ods".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--users" => users = value()?.parse().map_err(|_| USAGE)?,
            "--ods" => ods = value()?,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    let config = server::Config::from_env()?;
    let store = store::connect(&config.database_url).await?;
    if store.count_users().await? > 0 {
        return Err("bench-data fills an empty database; this one has users already".into());
    }
    let started = Instant::now();
    if store.count_organisations().await? <= 1 {
        let read = |f: &str| {
            let p = format!("{ods}/{f}");
            std::fs::read_to_string(&p).map_err(|e| format!("{p}: {e}"))
        };
        let extracts = server::import::Extracts {
            icb_list: read("icb.csv")?,
            eccg: read("eccg.csv")?,
            epraccur: read("epraccur.csv")?,
        };
        server::import::import(&store, &extracts, None, false, &|_, _| {}).await?;
    }
    let organisations = store.count_organisations().await?;
    println!(
        "organisations: {organisations} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let catalogue = store.catalogue().await?;
    let practices = all_of(&store, OrgKind::Provider).await?;
    let commissioners = all_of(&store, OrgKind::Commissioning).await?;
    if practices.is_empty() {
        return Err("no practices: import the ODS extracts first".into());
    }
    let orgs: Vec<Organisation> = practices.iter().chain(&commissioners).cloned().collect();
    let password = NewPassword::parse(BENCH_PASSWORD).map_err(|_| "the bench password")?;
    let hash = app::ssr::hasher::Argon2Hasher::new(1)?
        .hash(&password)
        .await?;

    let started = Instant::now();
    let mut rng = Rng(0x6A7E_4005_E000_2026);
    let plans: Vec<Plan> = (0..users)
        .map(|_| plan(&mut rng, practices.len(), commissioners.len()))
        .collect();
    // A few writers at once: PostgreSQL takes them in parallel; SQLite queues them on its lock.
    const WRITERS: usize = 8;
    let orgs = std::sync::Arc::new(orgs);
    let mut chunks: Vec<Vec<(usize, Plan)>> = (0..WRITERS).map(|_| Vec::new()).collect();
    for (n, p) in plans.into_iter().enumerate() {
        chunks[n % WRITERS].push((n, p));
    }
    let mut jobs = JoinSet::new();
    for chunk in chunks {
        let (store, catalogue, orgs, hash) =
            (store.clone(), catalogue.clone(), orgs.clone(), hash.clone());
        jobs.spawn(async move {
            for (n, p) in chunk {
                write_person(&store, &catalogue, &orgs, &hash, n, p).await?;
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        });
    }
    while let Some(done) = jobs.join_next().await {
        done?.map_err(|e| e.to_string())?;
    }
    let secs = started.elapsed().as_secs_f64();
    // The administrator the page benchmarks sign in as (scripts/bench-growth.sh): an Advanced
    // User Administrator of the region the search benchmark searches as.
    let region = National::open().await.map_err(|e| e.to_string())?.region;
    let admin = store
        .insert_user(&NewUser {
            email: EmailAddress::parse(REGION_ADMIN).map_err(|_| "the region admin's email")?,
            first_name: PersonName::parse("Regional").map_err(|_| "generated name")?,
            last_name: PersonName::parse("Administrator").map_err(|_| "generated name")?,
            status: AccountStatus::Active,
            password_hash: Some(hash.clone()),
            created_at: app::ssr::state::SystemClock.now(),
        })
        .await?;
    store
        .insert_assignment(&NewAssignment {
            user: admin,
            organisation: region.id,
            role: catalogue
                .by_name("Advanced User Administrator")
                .ok_or("no Advanced User Administrator")?
                .id,
            status: AssignmentStatus::Active,
            payment_types: vec![],
            created_at: app::ssr::state::SystemClock.now(),
        })
        .await?;
    println!(
        "users: {} in {secs:.1} s ({:.0} a second), password {BENCH_PASSWORD}",
        store.count_users().await?,
        users as f64 / secs
    );
    Ok(())
}

/// Makes one search text from the generator's random stream.
type QueryMaker = Box<dyn Fn(&mut Rng) -> String>;
