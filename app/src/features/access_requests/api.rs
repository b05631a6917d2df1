//! Access requests: Request Access (organisation → role and reason → check → Send),
//! Available Roles with Withdraw, and the reviewer's Approve or Reject on the user's page. The
//! requester needs only to be signed in (a revoked user can ask too); the reviewer is checked
//! through the registration review rules on the server, for every call.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestOrg {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnRole {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub role_name: String,
    pub status: String,
    pub reason: Option<String>,
    pub may_withdraw: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestReview {
    pub id: i64,
    pub user: i64,
    pub name: String,
    pub email: String,
    pub org_code: String,
    pub org_name: String,
    pub role_name: String,
    pub reason: String,
    pub requested: String,
    pub status: String,
    pub pending: bool,
    /// The last day the requester proposed (`YYYY-MM-DD`; while pending) or the role's last day
    /// (once approved), and the same in words; empty when there is none.
    pub last_day: String,
    pub last_day_words: String,
    /// How far ahead an end may be, in days.
    pub max_days: i64,
}

/// `/my-profile/request-access/{step}?org=&role=`: the organisation's code and the role's number
/// only; the reason, which the person wrote, stays in the draft.
pub fn request_url(step: &str, org: &str, role: Option<i64>) -> String {
    use crate::url::enc;
    let mut url = format!("/my-profile/request-access/{step}?org={}", enc(org));
    if let Some(r) = role {
        url.push_str(&format!("&role={r}"));
    }
    url
}

/// The draft's name: the reason typed at the role step, kept on the server until Send.
#[cfg(feature = "ssr")]
const DRAFT: &str = "request_access";

/// What Request Access keeps between its steps (never in the address).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestDraft {
    pub reason: String,
    /// The last day the requester proposes, as `YYYY-MM-DD`; empty for none.
    #[serde(default)]
    pub ends: String,
}

#[cfg(feature = "ssr")]
async fn kept() -> Result<RequestDraft, AppError> {
    Ok(crate::ssr::drafts::load::<RequestDraft>(DRAFT)
        .await?
        .unwrap_or_default())
}

/// The reason and proposed end typed before, for the role step when the person comes back to it.
#[server(endpoint = "request_reason")]
pub async fn request_reason() -> Result<RequestDraft, AppError> {
    crate::ssr::require_user()?;
    kept().await
}

#[cfg(feature = "ssr")]
fn request_error(e: domain::features::access_requests::RequestError) -> Problem {
    use domain::features::access_requests::{ReasonError, RequestError as E};
    use domain::rules::review::RoleRefused;
    match e {
        E::OrganisationNotFound => Problem::OrganisationNotFound(Field::Organisation),
        E::Role(RoleRefused::NotOffered) => Problem::RoleNotOffered(Field::Role),
        E::Role(RoleRefused::Closed) => Problem::OrganisationNotFound(Field::Organisation),
        E::Reason(ReasonError::Empty) => Problem::RequestReasonEmpty(Field::Reason),
        E::Reason(ReasonError::TooLong) => Problem::ReasonTooLong(Field::Reason),
        E::AlreadyHeld => Problem::RoleHeld(Field::Role),
        E::AlreadyRequested => Problem::RoleRequested(Field::Role),
        E::Conflicts(_) => Problem::RoleConflict(Field::Role),
        E::AlreadyDecided(_) => Problem::RequestClosed(Field::Decision),
        E::AccessEnd(p) => crate::ssr::access_end::problem(p),
        // Mapped before this is reached.
        E::NotFound | E::Store(_) => Problem::RequestClosed(Field::Decision),
    }
}

#[cfg(feature = "ssr")]
fn fail(
    e: domain::features::access_requests::RequestError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::access_requests::RequestError as E;
    match e {
        E::NotFound => crate::ssr::request::not_found(),
        E::Store(e) => crate::ssr::request::internal(&e),
        other => crate::ssr::request::invalid(vec![request_error(other)], echo),
    }
}

/// Step 1: open organisations matching an exact name or ODS code.
#[server(endpoint = "request_organisations")]
pub async fn request_organisations(query: String) -> Result<Vec<RequestOrg>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    use domain::features::registration::Lookup;
    require_user()?;
    let st = state()?;
    let text: String = query.chars().take(100).collect();
    let found = domain::features::registration::lookup_organisation(&st.services(), &text)
        .await
        .map_err(|e| internal(&e))?;
    let list = match found {
        Lookup::Found(o) => vec![o],
        Lookup::Choose(list) => list,
        Lookup::NotFound => Vec::new(),
    };
    Ok(list
        .into_iter()
        .map(|o| RequestOrg {
            code: o.code.as_str().to_owned(),
            name: o.name,
        })
        .collect())
}

/// Step 1 → Next: the organisation chosen → the role step.
#[server(endpoint = "request_organisation")]
pub async fn request_organisation(
    query: String,
    organisation: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request::invalid, request::short, request::state, require_user};
    require_user()?;
    let st = state()?;
    let echo = vec![(Field::Organisation, short(&query))];
    // A radio group left unchosen sends nothing at all.
    let organisation = organisation.unwrap_or_default();
    if organisation.trim().is_empty() {
        return Err(invalid(
            vec![Problem::ChooseOrganisation(Field::Organisation)],
            echo,
        ));
    }
    let o = domain::features::access_requests::organisation(&st.services(), &organisation)
        .await
        .map_err(|e| fail(e, echo))?;
    leptos_axum::redirect(&request_url("role", o.code.as_str(), None));
    Ok(())
}

/// Step 2: the organisation and the roles that may be held there.
#[server(endpoint = "request_roles")]
pub async fn request_roles(org: String) -> Result<(RequestOrg, Vec<RoleChoice>, i64), AppError> {
    use crate::ssr::{request::state, require_user};
    require_user()?;
    let st = state()?;
    let o = domain::features::access_requests::organisation(&st.services(), &org)
        .await
        .map_err(|_| crate::ssr::request::not_found())?;
    let roles = domain::rules::review::roles_offered(&st.catalogue, &o)
        .into_iter()
        .map(|r| RoleChoice {
            id: r.id.0,
            name: r.name.clone(),
            description: r.description_at(o.kind).unwrap_or_default().to_owned(),
        })
        .collect();
    Ok((
        RequestOrg {
            code: o.code.as_str().to_owned(),
            name: o.name,
        },
        roles,
        st.max_temporary_days,
    ))
}

#[cfg(feature = "ssr")]
async fn checked<'c>(
    st: &'c crate::ssr::AppState,
    user: &domain::model::user::User,
    org: &str,
    role: &str,
    reason: &str,
    ends: &str,
) -> Result<domain::features::access_requests::Checked<'c>, AppError> {
    use crate::ssr::request::{invalid, short};
    let echo = vec![
        (Field::Reason, short(reason)),
        (Field::AccessEnds, short(ends)),
    ];
    // Kept only once it made a real date (the role step checks that); the domain checks the rest.
    let ends_at = crate::ssr::uk_time::day_bounds(ends).map(|(_, next_day)| next_day);
    let Ok(role) = role.trim().parse::<i64>() else {
        let mut problems = vec![Problem::RoleMissing(Field::Role)];
        if domain::features::access_requests::RequestReason::parse(reason).is_err() {
            problems.push(Problem::RequestReasonEmpty(Field::Reason));
        }
        return Err(invalid(problems, echo));
    };
    domain::features::access_requests::check(
        &st.services(),
        user,
        org,
        domain::RoleId(role),
        reason,
        ends_at,
    )
    .await
    .map_err(|errors| {
        use domain::features::access_requests::RequestError as E;
        let mut problems = Vec::new();
        for e in errors {
            match e {
                E::Store(e) => return crate::ssr::request::internal(&e),
                E::NotFound => return crate::ssr::request::not_found(),
                other => problems.push(request_error(other)),
            }
        }
        invalid(problems, echo.clone())
    })
}

/// Step 2 → Next: role and reason checked → the check-your-answers step.
#[server(endpoint = "request_role")]
pub async fn request_role(
    org: String,
    role: Option<String>,
    reason: String,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let role = role.unwrap_or_default();
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    if let Err(p) = typed.end {
        let echo = vec![
            (Field::Reason, crate::ssr::request::short(&reason)),
            typed.echo,
        ];
        return Err(crate::ssr::request::invalid(vec![p], echo));
    }
    let ends = typed.echo.1;
    let c = checked(&st, &ctx.user, &org, &role, &reason, &ends).await?;
    crate::ssr::drafts::save(
        DRAFT,
        &RequestDraft {
            reason: c.reason.as_str().to_owned(),
            ends,
        },
    )
    .await?;
    leptos_axum::redirect(&request_url(
        "check",
        c.organisation.code.as_str(),
        Some(c.role.id.0),
    ));
    Ok(())
}

/// Step 3: what will be sent, checked again.
#[server(endpoint = "request_summary")]
pub async fn request_summary(
    org: String,
    role: String,
) -> Result<(RequestOrg, String, String, String), AppError> {
    use crate::ssr::{request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let draft = kept().await?;
    let c = checked(&st, &ctx.user, &org, &role, &draft.reason, &draft.ends).await?;
    Ok((
        RequestOrg {
            code: c.organisation.code.as_str().to_owned(),
            name: c.organisation.name.clone(),
        },
        c.role.name.clone(),
        c.reason.as_str().to_owned(),
        // The proposed last day in words; empty for none.
        c.ends_at
            .map(crate::ssr::uk_time::last_day_words)
            .unwrap_or_default(),
    ))
}

/// Send: everything checked once more, then written in one transaction.
#[server(endpoint = "send_request")]
pub async fn send_request(org: String, role: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let draft = kept().await?;
    let c = checked(&st, &ctx.user, &org, &role, &draft.reason, &draft.ends).await?;
    domain::features::access_requests::send(
        &st.services(),
        &ctx.user,
        &c,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| fail(e, vec![]))?;
    crate::ssr::drafts::forget(DRAFT).await?;
    leptos_axum::redirect("/my-profile/roles?done=requested");
    Ok(())
}

/// Available Roles: every assignment the user has had.
#[server(endpoint = "my_roles")]
pub async fn my_roles() -> Result<Vec<OwnRole>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let list = domain::features::access_requests::mine(&st.services(), &ctx.user)
        .await
        .map_err(|e| internal(&e))?;
    Ok(list
        .into_iter()
        .map(|a| {
            let pending = a.view.status == domain::AssignmentStatus::Pending;
            OwnRole {
                id: a.view.id.0,
                org_code: a.view.organisation.code.clone(),
                org_name: a.view.organisation.name.clone(),
                role_name: a.view.role_name.clone(),
                status: a.view.status.label().to_owned(),
                reason: a.decision_reason,
                may_withdraw: pending && a.requested,
            }
        })
        .collect())
}

/// Withdraw → Confirm: the user's own pending request.
#[server(endpoint = "withdraw_request")]
pub async fn withdraw_request(id: i64) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    domain::features::access_requests::withdraw(
        &st.services(),
        &ctx.user,
        domain::AssignmentId(id),
        client_address().as_deref(),
    )
    .await
    .map_err(|e| match e {
        domain::features::access_requests::RequestError::AlreadyDecided(_) => {
            crate::ssr::request::invalid(vec![Problem::RequestClosed(Field::Confirm)], vec![])
        }
        other => fail(other, vec![]),
    })?;
    leptos_axum::redirect("/my-profile/roles?done=withdrawn");
    Ok(())
}

/// A request as its reviewer sees it; "not found" for anyone else.
#[server(endpoint = "get_request")]
pub async fn get_request(id: i64) -> Result<RequestReview, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let r = domain::features::access_requests::for_review(
        &st.services(),
        &actor,
        domain::AssignmentId(id),
    )
    .await
    .map_err(|e| fail(e, vec![]))?;
    Ok(RequestReview {
        id: r.id.0,
        user: r.user.0,
        name: format!("{} {}", r.first_name, r.last_name),
        email: r.email.as_str().to_owned(),
        org_code: r.organisation.code.clone(),
        org_name: r.organisation.name.clone(),
        role_name: r.role_name,
        reason: r.reason,
        requested: crate::ssr::uk_time::date(r.created_at),
        status: match r.status {
            domain::AssignmentStatus::Rejected => match r.decision_reason {
                Some(why) => format!("Rejected: {why}"),
                None => "Rejected".into(),
            },
            s => s.label().to_owned(),
        },
        pending: r.status == domain::AssignmentStatus::Pending,
        last_day: r
            .ends_at
            .map(crate::ssr::uk_time::last_day)
            .unwrap_or_default(),
        last_day_words: r
            .ends_at
            .map(crate::ssr::uk_time::last_day_words)
            .unwrap_or_default(),
        max_days: st.max_temporary_days,
    })
}

/// Approve, or Reject with a reason → Confirm.
#[server(endpoint = "decide_request")]
pub async fn decide_request(
    id: i64,
    decision: Option<String>,
    reason: String,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    use crate::ssr::require_actor;
    use crate::ssr::{request::client_address, request::invalid, request::short, request::state};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let decision = decision.unwrap_or_default();
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![
        (Field::Decision, short(&decision)),
        (Field::Reason, short(&reason)),
        typed.echo,
    ];
    let ends_at = typed.end.map_err(|p| invalid(vec![p], echo.clone()))?;
    let d = domain::rules::review::Decision::parse(&decision, &reason).map_err(|e| {
        use domain::rules::review::DecisionError as D;
        let p = match e {
            D::NoChoice => Problem::DecisionMissing(Field::Decision),
            D::ReasonEmpty => Problem::ReasonEmpty(Field::Reason),
            D::ReasonTooLong => Problem::ReasonTooLong(Field::Reason),
        };
        invalid(vec![p], echo.clone())
    })?;
    let ctx = st.services();
    let id = domain::AssignmentId(id);
    let user = domain::features::access_requests::for_review(&ctx, &actor, id)
        .await
        .map_err(|e| fail(e, vec![]))?
        .user;
    domain::features::access_requests::decide(
        &ctx,
        &actor,
        id,
        d.clone(),
        ends_at,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| match e {
        domain::features::access_requests::RequestError::Conflicts(_) => invalid(
            vec![Problem::ApprovalConflict(Field::Decision)],
            echo.clone(),
        ),
        other => fail(other, echo.clone()),
    })
    .inspect(|given| {
        if let Some(end) = given {
            st.expiry.expect(*end);
        }
    })?;
    let done = match d {
        domain::rules::review::Decision::Approve => "request-approved",
        domain::rules::review::Decision::Reject(_) => "request-rejected",
    };
    leptos_axum::redirect(&format!("/users/{}?done={done}", user.0));
    Ok(())
}
