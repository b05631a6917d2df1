//! Invitations (docs/requirements.md#invitations): an administrator brings someone in
//! without waiting for them to register. Email → names → organisation → role → preview → Send.
//! A new person sets their details and password from the link and is active at once; an existing
//! user signs in through the link and the role is added. No further approval.

use crate::access::actor::{Actor, Permit};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::{OrgKind, Organisation};
use crate::model::outbox::NewEmail;
use crate::model::role::{Capability, Role, RoleId};
use crate::model::user::HashError;
use crate::model::user::{AccountStatus, User, UserId};
use crate::rules::review::roles_for;
use crate::services::Services;
use crate::storage::{InvitationState, NewInvitation, PendingInvitation, Storage, StoreError};
use crate::values::clock::SecretToken;
use crate::values::email::EmailAddress;
use crate::values::ods_code::OdsCode;
use crate::values::password::NewPassword;
use crate::values::person_name::PersonName;

mod emails;
pub use emails::*;

pub const INVITATION_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// The actor does not manage users, or the organisation, user or invitation is outside
    /// their scope: one answer.
    #[error("not found")]
    NotFound,
    #[error("This account is disabled. Enable it before inviting them")]
    AccountDisabled,
    /// Nobody grants themselves a role: they ask for it (Request Access) and another decides.
    #[error("You cannot invite yourself")]
    OwnAccount,
    #[error("No organisation you administer matches")]
    OrganisationNotFound,
    #[error("Select one of the roles offered")]
    RoleNotOffered,
    #[error("This person already holds, or has been invited to, this role at this organisation")]
    AlreadyHolds,
    #[error("This link is no longer valid")]
    LinkNotValid,
    #[error("Email address or password not recognised")]
    NotRecognised,
    /// "Access ends on": in the past, or too far ahead.
    #[error(transparent)]
    AccessEnd(#[from] crate::rules::access_end::EndProblem),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who is being invited: someone new, or an existing user whose names are fixed.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub email: EmailAddress,
    pub existing: Option<User>,
}

/// Where the actor may invite: with `manage_users`, its scope; otherwise, with
/// `grant_approver_roles` (the Commissioning Approver), its scope, for approver-tier roles only
/// (`roles_for` narrows the roles).
fn invite_scope(actor: &Actor) -> Result<crate::access::scope::Scope, InviteError> {
    actor
        .permit(Capability::ManageUsers)
        .or_else(|_| actor.permit(Capability::GrantApproverRoles))
        .map(Permit::into_scope)
        .map_err(|_| InviteError::NotFound)
}

/// Whether the actor may invite at all (the rule of `invite_scope`), for what Invite shows before
/// any answer is checked.
pub fn may_invite(actor: &Actor) -> Result<(), InviteError> {
    invite_scope(actor).map(|_| ())
}

/// The first step: is this address someone the actor may see (a person with a role in their
/// scope, by the Users rule)? Anyone else, an unknown address or an account the actor cannot
/// see, disabled or not, gets exactly the answer for a new person: whether an account exists is
/// settled only at Send, inside its transaction, and the person is told by email.
pub async fn invitee<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    email: &EmailAddress,
) -> Result<Invitee, InviteError> {
    let scope = invite_scope(actor)?;
    let existing = match ctx.store.credentials(email).await? {
        Some(c) => ctx.store.user(c.user).await?,
        None => None,
    };
    let existing = match existing {
        // One's own address is known to oneself: say so rather than invite oneself.
        Some(u) if u.id == actor.user => Some(u),
        Some(u) if crate::rules::visibility::visible_in(ctx.store, &scope, &u).await? => Some(u),
        _ => None,
    };
    if existing
        .as_ref()
        .is_some_and(|u| u.status == AccountStatus::Disabled)
    {
        return Err(InviteError::AccountDisabled);
    }
    if existing.as_ref().is_some_and(|u| u.id == actor.user) {
        return Err(InviteError::OwnAccount);
    }
    Ok(Invitee {
        email: email.clone(),
        existing,
    })
}

/// Open organisations in the actor's `manage_users` scope matching `text` (an ODS code, or the
/// start or part of a name), for the organisation step.
pub async fn organisations_for<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    text: &str,
) -> Result<Vec<Organisation>, InviteError> {
    let scope = invite_scope(actor)?;
    let text: String = text.trim().chars().take(100).collect();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let (found, _) = ctx
        .store
        .organisations_in(&scope, None, &text, 0, 20)
        .await?;
    Ok(found
        .into_iter()
        .map(|(o, _)| o)
        .filter(|o| o.end_date.is_none() && o.kind != OrgKind::Platform)
        .collect())
}

/// The organisation by code, if it is open and in the actor's scope.
pub async fn organisation<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    code: &str,
) -> Result<Organisation, InviteError> {
    let scope = invite_scope(actor)?;
    let code = OdsCode::parse(code).map_err(|_| InviteError::OrganisationNotFound)?;
    ctx.store
        .organisation_by_code(&code)
        .await?
        .filter(|o| {
            o.end_date.is_none() && o.kind != OrgKind::Platform && scope.contains(o.id, &o.path)
        })
        .ok_or(InviteError::OrganisationNotFound)
}

/// A complete invitation, as the preview and Send see it.
#[derive(Debug, Clone)]
pub struct InviteForm {
    pub email: EmailAddress,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub organisation: String,
    pub role: RoleId,
    /// "Access ends on": when the role stops working by itself, if it does, and its last day in
    /// the words the email uses ("31 March 2027").
    pub ends: Option<(crate::values::clock::Timestamp, String)>,
}

/// A checked invitation: every rule holds now.
#[derive(Debug, Clone)]
pub struct Checked {
    pub invitee: Invitee,
    pub first_name: String,
    pub last_name: String,
    pub organisation: Organisation,
    pub role: Role,
    pub ends: Option<(crate::values::clock::Timestamp, String)>,
}

pub async fn check<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    form: &InviteForm,
) -> Result<Checked, InviteError> {
    let invitee = invitee(ctx, actor, &form.email).await?;
    let org = organisation(ctx, actor, &form.organisation).await?;
    let role = roles_for(ctx.catalogue, actor, &org)
        .into_iter()
        .find(|r| r.id == form.role)
        .cloned()
        .ok_or(InviteError::RoleNotOffered)?;
    crate::rules::access_end::check_optional(
        form.ends.as_ref().map(|(t, _)| *t),
        ctx.clock.now(),
        ctx.max_temporary_days,
    )?;
    // An existing user keeps their names: Invite shows them pre-filled and locked.
    let (first_name, last_name) = match &invitee.existing {
        Some(u) => (u.first_name.clone(), u.last_name.clone()),
        None => (
            form.first_name.as_str().to_owned(),
            form.last_name.as_str().to_owned(),
        ),
    };
    Ok(Checked {
        invitee,
        first_name,
        last_name,
        organisation: org,
        role,
        ends: form.ends.clone(),
    })
}

/// Send: the pending assignment, the link and its email, and the audit event, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn send<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    inviter: &str,
    form: &InviteForm,
    origin: Option<&str>,
) -> Result<(), InviteError> {
    let c = check(ctx, actor, form).await?;
    let now = ctx.clock.now();
    let token = SecretToken::generate(ctx.tokens);
    let link = format!("{}/invite?token={}", ctx.base_url, token.expose());
    let mut audit = NewAudit::by(actor, AuditAction::InvitationSent, now, origin)
        .at_organisation(c.organisation.id)
        .reason(match &c.ends {
            Some((end, _)) => format!(
                "{} at {}, ending at {}",
                c.role.name,
                c.organisation.code.as_str(),
                end.iso_utc()
            ),
            None => format!("{} at {}", c.role.name, c.organisation.code.as_str()),
        });
    if let Some(u) = &c.invitee.existing {
        audit = audit.target(u.id);
    }
    // Seen only by the Service Desk (placed at no organisation): the inviter's own trail shows
    // the invitation they sent, whatever became of it.
    let mut undelivered = NewAudit::by(actor, AuditAction::InvitationUndelivered, now, origin)
        .reason(format!(
            "{} at {}: the account is disabled, so no invitation was made; its owner was emailed",
            c.role.name,
            c.organisation.code.as_str()
        ));
    undelivered.organisation = None;
    let new = NewInvitation {
        email_if_account: email_to_unseen_account(&c, inviter, &link),
        email_if_disabled: email_to_disabled_account(&c, inviter),
        audit_if_disabled: undelivered,
        email: c.invitee.email.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        existing: c.invitee.existing.as_ref().map(|u| u.id),
        organisation: c.organisation.id,
        role: c.role.id,
        ends_at: c.ends.as_ref().map(|(t, _)| *t),
        invited_by: actor.user,
        token: token.hash(),
        at: now,
        expires_at: now.plus_seconds(INVITATION_TTL_SECONDS),
        email_out: email(&c, inviter, &link),
        audit,
    };
    ctx.store
        .create_invitation(&new)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => InviteError::AlreadyHolds,
            other => other.into(),
        })?;
    Ok(())
}

/// What the link in the address bar is worth, and to whom.
pub async fn link<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
) -> Result<InvitationState, InviteError> {
    let token = SecretToken::from_presented(presented).ok_or(InviteError::LinkNotValid)?;
    ctx.store
        .invitation_by_token(&token.hash(), ctx.clock.now())
        .await?
        .ok_or(InviteError::LinkNotValid)
}

/// A new person accepts: their names and first password; the account and the role are active at
/// once. Returns the user.
#[tracing::instrument(skip_all)]
pub async fn accept_new<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
    first_name: &PersonName,
    last_name: &PersonName,
    password: &NewPassword,
    origin: Option<&str>,
) -> Result<UserId, InviteError> {
    let state = link(ctx, presented).await?;
    if !state.valid || state.has_password {
        return Err(InviteError::LinkNotValid);
    }
    let hash = ctx.hasher.hash(password).await?;
    let token = SecretToken::from_presented(presented).ok_or(InviteError::LinkNotValid)?;
    let now = ctx.clock.now();
    let audit = NewAudit::by_user(state.user, AuditAction::InvitationAccepted, now, origin)
        .at_organisation(state.organisation.id);
    ctx.store
        .accept_invitation(
            &token.hash(),
            now,
            Some((&hash, first_name.as_str(), last_name.as_str())),
            &audit,
        )
        .await?
        .ok_or(InviteError::LinkNotValid)
}

/// An existing user accepts by signing in through the link: their password is checked exactly as
/// sign-in checks it (counted towards the lock-out, a locked or disabled account refused with the
/// same words), then the role is added. The caller then signs them in.
#[tracing::instrument(skip_all)]
pub async fn accept_existing<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
    password: &crate::values::password::Password,
    origin: Option<&str>,
) -> Result<EmailAddress, InviteError> {
    let state = link(ctx, presented).await?;
    if !state.valid || !state.has_password {
        return Err(InviteError::LinkNotValid);
    }
    crate::rules::credentials::check_password(ctx, &state.email, password, origin)
        .await
        .map_err(|e| match e {
            crate::rules::credentials::SignInError::NotRecognised
            | crate::rules::credentials::SignInError::Disabled => InviteError::NotRecognised,
            crate::rules::credentials::SignInError::Store(e) => InviteError::Store(e),
        })?;
    let token = SecretToken::from_presented(presented).ok_or(InviteError::LinkNotValid)?;
    let now = ctx.clock.now();
    let audit = NewAudit::by_user(state.user, AuditAction::InvitationAccepted, now, origin)
        .at_organisation(state.organisation.id);
    ctx.store
        .accept_invitation(&token.hash(), now, None, &audit)
        .await?
        .ok_or(InviteError::LinkNotValid)?;
    Ok(state.email)
}

/// The user's invitations still waiting, inside the actor's scope.
pub async fn pending_of<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
) -> Result<Vec<PendingInvitation>, InviteError> {
    let scope = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| InviteError::NotFound)?
        .into_scope();
    // Only someone the actor may see at all (the Users rule: an invitation never accepted does
    // not open an existing account to its inviter) has invitations to show; anyone else does
    // not exist for the actor.
    let u = ctx.store.user(user).await?.ok_or(InviteError::NotFound)?;
    if !crate::rules::visibility::visible_in(ctx.store, &scope, &u).await? {
        return Err(InviteError::NotFound);
    }
    Ok(ctx
        .store
        .pending_invitations(user)
        .await?
        .into_iter()
        .filter(|i| scope.contains(i.organisation.id, &i.organisation.path))
        .collect())
}

async fn pending_one<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    id: i64,
) -> Result<PendingInvitation, InviteError> {
    pending_of(ctx, actor, user)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(InviteError::NotFound)
}

/// Resend: a new link replaces the old one, with seven more days. The email says the role's
/// last day again when it has one; `last_day` puts it in the words people read.
#[tracing::instrument(skip_all)]
#[allow(clippy::too_many_arguments)]
pub async fn resend<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    inviter: &str,
    user: UserId,
    id: i64,
    last_day: &(dyn Fn(crate::values::clock::Timestamp) -> String + Sync),
    origin: Option<&str>,
) -> Result<(), InviteError> {
    let inv = pending_one(ctx, actor, user, id).await?;
    let u = ctx.store.user(user).await?.ok_or(InviteError::NotFound)?;
    let role = ctx
        .catalogue
        .role(inv.role)
        .cloned()
        .ok_or(InviteError::NotFound)?;
    let org = ctx
        .store
        .organisation(inv.organisation.id)
        .await?
        .ok_or(InviteError::NotFound)?;
    let c = Checked {
        invitee: Invitee {
            email: u.email.clone(),
            existing: (u.status == AccountStatus::Active).then(|| u.clone()),
        },
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        organisation: org,
        role,
        ends: inv.ends_at.map(|e| (e, last_day(e))),
    };
    let now = ctx.clock.now();
    let token = SecretToken::generate(ctx.tokens);
    let link = format!("{}/invite?token={}", ctx.base_url, token.expose());
    let audit = NewAudit::by(actor, AuditAction::InvitationResent, now, origin)
        .target(user)
        .at_organisation(inv.organisation.id);
    let done = ctx
        .store
        .replace_invitation(
            id,
            &token.hash(),
            now.plus_seconds(INVITATION_TTL_SECONDS),
            &email(&c, inviter, &link),
            &audit,
        )
        .await?;
    if done {
        Ok(())
    } else {
        Err(InviteError::NotFound)
    }
}

/// Withdraw: the link stops working and the pending role is withdrawn.
#[tracing::instrument(skip_all)]
pub async fn withdraw<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    id: i64,
    origin: Option<&str>,
) -> Result<(), InviteError> {
    let inv = pending_one(ctx, actor, user, id).await?;
    let audit = NewAudit::by(
        actor,
        AuditAction::InvitationWithdrawn,
        ctx.clock.now(),
        origin,
    )
    .target(user)
    .at_organisation(inv.organisation.id);
    if ctx.store.withdraw_invitation(id, &audit).await? {
        Ok(())
    } else {
        Err(InviteError::NotFound)
    }
}
