//! Sign-up: Register, Pending Actions and review, activation.
//! See docs/requirements.md#registration-and-pending-actions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};
use crate::links::LinkView;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub id: i64,
    pub name: String,
    pub description: String,
}

/// The second step of Register: the organisation chosen and the roles offered there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterChoices {
    pub org_code: String,
    pub org_name: String,
    pub roles: Vec<RoleChoice>,
}

#[cfg(feature = "ssr")]
fn store_failed(e: &domain::storage::StoreError) -> AppError {
    crate::ssr::request::internal(e)
}

#[cfg(feature = "ssr")]
use crate::ssr::request::not_found;

#[cfg(feature = "ssr")]
use crate::ssr::request::{invalid, short};

mod review;
pub use review::*;

/// Organisations matching what was typed (suggestions as you type, and the no-JS results page).
/// Open to everyone: the tree of NHS organisations is public data.
#[server(endpoint = "find_organisations")]
pub async fn find_organisations(query: String) -> Result<Vec<OrgChoice>, AppError> {
    use crate::ssr::request::state;
    use domain::features::registration::{lookup_organisation, Lookup};
    let query = query.trim();
    if query.chars().count() < 2 || query.len() > 100 {
        return Ok(Vec::new());
    }
    let st = state()?;
    let found = lookup_organisation(&st.services(), query)
        .await
        .map_err(|e| store_failed(&e))?;
    let list = match found {
        Lookup::Found(o) => vec![o],
        Lookup::Choose(list) => list,
        Lookup::NotFound => Vec::new(),
    };
    Ok(list
        .into_iter()
        .map(|o| OrgChoice {
            code: o.code.as_str().to_owned(),
            name: o.name,
        })
        .collect())
}

/// Register, first step: email address and organisation → Next. `choose` is a match chosen from
/// the list under the form (its ODS code), which then stands for what was typed.
#[server(endpoint = "register_start")]
pub async fn register_start(
    email: String,
    organisation: String,
    choose: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::request::state;
    use domain::features::registration::{lookup_organisation, Lookup};
    let echo = vec![
        (Field::Email, short(&email)),
        (Field::Organisation, short(&organisation)),
    ];
    let mut problems = Vec::new();
    let parsed = domain::EmailAddress::parse(&email);
    if let Err(e) = &parsed {
        problems.push(Problem::from_email(Field::Email, *e));
    }
    let text = choose.as_deref().unwrap_or(&organisation).trim();
    if text.is_empty() {
        problems.push(Problem::OrganisationEmpty(Field::Organisation));
    } else if text.len() > 100 {
        problems.push(Problem::OrganisationNotFound(Field::Organisation));
    }
    // Whether the address already has an account is not said here (a stranger could ask about
    // anyone's): Register answers every address alike and emails the owner of a known one.
    let st = state()?;
    let lookup = if problems.iter().any(|p| p.field() == Field::Organisation) {
        None
    } else {
        Some(
            lookup_organisation(&st.services(), text)
                .await
                .map_err(|e| store_failed(&e))?,
        )
    };
    if matches!(lookup, Some(Lookup::NotFound)) {
        problems.push(Problem::OrganisationNotFound(Field::Organisation));
    }
    if !problems.is_empty() {
        return Err(invalid(problems, echo));
    }
    let email = parsed.map(|e| e.as_str().to_owned()).unwrap_or_default();
    crate::ssr::drafts::save(DRAFT, &RegisterDraft { email }).await?;
    match lookup {
        Some(Lookup::Found(o)) => leptos_axum::redirect(&format!(
            "/register/details?org={}",
            crate::url::enc(o.code.as_str())
        )),
        _ => leptos_axum::redirect(&format!("/register?q={}#matches", crate::url::enc(text))),
    }
    Ok(())
}

/// The draft's name: the address typed at the first step, kept on the server between steps.
#[cfg(feature = "ssr")]
const DRAFT: &str = "register";

/// What Register keeps between its steps (never in the address).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterDraft {
    pub email: String,
}

/// The address typed at the first step, if this browser's draft still holds one.
#[cfg(feature = "ssr")]
async fn kept_email() -> Result<Option<String>, AppError> {
    Ok(crate::ssr::drafts::load::<RegisterDraft>(DRAFT)
        .await?
        .map(|d| d.email)
        .filter(|e| !e.is_empty()))
}

/// The address this browser typed at the first step, if it is still kept: only ever this
/// browser's own answer, so it needs no sign-in.
#[server(endpoint = "register_email")]
pub async fn register_email() -> Result<Option<String>, AppError> {
    kept_email().await
}

/// The organisation and its roles, for the second step; `None` when the code is not one that
/// takes registrations.
#[server(endpoint = "registration_options")]
pub async fn registration_options(org: String) -> Result<Option<RegisterChoices>, AppError> {
    use crate::ssr::request::state;
    use domain::features::registration::registrable_organisation;
    let Ok(code) = domain::OdsCode::parse(&org) else {
        return Ok(None);
    };
    let st = state()?;
    let Ok(o) = registrable_organisation(&st.services(), &code).await else {
        return Ok(None);
    };
    let roles = domain::rules::review::roles_offered(&st.catalogue, &o)
        .into_iter()
        .map(|r| RoleChoice {
            id: r.id.0,
            name: r.name.clone(),
            description: r.description_at(o.kind).unwrap_or_default().to_owned(),
        })
        .collect();
    Ok(Some(RegisterChoices {
        org_code: o.code.as_str().to_owned(),
        org_name: o.name,
        roles,
    }))
}

/// Register, second step: role and names → Register → "your request is under review".
#[server(endpoint = "register")]
pub async fn register(
    email: Option<String>,
    org: String,
    role: Option<String>,
    first_name: String,
    last_name: String,
) -> Result<(), AppError> {
    use crate::ssr::request::state;
    use domain::features::registration::{RegistrationForm, SignupError};
    // The address comes from the first step's draft; the details page asks for it again only
    // when that is gone (it expired, or the details page was opened from a saved address).
    let email = match email {
        Some(typed) => typed,
        None => kept_email().await?.unwrap_or_default(),
    };
    let echo = vec![
        (Field::Email, short(&email)),
        (Field::FirstName, short(&first_name)),
        (Field::LastName, short(&last_name)),
        (Field::Role, short(role.as_deref().unwrap_or_default())),
    ];
    let mut problems = Vec::new();
    let email = domain::EmailAddress::parse(&email)
        .map_err(|e| problems.push(Problem::from_email(Field::Email, e)))
        .ok();
    let code = domain::OdsCode::parse(&org)
        .map_err(|_| problems.push(Problem::OrganisationNotFound(Field::Organisation)))
        .ok();
    let role = match role.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push(Problem::RoleMissing(Field::Role));
            None
        }
        Some(r) => r
            .parse::<i64>()
            .map_err(|_| problems.push(Problem::RoleNotOffered(Field::Role)))
            .ok(),
    };
    let first = domain::PersonName::parse(&first_name)
        .map_err(|e| problems.push(Problem::from_name(Field::FirstName, e)))
        .ok();
    let last = domain::PersonName::parse(&last_name)
        .map_err(|e| problems.push(Problem::from_name(Field::LastName, e)))
        .ok();
    let (Some(email), Some(code), Some(role), Some(first), Some(last), true) =
        (email, code, role, first, last, problems.is_empty())
    else {
        return Err(invalid(problems, echo));
    };
    let st = state()?;
    let form = RegistrationForm {
        email,
        organisation: code,
        role: domain::RoleId(role),
        first_name: first,
        last_name: last,
    };
    match domain::features::registration::register(
        &st.services(),
        &form,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    {
        // A known address gets the same page as any other; its owner is emailed.
        Ok(_) => {
            crate::ssr::drafts::forget(DRAFT).await?;
            leptos_axum::redirect("/register/done");
            Ok(())
        }
        Err(SignupError::OrganisationNotFound) => Err(invalid(
            vec![Problem::OrganisationNotFound(Field::Organisation)],
            echo,
        )),
        Err(SignupError::Role(_)) => Err(invalid(vec![Problem::RoleNotOffered(Field::Role)], echo)),
        Err(e) => Err(crate::ssr::request::internal(&e)),
    }
}

#[server(endpoint = "activation_link")]
pub async fn activation_link(token: String) -> Result<LinkView, AppError> {
    use crate::ssr::request::state;
    let st = state()?;
    let state = domain::features::registration::link_state(&st.services(), &token)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(LinkView::of(state))
}

/// Set your password through the activation link.
#[server(endpoint = "activate")]
pub async fn activate(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::request::state;
    let new_password = crate::ssr::request::new_password(&password, &confirm_password)
        .map_err(|p| invalid(p, Vec::new()))?;
    let st = state()?;
    domain::features::registration::activate(
        &st.services(),
        &token,
        &new_password,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(signup_error)?;
    leptos_axum::redirect("/sign-in?activated=1");
    Ok(())
}

/// An expired link asks for a new one, sent to the account's own address.
#[server(endpoint = "renew_activation")]
pub async fn renew_activation(token: String) -> Result<(), AppError> {
    use crate::ssr::request::state;
    let st = state()?;
    domain::features::registration::renew_link(&st.services(), &token)
        .await
        .map_err(signup_error)?;
    leptos_axum::redirect("/activate/renewed");
    Ok(())
}
