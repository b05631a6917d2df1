//! Configuration from environment variables, optionally loaded first from a file
//! (`GATEHOUSE_CONFIG_FILE`, default `gatehouse.env` when present), in `KEY=value` lines.

use std::net::SocketAddr;

use domain::session::SessionPolicy;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address users reach the service at; `https://…` makes cookies `Secure`.
    pub public_url: String,
    pub demo: bool,
    pub sessions: SessionPolicy,
    /// Where cargo-leptos put the compiled site (pkg/, vendor/, assets/).
    pub site_root: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number(name: &'static str, default: i64) -> Result<i64, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::Invalid {
                name,
                reason: format!("{v:?} is not a positive whole number"),
            }),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let file = var("GATEHOUSE_CONFIG_FILE").unwrap_or_else(|| "gatehouse.env".into());
        // A missing file is fine: the file is optional.
        let _ = dotenvy::from_filename(&file);

        let bind_text = var("GATEHOUSE_BIND")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|e| ConfigError::Invalid {
            name: "GATEHOUSE_BIND",
            reason: format!("{bind_text:?}: {e}"),
        })?;
        let public_url = var("GATEHOUSE_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "GATEHOUSE_PUBLIC_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://gatehouse.db".into()),
            bind,
            public_url: public_url.trim_end_matches('/').to_owned(),
            demo: matches!(var("GATEHOUSE_DEMO").as_deref(), Some("1" | "true" | "yes")),
            sessions: SessionPolicy {
                idle_seconds: number("GATEHOUSE_SESSION_IDLE_MINUTES", 30)? * 60,
                absolute_seconds: number("GATEHOUSE_SESSION_ABSOLUTE_HOURS", 12)? * 3600,
            },
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        })
    }

    /// `scheme://host[:port]` of the public URL.
    pub fn public_origin(&self) -> String {
        let (scheme, rest) = self
            .public_url
            .split_once("://")
            .unwrap_or(("http", &self.public_url));
        format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
    }
}
