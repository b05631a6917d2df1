//! Service Provider Clusters: list, the create and change form with its summary
//! step, a cluster's page, retire. Every function needs `manage_clusters`; anything else, or a
//! cluster of another organisation, is "not found".

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub short_name: String,
    pub name: String,
    pub description: String,
    pub members: i64,
    pub created: String,
    pub retired: bool,
}

/// One organisation of the form's provider table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderChoice {
    pub code: String,
    pub name: String,
    pub type_label: String,
    pub parent: String,
    pub start_date: String,
    pub end_date: String,
    pub contract: String,
}

/// Everything the form page shows: what was typed and ticked, one page of the provider table,
/// and, after Continue, either the summary or the problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterFormView {
    pub editing: Option<String>,
    pub short_name: String,
    pub name: String,
    pub description: String,
    pub selected: Vec<String>,
    pub q: String,
    pub choices: Vec<ProviderChoice>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub summary: Option<Vec<ProviderChoice>>,
    pub error: Option<AppError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub row: ClusterRow,
    pub members: Vec<ProviderChoice>,
}

pub const PER_PAGE: i64 = 25;

#[cfg(feature = "ssr")]
fn choice(o: domain::model::organisation::Organisation, parent: String) -> ProviderChoice {
    ProviderChoice {
        code: o.code.as_str().to_owned(),
        name: o.name,
        type_label: o.type_label,
        parent,
        start_date: crate::ssr::uk_time::calendar(&o.start_date),
        end_date: o
            .end_date
            .as_deref()
            .map(crate::ssr::uk_time::calendar)
            .unwrap_or_else(|| "N/A".into()),
        contract: o
            .contract_type
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    }
}

#[cfg(feature = "ssr")]
fn row(c: domain::model::cluster::Cluster) -> ClusterRow {
    ClusterRow {
        short_name: c.short_name,
        name: c.name,
        description: c.description,
        members: c.members,
        created: crate::ssr::uk_time::date(c.created_at),
        retired: c.retired_at.is_some(),
    }
}

#[cfg(feature = "ssr")]
fn problem(e: &domain::features::clusters::ClusterError) -> Option<Problem> {
    use domain::features::clusters::ClusterError as E;
    Some(match e {
        E::NameEmpty => Problem::ClusterNameEmpty(Field::Name),
        E::NameTooLong => Problem::ClusterNameTooLong(Field::Name),
        E::NameTaken => Problem::ClusterNameTaken(Field::Name),
        E::DescriptionEmpty => Problem::DescriptionEmpty(Field::Description),
        E::DescriptionTooLong => Problem::DescriptionTooLong(Field::Description),
        E::NoMembers => Problem::NoProvidersSelected(Field::Providers),
        E::MemberNotFound => Problem::ProviderNotOffered(Field::Providers),
        E::MemberClosed => Problem::ProviderClosed(Field::Providers),
        E::Retired => Problem::ClusterRetired(Field::Name),
        E::NotFound | E::Store(_) => return None,
    })
}

/// Field problems become one `Invalid`; "not found" and failures stay what they are.
#[cfg(feature = "ssr")]
fn cluster_error(
    errors: Vec<domain::features::clusters::ClusterError>,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::clusters::ClusterError as E;
    if errors.iter().any(|e| matches!(e, E::NotFound)) {
        return crate::ssr::request::not_found();
    }
    if let Some(E::Store(cause)) = errors.iter().find(|e| matches!(e, E::Store(_))) {
        return crate::ssr::request::failed(&format!("cluster storage failed: {cause}"));
    }
    AppError::invalid(errors.iter().filter_map(problem).collect(), echo)
}

#[cfg(feature = "ssr")]
fn manager() -> Result<domain::Actor, AppError> {
    let (_, actor) = crate::ssr::require_actor()?;
    if !domain::features::clusters::may_manage(&actor) {
        return Err(crate::ssr::request::not_found());
    }
    Ok(actor)
}

/// Codes as ticked: trimmed, upper case, each once, at most the limit.
#[cfg(feature = "ssr")]
fn tidy(codes: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let c = c.trim().to_uppercase();
        if !c.is_empty() && c.len() <= 12 && !out.contains(&c) {
            out.push(c);
        }
        if out.len() > domain::features::clusters::MEMBERS_MAX {
            break;
        }
    }
    out
}

#[server(endpoint = "list_clusters")]
pub async fn list_clusters(#[server(default)] search: String) -> Result<Vec<ClusterRow>, AppError> {
    let actor = manager()?;
    let st = crate::ssr::request::state()?;
    let search: String = search.chars().take(100).collect();
    let rows = domain::features::clusters::list(&st.services(), &actor, &search)
        .await
        .map_err(|e| cluster_error(vec![e], Vec::new()))?;
    Ok(rows.into_iter().map(row).collect())
}

/// The form page as the URL describes it, up to the summary. `started` is set once the
/// form has been sent: before that, a change starts from the cluster as it is. `all` is Select
/// All: every organisation matching `shown_q`, the search whose results were on screen.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "cluster_form")]
pub async fn cluster_form(
    #[server(default)] editing: String,
    #[server(default)] started: bool,
    #[server(default)] short_name: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] members: Vec<String>,
    #[server(default)] q: String,
    #[server(default)] shown_q: String,
    #[server(default)] page: i64,
    #[server(default)] all: bool,
    #[server(default)] step: String,
) -> Result<ClusterFormView, AppError> {
    use domain::features::clusters::{self, ClusterForm};
    let actor = manager()?;
    let st = crate::ssr::request::state()?;
    let q: String = q.chars().take(100).collect();
    let shown_q: String = shown_q.chars().take(100).collect();
    let mut form = ClusterForm {
        name: name.chars().take(clusters::NAME_MAX * 2).collect(),
        description: description
            .chars()
            .take(clusters::DESCRIPTION_MAX * 2)
            .collect(),
        members: tidy(members),
    };
    let (editing, editing_id, short_name) = if editing.is_empty() {
        let short = if clusters::is_short_name(&short_name) {
            short_name
        } else {
            clusters::new_short_name(st.tokens.as_ref())
        };
        (None, None, short)
    } else {
        let current = clusters::get(&st.services(), &actor, &editing)
            .await
            .map_err(|e| cluster_error(vec![e], Vec::new()))?;
        if !started {
            form.name = current.cluster.name.clone();
            form.description = current.cluster.description.clone();
            form.members = current
                .members
                .iter()
                .map(|(o, _)| o.code.as_str().to_owned())
                .collect();
        }
        let short = current.cluster.short_name.clone();
        (
            Some(short.clone()),
            Some((current.cluster.id, current.cluster.owner)),
            short,
        )
    };
    if all {
        let (everything, _) = clusters::candidates(
            &st.services(),
            &actor,
            &shown_q,
            1,
            clusters::MEMBERS_MAX as i64,
        )
        .await
        .map_err(|e| cluster_error(vec![e], Vec::new()))?;
        let ticked = std::mem::take(&mut form.members);
        form.members = tidy(
            ticked.into_iter().chain(
                everything
                    .into_iter()
                    .map(|(o, _)| o.code.as_str().to_owned()),
            ),
        );
    }
    let page = page.clamp(1, 100_000);
    let (found, total) = clusters::candidates(&st.services(), &actor, &q, page, PER_PAGE)
        .await
        .map_err(|e| cluster_error(vec![e], Vec::new()))?;
    let (mut summary, mut error) = (None, None);
    if step == "summary" {
        match clusters::check(&st.services(), &actor, &form, editing_id).await {
            Ok(checked) => {
                let rows = checked
                    .members
                    .into_iter()
                    .map(|(o, parent)| choice(o, parent))
                    .collect();
                summary = Some(rows);
            }
            Err(problems) => {
                error = Some(cluster_error(
                    problems,
                    vec![
                        (Field::Name, form.name.clone()),
                        (Field::Description, form.description.clone()),
                    ],
                ));
            }
        }
    }
    Ok(ClusterFormView {
        editing,
        short_name,
        name: form.name,
        description: form.description,
        selected: form.members,
        q,
        choices: found.into_iter().map(|(o, p)| choice(o, p)).collect(),
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        summary,
        error,
    })
}

/// Yes on the summary: creates the cluster, or saves the change when `editing`
/// names one. `members` is the ticked codes, comma-separated.
#[server(endpoint = "save_cluster")]
pub async fn save_cluster(
    #[server(default)] editing: String,
    short_name: String,
    name: String,
    description: String,
    members: String,
) -> Result<(), AppError> {
    use domain::features::clusters::{self, ClusterForm};
    let actor = manager()?;
    let st = crate::ssr::request::state()?;
    let echo = vec![
        (Field::Name, name.chars().take(200).collect()),
        (Field::Description, description.chars().take(600).collect()),
    ];
    let form = ClusterForm {
        name,
        description,
        members: tidy(members.split(',').map(str::to_owned)),
    };
    let origin = crate::ssr::request::client_address();
    let now = st.clock.now();
    let bad = |errors| {
        let e = cluster_error(errors, echo.clone());
        if matches!(e, AppError::Invalid { .. }) {
            crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
        }
        e
    };
    if editing.is_empty() {
        let (_, short) = clusters::create(
            &st.services(),
            &actor,
            &form,
            &short_name,
            st.tokens.as_ref(),
            now,
            origin.as_deref(),
        )
        .await
        .map_err(bad)?;
        leptos_axum::redirect(&format!("/clusters/created?short={short}"));
    } else {
        clusters::update(
            &st.services(),
            &actor,
            &editing,
            &form,
            now,
            origin.as_deref(),
        )
        .await
        .map_err(bad)?;
        leptos_axum::redirect(&format!("/clusters/{editing}?saved=updated"));
    }
    Ok(())
}

#[server(endpoint = "get_cluster")]
pub async fn get_cluster(short_name: String) -> Result<ClusterView, AppError> {
    let actor = manager()?;
    let st = crate::ssr::request::state()?;
    let d = domain::features::clusters::get(&st.services(), &actor, &short_name)
        .await
        .map_err(|e| cluster_error(vec![e], Vec::new()))?;
    Ok(ClusterView {
        row: row(d.cluster),
        members: d.members.into_iter().map(|(o, p)| choice(o, p)).collect(),
    })
}

/// Retire (confirmed on the cluster's page): it restricts nobody from the next request on.
#[server(endpoint = "retire_cluster")]
pub async fn retire_cluster(short_name: String, confirm: Option<String>) -> Result<(), AppError> {
    let actor = manager()?;
    let st = crate::ssr::request::state()?;
    if confirm.as_deref() != Some("yes") {
        crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
        return Err(AppError::invalid(
            vec![Problem::DecisionMissing(Field::Confirm)],
            Vec::new(),
        ));
    }
    domain::features::clusters::retire(
        &st.services(),
        &actor,
        &short_name,
        st.clock.now(),
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|e| cluster_error(vec![e], Vec::new()))?;
    leptos_axum::redirect(&format!("/clusters/{short_name}?saved=retired"));
    Ok(())
}
