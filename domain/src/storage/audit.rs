//! The audit trail: events are appended by the other traits in the same transaction as their
//! change; this trait appends the events that go with no change, and reads them back.

use std::future::Future;

use super::StoreResult;
use crate::access::scope::Scope;
use crate::model::audit::{AuditAction, AuditEvent, NewAudit};
use crate::values::clock::Timestamp;

/// Which events to list: those placed inside `scope` (and, for the Service Desk, those placed
/// nowhere), filtered.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub scope: Scope,
    pub include_unplaced: bool,
    /// The start of the actor's or the target's email address.
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    /// From the start of this instant (inclusive) to `until` (exclusive).
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub offset: i64,
    pub limit: i64,
}

pub trait Audit: Send + Sync {
    /// Appends an event that goes with no other change (a failed sign-in).
    fn record_audit(&self, e: &NewAudit) -> impl Future<Output = StoreResult<()>> + Send;
    /// Events newest first, one page, and the total.
    fn audit_events(
        &self,
        q: &AuditQuery,
    ) -> impl Future<Output = StoreResult<(Vec<AuditEvent>, i64)>> + Send;
}
