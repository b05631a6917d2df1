//! ODS imports started from the Service Desk's upload page run in the background, and their
//! progress is kept here for the page to show. It lives in this instance's memory: an import is
//! one transaction on the database either way, and only its progress is lost if the instance stops.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use domain::UserId;

use crate::import_status::{ImportProgress, ImportResult};

/// How long a finished import's result stays readable.
const KEEP_FINISHED: Duration = Duration::from_secs(60 * 60);

#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<ImportJob>>>,
}

pub struct ImportJob {
    owner: UserId,
    dry_run: bool,
    started: Instant,
    done: AtomicUsize,
    total: AtomicUsize,
    /// Set once, when the import has finished: its result, or why it failed.
    outcome: OnceLock<Result<ImportResult, String>>,
}

/// Another import is still running: two would only wait for each other's transaction.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

impl ImportJobs {
    /// Registers a new import under `id` (a random token) for `owner`, unless one is running.
    pub fn start(&self, id: String, owner: UserId, dry_run: bool) -> Result<Arc<ImportJob>, Busy> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.retain(|_, j| j.outcome.get().is_none() || j.started.elapsed() < KEEP_FINISHED);
        if jobs.values().any(|j| j.outcome.get().is_none()) {
            return Err(Busy);
        }
        let job = Arc::new(ImportJob {
            owner,
            dry_run,
            started: Instant::now(),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            outcome: OnceLock::new(),
        });
        jobs.insert(id, job.clone());
        Ok(job)
    }

    /// The job, to the user who started it only; anyone else gets nothing, as for an unknown id.
    pub fn get(&self, id: &str, viewer: UserId) -> Option<Arc<ImportJob>> {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.get(id).filter(|j| j.owner == viewer).cloned()
    }
}

impl ImportJob {
    pub fn progress(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    pub fn finish(&self, outcome: Result<ImportResult, String>) {
        let _ = self.outcome.set(outcome);
    }

    pub fn status(&self) -> ImportProgress {
        let outcome = self.outcome.get();
        ImportProgress {
            dry_run: self.dry_run,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            finished: outcome.is_some(),
            result: outcome.and_then(|o| o.as_ref().ok()).cloned(),
            failed: outcome.is_some_and(|o| o.is_err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> ImportResult {
        ImportResult {
            rows: 3,
            added: 1,
            updated: 1,
            closed: 0,
            moved: 0,
            unchanged: 1,
            rejected: vec![],
            seconds: "0.10".into(),
        }
    }

    #[test]
    fn one_import_at_a_time_and_only_its_owner_sees_it() {
        let jobs = ImportJobs::default();
        let job = jobs.start("a".into(), UserId(1), false).unwrap();
        assert!(jobs.start("b".into(), UserId(1), false).is_err());
        assert!(jobs.get("a", UserId(2)).is_none());
        assert!(jobs.get("nope", UserId(1)).is_none());

        job.progress(5, 10);
        let s = jobs.get("a", UserId(1)).unwrap().status();
        assert_eq!((s.done, s.total, s.finished), (5, 10, false));

        job.finish(Ok(result()));
        let s = job.status();
        assert!(s.finished && !s.failed);
        assert_eq!(s.result, Some(result()));
        // Finished, so the next may start; the last result is still readable.
        assert!(jobs.start("b".into(), UserId(1), true).is_ok());
        assert!(jobs.get("a", UserId(1)).is_some());
    }

    #[test]
    fn a_failed_import_says_so() {
        let jobs = ImportJobs::default();
        let job = jobs.start("a".into(), UserId(1), false).unwrap();
        job.finish(Err("storage failed".into()));
        let s = job.status();
        assert!(s.finished && s.failed && s.result.is_none());
    }
}
