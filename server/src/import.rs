//! Loading ODS extracts (`gatehouse import-ods`, and the demo seed): parse with
//! `domain::features::organisations::ods::tree`, then upsert in one transaction. Bad rows are reported and skipped.

use std::time::{Duration, Instant};

use domain::features::organisations::ods::Rejected;
use domain::model::organisation::ImportSummary;
use domain::storage::{Directory, StoreError};
use domain::values::clock::Clock;
use store::Store;

/// The three extracts, as text.
pub struct Extracts {
    pub icb_list: String,
    pub eccg: String,
    pub epraccur: String,
}

/// What an import did, with the rows the parser refused.
#[derive(Debug)]
pub struct Report {
    pub summary: ImportSummary,
    pub rejected: Vec<Rejected>,
    pub rows: usize,
    pub elapsed: Duration,
}

impl Report {
    /// The summary an operator reads: counts, then every refused row with its reason.
    pub fn describe(&self, dry_run: bool) -> String {
        let s = &self.summary;
        let mut out = format!(
            "{}{} organisations read in {:.2} s: {} added, {} updated, {} closed, {} moved, {} unchanged, {} rejected\n",
            if dry_run { "dry run (nothing kept): " } else { "" },
            self.rows,
            self.elapsed.as_secs_f64(),
            s.added,
            s.updated,
            s.closed,
            s.moved,
            s.unchanged,
            self.rejected.len() + s.refused.len(),
        );
        for r in &self.rejected {
            out.push_str(&format!(
                "  rejected {} line {}: {}\n",
                r.source, r.line, r.reason
            ));
        }
        for r in &s.refused {
            out.push_str(&format!("  rejected {r}\n"));
        }
        out
    }
}

/// Imports the whole country (`only_icb` None) or one ICB's branch.
pub async fn import(
    store: &Store,
    extracts: &Extracts,
    only_icb: Option<&str>,
    dry_run: bool,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Report, StoreError> {
    import_audited(store, extracts, only_icb, dry_run, progress, None).await
}

/// The same, recording an audit event when anything changed (the operator's command does; the
/// demo's seeding of an empty database does not).
pub async fn import_audited(
    store: &Store,
    extracts: &Extracts,
    only_icb: Option<&str>,
    dry_run: bool,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
    audit: Option<&domain::model::audit::NewAudit>,
) -> Result<Report, StoreError> {
    let started = Instant::now();
    // Parsing the whole country's extract takes a noticeable moment: keep it off the executor.
    let (icb_list, eccg, epraccur) = (
        extracts.icb_list.clone(),
        extracts.eccg.clone(),
        extracts.epraccur.clone(),
    );
    let only_icb = only_icb.map(str::to_owned);
    let parsed = tokio::task::spawn_blocking(move || {
        domain::features::organisations::ods::tree(only_icb.as_deref(), &icb_list, &eccg, &epraccur)
    })
    .await
    .map_err(|e| StoreError::Backend(Box::new(e)))?;
    let total = parsed.organisations.len();
    let summary = store
        .import_organisations(
            &parsed.organisations,
            dry_run,
            &|done| progress(done, total),
            audit,
        )
        .await?;
    Ok(Report {
        summary,
        rejected: parsed.rejected,
        rows: total,
        elapsed: started.elapsed(),
    })
}

/// `gatehouse import-ods [--dry-run] [--icb CODE] --icb-list FILE --eccg FILE --epraccur FILE`
pub async fn command(
    src: &crate::config::Source<'_>,
    args: &crate::cli::ImportOds,
) -> Result<(), Box<dyn std::error::Error>> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let extracts = Extracts {
        icb_list: read(&args.icb_list)?,
        eccg: read(&args.eccg)?,
        epraccur: read(&args.epraccur)?,
    };
    let (dry_run, only_icb) = (args.dry_run, args.icb.clone());
    let config = crate::Config::from_source(src)?;
    let store = store::connect(&config.database_url).await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} organisations {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = {
        let bar = bar.clone();
        move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let audit = domain::features::operator::import_audit(app::ssr::state::SystemClock.now());
    let report = import_audited(
        &store,
        &extracts,
        only_icb.as_deref(),
        dry_run,
        &progress,
        Some(&audit),
    )
    .await?;
    bar.finish_and_clear();
    print!("{}", report.describe(dry_run));
    store.close().await;
    Ok(())
}
