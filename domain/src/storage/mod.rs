//! The storage traits the domain owns, one file per concern, and [`Storage`], the composition
//! every use case is generic over. `store` implements them for SQLite and PostgreSQL and runs one
//! conformance suite against both.

mod accounts;
mod clusters;
mod directory;
mod invitations;
mod notifications;
mod outbox;
mod registrations;
mod requests;
mod security;
mod sessions;
mod users;

pub use accounts::*;
pub use clusters::*;
pub use directory::*;
pub use invitations::*;
pub use notifications::*;
pub use outbox::*;
pub use registrations::*;
pub use requests::*;
pub use security::*;
pub use sessions::*;
pub use users::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the change; the string names the constraint's subject.
    #[error("already exists: {0}")]
    Conflict(String),
    /// A row the change depends on is missing (a parent organisation, a user).
    #[error("not found: {0}")]
    Missing(String),
    #[error("storage failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
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
            + Clusters,
    > Storage for T
{
}
