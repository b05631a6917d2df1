//! Form drafts (`crate::model::draft`): written by a form's step, read by the next page, taken
//! once by the page that shows a failed form's problems.

use std::future::Future;

use super::StoreResult;
use crate::model::draft::{DraftKey, NewDraft};
use crate::values::clock::{Timestamp, TokenHash};

pub trait Drafts: Send + Sync {
    /// Keeps the draft, replacing this browser's earlier draft of the same form, and deletes every
    /// draft expired at `now` (so what people typed is not kept past its time).
    fn save_draft(
        &self,
        d: &NewDraft,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The draft's payload, when it is there, not expired, and the same person's (or nobody's).
    fn draft(&self, key: &DraftKey<'_>)
        -> impl Future<Output = StoreResult<Option<String>>> + Send;
    /// Reads and deletes the draft in one step: a failed form's problems are shown once.
    fn take_draft(
        &self,
        key: &DraftKey<'_>,
    ) -> impl Future<Output = StoreResult<Option<String>>> + Send;
    /// Forgets this browser's draft of the form (the form was sent, or started again).
    fn delete_draft(
        &self,
        browser: &TokenHash,
        form: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
