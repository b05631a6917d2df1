//! Providers: the GP practices in scope and their approval level (single- or multi-level).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub multi_level: bool,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderListing {
    pub rows: Vec<ProviderRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderDetail {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub type_label: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub contract: Option<String>,
    pub multi_level: bool,
    pub may_set_level: bool,
}

pub const PER_PAGE: i64 = 25;

#[cfg(feature = "ssr")]
fn provider_error(e: domain::features::providers::ProviderError) -> AppError {
    match e {
        domain::features::providers::ProviderError::NotFound => crate::ssr::request::not_found(),
        other => crate::ssr::request::internal(&other),
    }
}

#[server(endpoint = "list_providers")]
pub async fn list_providers(search: String, page: i64) -> Result<ProviderListing, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let search: String = search.chars().take(100).collect();
    let page = page.clamp(1, 1_000_000);
    let (rows, total) =
        domain::features::providers::list(&st.services(), &actor, &search, page, PER_PAGE)
            .await
            .map_err(provider_error)?;
    Ok(ProviderListing {
        rows: rows
            .into_iter()
            .map(|(o, parent)| ProviderRow {
                code: o.code.as_str().to_owned(),
                name: o.name,
                parent,
                multi_level: o.multi_level_approval,
                closed: o.end_date.is_some(),
            })
            .collect(),
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
    })
}

#[server(endpoint = "get_provider")]
pub async fn get_provider(code: String) -> Result<ProviderDetail, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let p = domain::features::providers::view(&st.services(), &actor, &code)
        .await
        .map_err(provider_error)?;
    let o = p.organisation;
    Ok(ProviderDetail {
        code: o.code.as_str().to_owned(),
        name: o.name,
        parent: p.parent_name,
        type_label: o.type_label,
        start_date: crate::ssr::uk_time::calendar(&o.start_date),
        end_date: o.end_date.as_deref().map(crate::ssr::uk_time::calendar),
        contract: o.contract_type.map(|c| c.as_str().to_owned()),
        multi_level: o.multi_level_approval,
        may_set_level: p.may_set_level,
    })
}

/// Save: the tick box is absent from the form when unticked.
#[server(endpoint = "set_approval_level")]
pub async fn set_approval_level(code: String, multi_level: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let origin = crate::ssr::request::client_address();
    domain::features::providers::set_level(
        &st.services(),
        &actor,
        &code,
        multi_level.is_some(),
        origin.as_deref(),
    )
    .await
    .map_err(provider_error)?;
    leptos_axum::redirect(&format!(
        "/providers/{}?saved=1",
        crate::url::enc(code.trim())
    ));
    Ok(())
}
