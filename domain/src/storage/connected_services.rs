//! Connected services and the keys that sign their tokens.

use std::future::Future;

use super::StoreResult;
use crate::model::audit::NewAudit;
use crate::model::connected_service::{ConnectedService, ServiceId, ServiceSettings, SigningKey};
use crate::values::clock::{Timestamp, TokenHash};

pub trait ConnectedServices: Send + Sync {
    /// Every registered service, by name.
    fn connected_services(&self)
        -> impl Future<Output = StoreResult<Vec<ConnectedService>>> + Send;
    fn connected_service(
        &self,
        id: ServiceId,
    ) -> impl Future<Output = StoreResult<Option<ConnectedService>>> + Send;
    fn service_by_client_id(
        &self,
        client_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ConnectedService>>> + Send;
    /// Registers a service with its event, in one transaction.
    fn add_service(
        &self,
        client_id: &str,
        settings: &ServiceSettings,
        secret: Option<&TokenHash>,
        now: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<ServiceId>> + Send;
    /// Changes a service's name and addresses with its event; false when there is no such service.
    fn change_service(
        &self,
        id: ServiceId,
        settings: &ServiceSettings,
        now: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Disables or enables a service with its event; false when it was so already or is unknown.
    /// A disabled service's grants lapse.
    fn set_service_enabled(
        &self,
        id: ServiceId,
        enabled: bool,
        now: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Replaces a confidential service's secret with its event; false for a public or unknown one.
    fn replace_service_secret(
        &self,
        id: ServiceId,
        secret: &TokenHash,
        now: Timestamp,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Every signing key, oldest first (retired ones included: the caller filters).
    fn signing_keys(&self) -> impl Future<Output = StoreResult<Vec<SigningKey>>> + Send;
    /// Keeps a new signing key; every older key without an end is retired at `retire_others_at`.
    fn add_signing_key(
        &self,
        key: &SigningKey,
        retire_others_at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
