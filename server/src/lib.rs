#![recursion_limit = "256"]
//! The Gatehouse server: builds the state from configuration, mounts pages, server functions and
//! static files behind the middleware, and serves them.

pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod form_problems;
pub mod health;
pub mod import;
pub mod limits;
pub mod mailer;
pub mod middleware;
pub mod oidc;
pub mod second_factor;
pub mod site;
pub mod telemetry;
pub mod temporary_access;
pub mod upload;
pub mod watchdog;

use std::sync::Arc;

use app::ssr::hasher::Argon2Hasher;
use app::ssr::state::{OsTokens, SystemClock};
use app::ssr::AppState;
use app::{shell, App};
use axum::http::{header, HeaderValue};
use axum::Router;
use domain::storage::Directory;
use domain::values::clock::Clock;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Connect(#[from] store::ConnectError),
    #[error("could not read the role catalogue")]
    Catalogue(#[source] domain::storage::StoreError),
    #[error("could not prepare password hashing: {0}")]
    Hasher(#[from] domain::model::user::HashError),
    #[error("could not load demo data")]
    Demo(#[from] demo::DemoError),
}

pub async fn build_state(config: &Config) -> Result<AppState, StartError> {
    build_state_with(config, store::Migrations::Run).await
}

/// The state, doing to the schema what `migrations` says (`serve --no-migrate` only checks it).
pub async fn build_state_with(
    config: &Config,
    migrations: store::Migrations,
) -> Result<AppState, StartError> {
    let store = store::connect_with(&config.database_url, migrations).await?;
    tracing::info!(backend = store.backend_name(), "database ready");
    let catalogue = store.catalogue().await.map_err(StartError::Catalogue)?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let hasher = Argon2Hasher::new(cores)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    if config.demo && demo::seed(&store, &hasher, clock.now(), config.mfa).await? {
        tracing::info!("demo mode: filled an empty database with demo organisations and users");
    }
    Ok(app::ssr::state::Shared {
        store,
        catalogue: Arc::new(catalogue),
        hasher,
        clock,
        tokens: Arc::new(OsTokens),
        sessions: config.sessions,
        lock_after: config.lock_after,
        rate_limit_per_minute: config.rate_limit_per_minute,
        max_temporary_days: config.max_temporary_days,
        mfa: config.mfa,
        dormant_days: config.dormant_days,
        disable_dormant_days: config.disable_dormant_days,
        expiry: Arc::default(),
        trusted_proxies: config.trusted_proxies.clone().into(),
        secure_cookies: config.public_url.starts_with("https://"),
        allowed_origins: config.allowed_origins().into(),
        public_url: config.public_url.clone(),
        imports: Arc::default(),
        demo: config.demo,
        password_policy: config.password_policy,
        refusals: Arc::default(),
        support: Arc::new(config.support.clone()),
        key_encryption_key: config.key_encryption_key.map(Arc::new),
    }
    .into())
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("gatehouse")
        .site_root(config.site_root.as_deref().unwrap_or(site::COMPILED_IN))
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build()
}

pub fn router(state: AppState, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::ssr::drafts::provide_form_problems();
        }
    };
    let store = state.store.clone();
    let limits = limits::RateLimits::per_minute(state.rate_limit_per_minute);
    limits.tidy_every_minute();
    let secure = state.secure_cookies;
    let site_root =
        (options.site_root.as_ref() != site::COMPILED_IN).then(|| options.site_root.to_string());
    let provider = oidc::Provider::of(&state);
    let mut router = Router::new();
    if let Some(p) = &provider {
        router = router.merge(oidc::browser_routes(p));
    }
    let router = router
        .route(
            "/audit.csv",
            axum::routing::get(app::features::audit_trail::api::csv_download)
                .with_state(state.clone()),
        )
        .route(
            app::features::access_reviews::download::PATH,
            axum::routing::get(app::features::access_reviews::download::csv_download)
                .with_state(state.clone()),
        )
        .route(
            app::features::users::download::PATH,
            axum::routing::get(app::features::users::download::csv_download)
                .with_state(state.clone()),
        )
        .route(
            app::features::organisations::import_api::UPLOAD_PATH,
            axum::routing::post(upload::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    app::features::organisations::import_api::UPLOAD_LIMIT_BYTES,
                ))
                .with_state(state.clone()),
        )
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        });
    let not_found = leptos_axum::file_and_error_handler_with_context(context, shell);
    let router = match site_root {
        // Files are served here, and only what is not a file goes to Leptos's handler, which
        // renders "Page not found". That handler serves files too, but copies onto a file's answer
        // the status of a `ResponseOptions` it can find from another render: a browser test got
        // /pkg/gatehouse.wasm whole, with a 404, and the page never hydrated.
        Some(root) => router.fallback_service(
            tower_http::services::ServeDir::new(root)
                // The release site's copies compressed once with brotli's best (scripts/site.sh).
                .precompressed_br()
                // A POST to an unknown address gets the "Page not found" page too, not a bare 405.
                .call_fallback_on_method_not_allowed(true)
                .fallback(axum::handler::Handler::with_state(
                    not_found,
                    options.clone(),
                )),
        ),
        // The files compiled into the binary, then the same "Page not found".
        None => router.fallback(
            move |uri: axum::http::Uri,
                  options: axum::extract::State<LeptosOptions>,
                  req: axum::extract::Request| {
                let not_found = not_found.clone();
                async move {
                    match site::answer(&req) {
                        Some(file) => file,
                        None => not_found(uri, options, req).await,
                    }
                }
            },
        ),
    };
    router
        .layer(watchdog::RenderWatchdogLayer {
            first_try: watchdog::FIRST_TRY,
        })
        // Inside the session's layer, so it knows who asked.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::record_refusals,
        ))
        // Inside the session's layer, so it knows whose problems it keeps.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            form_problems::keep_problems_off_the_address,
        ))
        // Inside the session's layer, so it knows what the session has proved; outside the
        // problems' layer, whose drafts it shares.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            second_factor::ask_for_second_factor,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::middleware::from_fn_with_state(limits, limits::limit))
        // Outside the limits, so they count by the address it finds.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::find_client_address,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::check_origin,
        ))
        .layer(axum::middleware::from_fn(
            middleware::bad_input_is_not_a_server_error,
        ))
        .layer(axum::middleware::from_fn(middleware::bodies_over_the_limit))
        .layer(axum::middleware::from_fn(move |req, next| {
            middleware::security_headers(secure, req, next)
        }))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            middleware::assign_request_id,
        ))
        // Pages, CSS and the WASM (167 KB as built, 71 KB with brotli): mobile users should not pay the difference.
        .layer(CompressionLayer::new().br(true).gzip(true))
        // Added after every layer, so none applies: a load balancer's probes need no session, are
        // not rate-limited and write no log line.
        .route("/healthz", axum::routing::get(health::alive))
        // Likewise: services call these from their servers, with no cookie and no Origin.
        .merge(match &provider {
            Some(p) => oidc::api_routes(p),
            None => Router::new(),
        })
        .route(
            "/readyz",
            axum::routing::get(health::ready).with_state(store),
        )
        .with_state(options)
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    // The client's address is recorded with audit events.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
