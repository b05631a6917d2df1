//! The one place that initialises tracing. `RUST_LOG` overrides the default filter;
//! `GATEHOUSE_LOG_FORMAT=json` writes one JSON object per line, for a log collector.

use tracing_subscriber::EnvFilter;

pub fn init(format: Option<&str>) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if format.is_some_and(|f| f.trim().eq_ignore_ascii_case("json")) {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
