//! What each command of the command line does (`cli.rs` reads it): serve, migrate, make a
//! Service Desk account, check the configuration.

use std::error::Error;
use std::sync::Arc;

use app::ssr::hasher::Argon2Hasher;
use app::ssr::state::{OsTokens, SystemClock};
use domain::features::operator::{self, ServiceDeskMade};
use domain::services::Services;
use domain::storage::Directory;
use domain::values::clock::Clock;
use store::Migrations;

use crate::config::{MailConfig, Source};
use crate::{build_state_with, leptos_options, mailer, router, serve as serve_on, Config};

type Outcome<T> = Result<T, Box<dyn Error>>;

/// `gatehouse` and `gatehouse serve`: the web service, and the outbox worker when SMTP is set.
pub async fn serve(src: &Source<'_>, no_migrate: bool) -> Outcome<()> {
    let config = Config::from_source(src)?;
    let mail = MailConfig::from_source(src)?;
    let migrations = if no_migrate {
        Migrations::Check
    } else {
        Migrations::Run
    };
    let state = build_state_with(&config, migrations).await?;
    if config.site_root.is_none() && crate::site::file_count() == 0 {
        tracing::warn!(
            "this binary holds no site files (it was built before the site): pages work, but \
             without styles or scripts. Build the site first (scripts/site.sh), or set \
             LEPTOS_SITE_ROOT to a built site"
        );
    }
    // Marks ended roles and sends the reminders of ends to come, whatever the traffic.
    let _ending_worker = crate::temporary_access::spawn(state.clone());
    // Ends lapsed grants of connected services and tells the services that asked.
    let _logout_worker = match crate::oidc::Provider::of(&state) {
        Some(p) => {
            tracing::info!(issuer = %p.issuer, "OpenID Connect provider on");
            Some(crate::oidc::logout::spawn(p))
        }
        None => {
            tracing::info!(
                "GATEHOUSE_KEY_ENCRYPTION_KEY is not set: Gatehouse is no OpenID Connect provider"
            );
            None
        }
    };
    let outbox_worker = match &mail.smtp_url {
        Some(url) => {
            tracing::info!(smtp = %url.redacted(), "sending the outbox through SMTP");
            Some(mailer::spawn(
                state.store.clone(),
                mailer::transport(url)?,
                mail.from.clone(),
                mail.poll,
                state.clock.clone(),
            ))
        }
        None => {
            tracing::info!(
                "GATEHOUSE_SMTP_URL is not set: emails stay in the outbox (the Service Desk's Outbox page lists them)"
            );
            None
        }
    };
    let app = router(state.clone(), leptos_options(&config));
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    println!(
        "Gatehouse is running at http://{addr} (public URL {})",
        config.public_url
    );
    if config.demo {
        println!(
            "Demo mode: sign in as account.admin@{} with password {}",
            crate::demo::DEMO_DOMAIN,
            crate::demo::DEMO_PASSWORD
        );
    }
    serve_on(listener, app).await?;
    // A send cut short here is retried by the next start once its lease ends.
    if let Some(worker) = outbox_worker {
        worker.abort();
    }
    state.store.close().await;
    Ok(())
}

/// `gatehouse migrate`: the schema brought up to date, nothing else.
pub async fn migrate(src: &Source<'_>) -> Outcome<()> {
    let config = Config::from_source(src)?;
    let store = store::connect_with(&config.database_url, Migrations::Run).await?;
    println!(
        "The {} database's schema is up to date.",
        store.backend_name()
    );
    store.close().await;
    Ok(())
}

/// `gatehouse create-service-desk`: what happened, and the link its owner needs, as text for the
/// operator. With SMTP set, the email with the link is sent too.
pub async fn create_service_desk(
    src: &Source<'_>,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Outcome<String> {
    let config = Config::from_source(src)?;
    let mail = MailConfig::from_source(src)?;
    let store = store::connect(&config.database_url).await?;
    let catalogue = store.catalogue().await?;
    // Nothing here hashes a password; the context asks for a hasher all the same.
    let hasher = Argon2Hasher::new(1)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let services = Services {
        store: &store,
        catalogue: &catalogue,
        clock: clock.as_ref(),
        tokens: &OsTokens,
        hasher: &hasher,
        base_url: &config.public_url,
        sessions: config.sessions,
        lock_after: config.lock_after,
        max_temporary_days: config.max_temporary_days,
        mfa: config.mfa,
    };
    let made = operator::create_service_desk(&services, email, first_name, last_name).await;
    let said = match made {
        Ok(ServiceDeskMade::Created { link, .. }) => format!(
            "Made a Service Desk account for {email}, waiting for its password.\n\
             Give this link to its owner only: it sets their password, works once and expires \
             in 7 days.\n{link}"
        ),
        Ok(ServiceDeskMade::RoleAdded {
            link: Some(link), ..
        }) => format!(
            "{email} now holds the Service Desk role. The account has no password yet.\n\
             Give this link to its owner only: it sets their password, works once and expires \
             in 7 days (any earlier link no longer works).\n{link}"
        ),
        Ok(ServiceDeskMade::RoleAdded { link: None, .. }) => format!(
            "{email} now holds the Service Desk role; they sign in with their own password."
        ),
        Ok(ServiceDeskMade::AlreadyHeld { link: None, .. }) => {
            format!("{email} holds the Service Desk role already: nothing changed.")
        }
        Ok(ServiceDeskMade::AlreadyHeld {
            link: Some(link), ..
        }) => format!(
            "{email} holds the Service Desk role already, but has not set a password yet.\n\
             Give this new link to its owner only: it sets their password, works once and \
             expires in 7 days (the link before no longer works).\n{link}"
        ),
        Err(e) => {
            store.close().await;
            return Err(e.into());
        }
    };
    let said = match &mail.smtp_url {
        Some(url) => {
            let mailer = mailer::Mailer::new(
                store.clone(),
                mailer::transport(url)?,
                mail.from.clone(),
                clock.clone(),
            );
            mailer.deliver_due().await?;
            format!(
                "{said}\nThe email with the link went to {}.",
                url.redacted()
            )
        }
        None => format!(
            "{said}\nNo SMTP server is set (GATEHOUSE_SMTP_URL): the email waits in the outbox."
        ),
    };
    store.close().await;
    Ok(said)
}

/// A database URL with its password hidden.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

/// `gatehouse check-config`: every setting as it will be used, secrets hidden. A wrong setting
/// is an error, so the command exits non-zero with its message.
pub fn check_config(src: &Source<'_>) -> Outcome<String> {
    let config = Config::from_source(src)?;
    let mail = MailConfig::from_source(src)?;
    let proxies: Vec<String> = config
        .trusted_proxies
        .iter()
        .map(ToString::to_string)
        .collect();
    let lines = [
        ("DATABASE_URL", redact_url(&config.database_url)),
        ("GATEHOUSE_BIND", config.bind.to_string()),
        ("GATEHOUSE_PUBLIC_URL", config.public_url.clone()),
        ("GATEHOUSE_DEMO", config.demo.to_string()),
        (
            "GATEHOUSE_SESSION_IDLE_MINUTES",
            (config.sessions.idle_seconds / 60).to_string(),
        ),
        (
            "GATEHOUSE_SESSION_ABSOLUTE_HOURS",
            (config.sessions.absolute_seconds / 3600).to_string(),
        ),
        (
            "GATEHOUSE_LOCK_AFTER_FAILURES",
            config.lock_after.to_string(),
        ),
        (
            "GATEHOUSE_RATE_LIMIT_PER_MINUTE",
            config.rate_limit_per_minute.to_string(),
        ),
        (
            "GATEHOUSE_MAX_TEMPORARY_DAYS",
            config.max_temporary_days.to_string(),
        ),
        ("GATEHOUSE_DORMANT_DAYS", config.dormant_days.to_string()),
        (
            "GATEHOUSE_DISABLE_DORMANT_DAYS",
            if config.disable_dormant_days == 0 {
                "never".to_owned()
            } else {
                config.disable_dormant_days.to_string()
            },
        ),
        (
            "GATEHOUSE_TRUSTED_PROXIES",
            if proxies.is_empty() {
                "(none)".into()
            } else {
                proxies.join(",")
            },
        ),
        (
            "GATEHOUSE_PASSWORD_POLICY",
            format!("{:?}", config.password_policy).to_lowercase(),
        ),
        (
            "LEPTOS_SITE_ROOT",
            config.site_root.clone().unwrap_or_else(|| {
                format!(
                    "(not set: the {} files compiled into the binary)",
                    crate::site::file_count()
                )
            }),
        ),
        (
            "GATEHOUSE_SMTP_URL",
            mail.smtp_url
                .as_ref()
                .map_or("(not set: emails stay in the outbox)".into(), |u| {
                    u.redacted()
                }),
        ),
        ("GATEHOUSE_MAIL_FROM", mail.from.to_string()),
        (
            "GATEHOUSE_OUTBOX_POLL_MS",
            mail.poll.as_millis().to_string(),
        ),
        (
            "GATEHOUSE_LOG_FORMAT",
            src.var("GATEHOUSE_LOG_FORMAT")
                .unwrap_or_else(|| "text".into()),
        ),
        (
            "GATEHOUSE_SUPPORT_PHONE",
            config
                .support
                .phone
                .clone()
                .unwrap_or_else(|| "(not set)".into()),
        ),
        (
            "GATEHOUSE_SUPPORT_EMAIL",
            config
                .support
                .email
                .clone()
                .unwrap_or_else(|| "(not set)".into()),
        ),
        (
            "GATEHOUSE_SUPPORT_URL",
            config
                .support
                .url
                .clone()
                .unwrap_or_else(|| "(not set)".into()),
        ),
        (
            "GATEHOUSE_KEY_ENCRYPTION_KEY",
            match (
                config.key_encryption_key,
                src.var("GATEHOUSE_KEY_ENCRYPTION_KEY"),
            ) {
                (None, _) => "(not set: Gatehouse is no OpenID Connect provider)".into(),
                (Some(_), None) => "(not set: the demo's own key)".into(),
                (Some(_), Some(_)) => "***".into(),
            },
        ),
    ];
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("The configuration is valid:\n");
    for (k, v) in lines {
        out.push_str(&format!("  {k:width$}  {v}\n"));
    }
    Ok(out.trim_end().to_owned())
}

/// `gatehouse rotate-signing-key`: a new key that signs once services have had time to fetch
/// it; the keys before it stay published until the last token they signed has expired.
pub async fn rotate_signing_key(src: &Source<'_>) -> Outcome<String> {
    let config = Config::from_source(src)?;
    let Some(kek) = config.key_encryption_key else {
        return Err(
            "GATEHOUSE_KEY_ENCRYPTION_KEY is not set: there are no signing keys to rotate".into(),
        );
    };
    let store = store::connect(&config.database_url).await?;
    let now = SystemClock.now();
    let key = crate::oidc::keys::rotate(&store, &kek, now).await?;
    store.close().await;
    let minutes = (key.signs_from.0 - now.0) / 60;
    Ok(format!(
        "New signing key {}: published now, signing tokens in {minutes} minutes. The keys before \
         it sign until then and stay published until their last tokens have expired.",
        key.kid
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_shown() {
        assert_eq!(
            redact_url("postgres://gatehouse:s3cret@db.example/gatehouse"),
            "postgres://gatehouse:***@db.example/gatehouse"
        );
        assert_eq!(redact_url("sqlite://gatehouse.db"), "sqlite://gatehouse.db");
    }
}
