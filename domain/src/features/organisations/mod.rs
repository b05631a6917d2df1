//! Organisation administration (`manage_organisations`, held by the Organisation Administrator):
//! creating and updating the organisations below one's own.
//! See docs/requirements.md#organisations-and-providers.

pub mod ods;

use crate::access::actor::Actor;
use crate::features::organisations::ods::parse_date;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::ImportSummary;
use crate::model::organisation::{ContractType, NewOrganisation, OrgKind, Organisation};
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::ods_code::OdsCode;

#[derive(Debug, thiserror::Error)]
pub enum OrgAdminError {
    /// Outside scope, or missing: one answer for both.
    #[error("not found")]
    NotFound,
    #[error("the parent is not an organisation you administer")]
    ParentNotFound,
    #[error("that kind of organisation cannot sit under this parent")]
    WrongParentKind,
    #[error("the move would put the organisation under itself")]
    Cycle,
    #[error("an organisation with this code exists already")]
    CodeTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A descendant organisation as typed, parsed.
#[derive(Debug, Clone)]
pub struct OrgForm {
    pub name: String,
    pub type_label: String,
    pub parent: OdsCode,
    pub start_date: String,
    pub end_date: Option<String>,
    pub contract_type: Option<ContractType>,
}

/// Checks a date typed as `YYYY-MM-DD`, and returns it in that shape.
pub fn parse_iso_date(raw: &str) -> Result<Option<String>, String> {
    let compact: String = raw.trim().chars().filter(|c| *c != '-').collect();
    if raw.trim().len() != 10 && !raw.trim().is_empty() {
        return Err(format!("malformed date {raw:?}"));
    }
    parse_date(&compact)
}

/// The audit event an upload of ODS extracts writes when its import lands: only the Service
/// Desk imports, and the event sits at no one organisation, because an import touches the tree.
pub fn import_audit<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    origin: Option<&str>,
) -> Result<NewAudit, OrgAdminError> {
    actor
        .permit(Capability::ServiceDesk)
        .map_err(|_| OrgAdminError::NotFound)?;
    let mut audit = NewAudit::by(
        actor,
        AuditAction::OrganisationsImported,
        ctx.clock.now(),
        origin,
    );
    audit.organisation = None;
    Ok(audit)
}

pub fn may_administer(actor: &Actor) -> bool {
    actor.has(Capability::ManageOrganisations)
}

/// The organisations below the actor's organisation (its own included), searchable.
pub async fn list<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    search: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<(Organisation, String)>, i64), OrgAdminError> {
    let store = ctx.store;
    let scope = actor
        .permit(Capability::ManageOrganisations)
        .map_err(|_| OrgAdminError::NotFound)?
        .into_scope();
    let offset = (page.max(1) - 1) * per_page;
    Ok(store
        .organisations_in(&scope, None, search, offset, per_page)
        .await?)
}

/// One organisation in scope.
pub async fn get<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &str,
) -> Result<Organisation, OrgAdminError> {
    let store = ctx.store;
    let scope = actor
        .permit(Capability::ManageOrganisations)
        .map_err(|_| OrgAdminError::NotFound)?
        .into_scope();
    let code = OdsCode::parse(code).map_err(|_| OrgAdminError::NotFound)?;
    store
        .organisation_by_code(&code)
        .await?
        .filter(|o| o.kind != OrgKind::Platform && scope.contains(o.id, &o.path))
        .ok_or(OrgAdminError::NotFound)
}

/// The parent must be in scope; the organisation itself goes below it, so it is in scope too.
async fn parent_in_scope<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &OdsCode,
) -> Result<Organisation, OrgAdminError> {
    get(ctx, actor, code.as_str()).await.map_err(|e| match e {
        OrgAdminError::NotFound => OrgAdminError::ParentNotFound,
        other => other,
    })
}

/// The ODS code of an organisation's parent, for its page (the root has none).
pub async fn parent_code<S: Storage>(
    ctx: &Services<'_, S>,
    o: &Organisation,
) -> Result<Option<OdsCode>, StoreError> {
    Ok(match o.parent {
        Some(p) => ctx.store.organisation(p).await?.map(|p| p.code),
        None => None,
    })
}

fn refused(summary: &ImportSummary) -> Result<(), OrgAdminError> {
    match summary.refused.first() {
        None => Ok(()),
        Some(r) if r.contains("cycle") => Err(OrgAdminError::Cycle),
        Some(r) if r.contains("cannot be its parent") => Err(OrgAdminError::WrongParentKind),
        Some(_) => Err(OrgAdminError::ParentNotFound),
    }
}

/// Creates a descendant organisation.
#[tracing::instrument(skip_all)]
pub async fn create<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: OdsCode,
    kind: OrgKind,
    form: &OrgForm,
    origin: Option<&str>,
) -> Result<(), OrgAdminError> {
    let store = ctx.store;
    let audit = NewAudit::by(
        actor,
        AuditAction::OrganisationCreated,
        ctx.clock.now(),
        origin,
    );
    let parent = parent_in_scope(ctx, actor, &form.parent).await?;
    if !parent.kind.may_parent(kind) || kind == OrgKind::Platform {
        return Err(OrgAdminError::WrongParentKind);
    }
    if store.organisation_by_code(&code).await?.is_some() {
        return Err(OrgAdminError::CodeTaken);
    }
    let org = NewOrganisation {
        code,
        name: form.name.clone(),
        kind,
        type_label: form.type_label.clone(),
        parent_code: Some(form.parent.clone()),
        start_date: form.start_date.clone(),
        end_date: form.end_date.clone(),
        contract_type: form.contract_type,
    };
    // Placed at the parent: the new organisation has no id until it is written.
    let audit =
        audit
            .at_organisation(parent.id)
            .reason(format!("{} {}", org.code.as_str(), org.name));
    match store
        .insert_organisations(std::slice::from_ref(&org), Some(&audit))
        .await
    {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(OrgAdminError::CodeTaken),
        Err(e) => Err(e.into()),
    }
}

/// Updates an organisation below the actor's own: name, type, dates and parent (a move keeps
/// scope right at once, and one that would make a cycle is refused).
#[tracing::instrument(skip_all)]
pub async fn update<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &str,
    form: &OrgForm,
    origin: Option<&str>,
) -> Result<(), OrgAdminError> {
    let store = ctx.store;
    let audit = NewAudit::by(
        actor,
        AuditAction::OrganisationUpdated,
        ctx.clock.now(),
        origin,
    );
    let current = get(ctx, actor, code).await?;
    // The actor's own organisation is not theirs to move or rename: only descendants.
    if current.id == actor.organisation.id {
        return Err(OrgAdminError::NotFound);
    }
    parent_in_scope(ctx, actor, &form.parent).await?;
    let org = NewOrganisation {
        code: current.code.clone(),
        name: form.name.clone(),
        kind: current.kind,
        type_label: form.type_label.clone(),
        parent_code: Some(form.parent.clone()),
        start_date: form.start_date.clone(),
        end_date: form.end_date.clone(),
        contract_type: current.contract_type,
    };
    let summary = store
        .import_organisations(
            std::slice::from_ref(&org),
            false,
            &|_| {},
            Some(&audit.at_organisation(current.id).reason(format!(
                "{} {} under {}",
                org.code.as_str(),
                org.name,
                form.parent.as_str()
            ))),
        )
        .await?;
    refused(&summary)
}
