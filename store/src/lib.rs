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

    /// Runs one fixed SQL statement (a `'static` string, so nothing a user typed): for tests that
    /// prove what the database itself refuses, such as changing an audit event.
    pub async fn execute_static(&self, sql: &'static str) -> Result<u64, StoreError> {
        let done = match self {
            Store::Sqlite(b) => sqlx::query(sql)
                .execute(&b.pool)
                .await
                .map(|r| r.rows_affected()),
            Store::Postgres(b) => sqlx::query(sql)
                .execute(&b.pool)
                .await
                .map(|r| r.rows_affected()),
        };
        done.map_err(error::map)
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

use domain::model::assignment::{AssignmentId, AssignmentView, NewAssignment};
use domain::model::audit::{AuditEvent, NewAudit};
use domain::model::organisation::{NewOrganisation, OrgId, Organisation};
use domain::model::role::Catalogue;
use domain::model::session::NewSession;
use domain::model::user::{Credentials, NewUser, User, UserId};
use domain::storage::AuditQuery;
use domain::storage::SessionContext;
use domain::values::clock::{Timestamp, TokenHash};
use domain::{EmailAddress, OdsCode};

dispatch!(domain::storage::Directory {
    fn catalogue(&self) -> Catalogue;
    fn organisation(&self, id: OrgId) -> Option<Organisation>;
    fn organisation_by_code(&self, code: &OdsCode) -> Option<Organisation>;
    fn insert_organisations(&self, orgs: &[NewOrganisation], audit: Option<&NewAudit>) -> usize;
    fn count_organisations(&self) -> i64;
    fn organisations_in(&self, scope: &domain::Scope, kind: Option<domain::OrgKind>, search: &str, offset: i64, limit: i64) -> (Vec<(Organisation, String)>, i64);
    fn set_multi_level_approval(&self, id: OrgId, on: bool, audit: &NewAudit) -> ();
    fn import_organisations(&self, orgs: &[NewOrganisation], dry_run: bool, progress: &(dyn Fn(usize) + Send + Sync), audit: Option<&NewAudit>) -> domain::model::organisation::ImportSummary;
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
    fn create_session(&self, s: &NewSession, audit: &NewAudit) -> ();
    fn session_context(&self, id: &TokenHash) -> Option<SessionContext>;
    fn touch_session(&self, id: &TokenHash, now: Timestamp) -> ();
    fn rotate_session(&self, old: &TokenHash, new: &NewSession, audit: &NewAudit) -> ();
    fn delete_session(&self, id: &TokenHash) -> ();
    fn end_session(&self, id: &TokenHash, audit: &NewAudit) -> ();
    fn sessions_of(&self, user: UserId) -> Vec<domain::model::session::SessionSummary>;
    fn end_other_sessions(&self, user: UserId, keep: &TokenHash, audit: &NewAudit) -> u64;
});

use domain::model::notification::Notification;
use domain::model::organisation::OrgPath;
use domain::model::outbox::{NewEmail, OutboxEmail};
use domain::model::user::PasswordHash;
use domain::storage::{
    DecideOutcome, Holder, NewRegistration, RegistrationQuery, RegistrationRow, TokenState, Verdict,
};

dispatch!(domain::storage::Registrations {
    fn holders_above(&self, path: &OrgPath) -> Vec<Holder>;
    fn register(&self, r: &NewRegistration) -> AssignmentId;
    fn registrations(&self, q: &RegistrationQuery) -> (Vec<RegistrationRow>, i64);
    fn registration(&self, id: AssignmentId) -> Option<RegistrationRow>;
    fn decide_registration(&self, v: &Verdict) -> DecideOutcome;
    fn replace_activation(&self, user: UserId, token: &TokenHash, at: Timestamp, expires_at: Timestamp, email: &NewEmail, audit: Option<&NewAudit>) -> ();
    fn delete_registration(&self, id: AssignmentId, audit: &NewAudit) -> bool;
    fn activation_token(&self, token: &TokenHash, now: Timestamp) -> TokenState;
    fn activate(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp, audit: &NewAudit) -> Option<UserId>;
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

dispatch!(domain::storage::Users {
    fn search_users(&self, q: &domain::storage::UserQuery) -> (Vec<domain::storage::UserRow>, i64);
    fn revoke_assignments(&self, user: UserId, under: &OrgPath, scope: &domain::Scope, audit: &NewAudit) -> usize;
    fn set_disabled(&self, user: UserId, disabled: bool, audit: &NewAudit) -> bool;
});

dispatch!(domain::storage::Audit {
    fn record_audit(&self, e: &NewAudit) -> ();
    fn audit_events(&self, q: &AuditQuery) -> (Vec<AuditEvent>, i64);
});

dispatch!(domain::storage::Clusters {
    fn organisations_by_codes(&self, codes: &[OdsCode]) -> Vec<(Organisation, String)>;
    fn cluster_named(&self, owner: OrgId, name_key: &str) -> Option<domain::model::cluster::ClusterId>;
    fn cluster_by_short_name(&self, short_name: &str) -> Option<domain::model::cluster::Cluster>;
    fn clusters_of(&self, owner: OrgId, search: &str) -> Vec<domain::model::cluster::Cluster>;
    fn cluster_members(&self, id: domain::model::cluster::ClusterId) -> Vec<(Organisation, String)>;
    fn create_cluster(&self, c: &domain::model::cluster::ClusterChange) -> domain::model::cluster::ClusterId;
    fn update_cluster(&self, id: domain::model::cluster::ClusterId, c: &domain::model::cluster::ClusterChange) -> ();
    fn retire_cluster(&self, id: domain::model::cluster::ClusterId, at: Timestamp, audit: &NewAudit) -> ();
});

dispatch!(domain::storage::Grants {
    fn add_user(&self, u: &domain::storage::AddedUser) -> UserId;
    fn grant_roles(&self, g: &domain::storage::GrantedRoles) -> ();
    fn restrict_assignment(&self, assignment: AssignmentId, role: domain::RoleId, payment_types: &[String], clusters: &[domain::model::cluster::ClusterId], audit: &NewAudit) -> ();
    fn set_assignment_clusters(&self, assignment: AssignmentId, clusters: &[domain::model::cluster::ClusterId], audit: Option<&NewAudit>) -> ();
});
dispatch!(domain::storage::Invitations {
    fn create_invitation(&self, i: &domain::storage::NewInvitation) -> Option<i64>;
    fn invitation_by_token(&self, token: &TokenHash, now: Timestamp) -> Option<domain::storage::InvitationState>;
    fn accept_invitation(&self, token: &TokenHash, now: Timestamp, new_account: Option<(&PasswordHash, &str, &str)>, audit: &NewAudit) -> Option<UserId>;
    fn pending_invitations(&self, user: UserId) -> Vec<domain::storage::PendingInvitation>;
    fn replace_invitation(&self, id: i64, token: &TokenHash, expires_at: Timestamp, email: &NewEmail, audit: &NewAudit) -> bool;
    fn withdraw_invitation(&self, id: i64, audit: &NewAudit) -> bool;
});

dispatch!(domain::storage::Requests {
    fn create_request(&self, r: &domain::storage::NewRequest) -> AssignmentId;
    fn own_assignments(&self, user: UserId) -> Vec<domain::storage::OwnAssignment>;
    fn access_request(&self, id: AssignmentId) -> Option<domain::storage::RequestRow>;
    fn withdraw_request(&self, id: AssignmentId, user: UserId, at: Timestamp, audit: &NewAudit) -> bool;
    fn decide_request(&self, v: &domain::storage::RequestVerdict) -> domain::storage::RequestOutcome;
});

dispatch!(domain::storage::Security {
    fn reserve_sign_in(&self, user: UserId, limit: i64) -> Option<i64>;
    fn clear_failed_sign_ins(&self, user: UserId) -> ();
    fn lock_account(&self, user: UserId, audit: &NewAudit, email: &NewEmail) -> bool;
    fn unlock_account(&self, user: UserId, audit: &NewAudit) -> bool;
    fn locked_at(&self, user: UserId) -> Option<Timestamp>;
    fn locked_accounts(&self, limit: i64) -> Vec<domain::storage::LockedAccount>;
    fn replace_password_reset(&self, user: UserId, token: &TokenHash, expires_at: Timestamp, email: &NewEmail, audit: &NewAudit) -> ();
    fn password_reset(&self, token: &TokenHash, now: Timestamp) -> TokenState;
    fn reset_password(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp, audit: &NewAudit, email: &NewEmail) -> Option<UserId>;
    fn change_password(&self, user: UserId, keep: &TokenHash, password: &PasswordHash, audit: &NewAudit, email: &NewEmail) -> ();
});
