//! Service Provider Clusters: an Organisation Administrator names a set of organisations below
//! their organisation. An assignment restricted to clusters reaches only the members and their
//! descendants ([`crate::access::scope::Restriction`]). See docs/requirements.md#service-provider-clusters.

use crate::access::actor::Actor;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::cluster::{Cluster, ClusterChange, ClusterId};
use crate::model::organisation::{OrgId, Organisation};
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::clock::{Timestamp, TokenSource};
use crate::values::ods_code::OdsCode;

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;
/// Far more than any commissioner's practices; a bound on what one form may carry.
pub const MEMBERS_MAX: usize = 2_000;

/// A cluster with its members, each with its parent's name (the summary table before Yes).
#[derive(Debug, Clone)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    pub members: Vec<(Organisation, String)>,
}

/// A problem with one field of the form, or with the request as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// No `manage_clusters`, or a cluster or organisation that is not the actor's: one answer.
    #[error("not found")]
    NotFound,
    #[error("Enter a name")]
    NameEmpty,
    #[error("Name must be {NAME_MAX} characters or fewer")]
    NameTooLong,
    #[error("Your organisation already has a cluster with this name")]
    NameTaken,
    #[error("Enter a description")]
    DescriptionEmpty,
    #[error("Description must be {DESCRIPTION_MAX} characters or fewer")]
    DescriptionTooLong,
    #[error("Select at least one service provider")]
    NoMembers,
    /// A code that is not one of the organisations below the administrator's.
    #[error("Select service providers from the list")]
    MemberNotFound,
    /// A practice that has closed (it has an end date): a cluster holds open practices only.
    #[error("A closed practice cannot be in a cluster")]
    MemberClosed,
    #[error("This cluster has been retired")]
    Retired,
    #[error("storage failed")]
    Store(String),
}

impl From<StoreError> for ClusterError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => ClusterError::NameTaken,
            other => ClusterError::Store(other.to_string()),
        }
    }
}

/// The form as typed: name, description and the ODS codes ticked.
#[derive(Debug, Clone, Default)]
pub struct ClusterForm {
    pub name: String,
    pub description: String,
    pub members: Vec<String>,
}

/// A checked form: every problem found at once, so each field can show its own.
#[derive(Debug, Clone)]
pub struct CheckedCluster {
    pub name: String,
    pub description: String,
    /// Each with its parent's name, for the summary.
    pub members: Vec<(Organisation, String)>,
}

pub fn may_manage(actor: &Actor) -> bool {
    actor.has(Capability::ManageClusters)
}

/// A short name such as "E92654EEF7": ten upper-case hexadecimal characters, random.
pub fn new_short_name(tokens: &dyn TokenSource) -> String {
    tokens.random_bytes()[..5]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

pub fn is_short_name(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

/// Case-insensitive key of a name, so "Eastern City" and "eastern city" are one name.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn text_problems(form: &ClusterForm) -> Vec<ClusterError> {
    let mut out = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        out.push(ClusterError::NameEmpty);
    } else if name.chars().count() > NAME_MAX {
        out.push(ClusterError::NameTooLong);
    }
    let description = form.description.trim();
    if description.is_empty() {
        out.push(ClusterError::DescriptionEmpty);
    } else if description.chars().count() > DESCRIPTION_MAX {
        out.push(ClusterError::DescriptionTooLong);
    }
    out
}

/// The organisations an administrator may put in a cluster: their own and those below it, within
/// their scope for `manage_clusters` (the provider table lists the administrator's organisation
/// first).
fn may_include(actor: &Actor, org: &Organisation) -> bool {
    actor
        .permit(Capability::ManageClusters)
        .is_ok_and(|scope| scope.reaches(org.id, &org.path))
}

/// Checks the whole form (at Continue), and again at Yes. `editing` is the cluster
/// being changed (and its owner), whose own name is not a clash.
pub async fn check<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    form: &ClusterForm,
    editing: Option<(ClusterId, OrgId)>,
) -> Result<CheckedCluster, Vec<ClusterError>> {
    let store = ctx.store;
    let owner = editing.map_or(actor.organisation.id, |(_, o)| o);
    let editing = editing.map(|(id, _)| id);
    if !may_manage(actor) {
        return Err(vec![ClusterError::NotFound]);
    }
    let mut problems = text_problems(form);
    let mut codes: Vec<OdsCode> = Vec::new();
    for raw in form.members.iter().take(MEMBERS_MAX + 1) {
        match OdsCode::parse(raw) {
            Ok(c) if !codes.contains(&c) => codes.push(c),
            Ok(_) => {}
            Err(_) => {
                problems.push(ClusterError::MemberNotFound);
                break;
            }
        }
    }
    let mut members = Vec::new();
    if codes.is_empty() && !problems.contains(&ClusterError::MemberNotFound) {
        problems.push(ClusterError::NoMembers);
    } else if codes.len() > MEMBERS_MAX {
        problems.push(ClusterError::MemberNotFound);
    } else if !codes.is_empty() {
        let found = store
            .organisations_by_codes(&codes)
            .await
            .map_err(|e| vec![e.into()])?;
        if found.len() != codes.len() || !found.iter().all(|(o, _)| may_include(actor, o)) {
            problems.push(ClusterError::MemberNotFound);
        } else if found.iter().any(|(o, _)| o.end_date.is_some()) {
            problems.push(ClusterError::MemberClosed);
        }
        members = found;
    }
    if !problems
        .iter()
        .any(|p| matches!(p, ClusterError::NameEmpty | ClusterError::NameTooLong))
    {
        let taken = store
            .cluster_named(owner, &name_key(&form.name))
            .await
            .map_err(|e| vec![e.into()])?;
        if taken.is_some_and(|id| Some(id) != editing) {
            problems.push(ClusterError::NameTaken);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    members.sort_by(|a, b| a.0.code.as_str().cmp(b.0.code.as_str()));
    Ok(CheckedCluster {
        name: form.name.trim().to_owned(),
        description: form.description.trim().to_owned(),
        members,
    })
}

/// Creates the cluster (Yes on the summary). The short name shown on the form is kept when it
/// is well formed and free; otherwise a fresh one is drawn, so a clash never loses the form.
#[allow(clippy::too_many_arguments)]
pub async fn create<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    form: &ClusterForm,
    shown_short_name: &str,
    tokens: &dyn TokenSource,
    at: Timestamp,
    origin: Option<&str>,
) -> Result<(ClusterId, String), Vec<ClusterError>> {
    let store = ctx.store;
    let checked = check(ctx, actor, form, None).await?;
    let mut short_name = shown_short_name.to_owned();
    for _ in 0..5 {
        if is_short_name(&short_name)
            && store
                .cluster_by_short_name(&short_name)
                .await
                .map_err(|e| vec![e.into()])?
                .is_none()
        {
            break;
        }
        short_name = new_short_name(tokens);
    }
    let mut audit = NewAudit::by(actor, AuditAction::ClusterCreated, at, origin);
    audit.reason = Some(format!("{short_name} {}", checked.name));
    let change = ClusterChange {
        owner: actor.organisation.id,
        short_name: short_name.clone(),
        name: checked.name,
        description: checked.description,
        members: checked.members.iter().map(|(o, _)| o.id).collect(),
        at,
        by: actor.user,
        audit,
    };
    let id = store
        .create_cluster(&change)
        .await
        .map_err(|e| vec![e.into()])?;
    Ok((id, short_name))
}

/// The actor's organisation's clusters, newest first, matching `search` (short name or name).
pub async fn list<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    search: &str,
) -> Result<Vec<Cluster>, ClusterError> {
    let store = ctx.store;
    if !may_manage(actor) {
        return Err(ClusterError::NotFound);
    }
    Ok(store
        .clusters_of(actor.organisation.id, search.trim())
        .await?)
}

/// One of the actor's organisation's clusters, with its members.
pub async fn get<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    short_name: &str,
) -> Result<ClusterDetail, ClusterError> {
    let store = ctx.store;
    if !may_manage(actor) || !is_short_name(short_name) {
        return Err(ClusterError::NotFound);
    }
    let Some(cluster) = store.cluster_by_short_name(short_name).await? else {
        return Err(ClusterError::NotFound);
    };
    // Clusters belong to the organisation that made them; the Service Desk reaches them all.
    if cluster.owner != actor.organisation.id && !actor.has(Capability::ServiceDesk) {
        return Err(ClusterError::NotFound);
    }
    let members = store.cluster_members(cluster.id).await?;
    Ok(ClusterDetail { cluster, members })
}

/// Changes name, description and members (the same checks as creating).
pub async fn update<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    short_name: &str,
    form: &ClusterForm,
    at: Timestamp,
    origin: Option<&str>,
) -> Result<(), Vec<ClusterError>> {
    let store = ctx.store;
    let current = get(ctx, actor, short_name).await.map_err(|e| vec![e])?;
    if current.cluster.retired_at.is_some() {
        return Err(vec![ClusterError::Retired]);
    }
    let owner = current.cluster.owner;
    let checked = check(ctx, actor, form, Some((current.cluster.id, owner))).await?;
    let mut audit = NewAudit::by(actor, AuditAction::ClusterUpdated, at, origin);
    audit.reason = Some(format!("{short_name} {}", checked.name));
    audit.organisation = Some(owner);
    let change = ClusterChange {
        owner,
        short_name: short_name.to_owned(),
        name: checked.name,
        description: checked.description,
        members: checked.members.iter().map(|(o, _)| o.id).collect(),
        at,
        by: actor.user,
        audit,
    };
    store
        .update_cluster(current.cluster.id, &change)
        .await
        .map_err(|e| vec![e.into()])
}

/// Retires a cluster: it restricts nobody from the next request on, and cannot be assigned.
pub async fn retire<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    short_name: &str,
    at: Timestamp,
    origin: Option<&str>,
) -> Result<(), ClusterError> {
    let store = ctx.store;
    let current = get(ctx, actor, short_name).await?;
    if current.cluster.retired_at.is_some() {
        return Err(ClusterError::Retired);
    }
    let mut audit = NewAudit::by(actor, AuditAction::ClusterRetired, at, origin);
    audit.reason = Some(format!("{short_name} {}", current.cluster.name));
    store.retire_cluster(current.cluster.id, at, &audit).await?;
    Ok(())
}

/// The organisations that may go in a cluster, matching `search` (code or part of the name): the
/// administrator's organisation and its descendants (the form's provider table).
pub async fn candidates<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    search: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<(Organisation, String)>, i64), ClusterError> {
    let store = ctx.store;
    let scope = actor
        .permit(Capability::ManageClusters)
        .map_err(|_| ClusterError::NotFound)?
        .into_scope();
    let offset = (page.max(1) - 1) * per_page;
    Ok(store
        .organisations_in(&scope, None, search.trim(), offset, per_page)
        .await?)
}
#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u8);
    impl TokenSource for Fixed {
        fn random_bytes(&self) -> [u8; 32] {
            [self.0; 32]
        }
    }

    #[test]
    fn a_short_name_is_ten_upper_case_hexadecimal_characters() {
        let s = new_short_name(&Fixed(0xE9));
        assert_eq!(s, "E9E9E9E9E9");
        assert!(is_short_name(&s));
        assert!(!is_short_name("e92654eef7"));
        assert!(!is_short_name("E92654EEF"));
        assert!(!is_short_name("G92654EEF7"));
    }

    #[test]
    fn names_are_compared_without_case_or_surrounding_spaces() {
        assert_eq!(name_key("  Eastern City "), name_key("eastern city"));
    }

    #[test]
    fn name_and_description_are_required_and_bounded() {
        let empty = ClusterForm::default();
        assert_eq!(
            text_problems(&empty),
            vec![ClusterError::NameEmpty, ClusterError::DescriptionEmpty]
        );
        let long = ClusterForm {
            name: "n".repeat(NAME_MAX + 1),
            description: "d".repeat(DESCRIPTION_MAX + 1),
            members: vec![],
        };
        assert_eq!(
            text_problems(&long),
            vec![ClusterError::NameTooLong, ClusterError::DescriptionTooLong]
        );
        let fine = ClusterForm {
            name: "Eastern City Practices".into(),
            description: "GPs in Eastern City".into(),
            members: vec![],
        };
        assert!(text_problems(&fine).is_empty());
    }
}
