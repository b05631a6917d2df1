//! The outbox of emails waiting to be sent.

use std::future::Future;

use super::StoreResult;
use crate::model::outbox::{NewEmail, OutboxEmail};
use crate::values::clock::Timestamp;

pub trait Outbox: Send + Sync {
    /// Claims up to `limit` due, unsent, unclaimed rows for `CLAIM_LEASE_SECONDS`, counting an
    /// attempt on each. Two instances never claim the same row at once.
    fn claim_emails(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<OutboxEmail>>> + Send;
    fn mark_sent(&self, id: i64, at: Timestamp) -> impl Future<Output = StoreResult<()>> + Send;
    /// Releases the claim and schedules the next attempt with back-off.
    fn mark_failed(
        &self,
        id: i64,
        now: Timestamp,
        error: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Queues emails that no other change causes (tests, operator tools).
    fn enqueue_emails(
        &self,
        emails: &[NewEmail],
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The newest rows first, for the operator's page.
    fn outbox(&self, limit: i64) -> impl Future<Output = StoreResult<Vec<OutboxEmail>>> + Send;
}
