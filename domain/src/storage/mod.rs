//! The storage traits the domain owns, one file per concern, and [`Storage`], the composition
//! every use case is generic over. `store` implements them for SQLite and PostgreSQL and runs one
//! conformance suite against both.

mod access_reviews;
mod accounts;
mod audit;
mod clusters;
mod connected_services;
mod directory;
mod drafts;
mod grants;
mod invitations;
mod notifications;
mod outbox;
mod registrations;
mod requests;
mod second_factors;
mod security;
mod service_grants;
mod sessions;
mod temporary_access;
mod users;

pub use access_reviews::*;
pub use accounts::*;
pub use audit::*;
pub use clusters::*;
pub use connected_services::*;
pub use directory::*;
pub use drafts::*;
pub use grants::*;
pub use invitations::*;
pub use notifications::*;
pub use outbox::*;
pub use registrations::*;
pub use requests::*;
pub use second_factors::*;
pub use security::*;
pub use service_grants::*;
pub use sessions::*;
pub use temporary_access::*;
pub use users::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the change: what was already taken.
    #[error("already exists: {0:?}")]
    Conflict(Taken),
    /// Something the change depends on is not there (any more).
    #[error("not found: {0:?}")]
    Missing(Gone),
    #[error("storage failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What a uniqueness rule found taken. Use cases turn each into the words of a field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The email address has an account.
    Account,
    /// The same person already asked to register for that role there.
    Registration,
    /// The same access request is already open.
    Request,
    /// The user already holds or waits for that role there by invitation.
    Invitation,
    /// The user already holds the role there.
    RoleHeld,
    /// The owner already has a live cluster of that name.
    ClusterName,
    /// An organisation already has that ODS code.
    OrganisationCode,
    /// Any other uniqueness rule (a token, a name in the catalogue): not expected from a form.
    Other,
}

/// What a change depended on and did not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    User,
    /// A cluster that does not exist, is not the owner's, or has been retired.
    Cluster,
    ActiveAssignment,
    /// An account waiting for its activation link.
    PendingAccount,
    Provider,
    PlatformRoot,
    /// An organisation's parent, missing from the tree or of the wrong kind.
    ParentOrganisation,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the service needs from storage.
pub trait Storage:
    Directory
    + Accounts
    + Sessions
    + Registrations
    + Notifications
    + Outbox
    + Users
    + Invitations
    + Requests
    + Security
    + Clusters
    + Grants
    + Audit
    + Drafts
    + TemporaryAccess
    + AccessReviews
    + SecondFactors
    + ConnectedServices
    + ServiceGrants
{
}
impl<
        T: Directory
            + Accounts
            + Sessions
            + Registrations
            + Notifications
            + Outbox
            + Users
            + Invitations
            + Requests
            + Security
            + Clusters
            + Grants
            + Audit
            + Drafts
            + TemporaryAccess
            + AccessReviews
            + SecondFactors
            + ConnectedServices
            + ServiceGrants,
    > Storage for T
{
}
