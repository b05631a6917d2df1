//! Users: search, view, revoke, disable, enable; and disabling your own account. Every function
//! authorises on the server through the actor's scope.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserListRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub disabled: bool,
    /// Where to review the registration (Pending Actions) or access request (the user's page)
    /// the viewer may decide, if there is one.
    pub review: Option<String>,
    /// "Castle Practice (A81001)": the organisation of the role the list names, if any.
    #[serde(default)]
    pub organisation: String,
    /// "Practice Manager, Approved": that role and its state.
    #[serde(default)]
    pub role: String,
    /// How many more roles in the viewer's area the user's page lists.
    #[serde(default)]
    pub more_roles: i64,
    /// The date the account was made, in UK words.
    #[serde(default)]
    pub added: String,
    /// "Dormant: last signed in 1 June 2026" (or "never signed in") for an active account
    /// unused for the service's dormant days.
    #[serde(default)]
    pub dormant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserListing {
    pub rows: Vec<UserListRow>,
    /// The matches, counted as far as the list counts (`more` past that).
    pub total: i64,
    /// More match than `total`: the list counts no further.
    #[serde(default)]
    pub more: bool,
    pub page: i64,
    /// The pages `total` fills (at least this many when `more`).
    pub pages: i64,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAssignmentView {
    pub org_name: String,
    pub org_code: String,
    pub role_name: String,
    pub status: String,
    /// An access request the viewer may decide: its review page.
    pub review: Option<String>,
    /// Payment types the role is limited to (empty: all) and the names of its clusters.
    #[serde(default)]
    pub payment_types: Vec<String>,
    #[serde(default)]
    pub clusters: Vec<String>,
    /// An active role the viewer may restrict: its change page.
    #[serde(default)]
    pub change: Option<String>,
    /// Remove Organisation: an organisation where the viewer may revoke this role.
    #[serde(default)]
    pub remove: Option<String>,
    /// "Access ends after 31 March 2027" for a role with an end.
    #[serde(default)]
    pub ends: Option<String>,
    /// Where to set or change the role's end: an active role the viewer may revoke.
    #[serde(default)]
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetailView {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub status: String,
    pub disabled: bool,
    pub assignments: Vec<UserAssignmentView>,
    pub may_disable: bool,
    pub may_enable: bool,
    /// Roles held, or waiting for a decision, outside the viewer's scope: why disabling is
    /// refused.
    pub held_outside: usize,
    /// The viewer is looking at their own record: nothing to revoke, disable or enable here.
    #[serde(default)]
    pub own: bool,
    /// (ODS code, name) of each organisation where the viewer may revoke.
    pub revocable_at: Vec<(String, String)>,
    /// Add Organisation: anyone the viewer sees but themselves (nobody gives themselves roles).
    #[serde(default)]
    pub may_add_organisation: bool,
    /// For the Service Desk: the page that keeps the account from the dormancy rule.
    #[serde(default)]
    pub dormancy: Option<String>,
}

#[cfg(feature = "ssr")]
fn users_error(e: domain::features::users::UsersError) -> AppError {
    use axum::http::StatusCode;
    use domain::features::users::UsersError as E;
    let problem = match e {
        E::NotFound => return crate::ssr::request::not_found(),
        E::Store(e) => return crate::ssr::request::internal(&e),
        E::OutsideScope => Problem::RolesOutsideScope(Field::Confirm),
        E::NothingToRevoke => Problem::NothingToRevoke(Field::Organisation),
        E::AlreadyDisabled => Problem::AlreadyDisabled(Field::Confirm),
        E::NotDisabled => Problem::NotDisabled(Field::Confirm),
        E::OwnAccount => Problem::OwnAccount(Field::Confirm),
    };
    crate::ssr::request::set_status(StatusCode::CONFLICT);
    AppError::invalid(vec![problem], vec![])
}

#[cfg(feature = "ssr")]
fn user_id(raw: &str) -> Result<domain::UserId, AppError> {
    raw.trim()
        .parse::<i64>()
        .map(domain::UserId)
        .map_err(|_| crate::ssr::request::not_found())
}

#[server(endpoint = "list_users")]
pub async fn list_users(
    q: String,
    sort: String,
    dir: String,
    page: i64,
    size: i64,
) -> Result<UserListing, AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::features::users::PAGE_SIZES;
    use domain::storage::UserSort;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let sort = UserSort::parse(&sort).unwrap_or(UserSort::LastName);
    let size = if PAGE_SIZES.contains(&size) {
        size
    } else {
        PAGE_SIZES[0]
    };
    let page = page.clamp(1, 1_000_000);
    let (rows, total) = domain::features::users::search(
        &st.services(),
        &actor,
        &q,
        sort,
        dir == "desc",
        page,
        size,
    )
    .await
    .map_err(users_error)?;
    let (counted, more) = domain::features::users::counted(total);
    let now = st.clock.now();
    Ok(UserListing {
        rows: rows
            .into_iter()
            .map(|r| UserListRow {
                id: r.id.0,
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                disabled: r.status == domain::AccountStatus::Disabled,
                review: match (r.pending_review, r.pending_request) {
                    (Some(a), _) => Some(format!("/pending-actions/{}", a.0)),
                    (None, Some(a)) => Some(format!("/users/{}/requests/{}", r.id.0, a.0)),
                    (None, None) => None,
                },
                organisation: r
                    .first_role
                    .as_ref()
                    .map(|l| format!("{} ({})", l.org_name, l.org_code))
                    .unwrap_or_default(),
                role: r
                    .first_role
                    .as_ref()
                    .map(|l| format!("{}, {}", l.role_name, l.state()))
                    .unwrap_or_default(),
                more_roles: (r.roles_in_scope - 1).max(0),
                dormant: r
                    .status
                    .dormant(r.added, r.last_signed_in, now, st.dormant_days)
                    .then(|| match r.last_signed_in {
                        Some(t) => {
                            format!("Dormant: last signed in {}", crate::ssr::uk_time::date(t))
                        }
                        None => "Dormant: never signed in".to_owned(),
                    }),
                added: crate::ssr::uk_time::date(r.added),
            })
            .collect(),
        total: counted,
        more,
        page,
        pages: ((counted + size - 1) / size).max(1),
        size,
    })
}

#[server(endpoint = "get_user")]
pub async fn get_user(id: i64) -> Result<UserDetailView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let now = st.clock.now();
    let d = domain::features::users::view(&st.services(), &actor, domain::UserId(id))
        .await
        .map_err(users_error)?;
    // Shown only for someone the viewer may see: a lock-out is the Service Desk's to undo.
    let locked = domain::features::users::locked(&st.services(), &d)
        .await
        .map_err(users_error)?;
    Ok(UserDetailView {
        id: d.user.id.0,
        first_name: d.user.first_name.clone(),
        last_name: d.user.last_name.clone(),
        email: d.user.email.to_string(),
        status: match (d.user.status, locked) {
            (domain::AccountStatus::Active, true) => {
                "Locked after too many failed sign-ins: the Service Desk unlocks it"
            }
            (domain::AccountStatus::Active, false) => "Active",
            (domain::AccountStatus::Pending, _) => "Not yet activated",
            (domain::AccountStatus::Disabled, _) => "Disabled",
        }
        .to_owned(),
        disabled: d.user.status == domain::AccountStatus::Disabled,
        assignments: d
            .assignments
            .iter()
            .map(|a| UserAssignmentView {
                org_name: a.organisation.name.clone(),
                org_code: a.organisation.code.clone(),
                role_name: a.role_name.clone(),
                status: if d.requests.contains(&a.id) {
                    "Pending Access Request".to_owned()
                } else {
                    a.status_words(now).to_owned()
                },
                ends: a.ends_at.map(|e| {
                    let day = crate::ssr::uk_time::last_day_words(e);
                    if a.in_force(now) {
                        format!("Access ends after {day}")
                    } else {
                        format!("Access ended after {day}")
                    }
                }),
                // What `temporary_access::endable` allows (never on one's own record, where
                // nothing is revocable).
                end_date: (a.in_force(now) && d.revocable(&a.organisation.path))
                    .then(|| format!("/users/{}/roles/{}/end", d.user.id.0, a.id.0)),
                review: d
                    .reviewable
                    .contains(&a.id)
                    .then(|| format!("/users/{}/requests/{}", d.user.id.0, a.id.0)),
                payment_types: a.payment_types.clone(),
                clusters: a.clusters.iter().map(|(_, name)| name.clone()).collect(),
                change: domain::features::add_user::may_change(&st.catalogue, &actor, a)
                    .then(|| format!("/users/{}/roles/{}", d.user.id.0, a.id.0)),
                remove: (a.status == domain::AssignmentStatus::Active
                    && d.revocable_at.iter().any(|o| o.id == a.organisation.id))
                .then(|| {
                    format!(
                        "/users/{}/revoke?organisation={}",
                        d.user.id.0,
                        crate::url::enc(&a.organisation.code)
                    )
                }),
            })
            .collect(),
        may_add_organisation: domain::features::add_user::may_grant_to(&actor, d.user.id),
        dormancy: actor
            .has(domain::Capability::ServiceDesk)
            .then(|| format!("/users/{}/dormancy", d.user.id.0)),
        may_disable: d.may_disable(),
        may_enable: d.may_enable(),
        held_outside: d.held_outside,
        own: d.own,
        revocable_at: d
            .revocable_at
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
    })
}

/// Revoke → Confirm: every active role of the user at the organisation and below it.
#[server(endpoint = "revoke_access")]
pub async fn revoke_access(user: String, organisation: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (_, actor) = require_actor()?;
    let id = user_id(&user)?;
    let st = state()?;
    domain::features::users::revoke(
        &st.services(),
        &actor,
        id,
        &organisation,
        client_address().as_deref(),
    )
    .await
    .map_err(users_error)?;
    leptos_axum::redirect(&format!("/users/{}?done=revoked", id.0));
    Ok(())
}

/// Disable Account → reason → Confirm.
#[server(endpoint = "disable_account")]
pub async fn disable_account(
    user: String,
    disable_reason: Option<String>,
    other_reason: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::invalid, request::state, require_actor};
    use domain::features::users::{DisableReason, DisableReasonError};
    let (_, actor) = require_actor()?;
    let id = user_id(&user)?;
    let choice = disable_reason.unwrap_or_default();
    let reason = match DisableReason::parse(&choice, &other_reason) {
        Ok(r) => r,
        Err(e) => {
            let problem = match e {
                DisableReasonError::NoChoice => Problem::DisableReasonMissing(Field::DisableReason),
                DisableReasonError::OtherEmpty => Problem::OtherReasonEmpty(Field::OtherReason),
                DisableReasonError::OtherTooLong => Problem::ReasonTooLong(Field::OtherReason),
            };
            return Err(invalid(
                vec![problem],
                vec![
                    (Field::DisableReason, choice.chars().take(20).collect()),
                    (
                        Field::OtherReason,
                        other_reason.chars().take(1000).collect(),
                    ),
                ],
            ));
        }
    };
    let st = state()?;
    domain::features::users::disable(
        &st.services(),
        &actor,
        id,
        &reason,
        client_address().as_deref(),
    )
    .await
    .map_err(users_error)?;
    leptos_axum::redirect(&format!("/users/{}?done=disabled", id.0));
    Ok(())
}

/// Enable Account → Confirm.
#[server(endpoint = "enable_account")]
pub async fn enable_account(user: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (_, actor) = require_actor()?;
    let id = user_id(&user)?;
    let st = state()?;
    domain::features::users::enable(&st.services(), &actor, id, client_address().as_deref())
        .await
        .map_err(users_error)?;
    leptos_axum::redirect(&format!("/users/{}?done=enabled", id.0));
    Ok(())
}

/// My Profile → Disable Account → Confirm Disable. Any signed-in user, with or
/// without a role; every session of theirs ends, this one included.
#[server(endpoint = "disable_own_account")]
pub async fn disable_own_account() -> Result<(), AppError> {
    use crate::ssr::{
        clear_session_cookie, request::client_address, request::internal, request::state,
        require_user,
    };
    let ctx = require_user()?;
    let st = state()?;
    domain::features::users::disable_own(&st.services(), &ctx.user, client_address().as_deref())
        .await
        .map_err(|e| internal(&e))?;
    clear_session_cookie(st.secure_cookies);
    leptos_axum::redirect("/account-disabled");
    Ok(())
}
