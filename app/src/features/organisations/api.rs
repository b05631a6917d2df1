//! Organisation administration (`manage_organisations`): the tree below the acting
//! organisation, searchable; create and update descendants.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub type_label: String,
    pub parent: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub contract: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgListing {
    pub rows: Vec<OrgRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgDetail {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub type_label: String,
    pub parent_code: String,
    pub start_date: String,
    pub end_date: Option<String>,
    /// The acting role's own organisation: shown, not editable.
    pub own: bool,
}

pub const PER_PAGE: i64 = 25;

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "commissioning" => "Commissioning organisation",
        "provider" => "Service provider (GP practice)",
        _ => "Platform",
    }
}

#[cfg(feature = "ssr")]
fn org_error(
    e: domain::features::organisations::OrgAdminError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use crate::ssr::request::set_status;
    use domain::features::organisations::OrgAdminError as E;
    let problem = match e {
        E::NotFound => return crate::ssr::request::not_found(),
        E::ParentNotFound => Problem::ParentNotFound(Field::Parent),
        E::WrongParentKind => Problem::WrongParentKind(Field::Parent),
        E::Cycle => Problem::Cycle(Field::Parent),
        E::CodeTaken => Problem::CodeTaken(Field::Code),
        E::Store(s) => return crate::ssr::request::internal(&s),
    };
    set_status(axum::http::StatusCode::BAD_REQUEST);
    AppError::invalid(vec![problem], echo)
}

#[server(endpoint = "list_organisations")]
pub async fn list_organisations(search: String, page: i64) -> Result<OrgListing, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let search: String = search.chars().take(100).collect();
    let page = page.clamp(1, 1_000_000);
    let (rows, total) =
        domain::features::organisations::list(&st.services(), &actor, &search, page, PER_PAGE)
            .await
            .map_err(|e| org_error(e, Vec::new()))?;
    Ok(OrgListing {
        rows: rows
            .into_iter()
            .map(|(o, parent)| OrgRow {
                code: o.code.as_str().to_owned(),
                name: o.name,
                kind: o.kind.as_str().to_owned(),
                type_label: o.type_label,
                parent,
                start_date: crate::ssr::uk_time::calendar(&o.start_date),
                end_date: o.end_date.as_deref().map(crate::ssr::uk_time::calendar),
                contract: o.contract_type.map(|c| c.as_str().to_owned()),
            })
            .collect(),
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
    })
}

#[server(endpoint = "get_organisation")]
pub async fn get_organisation(code: String) -> Result<OrgDetail, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let o = domain::features::organisations::get(&st.services(), &actor, &code)
        .await
        .map_err(|e| org_error(e, Vec::new()))?;
    let parent_code = domain::features::organisations::parent_code(&st.services(), &o)
        .await
        .map_err(|e| crate::ssr::request::internal(&e))?
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    Ok(OrgDetail {
        own: o.id == actor.organisation.id,
        code: o.code.as_str().to_owned(),
        name: o.name,
        kind: o.kind.as_str().to_owned(),
        type_label: o.type_label,
        parent_code,
        start_date: o.start_date,
        end_date: o.end_date,
    })
}

/// Parses the fields both forms share; problems are pushed, the form is returned when clean.
#[cfg(feature = "ssr")]
fn parse_form(
    name: &str,
    type_label: &str,
    parent: &str,
    start_date: &str,
    end_date: &str,
    contract_type: &str,
    problems: &mut Vec<Problem>,
) -> Option<domain::features::organisations::OrgForm> {
    use domain::features::organisations::parse_iso_date;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(Problem::OrgNameEmpty(Field::Name));
    }
    let type_label = type_label.trim();
    if type_label.is_empty() || type_label.chars().count() > 100 {
        problems.push(Problem::TypeEmpty(Field::TypeLabel));
    }
    let parent = domain::OdsCode::parse(parent)
        .map_err(|_| problems.push(Problem::ParentNotFound(Field::Parent)))
        .ok();
    let start = match parse_iso_date(start_date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(Problem::StartDateEmpty(Field::StartDate));
            None
        }
        Err(_) => {
            problems.push(Problem::DateInvalid(Field::StartDate));
            None
        }
    };
    let end = parse_iso_date(end_date)
        .map_err(|_| problems.push(Problem::DateInvalid(Field::EndDate)))
        .ok();
    let contract = match contract_type.trim() {
        "" => Some(None),
        c => match domain::model::organisation::ContractType::parse(c) {
            Some(c) => Some(Some(c)),
            None => {
                problems.push(Problem::ContractInvalid(Field::ContractType));
                None
            }
        },
    };
    match (parent, start, end, contract, problems.is_empty()) {
        (Some(parent), Some(start_date), Some(end_date), Some(contract_type), true) => {
            Some(domain::features::organisations::OrgForm {
                name: name.to_owned(),
                type_label: type_label.to_owned(),
                parent,
                start_date,
                end_date,
                contract_type,
            })
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_organisation")]
pub async fn create_organisation(
    code: String,
    name: String,
    kind: Option<String>,
    type_label: String,
    parent: String,
    #[server(default)] start_date_day: String,
    #[server(default)] start_date_month: String,
    #[server(default)] start_date_year: String,
    contract_type: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let start_date = crate::dates::join(&start_date_day, &start_date_month, &start_date_year);
    let echo: Vec<(Field, String)> = [
        (Field::Code, &code),
        (Field::Name, &name),
        (Field::TypeLabel, &type_label),
        (Field::Parent, &parent),
        (Field::StartDate, &start_date),
        (Field::ContractType, &contract_type),
    ]
    .into_iter()
    .map(|(f, v)| (f, v.chars().take(200).collect()))
    .chain(
        kind.iter()
            .map(|k| (Field::Kind, k.chars().take(20).collect())),
    )
    .collect();
    if !domain::features::organisations::may_administer(&actor) {
        return Err(crate::ssr::request::not_found());
    }
    let mut problems = Vec::new();
    let code = domain::OdsCode::parse(&code)
        .map_err(|_| problems.push(Problem::CodeInvalid(Field::Code)))
        .ok();
    let kind = match kind.as_deref() {
        Some("commissioning") => Some(domain::OrgKind::Commissioning),
        Some("provider") => Some(domain::OrgKind::Provider),
        _ => {
            problems.push(Problem::KindMissing(Field::Kind));
            None
        }
    };
    let form = parse_form(
        &name,
        &type_label,
        &parent,
        &start_date,
        "",
        &contract_type,
        &mut problems,
    );
    let (Some(code), Some(kind), Some(form)) = (code, kind, form) else {
        crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
        return Err(AppError::invalid(problems, echo));
    };
    let st = state()?;
    let origin = crate::ssr::request::client_address();
    domain::features::organisations::create(
        &st.services(),
        &actor,
        code.clone(),
        kind,
        &form,
        origin.as_deref(),
    )
    .await
    .map_err(|e| org_error(e, echo))?;
    leptos_axum::redirect(&format!("/organisations/{}?saved=created", code.as_str()));
    Ok(())
}

#[server(endpoint = "update_organisation")]
pub async fn update_organisation(
    code: String,
    name: String,
    type_label: String,
    parent: String,
    #[server(default)] start_date_day: String,
    #[server(default)] start_date_month: String,
    #[server(default)] start_date_year: String,
    #[server(default)] end_date_day: String,
    #[server(default)] end_date_month: String,
    #[server(default)] end_date_year: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let start_date = crate::dates::join(&start_date_day, &start_date_month, &start_date_year);
    let end_date = crate::dates::join(&end_date_day, &end_date_month, &end_date_year);
    let echo: Vec<(Field, String)> = [
        (Field::Name, &name),
        (Field::TypeLabel, &type_label),
        (Field::Parent, &parent),
        (Field::StartDate, &start_date),
        (Field::EndDate, &end_date),
    ]
    .into_iter()
    .map(|(f, v)| (f, v.chars().take(200).collect()))
    .collect();
    let mut problems = Vec::new();
    let Some(form) = parse_form(
        &name,
        &type_label,
        &parent,
        &start_date,
        &end_date,
        "",
        &mut problems,
    ) else {
        crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
        return Err(AppError::invalid(problems, echo));
    };
    let st = state()?;
    let origin = crate::ssr::request::client_address();
    domain::features::organisations::update(
        &st.services(),
        &actor,
        &code,
        &form,
        origin.as_deref(),
    )
    .await
    .map_err(|e| org_error(e, echo))?;
    leptos_axum::redirect(&format!(
        "/organisations/{}?saved=updated",
        crate::url::enc(code.trim())
    ));
    Ok(())
}
