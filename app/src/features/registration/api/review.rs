//! Pending Actions and the review of one registration: approve, reject, resend, delete.

use super::*;

/// One row of Pending Actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingRow {
    pub id: i64,
    pub created: String,
    pub role_reason: String,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub role: String,
    pub email: String,
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingPage {
    pub rows: Vec<PendingRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

pub const PAGE_SIZE: i64 = 20;

#[server(endpoint = "pending_actions")]
pub async fn pending_actions(
    sort: String,
    dir: String,
    page: i64,
) -> Result<PendingPage, AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::storage::RegistrationSort;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let sort = RegistrationSort::parse(&sort).unwrap_or(RegistrationSort::Created);
    let descending = dir != "asc";
    let page = page.clamp(1, 1_000_000);
    let (rows, total) = domain::features::registration::pending_registrations(
        &st.services(),
        &actor,
        sort,
        descending,
        page,
        PAGE_SIZE,
    )
    .await
    .map_err(|e| match e {
        domain::features::registration::SignupError::NotFound => not_found(),
        other => crate::ssr::request::internal(&other),
    })?;
    Ok(PendingPage {
        rows: rows
            .into_iter()
            .map(|r| PendingRow {
                id: r.assignment.0,
                created: crate::ssr::uk_time::date(r.created_at),
                role_reason: r.role_reason,
                first_name: r.first_name,
                last_name: r.last_name,
                organisation: r.organisation.name,
                role: r.role_name,
                email: r.email.as_str().to_owned(),
                approved: r.status == domain::AssignmentStatus::Active,
            })
            .collect(),
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

/// The review page's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationView {
    pub id: i64,
    pub created: String,
    pub role_reason: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub org_name: String,
    pub org_code: String,
    pub role_name: String,
    pub status: String,
    pub pending: bool,
    /// Approved but the account has not been activated: the email can be resent.
    pub awaiting_activation: bool,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    /// Why the request looks like a shared mailbox, which the reviewer must reject.
    pub warnings: Vec<String>,
    /// How far ahead "Access ends on" may be, in days.
    #[serde(default)]
    pub max_days: i64,
}

#[cfg(feature = "ssr")]
pub(super) fn signup_error(e: domain::features::registration::SignupError) -> AppError {
    use domain::features::registration::SignupError;
    match e {
        SignupError::NotFound => not_found(),
        SignupError::AlreadyDecided { .. } => {
            invalid(vec![Problem::AlreadyDecided(Field::Decision)], Vec::new())
        }
        SignupError::NotApproved => {
            invalid(vec![Problem::NotApproved(Field::Decision)], Vec::new())
        }
        SignupError::LinkNotValid => invalid(vec![Problem::LinkNotValid(Field::Link)], Vec::new()),
        SignupError::AccessEnd(p) => invalid(vec![crate::ssr::access_end::problem(p)], Vec::new()),
        other => crate::ssr::request::internal(&other),
    }
}

#[server(endpoint = "registration_detail")]
pub async fn registration_detail(id: i64) -> Result<RegistrationView, AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::{AccountStatus, AssignmentStatus};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let r = domain::features::registration::registration_for(
        &st.services(),
        &actor,
        domain::AssignmentId(id),
    )
    .await
    .map_err(signup_error)?;
    let warnings = domain::rules::review::generic_signs(
        &r.email,
        &r.first_name,
        &r.last_name,
        &r.organisation.code,
    )
    .iter()
    .map(|s| s.describe())
    .collect();
    let activated = r.user_status != AccountStatus::Pending;
    Ok(RegistrationView {
        id,
        created: crate::ssr::uk_time::date(r.created_at),
        role_reason: r.role_reason,
        first_name: r.first_name,
        last_name: r.last_name,
        email: r.email.as_str().to_owned(),
        org_name: r.organisation.name,
        org_code: r.organisation.code,
        role_name: r.role_name,
        status: match (r.status, activated) {
            (AssignmentStatus::Pending, _) => "Waiting for review".into(),
            (AssignmentStatus::Active, false) => {
                "Approved, waiting for the user to set a password".into()
            }
            (AssignmentStatus::Active, true) => "Approved and activated".into(),
            (other, _) => other.label().to_owned(),
        },
        pending: r.status == AssignmentStatus::Pending,
        awaiting_activation: r.status == AssignmentStatus::Active && !activated,
        decided_by: r.decided_by,
        reason: r.reason,
        warnings,
        max_days: st.max_temporary_days,
    })
}

/// Approve or Reject → Confirm.
#[server(endpoint = "decide_registration")]
pub async fn decide_registration(
    id: i64,
    decision: Option<String>,
    reason: String,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::rules::review::{Decision, DecisionError};
    let (_, actor) = require_actor()?;
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![
        (Field::Reason, reason.chars().take(400).collect()),
        (
            Field::Decision,
            short(decision.as_deref().unwrap_or_default()),
        ),
        typed.echo,
    ];
    let ends_at = typed.end.map_err(|p| invalid(vec![p], echo.clone()))?;
    let decision =
        Decision::parse(decision.as_deref().unwrap_or_default(), &reason).map_err(|e| {
            let p = match e {
                DecisionError::NoChoice => Problem::DecisionMissing(Field::Decision),
                DecisionError::ReasonEmpty => Problem::ReasonEmpty(Field::Reason),
                DecisionError::ReasonTooLong => Problem::ReasonTooLong(Field::Reason),
            };
            invalid(vec![p], echo.clone())
        })?;
    let outcome = match decision {
        Decision::Approve => "approved",
        Decision::Reject(_) => "rejected",
    };
    let st = state()?;
    domain::features::registration::decide(
        &st.services(),
        &actor,
        domain::AssignmentId(id),
        decision,
        ends_at,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|e| signup_error(e).with_echo(echo))?;
    if let Some(end) = ends_at {
        st.expiry.expect(end);
    }
    leptos_axum::redirect(&format!("/pending-actions?done={outcome}"));
    Ok(())
}

/// Resend Registration Email → Confirm.
#[server(endpoint = "resend_registration")]
pub async fn resend_registration(id: i64) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    domain::features::registration::resend(
        &st.services(),
        &actor,
        domain::AssignmentId(id),
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(signup_error)?;
    leptos_axum::redirect("/pending-actions?done=resent");
    Ok(())
}

/// Delete Registration → Confirm.
#[server(endpoint = "delete_registration")]
pub async fn delete_registration(id: i64) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    domain::features::registration::delete(
        &st.services(),
        &actor,
        domain::AssignmentId(id),
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(signup_error)?;
    leptos_axum::redirect("/pending-actions?done=deleted");
    Ok(())
}
