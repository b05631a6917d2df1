//! Access reviews' data and forms. Every one authorises through `domain::features::access_reviews`:
//! a role that manages users, and a review whose whole area lies in its scope.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewListRow {
    pub id: i64,
    pub title: String,
    pub started_by: String,
    pub started: String,
    pub due: String,
    /// "Open", "Overdue" or "Completed on …".
    pub state: String,
    pub progress: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewsView {
    pub rows: Vec<ReviewListRow>,
    /// What "your area" is, in words.
    pub area: String,
    /// Whether the acting role's scope is a subtree, so one cluster's practices can be reviewed.
    pub clusters_offered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItemRow {
    pub assignment: i64,
    pub person: String,
    pub email: String,
    pub organisation: String,
    pub role: String,
    /// Payment types and clusters, in words ("All payment types").
    pub limits: String,
    pub last_signed_in: String,
    pub dormant: bool,
    pub granted: String,
    /// "Not reviewed", "Keep", "End access", or what became of it once completed.
    pub state: String,
    pub reason: String,
    /// The role has ended since the review started (revoked elsewhere, or past its end date).
    pub ended_since: bool,
    /// The viewer's own role: another administrator reviews it.
    pub own: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub title: String,
    pub started_by: String,
    pub started: String,
    pub due: String,
    pub overdue: bool,
    /// What completion does with unreviewed rows, in words.
    pub unreviewed: String,
    /// A scheduled review: it starts again 12 months after it started.
    pub repeats: bool,
    pub completed: Option<String>,
    pub total: i64,
    pub reviewed: i64,
    pub kept: i64,
    pub to_end: i64,
    pub rows: Vec<ReviewItemRow>,
    /// Rows matching the filters, and the page of them shown.
    pub matching: i64,
    pub page: i64,
    pub pages: i64,
    pub dormant_days: i64,
}

#[cfg(feature = "ssr")]
fn review_error(
    e: domain::features::access_reviews::ReviewError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::access_reviews::ReviewError as E;
    let problem = match e {
        E::NotFound => return crate::ssr::request::not_found(),
        E::Store(e) => return crate::ssr::request::internal(&e),
        E::OrganisationNotInScope => Problem::ReviewOrganisation(Field::Code),
        E::NoSuchCluster => Problem::ReviewCluster(Field::Cluster),
        E::DueDays => Problem::ReviewDueDays(Field::DueDays),
        E::NothingToReview => Problem::NothingToReview(Field::ReviewOf),
        E::NothingTicked => Problem::NothingTicked(Field::Rows),
        E::ReasonEmpty => Problem::EndReasonEmpty(Field::Reason),
        E::ReasonTooLong => Problem::ReasonTooLong(Field::Reason),
        E::OwnRoles => Problem::OwnRolesNotReviewed(Field::Rows),
        E::Completed => Problem::ReviewCompleted(Field::Rows),
    };
    crate::ssr::request::invalid(vec![problem], echo)
}

#[cfg(feature = "ssr")]
fn date(t: domain::Timestamp) -> String {
    crate::ssr::uk_time::date(t)
}

#[server(endpoint = "list_access_reviews")]
pub async fn list_access_reviews() -> Result<ReviewsView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let now = st.clock.now();
    let reviews = domain::features::access_reviews::list(&st.services(), &actor)
        .await
        .map_err(|e| review_error(e, Vec::new()))?;
    let rows = reviews
        .into_iter()
        .map(|r| ReviewListRow {
            id: r.id.0,
            title: r.title.clone(),
            started_by: r.started_by.clone(),
            started: date(r.started_at),
            due: date(r.due_at),
            state: format!(
                "{}{}",
                match r.completed_at {
                    Some(at) => format!("Completed on {}", date(at)),
                    None if r.due_at <= now => "Overdue".to_owned(),
                    None => "Open".to_owned(),
                },
                if r.repeat_days.is_some() {
                    "; starts again every 12 months"
                } else {
                    ""
                }
            ),
            progress: format!("{} of {} reviewed", r.kept + r.to_end, r.total),
        })
        .collect();
    Ok(ReviewsView {
        rows,
        area: if actor.clusters().is_some() {
            format!(
                "the practices of your clusters at {}",
                actor.organisation.name
            )
        } else {
            actor.organisation.name.clone()
        },
        clusters_offered: actor
            .permit(domain::Capability::ManageUsers)
            .is_ok_and(|p| p.scope().single().is_none()),
    })
}

/// Start: what to review (`area`, `organisation` with its ODS `code`, or `cluster` with its
/// short name), due in `due_days` days, and what completion does with unreviewed rows.
#[server(endpoint = "start_access_review")]
pub async fn start_access_review(
    #[server(default)] review_of: String,
    #[server(default)] code: String,
    #[server(default)] cluster: String,
    #[server(default)] due_days: String,
    #[server(default)] unreviewed: String,
    #[server(default)] repeat: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::request::{client_address, short, state};
    use domain::features::access_reviews::{start, Target};
    let (_, actor) = crate::ssr::require_actor()?;
    let st = state()?;
    let echo = vec![
        (Field::ReviewOf, short(&review_of)),
        (Field::Code, short(&code)),
        (Field::Cluster, short(&cluster)),
        (Field::DueDays, short(&due_days)),
        (Field::Unreviewed, short(&unreviewed)),
        (Field::Repeat, repeat.clone().unwrap_or_default()),
    ];
    let target = match review_of.as_str() {
        "area" => Target::Area,
        "organisation" => Target::Organisation(code),
        "cluster" => Target::Cluster(cluster),
        _ => {
            return Err(crate::ssr::request::invalid(
                vec![Problem::ReviewOfMissing(Field::ReviewOf)],
                echo,
            ))
        }
    };
    let days = due_days.trim().parse::<i64>().unwrap_or(-1);
    let unreviewed = domain::storage::Unreviewed::parse(&unreviewed)
        .unwrap_or(domain::storage::Unreviewed::Keep);
    let id = start(
        &st.services(),
        &actor,
        &target,
        days,
        unreviewed,
        repeat.is_some(),
        client_address().as_deref(),
    )
    .await
    .map_err(|e| review_error(e, echo))?;
    leptos_axum::redirect(&format!("/reviews/{}?done=started", id.0));
    Ok(())
}

#[server(endpoint = "access_review")]
pub async fn access_review(
    id: i64,
    #[server(default)] state: String,
    #[server(default)] org: String,
    #[server(default)] dormant: bool,
    #[server(default)] page: i64,
) -> Result<ReviewView, AppError> {
    use domain::features::access_reviews::{page as read_page, Filters, PAGE_SIZE};
    use domain::storage::{Decision, ItemState, Outcome};
    let (_, actor) = crate::ssr::require_actor()?;
    let st = crate::ssr::request::state()?;
    let now = st.clock.now();
    let filters = Filters {
        state: ItemState::parse(&state).unwrap_or_default(),
        org_code: Some(org),
        not_signed_in_days: dormant.then_some(st.dormant_days),
        page,
    };
    let (r, items, matching) = read_page(
        &st.services(),
        &actor,
        domain::storage::ReviewId(id),
        &filters,
    )
    .await
    .map_err(|e| review_error(e, Vec::new()))?;
    let dormant_before = r.started_at.0 - st.dormant_days * 24 * 60 * 60;
    let rows = items
        .into_iter()
        .map(|i| {
            let limits = match (i.payment_types.is_empty(), i.clusters.is_empty()) {
                (true, true) => "All payment types".to_owned(),
                (false, true) => i.payment_types.clone(),
                (true, false) => format!("All payment types; clusters: {}", i.clusters),
                (false, false) => format!("{}; clusters: {}", i.payment_types, i.clusters),
            };
            let state = match (i.outcome, i.decision) {
                (Some(Outcome::Ended), _) => "Ended",
                (Some(Outcome::AlreadyEnded), _) => "Had already ended",
                (Some(Outcome::Kept), _) => "Kept",
                (None, Some(Decision::Keep)) => "Keep",
                (None, Some(Decision::End)) => "End access",
                (None, None) => "Not reviewed",
            };
            ReviewItemRow {
                assignment: i.assignment.0,
                person: format!("{} {}", i.first_name, i.last_name),
                email: i.email.clone(),
                organisation: format!("{} ({})", i.org_name, i.org_code),
                role: i.role_name.clone(),
                limits,
                last_signed_in: i.last_signed_in.map(date).unwrap_or_else(|| "Never".into()),
                dormant: i.last_used.0 <= dormant_before,
                granted: match &i.granted_by {
                    Some(by) => format!("{} by {by}", date(i.granted_at)),
                    None => date(i.granted_at),
                },
                state: state.to_owned(),
                reason: i.reason.clone().unwrap_or_default(),
                ended_since: !i.active_now,
                own: i.user == actor.user,
            }
        })
        .collect();
    let pages = ((matching + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(ReviewView {
        id,
        title: r.title.clone(),
        started_by: r.started_by.clone(),
        started: date(r.started_at),
        due: date(r.due_at),
        overdue: r.completed_at.is_none() && r.due_at <= now,
        unreviewed: match r.unreviewed {
            domain::storage::Unreviewed::Keep => "kept".into(),
            domain::storage::Unreviewed::End => "ended".into(),
        },
        repeats: r.repeat_days.is_some(),
        completed: r.completed_at.map(|at| {
            format!(
                "{} by {}",
                date(at),
                r.completed_by.clone().unwrap_or_default()
            )
        }),
        total: r.total,
        reviewed: r.kept + r.to_end,
        kept: r.kept,
        to_end: r.to_end,
        rows,
        matching,
        page: page.clamp(1, pages),
        pages,
        dormant_days: st.dormant_days,
    })
}

/// Marks rows: `one` ("keep:ID", "end:ID" or "clear:ID") for a row's own button, or `decision`
/// ("keep", "end", "clear") for the ticked `rows` (with `all_on_page`, every row of `page_rows`).
/// Back to the same filtered page.
#[server(endpoint = "mark_access_review")]
#[allow(clippy::too_many_arguments)]
pub async fn mark_access_review(
    id: i64,
    #[server(default)] rows: Vec<String>,
    #[server(default)] page_rows: Vec<String>,
    #[server(default)] all_on_page: Option<String>,
    #[server(default)] decision: String,
    #[server(default)] one: String,
    #[server(default)] reason: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use domain::storage::Decision;
    let (_, actor) = crate::ssr::require_actor()?;
    let st = crate::ssr::request::state()?;
    let echo = vec![(Field::Reason, crate::ssr::request::short(&reason))];
    let ids = |v: &[String]| -> Vec<domain::AssignmentId> {
        v.iter()
            .filter_map(|s| s.trim().parse::<i64>().ok())
            .map(domain::AssignmentId)
            .collect()
    };
    let (what, items) = match one.split_once(':') {
        Some((what, row)) => (what.to_owned(), ids(&[row.to_owned()])),
        None if all_on_page.is_some() => (decision.clone(), ids(&page_rows)),
        None => (decision.clone(), ids(&rows)),
    };
    let decision = match what.as_str() {
        "keep" => Some(Decision::Keep),
        "end" => Some(Decision::End),
        "clear" => None,
        _ => {
            return Err(crate::ssr::request::invalid(
                vec![Problem::NothingTicked(Field::Rows)],
                echo,
            ))
        }
    };
    let n = domain::features::access_reviews::mark(
        &st.services(),
        &actor,
        domain::storage::ReviewId(id),
        &items,
        decision,
        &reason,
    )
    .await
    .map_err(|e| review_error(e, echo))?;
    // Back to the filtered page the form was on: only its own query, never another address.
    let query: String = back
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "=&-_%+.".contains(*c))
        .collect();
    leptos_axum::redirect(&format!("/reviews/{id}?{query}&done=marked&n={n}"));
    Ok(())
}

#[server(endpoint = "complete_access_review")]
pub async fn complete_access_review(id: i64) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::require_actor()?;
    let st = crate::ssr::request::state()?;
    let r = domain::features::access_reviews::complete(
        &st.services(),
        &actor,
        domain::storage::ReviewId(id),
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|e| review_error(e, Vec::new()))?;
    leptos_axum::redirect(&format!(
        "/reviews/{id}?done=completed&ended={}&kept={}&already={}",
        r.ended, r.kept, r.already_ended
    ));
    Ok(())
}
