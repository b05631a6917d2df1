//! The Audit page: events inside the administrator's scope, filterable by user,
//! action and date, paged, and downloadable as CSV.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub when: String,
    pub actor: String,
    pub acting_as: String,
    pub action: String,
    pub target: String,
    pub organisation: String,
    pub reason: String,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditListing {
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// A date filter that is not a real date is ignored, and said so.
    pub bad_dates: bool,
}

pub const PER_PAGE: i64 = 25;
/// The most rows one CSV download holds; narrow the filter for more.
pub const CSV_MAX_ROWS: i64 = 50_000;

/// (key, label) of every action, for the filter's select.
pub fn action_choices() -> Vec<(&'static str, &'static str)> {
    domain::model::audit::AuditAction::ALL
        .iter()
        .map(|a| (a.key(), a.label()))
        .collect()
}

#[cfg(feature = "ssr")]
pub fn filter_from(
    user: &str,
    action: &str,
    from: &str,
    to: &str,
) -> (domain::features::audit_trail::AuditFilter, bool) {
    use crate::ssr::uk_time::day_bounds;
    let day = |s: &str| {
        if s.trim().is_empty() {
            (None, false)
        } else {
            match day_bounds(s.trim()) {
                Some(bounds) => (Some(bounds), false),
                None => (None, true),
            }
        }
    };
    let (from, bad_from) = day(from);
    let (to, bad_to) = day(to);
    (
        domain::features::audit_trail::AuditFilter {
            user: user.chars().take(254).collect(),
            action: domain::model::audit::AuditAction::parse(action),
            from: from.map(|(start, _)| start),
            until: to.map(|(_, next)| next),
        },
        bad_from || bad_to,
    )
}

#[server(endpoint = "list_audit")]
pub async fn list_audit(
    user: String,
    action: String,
    from: String,
    to: String,
    page: i64,
) -> Result<AuditListing, AppError> {
    use crate::ssr::{request::internal, request::not_found, request::state, require_actor};
    use domain::features::audit_trail::AuditError;
    let (_, actor) = require_actor()?;
    let st = state()?;
    let (filter, bad_dates) = filter_from(&user, &action, &from, &to);
    let page = page.clamp(1, 1_000_000);
    let (events, total) = domain::features::audit_trail::list(
        &st.services(),
        &actor,
        &filter,
        (page - 1) * PER_PAGE,
        PER_PAGE,
    )
    .await
    .map_err(|e| match e {
        AuditError::NotFound => not_found(),
        AuditError::Store(e) => internal(&e),
    })?;
    Ok(AuditListing {
        rows: events
            .into_iter()
            .map(|e| AuditRow {
                when: crate::ssr::uk_time::date_time(e.at),
                actor: e.actor_email.unwrap_or_default(),
                acting_as: e.acting_as.unwrap_or_default(),
                action: e.action.label().to_owned(),
                target: e.target_email.unwrap_or_default(),
                organisation: match (e.organisation_name, e.organisation_code) {
                    (Some(n), Some(c)) => format!("{n} ({c})"),
                    _ => String::new(),
                },
                reason: e.reason.unwrap_or_default(),
                origin: e.origin.unwrap_or_default(),
            })
            .collect(),
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        bad_dates,
    })
}

/// `GET /audit.csv?user=&action=&from=&to=`: the same events as the page, as a download.
#[cfg(feature = "ssr")]
pub async fn csv_download(
    axum::extract::State(st): axum::extract::State<crate::ssr::AppState>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
    axum::Extension(session): axum::Extension<crate::ssr::request::CurrentSession>,
) -> axum::response::Response {
    use crate::ssr::download::{csv, failed, not_found};
    use domain::features::audit_trail::{list, to_csv, AuditError};
    let Some(actor) = crate::ssr::download::actor(&session) else {
        return not_found();
    };
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let (filter, _) = filter_from(get("user"), get("action"), get("from"), get("to"));
    match list(&st.services(), &actor, &filter, 0, CSV_MAX_ROWS).await {
        Ok((events, _)) => csv("gatehouse-audit.csv", to_csv(&events)),
        Err(AuditError::NotFound) => not_found(),
        Err(AuditError::Store(e)) => failed("audit download", &e),
    }
}
