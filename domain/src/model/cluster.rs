//! A Service Provider Cluster as Gatehouse keeps it: a named set of organisations below its
//! owner. The rules of making and changing one belong to the clusters feature.

use crate::model::audit::NewAudit;
use crate::model::organisation::OrgId;
use crate::model::user::UserId;
use crate::values::clock::Timestamp;

/// A cluster's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ClusterId(pub i64);

/// One row of the cluster list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub id: ClusterId,
    pub owner: OrgId,
    pub short_name: String,
    pub name: String,
    pub description: String,
    pub members: i64,
    pub created_at: Timestamp,
    pub retired_at: Option<Timestamp>,
}

/// What storage writes for a new or changed cluster, all in one transaction with its audit event.
#[derive(Debug, Clone)]
pub struct ClusterChange {
    pub owner: OrgId,
    pub short_name: String,
    pub name: String,
    pub description: String,
    pub members: Vec<OrgId>,
    pub at: Timestamp,
    pub by: UserId,
    pub audit: NewAudit,
}
