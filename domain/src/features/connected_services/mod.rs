//! Connected services, as the Service Desk registers them: a name, the exact addresses a service
//! may be sent back to after sign-in and after sign-out, where it hears of ended sign-ins, and
//! whether it keeps a secret (confidential) or proves each sign-in with PKCE alone (public). A
//! secret is shown once, when it is made; only its hash is kept. Every change is audited.

use crate::access::actor::Actor;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::connected_service::{
    check_uri, ConnectedService, ServiceId, ServiceSettings, UriProblem, URIS_MAX,
};
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::clock::SecretToken;

#[cfg(test)]
mod tests;

/// The longest name a service may have.
pub const NAME_MAX: usize = 100;

/// The form as typed: addresses one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceForm {
    pub name: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: String,
    /// Keeps a secret (a server-side application); otherwise public (PKCE only).
    pub confidential: bool,
}

/// Which field a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    RedirectUris,
    PostLogoutRedirectUris,
    BackchannelLogoutUri,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("Enter the service's name")]
    NameMissing,
    #[error("The name must be {NAME_MAX} characters or fewer")]
    NameTooLong,
    #[error("Enter at least one address to send people back to after sign-in")]
    RedirectMissing,
    #[error("Enter at most {URIS_MAX} addresses")]
    TooMany(Field),
    #[error("{}", uri_words(*.1))]
    BadUri(Field, UriProblem),
    /// Not the Service Desk, or no such service: answered as if the page did not exist.
    #[error("Not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn uri_words(p: UriProblem) -> &'static str {
    match p {
        UriProblem::NotHttps => {
            "Enter addresses starting https:// (or http://localhost for a service being developed)"
        }
        UriProblem::Malformed => {
            "Enter full addresses with a host, without spaces, a # part or a user name"
        }
        UriProblem::TooLong => "Each address must be 500 characters or fewer",
    }
}

impl ServiceError {
    /// The field the problem is shown at, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            ServiceError::NameMissing | ServiceError::NameTooLong => Some(Field::Name),
            ServiceError::RedirectMissing => Some(Field::RedirectUris),
            ServiceError::TooMany(f) | ServiceError::BadUri(f, _) => Some(*f),
            ServiceError::NotFound | ServiceError::Store(_) => None,
        }
    }
}

fn uri_list(text: &str, field: Field) -> Result<Vec<String>, ServiceError> {
    let mut list: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        check_uri(line).map_err(|p| ServiceError::BadUri(field, p))?;
        if !list.iter().any(|u| u == line) {
            list.push(line.to_owned());
        }
    }
    if list.len() > URIS_MAX {
        return Err(ServiceError::TooMany(field));
    }
    Ok(list)
}

/// The settings the form gives, or the first problem with them.
pub fn settings(form: &ServiceForm) -> Result<ServiceSettings, ServiceError> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(ServiceError::NameMissing);
    }
    if name.chars().count() > NAME_MAX {
        return Err(ServiceError::NameTooLong);
    }
    let redirect_uris = uri_list(&form.redirect_uris, Field::RedirectUris)?;
    if redirect_uris.is_empty() {
        return Err(ServiceError::RedirectMissing);
    }
    let post_logout_redirect_uris = uri_list(
        &form.post_logout_redirect_uris,
        Field::PostLogoutRedirectUris,
    )?;
    let backchannel = form.backchannel_logout_uri.trim();
    let backchannel_logout_uri = if backchannel.is_empty() {
        None
    } else {
        check_uri(backchannel).map_err(|p| ServiceError::BadUri(Field::BackchannelLogoutUri, p))?;
        Some(backchannel.to_owned())
    };
    Ok(ServiceSettings {
        name: name.to_owned(),
        redirect_uris,
        post_logout_redirect_uris,
        backchannel_logout_uri,
    })
}

/// The `client_id` of a new service: its name as letters and dashes, and eight random characters
/// so that two services of one name differ.
pub fn client_id_for(name: &str, random: &SecretToken) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 30 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let tail: String = random
        .expose()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    if slug.is_empty() {
        format!("service-{tail}")
    } else {
        format!("{slug}-{tail}")
    }
}

fn desk(actor: &Actor) -> Result<(), ServiceError> {
    if actor.has(Capability::ServiceDesk) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

pub async fn list<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
) -> Result<Vec<ConnectedService>, ServiceError> {
    desk(actor)?;
    Ok(env.store.connected_services().await?)
}

pub async fn get<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    id: ServiceId,
) -> Result<ConnectedService, ServiceError> {
    desk(actor)?;
    env.store
        .connected_service(id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A service just registered: its id, its `client_id`, and its secret when it keeps one (shown
/// this once).
#[derive(Debug)]
pub struct Added {
    pub id: ServiceId,
    pub client_id: String,
    pub secret: Option<SecretToken>,
}

#[tracing::instrument(skip_all)]
pub async fn add<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    form: &ServiceForm,
    origin: Option<&str>,
) -> Result<Added, ServiceError> {
    desk(actor)?;
    let settings = settings(form)?;
    let client_id = client_id_for(&settings.name, &SecretToken::generate(env.tokens));
    let secret = form.confidential.then(|| SecretToken::generate(env.tokens));
    let now = env.clock.now();
    let audit = NewAudit::by(actor, AuditAction::ConnectedServiceAdded, now, origin)
        .reason(format!("{} ({client_id})", settings.name));
    let id = env
        .store
        .add_service(
            &client_id,
            &settings,
            secret.as_ref().map(SecretToken::hash).as_ref(),
            now,
            &audit,
        )
        .await?;
    Ok(Added {
        id,
        client_id,
        secret,
    })
}

#[tracing::instrument(skip_all)]
pub async fn change<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    id: ServiceId,
    form: &ServiceForm,
    origin: Option<&str>,
) -> Result<(), ServiceError> {
    let service = get(env, actor, id).await?;
    let settings = settings(form)?;
    let now = env.clock.now();
    let audit = NewAudit::by(actor, AuditAction::ConnectedServiceChanged, now, origin)
        .reason(format!("{} ({})", settings.name, service.client_id));
    if env.store.change_service(id, &settings, now, &audit).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Disables (every sign-in to it ends, and it can start none) or enables a service. Asking for
/// what it is already is not a change and records nothing.
#[tracing::instrument(skip_all)]
pub async fn set_enabled<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    id: ServiceId,
    enabled: bool,
    origin: Option<&str>,
) -> Result<(), ServiceError> {
    let service = get(env, actor, id).await?;
    let action = if enabled {
        AuditAction::ConnectedServiceEnabled
    } else {
        AuditAction::ConnectedServiceDisabled
    };
    let now = env.clock.now();
    let audit = NewAudit::by(actor, action, now, origin)
        .reason(format!("{} ({})", service.name, service.client_id));
    env.store
        .set_service_enabled(id, enabled, now, &audit)
        .await?;
    Ok(())
}

/// A new secret for a confidential service, shown once; the old one stops working at once.
#[tracing::instrument(skip_all)]
pub async fn replace_secret<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    id: ServiceId,
    origin: Option<&str>,
) -> Result<SecretToken, ServiceError> {
    let service = get(env, actor, id).await?;
    let secret = SecretToken::generate(env.tokens);
    let now = env.clock.now();
    let audit = NewAudit::by(
        actor,
        AuditAction::ConnectedServiceSecretRotated,
        now,
        origin,
    )
    .reason(format!("{} ({})", service.name, service.client_id));
    if env
        .store
        .replace_service_secret(id, &secret.hash(), now, &audit)
        .await?
    {
        Ok(secret)
    } else {
        Err(ServiceError::NotFound)
    }
}
