//! Who an administrator can see: one rule for the Users search, a user's page, Invite's lookup
//! and every action on a person, written the same way in the store's SQL for the search.

use crate::access::actor::Actor;
use crate::access::scope::Scope;
use crate::model::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::model::organisation::OrgRef;
use crate::model::role::Capability;
use crate::model::user::{AccountStatus, User, UserId};
use crate::rules::review::may_review;
use crate::services::Services;
use crate::storage::{OwnAssignment, Storage, StoreError};

/// Someone an administrator may not see, or storage failed: callers answer "not found" for the
/// first, never with details.
#[derive(Debug, thiserror::Error)]
pub enum Unseen {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether an assignment in an administrator's scope makes its holder visible to them, for every
/// state the person can be in:
/// - an active, revoked, rejected or withdrawn role, a pending registration or a pending access
///   request: yes, it is the person's own history in that area;
/// - an invitation never accepted (pending, or withdrawn): no. It is what an administrator typed,
///   not anything the person did, so inviting someone must not open their account to the
///   inviter. The one exception is an account that exists only because of invitations (never
///   active, nothing but invitations never accepted): every detail of it was typed by its
///   inviters, who must be able to resend or withdraw what they sent, and to enable it again if
///   they disabled it;
/// - an accepted invitation (active, or revoked since): yes, like any role.
pub fn makes_visible(a: &OwnAssignment, only_invited_account: bool) -> bool {
    !a.invited
        || matches!(
            a.view.status,
            AssignmentStatus::Active | AssignmentStatus::Revoked
        )
        || only_invited_account
}

/// True for an account that invitations alone brought into being: not active (still waiting for
/// its password, or disabled since) and holding nothing but invitations never accepted.
pub fn only_invited(user: &User, own: &[OwnAssignment]) -> bool {
    user.status != AccountStatus::Active
        && own.iter().all(|o| {
            o.invited
                && !matches!(
                    o.view.status,
                    AssignmentStatus::Active | AssignmentStatus::Revoked
                )
        })
}

/// Whether `user` holds, inside `scope`, an assignment that makes them visible there.
pub async fn visible_in<S: Storage>(
    store: &S,
    scope: &Scope,
    user: &User,
) -> Result<bool, StoreError> {
    let own = store.own_assignments(user.id).await?;
    let only_invited_account = only_invited(user, &own);
    Ok(own.iter().any(|o| {
        scope.contains(o.view.organisation.id, &o.view.organisation.path)
            && makes_visible(o, only_invited_account)
    }))
}

/// A user as an administrator sees them: only the assignments inside the administrator's scope,
/// and what the administrator may do.
#[derive(Debug, Clone)]
pub struct UserDetail {
    pub user: User,
    pub assignments: Vec<AssignmentView>,
    /// Assignments outside the administrator's scope that are active or waiting for a decision
    /// (a registration, an access request, another administrator's invitation): disabling or
    /// enabling is then refused, since it would reach into someone else's area.
    pub held_outside: usize,
    /// Where the administrator may revoke: organisations of the user's active assignments in
    /// scope, the administrator's own first when it covers any of them. Never anywhere on the
    /// administrator's own record.
    pub revocable_at: Vec<OrgRef>,
    /// The administrator is looking at their own record: they may not revoke, disable or enable
    /// it (My Profile's Disable Account is the one way to disable oneself).
    pub own: bool,
    /// The user's pending access requests, and those the administrator may decide.
    pub requests: Vec<AssignmentId>,
    pub reviewable: Vec<AssignmentId>,
}

impl UserDetail {
    pub fn may_disable(&self) -> bool {
        !self.own && self.held_outside == 0 && self.user.status != AccountStatus::Disabled
    }

    pub fn may_enable(&self) -> bool {
        !self.own && self.held_outside == 0 && self.user.status == AccountStatus::Disabled
    }

    /// Whether the administrator may revoke (and so end on a date) a role held at `at`: it lies
    /// under an organisation where they may revoke.
    pub fn revocable(&self, at: &crate::model::organisation::OrgPath) -> bool {
        self.revocable_at.iter().any(|o| o.path.covers(at))
    }
}

/// Add Organisation for an existing user (on the user's page): the user as the administrator
/// sees them, and the roles they hold or wait for. Administrators give roles to others, never to
/// themselves: their own record is "not found" here.
pub async fn grantee<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
) -> Result<UserDetail, Unseen> {
    if user == actor.user {
        return Err(Unseen::NotFound);
    }
    view(ctx, actor, user).await
}

/// Whether an assignment outside an administrator's scope stops them disabling or enabling the
/// account: an active role, or anything still waiting for a decision (a registration, an access
/// request, another area's invitation). Revoked, rejected and withdrawn ones are history.
fn blocks_disable(a: &AssignmentView) -> bool {
    matches!(
        a.status,
        AssignmentStatus::Active | AssignmentStatus::Pending
    )
}

/// The user if they hold, in the administrator's scope, an assignment that makes them visible
/// ([`makes_visible`]).
#[tracing::instrument(skip_all)]
pub async fn view<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: UserId,
) -> Result<UserDetail, Unseen> {
    let scope = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| Unseen::NotFound)?
        .into_scope();
    let user = ctx.store.user(id).await?.ok_or(Unseen::NotFound)?;
    let own = ctx.store.own_assignments(id).await?;
    // Pending access requests, and those of them this administrator decides (the user's page
    // shows these as "Pending Access Request").
    let requests: Vec<AssignmentId> = own
        .iter()
        .filter(|o| o.requested && o.view.status == AssignmentStatus::Pending)
        .map(|o| o.view.id)
        .collect();
    let reviewable: Vec<AssignmentId> = own
        .iter()
        .filter(|o| requests.contains(&o.view.id) && id != actor.user)
        .filter(|o| {
            ctx.catalogue.role(o.view.role).is_some_and(|r| {
                may_review(actor, r, o.view.organisation.id, &o.view.organisation.path)
            })
        })
        .map(|o| o.view.id)
        .collect();
    let only_invited_account = only_invited(&user, &own);
    let (inside, outside): (Vec<OwnAssignment>, Vec<OwnAssignment>) = own
        .into_iter()
        .partition(|a| scope.contains(a.view.organisation.id, &a.view.organisation.path));
    if !inside
        .iter()
        .any(|a| makes_visible(a, only_invited_account))
    {
        return Err(Unseen::NotFound);
    }
    let held_outside = outside.iter().filter(|a| blocks_disable(&a.view)).count();
    let inside: Vec<AssignmentView> = inside.into_iter().map(|o| o.view).collect();
    let mut revocable_at: Vec<OrgRef> = Vec::new();
    let active_inside: Vec<&AssignmentView> = inside
        .iter()
        .filter(|a| a.status == AssignmentStatus::Active)
        .collect();
    let own = &actor.organisation;
    if active_inside.len() > 1
        && scope.contains(own.id, &own.path)
        && active_inside
            .iter()
            .any(|a| own.path.covers(&a.organisation.path) && a.organisation.id != own.id)
    {
        revocable_at.push(own.clone());
    }
    for a in active_inside {
        if !revocable_at.iter().any(|o| o.id == a.organisation.id) {
            revocable_at.push(a.organisation.clone());
        }
    }
    let own = user.id == actor.user;
    if own {
        revocable_at.clear();
    }
    Ok(UserDetail {
        user,
        assignments: inside,
        requests,
        reviewable,
        held_outside,
        revocable_at,
        own,
    })
}
