//! The Service Desk's server functions for connected services. Each checks the Service Desk
//! capability in the domain; anyone else gets "Page not found".

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// A connected service as its pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub confidential: bool,
    pub enabled: bool,
}

/// What a service's page needs beyond the service: where Gatehouse's own endpoints are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServicePage {
    pub service: ServiceView,
    pub discovery_url: String,
    /// The secret, on the one page view after it was made.
    pub secret: Option<String>,
}

#[cfg(feature = "ssr")]
fn view_of(s: domain::model::connected_service::ConnectedService) -> ServiceView {
    ServiceView {
        id: s.id.0,
        confidential: s.confidential(),
        client_id: s.client_id,
        name: s.name,
        redirect_uris: s.redirect_uris,
        post_logout_redirect_uris: s.post_logout_redirect_uris,
        backchannel_logout_uri: s.backchannel_logout_uri,
        enabled: s.enabled,
    }
}

/// The draft a new secret waits in between being made and being shown (once).
#[cfg(feature = "ssr")]
fn secret_draft(id: i64) -> String {
    format!("service_secret_{id}")
}

#[cfg(feature = "ssr")]
fn refused(
    e: domain::features::connected_services::ServiceError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::connected_services::{Field as F, ServiceError as E};
    use domain::model::connected_service::UriProblem;
    let field = match e.field() {
        Some(F::Name) => Field::Name,
        Some(F::RedirectUris) => Field::RedirectUris,
        Some(F::PostLogoutRedirectUris) => Field::PostLogoutUris,
        Some(F::BackchannelLogoutUri) => Field::BackchannelUri,
        None => Field::Name,
    };
    let problem = match e {
        E::NameMissing => Problem::ServiceNameEmpty(field),
        E::NameTooLong => Problem::ServiceNameTooLong(field),
        E::RedirectMissing => Problem::RedirectUrisEmpty(field),
        E::TooMany(_) => Problem::TooManyUris(field),
        E::BadUri(_, UriProblem::NotHttps) => Problem::UriNotHttps(field),
        E::BadUri(_, UriProblem::Malformed) => Problem::UriMalformed(field),
        E::BadUri(_, UriProblem::TooLong) => Problem::UriTooLong(field),
        E::NotFound => return crate::ssr::request::not_found(),
        E::Store(e) => return crate::ssr::request::internal(&e),
    };
    crate::ssr::request::invalid(vec![problem], echo)
}

#[cfg(feature = "ssr")]
fn form_of(
    name: String,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    backchannel_logout_uri: String,
    kind: &str,
) -> (
    domain::features::connected_services::ServiceForm,
    Vec<(Field, String)>,
) {
    let cut = |s: &str| s.chars().take(6000).collect::<String>();
    let echo = vec![
        (Field::Name, cut(&name)),
        (Field::RedirectUris, cut(&redirect_uris)),
        (Field::PostLogoutUris, cut(&post_logout_redirect_uris)),
        (Field::BackchannelUri, cut(&backchannel_logout_uri)),
        (Field::Kind, kind.chars().take(20).collect()),
    ];
    let form = domain::features::connected_services::ServiceForm {
        name,
        redirect_uris,
        post_logout_redirect_uris,
        backchannel_logout_uri,
        confidential: kind != "public",
    };
    (form, echo)
}

#[server(endpoint = "connected_services")]
pub async fn connected_services() -> Result<Vec<ServiceView>, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let list = domain::features::connected_services::list(&st.services(), &actor)
        .await
        .map_err(|e| refused(e, vec![]))?;
    Ok(list.into_iter().map(view_of).collect())
}

#[server(endpoint = "connected_service")]
pub async fn connected_service(id: i64) -> Result<ServicePage, AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::model::connected_service::ServiceId;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let service = domain::features::connected_services::get(&st.services(), &actor, ServiceId(id))
        .await
        .map_err(|e| refused(e, vec![]))?;
    let secret = crate::ssr::drafts::load::<String>(&secret_draft(id)).await?;
    if secret.is_some() {
        crate::ssr::drafts::forget(&secret_draft(id)).await?;
    }
    Ok(ServicePage {
        service: view_of(service),
        discovery_url: format!(
            "{}/.well-known/openid-configuration",
            st.public_url.trim_end_matches('/')
        ),
        secret,
    })
}

#[server(endpoint = "connected_service_add")]
pub async fn connected_service_add(
    #[server(default)] name: String,
    #[server(default)] redirect_uris: String,
    #[server(default)] post_logout_redirect_uris: String,
    #[server(default)] backchannel_logout_uri: String,
    #[server(default)] kind: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let (form, echo) = form_of(
        name,
        redirect_uris,
        post_logout_redirect_uris,
        backchannel_logout_uri,
        &kind,
    );
    let added = domain::features::connected_services::add(
        &st.services(),
        &actor,
        &form,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| refused(e, echo))?;
    if let Some(secret) = &added.secret {
        crate::ssr::drafts::save(&secret_draft(added.id.0), &secret.expose()).await?;
    }
    leptos_axum::redirect(&format!("/connected-services/{}?done=added", added.id.0));
    Ok(())
}

#[server(endpoint = "connected_service_change")]
pub async fn connected_service_change(
    id: i64,
    #[server(default)] name: String,
    #[server(default)] redirect_uris: String,
    #[server(default)] post_logout_redirect_uris: String,
    #[server(default)] backchannel_logout_uri: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    use domain::model::connected_service::ServiceId;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let (form, echo) = form_of(
        name,
        redirect_uris,
        post_logout_redirect_uris,
        backchannel_logout_uri,
        "",
    );
    domain::features::connected_services::change(
        &st.services(),
        &actor,
        ServiceId(id),
        &form,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| refused(e, echo))?;
    leptos_axum::redirect(&format!("/connected-services/{id}?done=changed"));
    Ok(())
}

/// Switches a service off (`enabled=false`: every sign-in to it ends) or on again.
#[server(endpoint = "connected_service_enabled")]
pub async fn connected_service_enabled(id: i64, enabled: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    use domain::model::connected_service::ServiceId;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let on = enabled == "true";
    domain::features::connected_services::set_enabled(
        &st.services(),
        &actor,
        ServiceId(id),
        on,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| refused(e, vec![]))?;
    let done = if on { "enabled" } else { "disabled" };
    leptos_axum::redirect(&format!("/connected-services/{id}?done={done}"));
    Ok(())
}

/// A new secret for a confidential service, shown once on its page.
#[server(endpoint = "connected_service_new_secret")]
pub async fn connected_service_new_secret(id: i64) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    use domain::model::connected_service::ServiceId;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let secret = domain::features::connected_services::replace_secret(
        &st.services(),
        &actor,
        ServiceId(id),
        client_address().as_deref(),
    )
    .await
    .map_err(|e| refused(e, vec![]))?;
    crate::ssr::drafts::save(&secret_draft(id), &secret.expose()).await?;
    leptos_axum::redirect(&format!("/connected-services/{id}?done=secret"));
    Ok(())
}
