//! Storage for Gatehouse: the domain's storage traits on SQLite (the zero-set-up default) and
//! PostgreSQL (for several instances). The SQL is written once in `queries/` and compiled for each
//! backend; where the dialects differ, the backend module says so.

mod backends;
mod connect;
mod error;
mod filter;

use domain::storage::StoreError;

pub use connect::{connect, ConnectError};

/// One backend's connection pool. The trait impls live in `queries/`, one per backend.
pub struct Backend<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> Clone for Backend<DB> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
        }
    }
}

/// The backend chosen at start-up from the database URL. Server functions cannot be generic, so
/// the server holds this one concrete type.
#[derive(Clone)]
pub enum Store {
    Sqlite(Backend<sqlx::Sqlite>),
    Postgres(Backend<sqlx::Postgres>),
}

impl Store {
    pub fn backend_name(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(b) => b.pool.close().await,
            Store::Postgres(b) => b.pool.close().await,
        }
    }
}

/// Forwards each trait method to the backend in use.
macro_rules! dispatch {
    ($trait:path { $(fn $m:ident(&self $(, $a:ident: $t:ty)*) -> $r:ty;)* }) => {
        impl $trait for Store {
            $(
                async fn $m(&self $(, $a: $t)*) -> Result<$r, StoreError> {
                    match self {
                        Store::Sqlite(b) => b.$m($($a),*).await,
                        Store::Postgres(b) => b.$m($($a),*).await,
                    }
                }
            )*
        }
    };
}

use domain::assignment::{AssignmentId, AssignmentView, NewAssignment};
use domain::clock::{Timestamp, TokenHash};
use domain::org::{NewOrganisation, OrgId, Organisation};
use domain::role::Catalogue;
use domain::session::NewSession;
use domain::storage::SessionContext;
use domain::user::{Credentials, NewUser, User, UserId};
use domain::{EmailAddress, OdsCode};

dispatch!(domain::storage::Directory {
    fn catalogue(&self) -> Catalogue;
    fn organisation(&self, id: OrgId) -> Option<Organisation>;
    fn organisation_by_code(&self, code: &OdsCode) -> Option<Organisation>;
    fn insert_organisations(&self, orgs: &[NewOrganisation]) -> usize;
    fn count_organisations(&self) -> i64;
    fn organisations_in(&self, scope: &domain::Scope, kind: Option<domain::OrgKind>, search: &str, offset: i64, limit: i64) -> (Vec<(Organisation, String)>, i64);
    fn set_multi_level_approval(&self, id: OrgId, on: bool) -> ();
    fn import_organisations(&self, orgs: &[NewOrganisation], dry_run: bool, progress: &(dyn Fn(usize) + Send + Sync)) -> domain::ods::ImportSummary;
    fn find_organisations(&self, text: &str, limit: i64) -> Vec<Organisation>;
    fn platform_root(&self) -> Organisation;
});

dispatch!(domain::storage::Accounts {
    fn insert_user(&self, user: &NewUser) -> UserId;
    fn user(&self, id: UserId) -> Option<User>;
    fn credentials(&self, email: &EmailAddress) -> Option<Credentials>;
    fn count_users(&self) -> i64;
    fn insert_assignment(&self, a: &NewAssignment) -> AssignmentId;
    fn assignments_of(&self, user: UserId) -> Vec<AssignmentView>;
});

dispatch!(domain::storage::Sessions {
    fn create_session(&self, s: &NewSession) -> ();
    fn session_context(&self, id: &TokenHash) -> Option<SessionContext>;
    fn touch_session(&self, id: &TokenHash, now: Timestamp) -> ();
    fn rotate_session(&self, old: &TokenHash, new: &NewSession) -> ();
    fn delete_session(&self, id: &TokenHash) -> ();
});

use domain::notification::Notification;
use domain::org::OrgPath;
use domain::outbox::{NewEmail, OutboxEmail};
use domain::storage::{
    DecideOutcome, Holder, NewRegistration, RegistrationQuery, RegistrationRow, TokenState, Verdict,
};
use domain::user::PasswordHash;

dispatch!(domain::storage::Registrations {
    fn holders_above(&self, path: &OrgPath) -> Vec<Holder>;
    fn register(&self, r: &NewRegistration) -> AssignmentId;
    fn registrations(&self, q: &RegistrationQuery) -> (Vec<RegistrationRow>, i64);
    fn registration(&self, id: AssignmentId) -> Option<RegistrationRow>;
    fn decide_registration(&self, v: &Verdict) -> DecideOutcome;
    fn replace_activation(&self, user: UserId, token: &TokenHash, at: Timestamp, expires_at: Timestamp, email: &NewEmail) -> ();
    fn delete_registration(&self, id: AssignmentId) -> bool;
    fn activation_token(&self, token: &TokenHash, now: Timestamp) -> TokenState;
    fn activate(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp) -> Option<UserId>;
});

dispatch!(domain::storage::Notifications {
    fn notifications(&self, user: UserId, limit: i64) -> Vec<Notification>;
    fn unread_notifications(&self, user: UserId) -> i64;
    fn mark_notifications_read(&self, user: UserId, at: Timestamp) -> ();
    fn notify_by_email(&self, user: UserId) -> bool;
    fn set_notify_by_email(&self, user: UserId, on: bool) -> ();
});

dispatch!(domain::storage::Outbox {
    fn claim_emails(&self, now: Timestamp, limit: i64) -> Vec<OutboxEmail>;
    fn mark_sent(&self, id: i64, at: Timestamp) -> ();
    fn mark_failed(&self, id: i64, now: Timestamp, error: &str) -> ();
    fn enqueue_emails(&self, emails: &[NewEmail], at: Timestamp) -> ();
    fn outbox(&self, limit: i64) -> Vec<OutboxEmail>;
});
