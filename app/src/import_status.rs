//! What an ODS import reports while it runs and when it is done: kept by the server's job
//! registry (`ssr::imports`) and shown by the organisations feature's progress page.

use serde::{Deserialize, Serialize};

/// What an import did, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub closed: usize,
    pub moved: usize,
    pub unchanged: usize,
    /// Every refused row: which file, which line, and why.
    pub rejected: Vec<String>,
    pub seconds: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub dry_run: bool,
    /// Organisations saved so far, of `total` (0 while the files are still being read).
    pub done: usize,
    pub total: usize,
    pub finished: bool,
    pub result: Option<ImportResult>,
    pub failed: bool,
}
