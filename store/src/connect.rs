use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::{Backend, Store};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite: or postgres: (got {0:?})")]
    UnknownScheme(String),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("a database migration failed; the service will not start")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error(
        "the database's schema is at migration {database}, this binary needs {binary}: \
         run `gatehouse migrate` first"
    )]
    Behind { database: i64, binary: i64 },
}

/// What connecting does to the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrations {
    /// Applies the migrations the database has not had yet (the default).
    Run,
    /// Applies none, and refuses a database whose schema is behind this binary's: for a fleet
    /// where one job migrates and the instances only start.
    Check,
}

/// Opens the database named by `url`, choosing the backend by its scheme, and runs the pending
/// migrations of that backend. A failed migration stops start-up.
pub async fn connect(url: &str) -> Result<Store, ConnectError> {
    connect_with(url, Migrations::Run).await
}

/// The last migration the database has applied successfully. A database never migrated has no
/// table to ask: it is at migration 0.
const LAST_APPLIED: &str = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";

/// Refuses a database whose schema is behind the migrations `migrator` holds.
fn up_to_date(migrator: &sqlx::migrate::Migrator, database: i64) -> Result<(), ConnectError> {
    let binary = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if database < binary {
        return Err(ConnectError::Behind { database, binary });
    }
    Ok(())
}

/// Opens the database named by `url`, doing to its schema what `migrations` says.
pub async fn connect_with(url: &str, migrations: Migrations) -> Result<Store, ConnectError> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        // No JIT: it compiles any query the planner thinks costly, and for the Users search over
        // 100,000 users that compiling took longer than the query (20 ms instead of 11).
        // A plan for each execution's own values: after five runs of one prepared statement
        // PostgreSQL may keep a generic plan, one that cannot see what a `LIKE` prefix or a scope
        // path selects. For the Users search over 100,000 users such a plan took 1.3 to 2.7 s,
        // seven times in 2,000 searches; planned each time, none took over 70 ms.
        let options = PgConnectOptions::from_str(url)
            .map_err(ConnectError::Connect)?
            .options([("jit", "off"), ("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(ConnectError::Connect)?;
        let migrator = sqlx::migrate!("./migrations/postgres");
        match migrations {
            Migrations::Run => migrator.run(&pool).await.map_err(ConnectError::Migrate)?,
            Migrations::Check => {
                let database: i64 = sqlx::query_scalar(LAST_APPLIED)
                    .fetch_one(&pool)
                    .await
                    .unwrap_or(0);
                up_to_date(&migrator, database)?;
            }
        }
        Ok(Store::Postgres(Backend { pool }))
    } else if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(ConnectError::Connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(ConnectError::Connect)?;
        let migrator = sqlx::migrate!("./migrations/sqlite");
        match migrations {
            Migrations::Run => migrator.run(&pool).await.map_err(ConnectError::Migrate)?,
            Migrations::Check => {
                let database: i64 = sqlx::query_scalar(LAST_APPLIED)
                    .fetch_one(&pool)
                    .await
                    .unwrap_or(0);
                up_to_date(&migrator, database)?;
            }
        }
        Ok(Store::Sqlite(Backend { pool }))
    } else {
        Err(ConnectError::UnknownScheme(
            url.split(':').next().unwrap_or_default().to_owned(),
        ))
    }
}
