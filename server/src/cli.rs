//! The operator's command line. `gatehouse` alone serves, as it always has; the other commands
//! migrate, import the ODS extracts, make a Service Desk account and check the configuration.
//! Every setting is both a flag and an environment variable, and the flag wins; a
//! `gatehouse.env` file (or the one `GATEHOUSE_CONFIG_FILE` names) fills in what neither gives.

use clap::{Args, Parser, Subcommand};

/// The version and the git revision it was built from (`unknown` outside a git checkout).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("GATEHOUSE_GIT_REVISION"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse",
    version = VERSION,
    about = "Gatehouse: who may use the commissioning and quality-reporting service, as which \
             role, for which organisations.",
    long_about = None,
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web service (what `gatehouse` does with no command).
    Serve {
        /// Do not migrate the database: for a fleet where one job runs `gatehouse migrate`.
        /// Start-up stops if the schema is not up to date.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Bring the database's schema up to date, then exit.
    Migrate,
    /// Import the NHS ODS extracts (ICBs, sub-ICB locations, GP practices) into the tree.
    ImportOds(ImportOds),
    /// Make an account hold the Service Desk role at the platform organisation, and print the
    /// single-use link (7 days) with which its owner sets their password.
    CreateServiceDesk {
        /// The person's email address: their user name.
        #[arg(long)]
        email: String,
        /// Needed for a new account.
        #[arg(long, default_value = "")]
        first_name: String,
        /// Needed for a new account.
        #[arg(long, default_value = "")]
        last_name: String,
    },
    /// Print the effective configuration with secrets hidden, and exit non-zero if any setting
    /// is wrong.
    CheckConfig,
    /// Make a new key to sign tokens with: published at once, signing ten minutes later (once
    /// services have fetched it); the keys before it stay published until their tokens expire.
    RotateSigningKey,
}

#[derive(Debug, Args)]
pub struct ImportOds {
    /// Count what would change, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only this ICB's branch of the tree (its ODS code).
    #[arg(long, value_name = "CODE")]
    pub icb: Option<String>,
    /// The ICB list extract (CSV).
    #[arg(long, value_name = "FILE")]
    pub icb_list: std::path::PathBuf,
    /// The sub-ICB locations extract, eccg (CSV).
    #[arg(long, value_name = "FILE")]
    pub eccg: std::path::PathBuf,
    /// The GP practices extract, epraccur (CSV).
    #[arg(long, value_name = "FILE")]
    pub epraccur: std::path::PathBuf,
}

/// Every setting, as a flag over its environment variable. Values are read as text here and
/// checked in one place, `config.rs`, whichever way they came.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Settings (each also read from its environment variable)")]
pub struct Settings {
    /// The database: sqlite://gatehouse.db (the default) or postgres://user:password@host/db.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The address and port to listen on (default 127.0.0.1:3000).
    #[arg(long, global = true, env = "GATEHOUSE_BIND")]
    pub bind: Option<String>,
    /// The address users type, such as https://gatehouse.example.nhs.uk (https makes cookies
    /// Secure). Needed when listening on every address.
    #[arg(long, global = true, env = "GATEHOUSE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// 1 to fill an empty database with demo organisations and users.
    #[arg(long, global = true, env = "GATEHOUSE_DEMO")]
    pub demo: Option<String>,
    /// Minutes without a request before a session ends (default 30).
    #[arg(long, global = true, env = "GATEHOUSE_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<String>,
    /// Hours after sign-in when a session ends whatever happens (default 12).
    #[arg(long, global = true, env = "GATEHOUSE_SESSION_ABSOLUTE_HOURS")]
    pub session_absolute_hours: Option<String>,
    /// Wrong passwords in a row that lock an account (default 5).
    #[arg(long, global = true, env = "GATEHOUSE_LOCK_AFTER_FAILURES")]
    pub lock_after_failures: Option<String>,
    /// Days without a sign-in that mark an active account "Dormant" on Users (default 90).
    #[arg(long, global = true, env = "GATEHOUSE_DORMANT_DAYS")]
    pub dormant_days: Option<String>,
    /// Days without a sign-in after which an active account is disabled (default: never; 180
    /// is suggested). The Service Desk may exempt an account.
    #[arg(long, global = true, env = "GATEHOUSE_DISABLE_DORMANT_DAYS")]
    pub disable_dormant_days: Option<String>,
    /// The furthest ahead, in days, a role's "Access ends on" date may be set (default 366).
    #[arg(long, global = true, env = "GATEHOUSE_MAX_TEMPORARY_DAYS")]
    pub max_temporary_days: Option<String>,
    /// Sign-in, registration and password requests per minute from one address (default 60).
    #[arg(long, global = true, env = "GATEHOUSE_RATE_LIMIT_PER_MINUTE")]
    pub rate_limit_per_minute: Option<String>,
    /// Proxies whose X-Forwarded-For names the client (comma-separated IP addresses).
    #[arg(long, global = true, env = "GATEHOUSE_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// The rules for new passwords: seeds (the default) or nist.
    #[arg(long, global = true, env = "GATEHOUSE_PASSWORD_POLICY")]
    pub password_policy: Option<String>,
    /// The built site (pkg/, vendor/, assets/) (default target/site).
    #[arg(long, global = true, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<String>,
    /// Where emails go: smtp://host:port, smtp://host:587?tls=required or
    /// smtps://user:password@host. Unset, emails stay in the outbox.
    #[arg(
        long,
        global = true,
        env = "GATEHOUSE_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// The sender of every email (default Gatehouse <no-reply@gatehouse.invalid>).
    #[arg(long, global = true, env = "GATEHOUSE_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Milliseconds the outbox worker waits when nothing was due (default 2000).
    #[arg(long, global = true, env = "GATEHOUSE_OUTBOX_POLL_MS")]
    pub outbox_poll_ms: Option<String>,
    /// Logs as text (the default) or json: one JSON object per line.
    #[arg(long, global = true, env = "GATEHOUSE_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// The Service Desk's phone number, shown on Contact us and wherever a page says to contact it.
    #[arg(long, global = true, env = "GATEHOUSE_SUPPORT_PHONE")]
    pub support_phone: Option<String>,
    /// The Service Desk's email address.
    #[arg(long, global = true, env = "GATEHOUSE_SUPPORT_EMAIL")]
    pub support_email: Option<String>,
    /// The Service Desk's web page (https://).
    #[arg(long, global = true, env = "GATEHOUSE_SUPPORT_URL")]
    pub support_url: Option<String>,
    /// 32 bytes (64 hexadecimal digits, or base64) that seal the keys signing OpenID Connect
    /// tokens; unset, Gatehouse is no OpenID Connect provider (demo mode has its own).
    #[arg(
        long,
        global = true,
        env = "GATEHOUSE_KEY_ENCRYPTION_KEY",
        hide_env_values = true
    )]
    pub key_encryption_key: Option<String>,
}

impl Settings {
    /// The value given for the environment variable `name`, by flag or environment.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match name {
            "DATABASE_URL" => &self.database_url,
            "GATEHOUSE_BIND" => &self.bind,
            "GATEHOUSE_PUBLIC_URL" => &self.public_url,
            "GATEHOUSE_DEMO" => &self.demo,
            "GATEHOUSE_SESSION_IDLE_MINUTES" => &self.session_idle_minutes,
            "GATEHOUSE_SESSION_ABSOLUTE_HOURS" => &self.session_absolute_hours,
            "GATEHOUSE_LOCK_AFTER_FAILURES" => &self.lock_after_failures,
            "GATEHOUSE_RATE_LIMIT_PER_MINUTE" => &self.rate_limit_per_minute,
            "GATEHOUSE_MAX_TEMPORARY_DAYS" => &self.max_temporary_days,
            "GATEHOUSE_DORMANT_DAYS" => &self.dormant_days,
            "GATEHOUSE_DISABLE_DORMANT_DAYS" => &self.disable_dormant_days,
            "GATEHOUSE_TRUSTED_PROXIES" => &self.trusted_proxies,
            "GATEHOUSE_PASSWORD_POLICY" => &self.password_policy,
            "LEPTOS_SITE_ROOT" => &self.site_root,
            "GATEHOUSE_SMTP_URL" => &self.smtp_url,
            "GATEHOUSE_MAIL_FROM" => &self.mail_from,
            "GATEHOUSE_OUTBOX_POLL_MS" => &self.outbox_poll_ms,
            "GATEHOUSE_LOG_FORMAT" => &self.log_format,
            "GATEHOUSE_SUPPORT_PHONE" => &self.support_phone,
            "GATEHOUSE_SUPPORT_EMAIL" => &self.support_email,
            "GATEHOUSE_SUPPORT_URL" => &self.support_url,
            "GATEHOUSE_KEY_ENCRYPTION_KEY" => &self.key_encryption_key,
            _ => return None,
        };
        v.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_serves_and_a_flag_names_its_variable() {
        let cli =
            Cli::try_parse_from(["gatehouse", "--database-url", "sqlite://x.db"]).expect("parsed");
        assert!(cli.command.is_none());
        assert_eq!(
            cli.settings.get("DATABASE_URL").as_deref(),
            Some("sqlite://x.db")
        );
        let cli = Cli::try_parse_from([
            "gatehouse",
            "create-service-desk",
            "--email",
            "desk@example.nhs.uk",
            "--public-url",
            "https://gatehouse.example.nhs.uk",
        ])
        .expect("parsed");
        assert!(matches!(
            cli.command,
            Some(Command::CreateServiceDesk { .. })
        ));
        assert_eq!(
            cli.settings.get("GATEHOUSE_PUBLIC_URL").as_deref(),
            Some("https://gatehouse.example.nhs.uk")
        );
    }

    /// Each setting is named twice, in its flag's `env` and in `Settings::get`: a flag whose value
    /// did not reach its variable would be silently ignored.
    #[test]
    fn every_settings_flag_reaches_its_environment_variable() {
        let command = Cli::command();
        let settings: Vec<_> = command
            .get_arguments()
            .filter_map(|a| Some((a.get_long()?, a.get_env()?.to_str()?.to_owned())))
            .collect();
        assert!(settings.len() >= 15, "{settings:?}");
        for (flag, variable) in settings {
            let cli = Cli::try_parse_from(["gatehouse", &format!("--{flag}"), "given"])
                .unwrap_or_else(|e| panic!("--{flag}: {e}"));
            assert_eq!(
                cli.settings.get(&variable).as_deref(),
                Some("given"),
                "--{flag}"
            );
        }
    }

    #[test]
    fn a_password_cannot_be_given_on_the_command_line() {
        let e = Cli::try_parse_from([
            "gatehouse",
            "create-service-desk",
            "--email",
            "desk@example.nhs.uk",
            "--password",
            "secret",
        ])
        .expect_err("refused");
        assert_eq!(e.kind(), clap::error::ErrorKind::UnknownArgument);
    }
}
