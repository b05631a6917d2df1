//! Service Provider Clusters.

use std::future::Future;

use super::StoreResult;
use crate::model::audit::NewAudit;
use crate::model::cluster::{Cluster, ClusterChange, ClusterId};
use crate::model::organisation::{OrgId, Organisation};
use crate::values::clock::Timestamp;
use crate::values::ods_code::OdsCode;

/// Service Provider Clusters.
pub trait Clusters: Send + Sync {
    /// The organisations with these codes (those that exist), each with its parent's name.
    fn organisations_by_codes(
        &self,
        codes: &[OdsCode],
    ) -> impl Future<Output = StoreResult<Vec<(Organisation, String)>>> + Send;
    /// The live cluster of `owner` whose name folds to `name_key`.
    fn cluster_named(
        &self,
        owner: OrgId,
        name_key: &str,
    ) -> impl Future<Output = StoreResult<Option<ClusterId>>> + Send;
    fn cluster_by_short_name(
        &self,
        short_name: &str,
    ) -> impl Future<Output = StoreResult<Option<Cluster>>> + Send;
    /// Newest first; `search` matches the short name or part of the name, without case.
    fn clusters_of(
        &self,
        owner: OrgId,
        search: &str,
    ) -> impl Future<Output = StoreResult<Vec<Cluster>>> + Send;
    /// Each member with its parent's name, by code.
    fn cluster_members(
        &self,
        id: ClusterId,
    ) -> impl Future<Output = StoreResult<Vec<(Organisation, String)>>> + Send;
    /// Cluster, members and audit event in one transaction; a live name clash is `Conflict`.
    fn create_cluster(
        &self,
        c: &ClusterChange,
    ) -> impl Future<Output = StoreResult<ClusterId>> + Send;
    fn update_cluster(
        &self,
        id: ClusterId,
        c: &ClusterChange,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn retire_cluster(
        &self,
        id: ClusterId,
        at: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
