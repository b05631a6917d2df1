use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::Connection;

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

/// The PostgreSQL connections of one instance.
const POSTGRES_CONNECTIONS: u32 = 16;

/// How long a connection back in the pool is taken to be alive without asking the database.
/// sqlx asks before every use by default: a round trip of its own, besides the one it makes when
/// the connection comes back to the pool, so every statement cost three. A connection that came
/// back within this time passed that second check then and is not asked again; one idle for
/// longer (the database may have restarted since) still is. Half a second is the window HikariCP,
/// Java's common pool, bypasses its own check within.
const ALIVE_WITHIN: Duration = Duration::from_millis(500);

/// The check before a PostgreSQL connection is used: a ping only if it has been idle for longer
/// than [`ALIVE_WITHIN`]. A failed ping closes the connection and the pool opens another.
fn ping_if_idle(
    conn: &mut PgConnection,
    meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        if meta.idle_for > ALIVE_WITHIN {
            conn.ping().await?;
        }
        Ok(true)
    })
}

/// PostgreSQL's connection options: the URL's, with JIT off (below).
fn postgres_options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(url)?.options([("jit", "off")]))
}

/// Opens the database named by `url`, doing to its schema what `migrations` says.
pub async fn connect_with(url: &str, migrations: Migrations) -> Result<Store, ConnectError> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        // No JIT: it compiles any query the planner thinks costly, and for the Users search over
        // 100,000 users that compiling took longer than the query (20 ms instead of 11).
        // Plans are cached (PostgreSQL's default) for the fixed statements, the session's read
        // among them, whose planning cost four times their running. The statements built from a
        // filter or a scope are sent unnamed instead, and so planned for their own values
        // (`bind_args!`).
        let options = postgres_options(url).map_err(ConnectError::Connect)?;
        // All the pool's connections are opened before the service starts and kept open. Opened
        // on demand, the first burst of requests after a start waited 2 to 3.5 s for the
        // connections it was opening (the page benchmark's first seconds at 64 clients).
        let pool = PgPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS)
            .min_connections(POSTGRES_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(ping_if_idle)
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
        // No check before a connection is used: the database is a file this process opened,
        // with no server to hang up, and sqlx's check is a hand-off to the connection's thread
        // and back for nothing.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
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

#[cfg(test)]
mod tests {
    use domain::model::organisation::{OrgId, OrgPath};
    use domain::model::role::Reach;
    use domain::storage::{Directory, UserQuery, UserSort, Users};
    use rand::Rng;
    use sqlx::postgres::PgPoolOptions;

    use crate::Backend;

    /// A schema of its own on the test PostgreSQL, `{prefix}_` and random hex digits: the
    /// administrator's pool, the schema's name, and a URL (with a query) whose connections use
    /// it. None when PostgreSQL is skipped by `GATEHOUSE_SKIP_POSTGRES=1`.
    async fn scratch_schema(prefix: &str) -> Option<(sqlx::PgPool, String, String)> {
        let Ok(url) = std::env::var("GATEHOUSE_TEST_POSTGRES_URL") else {
            if std::env::var("GATEHOUSE_SKIP_POSTGRES").as_deref() == Ok("1") {
                eprintln!("PostgreSQL skipped by GATEHOUSE_SKIP_POSTGRES=1");
                return None;
            }
            panic!("set GATEHOUSE_TEST_POSTGRES_URL (scripts/test.sh does) or GATEHOUSE_SKIP_POSTGRES=1");
        };
        let name = format!("{prefix}_{:016x}", rand::thread_rng().gen::<u64>());
        let admin = sqlx::PgPool::connect(&url).await.expect("connect");
        // The name is ours (hex digits), never user input.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-c%20search_path%3D{name}");
        Some((admin, name, scoped))
    }

    /// Drops a schema [`scratch_schema`] made, and closes its administrator's pool.
    async fn drop_schema(admin: sqlx::PgPool, name: &str) {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {name} CASCADE")))
            .execute(&admin)
            .await
            .expect("drop schema");
        admin.close().await;
    }

    /// On PostgreSQL a statement built from a filter or a scope is planned for its own values
    /// (never kept prepared, so never given a generic plan), while a fixed statement is kept
    /// prepared and its plan cached. One connection, so that `pg_prepared_statements`, which
    /// lists one session's statements, sees every statement the store sent.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_plans_a_search_for_its_values_and_keeps_fixed_statements() {
        let Some((admin, schema, scoped)) = scratch_schema("plans").await else {
            return;
        };
        // The store's own connect migrates the schema and sets the connection's options; the
        // test then drives the same backend through a pool of one connection.
        let migrated = super::connect(&scoped).await.expect("store");
        migrated.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(super::postgres_options(&scoped).expect("url"))
            .await
            .expect("pool");
        let backend = Backend { pool: pool.clone() };

        let root = OrgPath::root(OrgId(1));
        let area = root.child(OrgId(2));
        let scope = domain::access::scope::compute(OrgId(2), &area, Reach::Subtree, None);
        for _ in 0..7 {
            let q = UserQuery {
                scope: scope.clone(),
                review: vec![],
                text: "smi".into(),
                sort: UserSort::LastName,
                descending: false,
                offset: 0,
                limit: 10,
                count_up_to: 1_000,
            };
            backend.search_users(&q).await.expect("search");
            backend
                .organisation_by_code(
                    &domain::values::ods_code::OdsCode::parse("A81001").expect("code"),
                )
                .await
                .expect("fixed statement");
        }
        let kept: Vec<String> = sqlx::query_scalar("SELECT statement FROM pg_prepared_statements")
            .fetch_all(&pool)
            .await
            .expect("prepared statements");
        assert!(
            kept.iter()
                .any(|s| s.contains("FROM organisations") && s.contains("code = $1")),
            "the fixed statement is kept prepared: {kept:#?}"
        );
        assert!(
            !kept.iter().any(|s| s.contains("COUNT(*) OVER ()")),
            "the search is not kept prepared: {kept:#?}"
        );
        pool.close().await;
        drop_schema(admin, &schema).await;
    }

    /// A connection idle for longer than `ALIVE_WITHIN` is still checked before it is used: one
    /// whose server process ended while it sat in the pool (a restarted database, a proxy that
    /// dropped it) is replaced, and the statement succeeds. Without the check the statement
    /// would fail on the dead connection.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_replaces_a_connection_that_died_while_idle() {
        let Some((admin, name, scoped)) = scratch_schema("idle").await else {
            return;
        };
        // The application name marks this store's connections, so that only they are ended.
        let store = super::connect(&format!("{scoped}&application_name={name}"))
            .await
            .expect("store");
        assert!(store.ping().await, "the store answers");
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(&name)
        .fetch_all(&admin)
        .await
        .expect("end the store's connections");
        assert!(!ended.is_empty() && ended.iter().all(|e| *e), "{ended:?}");
        tokio::time::sleep(super::ALIVE_WITHIN * 2).await;
        assert!(
            store.ping().await,
            "a statement after the pool's connections died while idle is run on a new one"
        );
        store.close().await;
        drop_schema(admin, &name).await;
    }
}
