//! `gatehouse bench-search` and `gatehouse bench-hash`: the user search at national scale for
//! viewers at three levels, and the cost of one password hash.

use super::*;

pub(super) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// An actor holding `role` at `org`, as the user `user`.
pub(super) fn actor_at(
    catalogue: &Catalogue,
    org: &Organisation,
    role: &str,
    user: UserId,
) -> Result<Actor, String> {
    let role = catalogue.by_name(role).ok_or(format!("no role {role}"))?;
    Ok(Actor::new(
        user,
        domain::AssignmentId(0),
        OrgRef {
            id: org.id,
            code: org.code.to_string(),
            name: org.name.clone(),
            kind: org.kind,
            path: org.path.clone(),
        },
        role,
        None,
    ))
}

/// The services every use case takes, as the server builds them.
pub(super) fn services<'a>(
    store: &'a Store,
    catalogue: &'a Catalogue,
    clock: &'a app::ssr::state::SystemClock,
    hasher: &'a app::ssr::hasher::Argon2Hasher,
) -> domain::services::Services<'a, Store> {
    domain::services::Services {
        store,
        catalogue,
        clock,
        tokens: &app::ssr::state::OsTokens,
        hasher,
        base_url: "",
        sessions: domain::model::session::SessionPolicy::default(),
        lock_after: 5,
        max_temporary_days: domain::rules::access_end::MAX_DAYS,
        mfa: domain::model::second_factor::MfaPolicy::Optional,
    }
}

/// `--rounds N` of a command's arguments, or `default`.
pub(super) fn rounds_of(
    args: &[String],
    default: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut rounds = default;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => rounds = it.next().and_then(|v| v.parse().ok()).ok_or(USAGE)?,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    Ok(rounds)
}

/// The national database a benchmark reads, and what it needs of it: the practices, the
/// platform's root, and one NHS England region (the first organisation under the root: its
/// ICBs, sub-ICB locations and practices).
pub(super) struct National {
    pub store: Store,
    pub catalogue: Catalogue,
    pub users: i64,
    pub practices: Vec<Organisation>,
    pub root: Organisation,
    pub region: Organisation,
}

impl National {
    pub async fn open() -> Result<Self, Box<dyn std::error::Error>> {
        let config = server::Config::from_env()?;
        let store = store::connect(&config.database_url).await?;
        let catalogue = store.catalogue().await?;
        let users = store.count_users().await?;
        let practices = all_of(&store, OrgKind::Provider).await?;
        let commissioners = all_of(&store, OrgKind::Commissioning).await?;
        let root = store.platform_root().await?;
        let region = commissioners
            .into_iter()
            .find(|o| o.parent == Some(root.id))
            .ok_or("no region: run bench-data first")?;
        Ok(Self {
            store,
            catalogue,
            users,
            practices,
            root,
            region,
        })
    }
}

/// Times the Users search (`domain::features::users::search`, the server function's own call) for each of
/// the five fields it searches, as two administrators: the Service Desk, whose scope is the whole
/// country, and an Advanced User Administrator of one NHS England region (the first organisation
/// under the platform's root: a region's ICBs, sub-ICB locations and practices).
pub async fn search_command(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let rounds = rounds_of(args, 200)?;
    let National {
        store,
        catalogue,
        users,
        practices,
        root,
        region,
    } = National::open().await?;
    let region = &region;
    let actor_at = |org: &Organisation, role: &str| actor_at(&catalogue, org, role, UserId(0));
    let viewers = [
        ("Service Desk (national)", actor_at(&root, "Service Desk")?),
        (
            "Advanced User Administrator (one region)",
            actor_at(region, "Advanced User Administrator")?,
        ),
    ];
    let mut rng = Rng(0x5EA2_C400_0000_2026);
    let fields: [(&str, QueryMaker); 5] = [
        (
            "first name",
            Box::new(|r: &mut Rng| r.pick(FIRST)[..3].to_string()),
        ),
        (
            "last name",
            Box::new(|r: &mut Rng| r.pick(LAST)[..3].to_string()),
        ),
        (
            "email",
            Box::new(|r: &mut Rng| format!("{}.{}", r.pick(FIRST), r.pick(LAST)).to_lowercase()),
        ),
        ("ODS code", {
            let codes: Vec<String> = practices.iter().map(|o| o.code.to_string()).collect();
            Box::new(move |r: &mut Rng| r.pick(&codes).clone())
        }),
        ("organisation name", {
            let names: Vec<String> = practices
                .iter()
                .map(|o| o.name.chars().take(8).collect())
                .collect();
            Box::new(move |r: &mut Rng| r.pick(&names).clone())
        }),
    ];
    let clock = app::ssr::state::SystemClock;
    // The search hashes nothing; the hasher is there because every use case takes one Services.
    let hasher = app::ssr::hasher::Argon2Hasher::new(1)?;
    let ctx = services(&store, &catalogue, &clock, &hasher);
    println!(
        "user search over {users} users, {rounds} searches a field, first page of 10, by last name"
    );
    println!(
        "{:<40} {:<18} {:>9} {:>9} {:>9}  budget p95",
        "viewer", "field", "p50 ms", "p95 ms", "max ms"
    );
    // The regional administrator's three-letter name searches: the figure the growth
    // benchmark follows from one scale to the next.
    let mut region_names: Vec<Duration> = Vec::new();
    for (n, (who, actor)) in viewers.iter().enumerate() {
        for (f, (field, make)) in fields.iter().enumerate() {
            let mut times = Vec::with_capacity(rounds);
            let mut matched = 0i64;
            for _ in 0..rounds {
                let text = make(&mut rng);
                let t = Instant::now();
                let (_, total) = domain::features::users::search(
                    &ctx,
                    actor,
                    &text,
                    UserSort::LastName,
                    false,
                    1,
                    10,
                )
                .await?;
                times.push(t.elapsed());
                matched += total;
            }
            if n == 1 && f < 2 {
                region_names.extend(&times);
            }
            times.sort();
            let p95 = percentile(&times, 0.95);
            println!(
                "{who:<40} {field:<18} {:>9.2} {p95:>9.2} {:>9.2}  < 20 ms: {} (on average {} match)",
                percentile(&times, 0.5),
                percentile(&times, 1.0),
                if p95 < 20.0 { "met" } else { "MISSED" },
                matched / rounds as i64,
            );
        }
    }
    region_names.sort();
    // For scripts (scripts/bench-growth.sh) to read.
    println!("region_name_p95 {:.2}", percentile(&region_names, 0.95));
    println!("region_admin {REGION_ADMIN}");
    println!("password {BENCH_PASSWORD}");
    Ok(())
}

/// The time of one password hash on one core, and the sign-in rate the storm budget asks for
/// (90 % of cores ÷ that time). Printed as `hash_ms` and `storm_target` for scripts to read.
pub async fn hash_command() -> Result<(), Box<dyn std::error::Error>> {
    let hasher = app::ssr::hasher::Argon2Hasher::new(1)?;
    let password = NewPassword::parse(BENCH_PASSWORD).map_err(|_| "the bench password")?;
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        hasher.hash(&password).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let ms = percentile(&times, 0.5);
    // Keycloak's default argon2id (m = 7,168 KiB, t = 5, p = 1, 32 bytes), the hashing behind
    // its published sizing of 15 password sign-ins a second per vCPU, timed here the same way:
    // the comparison at equal hashing cost.
    let keycloak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(7168, 5, 1, Some(32)).map_err(|e| e.to_string())?,
    );
    let mut kc = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let mut out = [0u8; 32];
        keycloak
            .hash_password_into(BENCH_PASSWORD.as_bytes(), b"gatehouse-bench-salt", &mut out)
            .map_err(|e| e.to_string())?;
        kc.push(t.elapsed());
    }
    kc.sort();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("hash_ms {ms:.1}");
    println!("keycloak_hash_ms {:.1}", percentile(&kc, 0.5));
    println!("storm_target {:.0}", 0.9 * cores as f64 * 1000.0 / ms);
    Ok(())
}
