//! Providers and their approval level: commissioners choose, per GP practice, whether claims
//! need an internal check by the practice manager first (multi-level) or not (single-level, the
//! default). See docs/requirements.md#organisations-and-providers.

use crate::access::actor::Actor;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::{OrgKind, Organisation};
use crate::model::role::Capability;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::ods_code::OdsCode;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Outside the actor's scope, not a provider, or missing: one answer for all.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who sees the Providers page: those who set approval levels, and administrators (who see the
/// level but may not change it).
pub fn may_view(actor: &Actor) -> bool {
    actor.has(Capability::SetApprovalLevel) || actor.has(Capability::ManageUsers)
}

/// One provider as its page shows it.
#[derive(Debug, Clone)]
pub struct Provider {
    pub organisation: Organisation,
    pub parent_name: String,
    /// Whether the actor may switch its approval level.
    pub may_set_level: bool,
}

/// The providers the actor's assignment reaches, matching `search` (code or part of the name).
#[tracing::instrument(skip_all)]
pub async fn list<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    search: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<(Organisation, String)>, i64), ProviderError> {
    let store = ctx.store;
    if !may_view(actor) {
        return Err(ProviderError::NotFound);
    }
    let offset = (page.max(1) - 1) * per_page;
    Ok(store
        .organisations_in(
            &actor.scope(),
            Some(OrgKind::Provider),
            search,
            offset,
            per_page,
        )
        .await?)
}

pub async fn view<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &str,
) -> Result<Provider, ProviderError> {
    let store = ctx.store;
    if !may_view(actor) {
        return Err(ProviderError::NotFound);
    }
    let code = OdsCode::parse(code).map_err(|_| ProviderError::NotFound)?;
    let org = store
        .organisation_by_code(&code)
        .await?
        .filter(|o| o.kind == OrgKind::Provider && actor.scope().contains(o.id, &o.path))
        .ok_or(ProviderError::NotFound)?;
    let parent_name = match org.parent {
        Some(p) => store
            .organisation(p)
            .await?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let may_set_level = actor
        .permit(Capability::SetApprovalLevel)
        .is_ok_and(|s| s.reaches(org.id, &org.path));
    Ok(Provider {
        organisation: org,
        parent_name,
        may_set_level,
    })
}

/// Single-level (`false`) or multi-level (`true`) approval, by those who hold
/// `set_approval_level` over the provider.
#[tracing::instrument(skip_all)]
pub async fn set_level<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &str,
    multi_level: bool,
    origin: Option<&str>,
) -> Result<(), ProviderError> {
    let store = ctx.store;
    let audit = NewAudit::by(
        actor,
        AuditAction::ApprovalLevelChanged,
        ctx.clock.now(),
        origin,
    );
    let p = view(ctx, actor, code).await?;
    if !p.may_set_level {
        return Err(ProviderError::NotFound);
    }
    Ok(store
        .set_multi_level_approval(
            p.organisation.id,
            multi_level,
            &audit
                .at_organisation(p.organisation.id)
                .reason(if multi_level {
                    "Multi-level approval"
                } else {
                    "Single-level approval"
                }),
        )
        .await?)
}
