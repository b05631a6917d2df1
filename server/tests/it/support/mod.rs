//! Starts the real Gatehouse (router, middleware, demo data) on port 0 with a fresh SQLite file,
//! and talks to it over HTTP like a browser would, with or without JavaScript.

#![allow(dead_code)]

use std::net::SocketAddr;

use rand::Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, ORIGIN, REFERER};
use reqwest::{redirect, Client, Response};
use server::{build_state, leptos_options, router, Config};

pub mod fixtures;
pub use fixtures::Origin;

pub const PASSWORD: &str = server::demo::DEMO_PASSWORD;

fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime")
    })
}

pub fn demo_email(local: &str) -> String {
    format!("{local}@{}", server::demo::DEMO_DOMAIN)
}

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    /// The server's own connection pool: closing it takes the database away from the server.
    pub store: store::Store,
    /// The server's state, for running a worker's round on demand.
    pub state: app::ssr::AppState,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the configuration changed first (a low rate limit, say).
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> Self {
        let db = std::env::temp_dir().join(format!(
            "gatehouse_http_{:016x}.db",
            rand::thread_rng().gen::<u64>()
        ));
        let database_url = format!("sqlite://{}", db.display());
        let mut config = Config {
            database_url: database_url.clone(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://127.0.0.1".into(),
            demo: true,
            sessions: Default::default(),
            lock_after: domain::features::account_security::DEFAULT_LOCK_AFTER,
            rate_limit_per_minute: 60,
            max_temporary_days: domain::rules::access_end::MAX_DAYS,
            // Demo users sign in with their password alone here; tests/it/two_factor.rs starts
            // its apps with the default policy.
            mfa: domain::model::second_factor::MfaPolicy::Optional,
            dormant_days: domain::features::users::DORMANT_DAYS,
            disable_dormant_days: 0,
            trusted_proxies: Vec::new(),
            // The files compiled into the binary, as in production.
            site_root: None,
            password_policy: Default::default(),
            support: Default::default(),
            key_encryption_key: Some(*b"a test key of exactly 32 bytes!!"),
        };
        change(&mut config);
        // A test may point the app at another's database (a second instance, say).
        let database_url = config.database_url.clone();
        // Every app of a test binary is served from one process-wide runtime, as the product
        // serves from one: with one runtime per test, a page render now and then stayed pending
        // once other tests' runtimes had shut down (Leptos keeps process-wide state).
        // Bound first, so that the public URL (the one origin state-changing requests may come
        // from) is the address the test's browsers use.
        let std_listener = std::net::TcpListener::bind(config.bind).expect("bind");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let bound = std_listener.local_addr().expect("addr");
        if config.public_url == "http://127.0.0.1" {
            config.public_url = format!("http://{bound}");
        }
        let (started, addr) = tokio::sync::oneshot::channel();
        server_runtime().spawn(async move {
            let state = build_state(&config).await.expect("state");
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            let _ = started.send((listener.local_addr().expect("addr"), state.clone()));
            let app = router(state, leptos_options(&config));
            let _ = server::serve(listener, app).await;
        });
        let (addr, state) = addr.await.expect("the server started");
        Self {
            base: format!("http://{addr}"),
            database_url,
            store: state.store.clone(),
            state,
        }
    }

    /// A browser: keeps cookies, does not follow redirects (tests look at them).
    pub fn browser(&self) -> Browser {
        let client = Client::builder()
            // A page that never answers fails the test with its URL instead of hanging the run.
            .timeout(std::time::Duration::from_secs(30))
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: self.base.clone(),
        }
    }

    /// A browser that opens a new connection for every request. The server may close a
    /// connection whose request body it refused to read (an upload it will not accept); a
    /// browser retries on another, reqwest's pool would hand the dead one to the next request.
    pub fn browser_without_keep_alive(&self) -> Browser {
        let client = Client::builder()
            // A page that never answers fails the test with its URL instead of hanging the run.
            .timeout(std::time::Duration::from_secs(30))
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        Browser {
            client,
            base: self.base.clone(),
        }
    }

    /// What `/api/viewer` answers to a request carrying this session id and nothing else.
    pub async fn viewer_with_cookie(&self, session: &str) -> String {
        let res = self
            .browser()
            .client
            .post(format!("{}/api/viewer", self.base))
            .header(ORIGIN, &self.base)
            .header(ACCEPT, "application/json")
            .header("cookie", format!("gatehouse_session={session}"))
            .send()
            .await
            .expect("post");
        res.text().await.expect("body")
    }

    /// The one number a query answers (a count, an id).
    pub async fn scalar(&self, query: &str) -> i64 {
        let pool = sqlx::SqlitePool::connect(&self.database_url)
            .await
            .expect("db");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned()))
            .fetch_one(&pool)
            .await
            .expect("row");
        pool.close().await;
        n
    }

    /// The first column of every row a query answers, as text.
    pub async fn texts(&self, query: &str) -> Vec<String> {
        let pool = sqlx::SqlitePool::connect(&self.database_url)
            .await
            .expect("db");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned()))
            .fetch_all(&pool)
            .await
            .expect("rows");
        pool.close().await;
        rows
    }

    pub async fn sql(&self, statement: &str) {
        let pool = sqlx::SqlitePool::connect(&self.database_url)
            .await
            .expect("db");
        sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
            .execute(&pool)
            .await
            .expect("sql");
        pool.close().await;
    }
}

pub struct Browser {
    pub client: Client,
    pub base: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Js {
    On,
    Off,
}

impl Browser {
    /// Posts a form to a server function the way the page would: as the hydrated client (JSON
    /// answer) or as a plain HTML form (redirect answer).
    pub async fn post(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        js: Js,
        from_page: &str,
    ) -> Response {
        let accept = match js {
            Js::On => "application/json",
            Js::Off => "text/html,application/xhtml+xml",
        };
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ORIGIN, &self.base)
            .header(REFERER, format!("{}{from_page}", self.base))
            .header(ACCEPT, accept)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded(form))
            .send()
            .await
            .expect("post")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("get")
    }

    pub async fn sign_in(&self, local: &str) -> Response {
        let email = demo_email(local);
        self.post(
            "sign_in",
            &[("email", &email), ("password", PASSWORD)],
            Js::Off,
            "/sign-in",
        )
        .await
    }

    pub async fn viewer(&self) -> serde_json::Value {
        let res = self.post("viewer", &[], Js::On, "/").await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("json")
    }
}

/// What a response said. A server function's error comes as numbers; it is given here by its
/// names (`Invalid { problems: [EmailMalformed(Email)], echo: [..] }`) as the app decodes it, so
/// that a test can name the problem it expects. Any other body comes as it was.
pub async fn said(res: Response) -> String {
    named(&res.text().await.expect("body"))
}

/// A body as [`said`] gives it.
pub fn named(body: &str) -> String {
    match serde_json::from_str::<app::error::AppError>(body) {
        Ok(error) => format!("{error:?}"),
        Err(_) => body.to_owned(),
    }
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The path of a Location, without the query (a no-JS post answers with the Referer plus `?`).
pub fn location_path(res: &Response) -> String {
    let loc = location(res);
    let without_origin = match loc.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map(|i| rest[i..].to_owned())
            .unwrap_or_else(|| "/".into()),
        None => loc,
    };
    without_origin
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn serde_urlencoded(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A fresh PostgreSQL schema on `GATEHOUSE_TEST_POSTGRES_URL` (the README's test command starts
/// one and sets it), as a database URL. Without it the test fails loudly, unless the developer
/// opted out with `GATEHOUSE_SKIP_POSTGRES=1`; then `None`, and the caller says so.
pub async fn fresh_postgres() -> Option<String> {
    let Ok(url) = std::env::var("GATEHOUSE_TEST_POSTGRES_URL") else {
        if std::env::var("GATEHOUSE_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("PostgreSQL test skipped by GATEHOUSE_SKIP_POSTGRES=1");
            return None;
        }
        panic!(
            "set GATEHOUSE_TEST_POSTGRES_URL (scripts/test.sh does) or GATEHOUSE_SKIP_POSTGRES=1"
        );
    };
    let schema = format!("http_{:016x}", rand::thread_rng().gen::<u64>());
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
    Some(format!("{url}{sep}options=-c%20search_path%3D{schema}"))
}
