//! Fresh databases for the conformance suite: a new SQLite file, or a new PostgreSQL schema,
//! per test, so tests never depend on each other or on their order.

use rand::Rng;
use store::Store;

fn unique(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::thread_rng().gen::<u64>())
}

pub async fn sqlite() -> Store {
    let path = std::env::temp_dir().join(format!("{}.db", unique("gatehouse_conformance")));
    store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite store")
}

/// PostgreSQL comes from `GATEHOUSE_TEST_POSTGRES_URL` (the README's test command starts one and
/// sets it). Without it the PostgreSQL half fails loudly, unless the developer opted out with
/// `GATEHOUSE_SKIP_POSTGRES=1`, in which case `None` is returned and the caller says so.
pub async fn postgres() -> Option<Store> {
    let Ok(url) = std::env::var("GATEHOUSE_TEST_POSTGRES_URL") else {
        if std::env::var("GATEHOUSE_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("PostgreSQL conformance skipped by GATEHOUSE_SKIP_POSTGRES=1");
            return None;
        }
        panic!(
            "set GATEHOUSE_TEST_POSTGRES_URL (scripts/test.sh does) or GATEHOUSE_SKIP_POSTGRES=1"
        );
    };
    let schema = unique("conformance");
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("connect to test PostgreSQL");
    // The name is ours (hex digits), never user input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    Some(store::connect(&scoped).await.expect("postgres store"))
}

/// Runs each named async test against both backends.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = $crate::harness::sqlite().await;
                    super::$name(&store).await;
                    store.close().await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = $crate::harness::postgres().await {
                        super::$name(&store).await;
                        store.close().await;
                    }
                }
            )*
        }
    };
}
