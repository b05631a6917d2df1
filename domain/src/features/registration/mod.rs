//! Use cases of sign-up: register, review in Pending Actions, decide, resend, delete, activate.
//! The rules live in [`crate::features::registration::rules`]; these functions tie them to storage.

use crate::access::actor::{Actor, Denied};
use crate::model::assignment::{AssignmentId, AssignmentStatus};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::{OrgKind, Organisation};
use crate::model::role::{Catalogue, RoleId};
use crate::model::user::HashError;
use crate::model::user::{AccountStatus, UserId};
use crate::rules::review::{
    check_role, emails, may_review, review_arms, reviewers, Decision, RoleRefused,
    ACTIVATION_TTL_SECONDS,
};
use crate::services::Services;
use crate::storage::{
    DecideOutcome, NewRegistration, RegistrationQuery, RegistrationRow, RegistrationSort, Storage,
    StoreError, TokenState, Verdict, VerdictOutcome,
};
use crate::values::clock::{Clock, SecretToken, TokenSource};
use crate::values::email::EmailAddress;
use crate::values::ods_code::OdsCode;
use crate::values::password::NewPassword;
use crate::values::person_name::PersonName;

/// What a use case needs from the outside world.
pub struct Ctx<'a, S> {
    pub store: &'a S,
    pub catalogue: &'a Catalogue,
    pub clock: &'a dyn Clock,
    pub tokens: &'a dyn TokenSource,
    /// The service's public URL without a trailing slash, for links in emails.
    pub base_url: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum SignupError {
    #[error("no such organisation")]
    OrganisationNotFound,
    #[error("role not offered: {0:?}")]
    Role(RoleRefused),
    /// The object is outside the actor's scope, or does not exist: the same answer for both.
    #[error("not found")]
    NotFound,
    #[error("already decided")]
    AlreadyDecided {
        by: Option<String>,
        status: AssignmentStatus,
    },
    #[error("not approved yet")]
    NotApproved,
    #[error("the link is no longer valid")]
    LinkNotValid,
    /// "Access ends on" given on approval: in the past, or too far ahead.
    #[error(transparent)]
    AccessEnd(#[from] crate::rules::access_end::EndProblem),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Denied> for SignupError {
    fn from(_: Denied) -> Self {
        SignupError::NotFound
    }
}

/// The answer to "which organisation?": by exact ODS code, else by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Organisation),
    /// Up to [`LOOKUP_LIMIT`] + 1 matches: the last one only says that there are more.
    Choose(Vec<Organisation>),
    NotFound,
}

/// At most this many matches are offered to choose from. One more is looked up, so that a page
/// can say there were more ("Showing the first 20: type more of the name").
pub const LOOKUP_LIMIT: i64 = 20;

fn registrable(o: &Organisation) -> bool {
    o.kind != OrgKind::Platform && o.end_date.is_none()
}

#[tracing::instrument(skip_all)]
pub async fn lookup_organisation<S: Storage>(
    ctx: &Services<'_, S>,
    text: &str,
) -> Result<Lookup, StoreError> {
    let store = ctx.store;
    let text = text.trim();
    if text.is_empty() {
        return Ok(Lookup::NotFound);
    }
    if let Ok(code) = OdsCode::parse(text) {
        if let Some(o) = store.organisation_by_code(&code).await? {
            if registrable(&o) {
                return Ok(Lookup::Found(o));
            }
        }
    }
    let mut found = store.find_organisations(text, LOOKUP_LIMIT + 1).await?;
    Ok(match found.len() {
        0 => Lookup::NotFound,
        1 => Lookup::Found(found.remove(0)),
        _ => Lookup::Choose(found),
    })
}

/// An organisation that takes registrations, by code.
pub async fn registrable_organisation<S: Storage>(
    ctx: &Services<'_, S>,
    code: &OdsCode,
) -> Result<Organisation, SignupError> {
    let store = ctx.store;
    match store.organisation_by_code(code).await? {
        Some(o) if registrable(&o) => Ok(o),
        _ => Err(SignupError::OrganisationNotFound),
    }
}

/// A registration as typed, parsed.
#[derive(Debug, Clone)]
pub struct RegistrationForm {
    pub email: EmailAddress,
    pub organisation: OdsCode,
    pub role: RoleId,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

/// Registers: the pending account and request, an in-app notification for every reviewer and an
/// email for those who allow them, in one transaction.
///
/// An address that already has an account, or a registration under way, gets the same answer as
/// any other (`Ok(None)`): the page must not tell a stranger that the address is known. Its
/// owner is emailed instead.
#[tracing::instrument(skip_all)]
pub async fn register<S: Storage>(
    ctx: &Services<'_, S>,
    form: &RegistrationForm,
    origin: Option<&str>,
) -> Result<Option<AssignmentId>, SignupError> {
    let org = registrable_organisation(ctx, &form.organisation).await?;
    let role = check_role(ctx.catalogue, form.role, &org).map_err(SignupError::Role)?;
    // A taken address is refused by storage, in the same transaction that would write it.
    let (notify, mail_to) = reviewers(ctx.store, ctx.catalogue, &org, role, None).await?;
    let who = format!("{} {}", form.first_name.as_str(), form.last_name.as_str());
    let now = ctx.clock.now();
    let registration = NewRegistration {
        audit: NewAudit::anonymous(AuditAction::RegistrationSubmitted, now, origin)
            .at_organisation(org.id)
            .reason(role.name.clone()),
        email: form.email.clone(),
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        organisation: org.id,
        role: role.id,
        at: ctx.clock.now(),
        notify,
        notice: format!(
            "{who} has asked to register as {} at {}.",
            role.name, org.name
        ),
        emails: mail_to
            .iter()
            .map(|to| emails::new_registration(to, ctx.base_url, &who, &role.name, &org.name))
            .collect(),
    };
    match ctx.store.register(&registration).await {
        Ok(id) => Ok(Some(id)),
        Err(StoreError::Conflict(_)) => {
            ctx.store
                .enqueue_emails(
                    &[emails::already_registered(&form.email, ctx.base_url)],
                    now,
                )
                .await?;
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// The registrations the actor reviews, one page of them.
#[tracing::instrument(skip_all)]
pub async fn pending_registrations<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    sort: RegistrationSort,
    descending: bool,
    page: i64,
    per_page: i64,
) -> Result<(Vec<RegistrationRow>, i64), SignupError> {
    let arms = review_arms(actor, ctx.catalogue);
    if arms.is_empty() {
        return Err(SignupError::NotFound);
    }
    let q = RegistrationQuery {
        arms,
        sort,
        descending,
        offset: (page.max(1) - 1) * per_page,
        limit: per_page,
    };
    Ok(ctx.store.registrations(&q).await?)
}

/// One registration, if the actor may review it; otherwise "not found".
pub async fn registration_for<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
) -> Result<RegistrationRow, SignupError> {
    let row = ctx
        .store
        .registration(id)
        .await?
        .ok_or(SignupError::NotFound)?;
    let role = ctx.catalogue.role(row.role).ok_or(SignupError::NotFound)?;
    if may_review(actor, role, row.organisation.id, &row.organisation.path) {
        Ok(row)
    } else {
        Err(SignupError::NotFound)
    }
}

/// Approves (sending the activation link), with the role ending at `ends_at` if given, or
/// rejects (sending the reason). Of two racing decisions exactly one is recorded; the other
/// learns who decided first.
#[tracing::instrument(skip_all)]
pub async fn decide<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
    decision: Decision,
    ends_at: Option<crate::values::clock::Timestamp>,
    origin: Option<&str>,
) -> Result<(), SignupError> {
    let row = registration_for(ctx, actor, id).await?;
    let now = ctx.clock.now();
    let ends_at = match decision {
        Decision::Approve => {
            crate::rules::access_end::check_optional(ends_at, now, ctx.max_temporary_days)?;
            ends_at
        }
        Decision::Reject(_) => None,
    };
    let audit = match &decision {
        Decision::Approve => {
            let audit = NewAudit::by(actor, AuditAction::RegistrationApproved, now, origin);
            match ends_at {
                Some(end) => audit.reason(format!("ending at {}", end.iso_utc())),
                None => audit,
            }
        }
        Decision::Reject(reason) => {
            NewAudit::by(actor, AuditAction::RegistrationRejected, now, origin)
                .reason(reason.as_str())
        }
    }
    .target(row.user)
    .at_organisation(row.organisation.id);
    let (outcome, email) = match decision {
        Decision::Approve => {
            let token = SecretToken::generate(ctx.tokens);
            let email = emails::approved(&row.email, ctx.base_url, &row.first_name, token.expose());
            let outcome = VerdictOutcome::Approve {
                token: token.hash(),
                expires_at: now.plus_seconds(ACTIVATION_TTL_SECONDS),
                ends_at,
            };
            (outcome, email)
        }
        Decision::Reject(reason) => (
            VerdictOutcome::Reject {
                reason: reason.as_str().to_owned(),
            },
            emails::rejected(&row.email, &row.first_name, reason.as_str()),
        ),
    };
    let verdict = Verdict {
        assignment: id,
        by: actor.user,
        at: now,
        outcome,
        email,
        audit,
    };
    match ctx.store.decide_registration(&verdict).await? {
        DecideOutcome::Decided => Ok(()),
        DecideOutcome::AlreadyDecided { by, status } => {
            Err(SignupError::AlreadyDecided { by, status })
        }
        DecideOutcome::Missing => Err(SignupError::NotFound),
    }
}

/// Resend Registration Email: a new activation link replaces the old one.
pub async fn resend<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
    origin: Option<&str>,
) -> Result<(), SignupError> {
    let row = registration_for(ctx, actor, id).await?;
    if row.status != AssignmentStatus::Active || row.user_status != AccountStatus::Pending {
        return Err(SignupError::NotApproved);
    }
    let audit = NewAudit::by(
        actor,
        AuditAction::RegistrationEmailResent,
        ctx.clock.now(),
        origin,
    )
    .target(row.user)
    .at_organisation(row.organisation.id);
    send_new_link(ctx, row.user, &row.email, &row.first_name, Some(&audit)).await
}

async fn send_new_link<S: Storage>(
    ctx: &Services<'_, S>,
    user: UserId,
    to: &EmailAddress,
    first_name: &str,
    audit: Option<&NewAudit>,
) -> Result<(), SignupError> {
    let now = ctx.clock.now();
    let token = SecretToken::generate(ctx.tokens);
    let email = emails::approved(to, ctx.base_url, first_name, token.expose());
    ctx.store
        .replace_activation(
            user,
            &token.hash(),
            now,
            now.plus_seconds(ACTIVATION_TTL_SECONDS),
            &email,
            audit,
        )
        .await
        .map_err(|e| match e {
            // Activated meanwhile: there is no link to send any more.
            StoreError::Missing(_) => SignupError::NotApproved,
            other => other.into(),
        })
}

/// Delete Registration: only one not yet activated.
pub async fn delete<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: AssignmentId,
    origin: Option<&str>,
) -> Result<(), SignupError> {
    let row = registration_for(ctx, actor, id).await?;
    // The pending user may go with the registration, so the event names them in words.
    let audit = NewAudit::by(
        actor,
        AuditAction::RegistrationDeleted,
        ctx.clock.now(),
        origin,
    )
    .at_organisation(row.organisation.id)
    .reason(format!(
        "{} {} <{}> as {}",
        row.first_name, row.last_name, row.email, row.role_name
    ));
    if ctx.store.delete_registration(id, &audit).await? {
        Ok(())
    } else {
        Err(SignupError::NotFound)
    }
}

/// What the activation link in the address bar is worth.
pub async fn link_state<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
) -> Result<TokenState, StoreError> {
    match SecretToken::from_presented(presented) {
        None => Ok(TokenState::Unknown),
        Some(t) => ctx.store.activation_token(&t.hash(), ctx.clock.now()).await,
    }
}

/// Sets the first password through the link; the account becomes active.
#[tracing::instrument(skip_all)]
pub async fn activate<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
    password: &NewPassword,
    origin: Option<&str>,
) -> Result<UserId, SignupError> {
    let token = SecretToken::from_presented(presented).ok_or(SignupError::LinkNotValid)?;
    // Check before the expensive hash, and again atomically when using it.
    let user = match ctx
        .store
        .activation_token(&token.hash(), ctx.clock.now())
        .await?
    {
        TokenState::Valid { user } => user,
        _ => return Err(SignupError::LinkNotValid),
    };
    let hash = ctx.hasher.hash(password).await?;
    let audit = NewAudit::by_user(user, AuditAction::AccountActivated, ctx.clock.now(), origin);
    ctx.store
        .activate(&token.hash(), &hash, ctx.clock.now(), &audit)
        .await?
        .ok_or(SignupError::LinkNotValid)
}

/// An expired link can ask for a new one, sent to the account's own address: whoever holds the
/// old link learns nothing new.
pub async fn renew_link<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
) -> Result<(), SignupError> {
    let TokenState::Expired { user } = link_state(ctx, presented).await? else {
        return Err(SignupError::LinkNotValid);
    };
    let u = ctx
        .store
        .user(user)
        .await?
        .ok_or(SignupError::LinkNotValid)?;
    let approved = ctx
        .store
        .assignments_of(user)
        .await?
        .iter()
        .any(|a| a.status == AssignmentStatus::Active);
    if u.status != AccountStatus::Pending || !approved {
        return Err(SignupError::LinkNotValid);
    }
    send_new_link(ctx, user, &u.email, &u.first_name, None)
        .await
        .map_err(|e| match e {
            SignupError::NotApproved => SignupError::LinkNotValid,
            other => other,
        })
}
