//! Storage for Gatehouse: the domain's storage traits on SQLite (the zero-set-up default) and
//! PostgreSQL (for several instances). The SQL is written once in `queries/` and compiled for each
//! backend; where the dialects differ, the backend module says so.

/// Forwards each trait method to the backend in use. Each query file lists its trait's methods
/// after its SQL, so adding a storage trait touches its own file and one `include!`.
macro_rules! dispatch {
    ($trait:path { $(fn $m:ident(&self $(, $a:ident: $t:ty)*) -> $r:ty;)* }) => {
        impl $trait for crate::Store {
            $(
                async fn $m(&self $(, $a: $t)*) -> Result<$r, StoreError> {
                    match self {
                        crate::Store::Sqlite(b) => b.$m($($a),*).await,
                        crate::Store::Postgres(b) => b.$m($($a),*).await,
                    }
                }
            )*
        }
    };
}

/// Keeps the tokens it is given: the first backend pass writes what both share.
macro_rules! keep {
    ($($t:tt)*) => { $($t)* };
}

/// Drops the tokens it is given: the second backend pass must not write them again.
macro_rules! skip {
    ($($t:tt)*) => {};
}

pub(crate) use {keep, skip};

mod backends;
mod connect;
mod error;
mod filter;

use domain::storage::StoreError;

pub use connect::{connect, connect_with, ConnectError, Migrations};

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

    /// Whether the database answers a trivial query: readiness, for a load balancer (which
    /// bounds how long it waits).
    pub async fn ping(&self) -> bool {
        match self {
            Store::Sqlite(b) => sqlx::query("SELECT 1").execute(&b.pool).await.is_ok(),
            Store::Postgres(b) => sqlx::query("SELECT 1").execute(&b.pool).await.is_ok(),
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(b) => b.pool.close().await,
            Store::Postgres(b) => b.pool.close().await,
        }
    }
}
