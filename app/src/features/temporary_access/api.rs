//! The end-date page's data and its form. Both authorise through
//! `domain::features::temporary_access::endable`: an active role of someone else, in the
//! administrator's area, where they may revoke.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleEndView {
    pub user: i64,
    pub assignment: i64,
    pub person: String,
    pub role_name: String,
    pub org_name: String,
    pub org_code: String,
    /// The last day of access now set, as `YYYY-MM-DD`, and in words; empty when none.
    pub last_day: String,
    pub last_day_words: String,
    /// How far ahead an end may be set, in days.
    pub max_days: i64,
}

#[cfg(feature = "ssr")]
fn end_error(
    e: domain::features::temporary_access::EndError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::temporary_access::EndError as E;
    let problem = match e {
        E::NotFound => return crate::ssr::request::not_found(),
        E::Store(e) => return crate::ssr::request::internal(&e),
        E::OwnAccount => Problem::OwnAccount(Field::AccessEnds),
        E::NotActive => Problem::RoleNotActive(Field::AccessEnds),
        E::End(p) => crate::ssr::access_end::problem(p),
    };
    crate::ssr::request::invalid(vec![problem], echo)
}

#[server(endpoint = "role_end")]
pub async fn role_end(user: i64, assignment: i64) -> Result<RoleEndView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let (person, role) = domain::features::temporary_access::endable(
        &st.services(),
        &actor,
        domain::UserId(user),
        domain::AssignmentId(assignment),
    )
    .await
    .map_err(|e| end_error(e, Vec::new()))?;
    let last_day = role
        .ends_at
        .map(crate::ssr::uk_time::last_day)
        .unwrap_or_default();
    Ok(RoleEndView {
        user,
        assignment,
        person: format!("{} {}", person.first_name, person.last_name),
        role_name: role.role_name,
        org_name: role.organisation.name,
        org_code: role.organisation.code,
        last_day_words: crate::ssr::uk_time::calendar(&last_day),
        last_day,
        max_days: st.max_temporary_days,
    })
}

/// Save: the last day of access (`access_ends_day`, `_month`, `_year`), or, with `remove`, no
/// end at all. Access stops at the end of that day, UK time.
#[server(endpoint = "set_role_end")]
pub async fn set_role_end(
    user: i64,
    assignment: i64,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
    #[server(default)] remove: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![typed.echo];
    let ends_at = match (remove.is_some(), typed.end) {
        (true, _) => None,
        (false, Ok(Some(end))) => Some(end),
        (false, Ok(None)) => {
            return Err(crate::ssr::request::invalid(
                vec![Problem::AccessEndEmpty(Field::AccessEnds)],
                echo,
            ))
        }
        (false, Err(p)) => return Err(crate::ssr::request::invalid(vec![p], echo)),
    };
    domain::features::temporary_access::set_end(
        &st.services(),
        &actor,
        domain::UserId(user),
        domain::AssignmentId(assignment),
        ends_at,
        &st.expiry,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|e| end_error(e, echo))?;
    let done = if ends_at.is_some() {
        "end-set"
    } else {
        "end-removed"
    };
    leptos_axum::redirect(&format!("/users/{user}?done={done}"));
    Ok(())
}
