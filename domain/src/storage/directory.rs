//! Organisations and the role catalogue: the tree, its search and its imports.

use std::future::Future;

use super::StoreResult;
use crate::access::scope::Scope;
use crate::model::audit::NewAudit;
use crate::model::organisation::OrgKind;
use crate::model::organisation::{NewOrganisation, OrgId, Organisation};
use crate::model::role::Catalogue;
use crate::values::ods_code::OdsCode;

/// Organisations and the role catalogue.
pub trait Directory: Send + Sync {
    fn catalogue(&self) -> impl Future<Output = StoreResult<Catalogue>> + Send;
    fn organisation(
        &self,
        id: OrgId,
    ) -> impl Future<Output = StoreResult<Option<Organisation>>> + Send;
    fn organisation_by_code(
        &self,
        code: &OdsCode,
    ) -> impl Future<Output = StoreResult<Option<Organisation>>> + Send;
    /// Adds organisations in one transaction, with the audit event if one is given. Each parent
    /// must exist already or come earlier in the slice; a missing parent refuses the whole batch.
    fn insert_organisations(
        &self,
        orgs: &[NewOrganisation],
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<usize>> + Send;
    fn count_organisations(&self) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Organisations in `scope` (of `kind`, or every kind) whose code is `search` or whose name
    /// contains it (all when empty), by name; one page and the total. Each comes with its
    /// parent's name.
    fn organisations_in(
        &self,
        scope: &Scope,
        kind: Option<OrgKind>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> impl Future<Output = StoreResult<(Vec<(Organisation, String)>, i64)>> + Send;
    fn set_multi_level_approval(
        &self,
        id: OrgId,
        on: bool,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Adds or updates organisations by code, parents first, in one transaction: names, types,
    /// dates and parents change (a move carries the subtree's paths with it); nothing is ever
    /// deleted. A missing parent code means the platform root. With `dry_run` nothing is kept.
    /// `progress` is told how many rows are done, now and then. The audit event, if given, is
    /// written in the same transaction when anything changed (its reason, when empty, becomes the
    /// summary).
    fn import_organisations(
        &self,
        orgs: &[NewOrganisation],
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<crate::model::organisation::ImportSummary>> + Send;
    /// Open provider and commissioning organisations whose code is `text` or whose name contains
    /// it (case-insensitive), code matches first, then by name: the registration lookup.
    fn find_organisations(
        &self,
        text: &str,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<Organisation>>> + Send;
    /// The platform root, created by the first migration.
    fn platform_root(&self) -> impl Future<Output = StoreResult<Organisation>> + Send;
}
