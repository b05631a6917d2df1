//! Configuration from environment variables, optionally loaded first from a file
//! (`GATEHOUSE_CONFIG_FILE`, default `gatehouse.env` when present), in `KEY=value` lines.

use std::net::SocketAddr;
use std::time::Duration;

use domain::model::session::SessionPolicy;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address users reach the service at; `https://…` makes cookies `Secure`.
    pub public_url: String,
    pub demo: bool,
    pub sessions: SessionPolicy,
    /// Consecutive failed sign-ins that lock an account.
    pub lock_after: i64,
    /// Requests per minute and client address to sign-in, registration, forgotten password and
    /// change password (a burst of the same size is allowed).
    pub rate_limit_per_minute: u32,
    /// How far ahead a role's end may be set, in days.
    pub max_temporary_days: i64,
    /// Days without a session that mark an active account "Dormant".
    pub dormant_days: i64,
    /// Days without a sign-in after which an active account is disabled; 0: never (the default).
    pub disable_dormant_days: i64,
    /// Proxies (load balancers) whose `X-Forwarded-For` header names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A folder to serve the site from (pkg/, vendor/, assets/) instead of the files compiled into
    /// the binary: for development.
    pub site_root: Option<String>,
    /// The rules new passwords must meet: `seeds` (default) or `nist`.
    pub password_policy: domain::PasswordPolicy,
    /// How people reach the Service Desk: shown on Contact us and wherever a page says to
    /// contact it.
    pub support: app::support::SupportContact,
    /// Who must have a second factor: `admins` (default), `everyone` or `optional`.
    pub mfa: domain::model::second_factor::MfaPolicy,
    /// `GATEHOUSE_KEY_ENCRYPTION_KEY`: 32 bytes (64 hexadecimal digits, or base64) that encrypt
    /// the private halves of the token signing keys. Unset, Gatehouse is no OpenID Connect
    /// provider, except in demo mode, which uses a fixed demo key.
    pub key_encryption_key: Option<[u8; 32]>,
}

/// The public URL when none is configured: the bound address. Listening on every address says
/// nothing of where users reach the service, and the public URL is the one origin
/// state-changing requests may come from, so it must then be given.
fn default_public_url(bind: SocketAddr) -> Result<String, ConfigError> {
    if bind.ip().is_unspecified() {
        return Err(ConfigError::Invalid {
            name: "GATEHOUSE_PUBLIC_URL",
            reason: format!(
                "must be set when GATEHOUSE_BIND ({bind}) listens on every address: \
                 the address users type, such as https://gatehouse.example.nhs.uk"
            ),
        });
    }
    Ok(format!("http://{bind}"))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Where settings are read from: the command line's flags first, then the environment (which a
/// `gatehouse.env` file may have filled in). Blank values count as unset.
pub struct Source<'a> {
    flags: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Source<'a> {
    /// Flags as `flags` answers them by variable name, over the environment.
    pub fn new(flags: &'a dyn Fn(&str) -> Option<String>) -> Self {
        load_file();
        Self { flags }
    }

    /// The environment alone.
    pub fn env() -> Source<'static> {
        Source::new(&|_| None)
    }

    pub fn var(&self, name: &str) -> Option<String> {
        (self.flags)(name)
            .or_else(|| std::env::var(name).ok())
            .filter(|v| !v.trim().is_empty())
    }

    fn number(&self, name: &'static str, default: i64) -> Result<i64, ConfigError> {
        match self.var(name) {
            None => Ok(default),
            Some(v) => {
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(ConfigError::Invalid {
                        name,
                        reason: format!("{v:?} is not a positive whole number"),
                    })
            }
        }
    }

    /// A comma-separated list of IP addresses; empty when unset.
    fn addresses(&self, name: &'static str) -> Result<Vec<std::net::IpAddr>, ConfigError> {
        self.var(name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse().map_err(|_| ConfigError::Invalid {
                    name,
                    reason: format!("{a:?} is not an IP address"),
                })
            })
            .collect()
    }
}

pub fn load_file() {
    let file = std::env::var("GATEHOUSE_CONFIG_FILE")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "gatehouse.env".into());
    // A missing file is fine: the file is optional. Variables already set win over the file, so
    // loading it twice changes nothing.
    let _ = dotenvy::from_filename(&file);
}

/// The Service Desk's contact details: a phone number, an email address and a web page, each
/// optional. Checked here so that a page never shows a link that cannot work.
fn support_contact(src: &Source<'_>) -> Result<app::support::SupportContact, ConfigError> {
    let phone = src
        .var("GATEHOUSE_SUPPORT_PHONE")
        .map(|p| p.trim().to_owned());
    if let Some(p) = &phone {
        let ok = p.len() <= 40
            && p.chars().any(|c| c.is_ascii_digit())
            && p.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c));
        if !ok {
            return Err(ConfigError::Invalid {
                name: "GATEHOUSE_SUPPORT_PHONE",
                reason: format!("{p:?}: digits, spaces, + ( ) and - only"),
            });
        }
    }
    let email = match src.var("GATEHOUSE_SUPPORT_EMAIL") {
        None => None,
        Some(e) => Some(
            domain::EmailAddress::parse(e.trim())
                .map_err(|_| ConfigError::Invalid {
                    name: "GATEHOUSE_SUPPORT_EMAIL",
                    reason: format!("{e:?} is not an email address"),
                })?
                .to_string(),
        ),
    };
    let url = src
        .var("GATEHOUSE_SUPPORT_URL")
        .map(|u| u.trim().to_owned());
    if let Some(u) = &url {
        if !u.starts_with("https://") || u.chars().any(|c| c.is_whitespace() || c == '"') {
            return Err(ConfigError::Invalid {
                name: "GATEHOUSE_SUPPORT_URL",
                reason: format!("{u:?}: must be an https:// address"),
            });
        }
    }
    Ok(app::support::SupportContact { phone, email, url })
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Source::env())
    }

    pub fn from_source(src: &Source<'_>) -> Result<Self, ConfigError> {
        let var = |name: &str| src.var(name);
        let number = |name: &'static str, default: i64| src.number(name, default);
        let bind_text = var("GATEHOUSE_BIND")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|e| ConfigError::Invalid {
            name: "GATEHOUSE_BIND",
            reason: format!("{bind_text:?}: {e}"),
        })?;
        let public_url = match var("GATEHOUSE_PUBLIC_URL") {
            Some(url) => url,
            None => default_public_url(bind)?,
        };
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "GATEHOUSE_PUBLIC_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        let demo = matches!(var("GATEHOUSE_DEMO").as_deref(), Some("1" | "true" | "yes"));
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://gatehouse.db".into()),
            bind,
            public_url: public_url.trim_end_matches('/').to_owned(),
            demo,
            sessions: SessionPolicy {
                idle_seconds: number("GATEHOUSE_SESSION_IDLE_MINUTES", 30)? * 60,
                absolute_seconds: number("GATEHOUSE_SESSION_ABSOLUTE_HOURS", 12)? * 3600,
            },
            lock_after: number(
                "GATEHOUSE_LOCK_AFTER_FAILURES",
                domain::features::account_security::DEFAULT_LOCK_AFTER,
            )?,
            max_temporary_days: number(
                "GATEHOUSE_MAX_TEMPORARY_DAYS",
                domain::rules::access_end::MAX_DAYS,
            )?,
            dormant_days: number(
                "GATEHOUSE_DORMANT_DAYS",
                domain::features::users::DORMANT_DAYS,
            )?,
            // Off unless set: disabling accounts is a decision each service makes.
            disable_dormant_days: number("GATEHOUSE_DISABLE_DORMANT_DAYS", 0)?,
            rate_limit_per_minute: u32::try_from(number("GATEHOUSE_RATE_LIMIT_PER_MINUTE", 60)?)
                .map_err(|_| ConfigError::Invalid {
                    name: "GATEHOUSE_RATE_LIMIT_PER_MINUTE",
                    reason: "too large".into(),
                })?,
            trusted_proxies: src.addresses("GATEHOUSE_TRUSTED_PROXIES")?,
            site_root: var("LEPTOS_SITE_ROOT"),
            password_policy: {
                let raw = var("GATEHOUSE_PASSWORD_POLICY").unwrap_or_default();
                domain::PasswordPolicy::parse(&raw).ok_or_else(|| ConfigError::Invalid {
                    name: "GATEHOUSE_PASSWORD_POLICY",
                    reason: format!("{raw:?}: must be seeds or nist"),
                })?
            },
            support: support_contact(src)?,
            key_encryption_key: crate::oidc::keys::from_setting(
                var("GATEHOUSE_KEY_ENCRYPTION_KEY"),
                demo,
            )?,
            mfa: match var("GATEHOUSE_MFA") {
                None => Default::default(),
                Some(raw) => {
                    domain::model::second_factor::MfaPolicy::parse(&raw).ok_or_else(|| {
                        ConfigError::Invalid {
                            name: "GATEHOUSE_MFA",
                            reason: format!("{raw:?}: must be admins, everyone or optional"),
                        }
                    })?
                }
            },
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

    /// The origins a state-changing request may come from: the public origin and nothing the
    /// request itself says (never its `Host`). A public URL on the loopback interface is the
    /// same machine under each of its names (127.0.0.1, localhost, [::1]), so a laptop user may
    /// type any of them.
    pub fn allowed_origins(&self) -> Vec<String> {
        let origin = self.public_origin();
        let (scheme, authority) = origin.split_once("://").unwrap_or(("http", &origin));
        let port = authority
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, p)| format!(":{p}"))
            .unwrap_or_default();
        let host = authority.strip_suffix(port.as_str()).unwrap_or(authority);
        let loopback = ["127.0.0.1", "localhost", "[::1]"];
        if loopback.contains(&host.to_ascii_lowercase().as_str()) {
            loopback
                .iter()
                .map(|h| format!("{scheme}://{h}{port}"))
                .collect()
        } else {
            vec![origin]
        }
    }
}

/// Outgoing email. Without an SMTP URL, emails stay in the outbox for the operator.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp_url: Option<SmtpUrl>,
    pub from: Mailbox,
    /// How long the outbox worker waits when nothing was due.
    pub poll: Duration,
}

pub const DEFAULT_MAIL_FROM: &str = "Gatehouse <no-reply@gatehouse.invalid>";

impl MailConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Source::env())
    }

    pub fn from_source(src: &Source<'_>) -> Result<Self, ConfigError> {
        let var = |name: &str| src.var(name);
        let smtp_url = var("GATEHOUSE_SMTP_URL")
            .map(|u| SmtpUrl::parse(u.trim()))
            .transpose()?;
        let from_text = var("GATEHOUSE_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        let from = from_text
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| ConfigError::Invalid {
                name: "GATEHOUSE_MAIL_FROM",
                reason: format!("{from_text:?}: {e}"),
            })?;
        let poll_ms = src.number("GATEHOUSE_OUTBOX_POLL_MS", 2000)?;
        Ok(Self {
            smtp_url,
            from,
            poll: Duration::from_millis(poll_ms.unsigned_abs()),
        })
    }
}

/// `smtp://host:port`, `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:pass@host`, as
/// lettre reads it. It may hold a password, so `Debug` shows only the scheme and host.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        // The error names neither the URL nor lettre's message, which could quote the password.
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|_| ConfigError::Invalid {
            name: "GATEHOUSE_SMTP_URL",
            reason: "expected smtp://host[:port][?tls=required|opportunistic] or \
                     smtps://[user:password@]host[:port]"
                .into(),
        })?;
        Ok(Self(url.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `scheme://host[:port]`, safe to log.
    pub fn redacted(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("smtp", &self.0));
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        format!("{scheme}://{host}")
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpUrl({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_never_shows_its_password() {
        let url = SmtpUrl::parse("smtps://mailer:s3cret@smtp.example.org:465").expect("url");
        assert_eq!(url.redacted(), "smtps://smtp.example.org:465");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn an_unknown_scheme_is_refused_without_echoing_the_url() {
        let e = SmtpUrl::parse("http://mailer:s3cret@example.org").expect_err("refused");
        assert!(!e.to_string().contains("s3cret"));
    }

    fn with_public_url(url: &str) -> Config {
        Config {
            database_url: String::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: url.into(),
            demo: false,
            sessions: SessionPolicy::default(),
            lock_after: 5,
            rate_limit_per_minute: 60,
            max_temporary_days: 366,
            dormant_days: 90,
            disable_dormant_days: 0,
            trusted_proxies: Vec::new(),
            site_root: None,
            password_policy: domain::PasswordPolicy::default(),
            support: Default::default(),
            mfa: Default::default(),
            key_encryption_key: None,
        }
    }

    fn support_from(
        vars: &'static [(&'static str, &'static str)],
    ) -> Result<app::support::SupportContact, ConfigError> {
        let flags = move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        support_contact(&Source { flags: &flags })
    }

    #[test]
    fn support_details_are_checked_before_any_page_shows_them() {
        let ok = support_from(&[
            ("GATEHOUSE_SUPPORT_PHONE", "0300 123 4567"),
            ("GATEHOUSE_SUPPORT_EMAIL", "desk@example.nhs.uk"),
            ("GATEHOUSE_SUPPORT_URL", "https://help.example.nhs.uk"),
        ])
        .expect("valid");
        assert_eq!(ok.phone.as_deref(), Some("0300 123 4567"));
        assert!(support_from(&[("GATEHOUSE_SUPPORT_PHONE", "call us")]).is_err());
        assert!(support_from(&[("GATEHOUSE_SUPPORT_EMAIL", "not-an-address")]).is_err());
        assert!(support_from(&[("GATEHOUSE_SUPPORT_URL", "javascript:alert(1)")]).is_err());
        assert!(support_from(&[("GATEHOUSE_SUPPORT_URL", "http://plain.example")]).is_err());
    }

    #[test]
    fn the_two_factor_policy_is_one_of_three_words_and_admins_by_default() {
        use domain::model::second_factor::MfaPolicy;
        let with = |value: &'static str| {
            let flags = move |name: &str| (name == "GATEHOUSE_MFA").then(|| value.to_owned());
            Config::from_source(&Source { flags: &flags }).map(|c| c.mfa)
        };
        assert_eq!(with("optional").ok(), Some(MfaPolicy::Optional));
        assert_eq!(with("Everyone").ok(), Some(MfaPolicy::Everyone));
        assert_eq!(with("").ok(), Some(MfaPolicy::Admins), "blank is unset");
        let e = with("off").expect_err("refused");
        assert!(e.to_string().contains("GATEHOUSE_MFA"), "{e}");
    }

    #[test]
    fn listening_on_every_address_needs_a_public_url() {
        assert_eq!(
            default_public_url(SocketAddr::from(([127, 0, 0, 1], 3000))).ok(),
            Some("http://127.0.0.1:3000".to_owned())
        );
        let e = default_public_url(SocketAddr::from(([0, 0, 0, 0], 3000))).expect_err("refused");
        assert!(e.to_string().contains("GATEHOUSE_PUBLIC_URL"), "{e}");
        assert!(default_public_url("[::]:3000".parse().expect("addr")).is_err());
    }

    #[test]
    fn a_public_origin_on_loopback_allows_its_loopback_names_and_no_other() {
        assert_eq!(
            with_public_url("http://127.0.0.1:3000").allowed_origins(),
            [
                "http://127.0.0.1:3000",
                "http://localhost:3000",
                "http://[::1]:3000"
            ]
        );
        assert_eq!(
            with_public_url("https://gatehouse.example.nhs.uk/base").allowed_origins(),
            ["https://gatehouse.example.nhs.uk"]
        );
        assert_eq!(
            with_public_url("https://localhost.example.nhs.uk:8443").allowed_origins(),
            ["https://localhost.example.nhs.uk:8443"]
        );
    }

    #[test]
    fn the_default_sender_is_a_valid_mailbox() {
        let from: Mailbox = DEFAULT_MAIL_FROM.parse().expect("mailbox");
        assert_eq!(from.email.to_string(), "no-reply@gatehouse.invalid");
    }
}
