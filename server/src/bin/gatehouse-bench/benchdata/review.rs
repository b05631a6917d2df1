//! `gatehouse-bench review`: an access review of a whole NHS England region at national scale,
//! through the use cases the server functions call. Starting it (the snapshot of every active
//! role of the region), paging it with each filter, marking a page, and completing it.

use domain::features::access_reviews::{self as reviews, Filters, Target};
use domain::storage::{Decision, ItemState, Unreviewed};

use super::*;

pub async fn review_command(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let rounds = rounds_of(args, 100)?;
    let National {
        store,
        catalogue,
        users,
        practices,
        region,
        ..
    } = National::open().await?;
    let region = &region;
    // The reviewer is a real account (a review records who started it): the first generated.
    let reviewer = store
        .user(UserId(1))
        .await?
        .ok_or("no users: run bench-data first")?;
    let actor = actor_at(
        &catalogue,
        region,
        "Advanced User Administrator",
        reviewer.id,
    )?;
    let clock = app::ssr::state::SystemClock;
    let hasher = app::ssr::hasher::Argon2Hasher::new(1)?;
    let ctx = services(&store, &catalogue, &clock, &hasher);

    println!(
        "access review of one region ({}) over {users} users, {rounds} pages a filter, 25 rows a page",
        region.name
    );
    let t = Instant::now();
    let id = reviews::start(
        &ctx,
        &actor,
        &Target::Area,
        14,
        Unreviewed::Keep,
        false,
        None,
    )
    .await?;
    let started = t.elapsed().as_secs_f64() * 1000.0;
    let summary = reviews::get(&ctx, &actor, id).await?;
    println!(
        "start (snapshot of {} roles)              {started:>9.0} ms  budget < 2,000 ms: {}",
        summary.total,
        if started < 2000.0 { "met" } else { "MISSED" }
    );

    let pages = (summary.total + reviews::PAGE_SIZE - 1) / reviews::PAGE_SIZE;
    let mut rng = Rng(0xAC_CE55_2026);
    let region_codes: Vec<String> = practices
        .iter()
        .filter(|p| region.path.covers(&p.path))
        .map(|p| p.code.to_string())
        .collect();
    type FilterMaker = Box<dyn Fn(&mut Rng) -> Filters>;
    let filters: [(&str, FilterMaker); 5] = [
        (
            "first page",
            Box::new(|_| Filters {
                page: 1,
                ..Filters::default()
            }),
        ),
        (
            "any page",
            Box::new(move |r: &mut Rng| Filters {
                page: 1 + r.below(pages.max(1) as usize) as i64,
                ..Filters::default()
            }),
        ),
        (
            "not yet reviewed",
            Box::new(|_| Filters {
                state: ItemState::NotReviewed,
                page: 1,
                ..Filters::default()
            }),
        ),
        (
            "one practice",
            Box::new(move |r: &mut Rng| Filters {
                org_code: Some(r.pick(&region_codes).clone()),
                page: 1,
                ..Filters::default()
            }),
        ),
        (
            "not signed in for 90 days",
            Box::new(|_| Filters {
                not_signed_in_days: Some(90),
                page: 1,
                ..Filters::default()
            }),
        ),
    ];
    println!(
        "{:<42} {:>9} {:>9} {:>9}  budget p95",
        "page", "p50 ms", "p95 ms", "max ms"
    );
    let mut first_page = Vec::new();
    for (name, make) in &filters {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let f = make(&mut rng);
            let t = Instant::now();
            let (_, items, _) = reviews::page(&ctx, &actor, id, &f).await?;
            times.push(t.elapsed());
            if first_page.is_empty() {
                first_page = items.iter().map(|i| i.assignment).collect();
            }
        }
        report(name, &mut times);
    }

    // Marking a page at a time, as a reviewer does: Keep for 25 rows, then End for one.
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let decision = if round % 2 == 0 {
            Decision::Keep
        } else {
            Decision::End
        };
        let t = Instant::now();
        reviews::mark(&ctx, &actor, id, &first_page, Some(decision), "Left").await?;
        times.push(t.elapsed());
    }
    report("mark a page of 25 rows", &mut times);
    reviews::mark(
        &ctx,
        &actor,
        id,
        &first_page[..1],
        Some(Decision::End),
        "Left",
    )
    .await?;
    let t = Instant::now();
    let done = reviews::complete(&ctx, &actor, id, None).await?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "complete ({} ended, {} kept)             {ms:>9.0} ms  budget < 2,000 ms: {}",
        done.ended,
        done.kept,
        if ms < 2000.0 { "met" } else { "MISSED" }
    );
    Ok(())
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let p95 = percentile(times, 0.95);
    println!(
        "{name:<42} {:>9.2} {p95:>9.2} {:>9.2}  < 20 ms: {}",
        percentile(times, 0.5),
        percentile(times, 1.0),
        if p95 < 20.0 { "met" } else { "MISSED" }
    );
}
