//! The Users section: find the people of your area, see their role assignments, revoke, disable
//! and re-enable. Users are never deleted. See docs/requirements.md#user-search-and-a-users-page.

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, OrgRef};
use crate::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::audit::{AuditAction, NewAudit};
use crate::clock::Clock;
use crate::registration::review_arms;
use crate::role::{Capability, Catalogue};
use crate::scope::Scope;
use crate::storage::{OwnAssignment, Storage, StoreError};
use crate::user::{AccountStatus, User, UserId};

pub const SEARCH_MAX: usize = 100;
pub const PAGE_SIZES: [i64; 3] = [10, 25, 50];
pub const DISABLE_REASON_MAX: usize = 250;

/// Columns the Users table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserSort {
    FirstName,
    LastName,
    Email,
}

impl UserSort {
    pub const ALL: [UserSort; 3] = [UserSort::FirstName, UserSort::LastName, UserSort::Email];

    pub fn key(self) -> &'static str {
        match self {
            UserSort::FirstName => "first",
            UserSort::LastName => "last",
            UserSort::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// What storage is asked for: users holding any assignment in `scope` whose first name, last
/// name or email starts with `text`, or who hold an assignment at an organisation whose ODS code
/// is `text` or whose name starts with it (all of them when `text` is empty).
#[derive(Debug, Clone)]
pub struct UserQuery {
    pub scope: Scope,
    /// What the viewer reviews: a user with a pending assignment these cover shows "Pending Role
    /// Review: Yes".
    pub review: Vec<crate::storage::ReviewArm>,
    pub text: String,
    pub sort: UserSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub status: AccountStatus,
    /// The oldest pending registration the viewer may review, if any.
    pub pending_review: Option<crate::AssignmentId>,
    /// The oldest pending access request the viewer may review, if any.
    pub pending_request: Option<crate::AssignmentId>,
}

/// Why an account is disabled: a reason from the list, or Other with the administrator's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisableReason {
    Listed(&'static str),
    Other(String),
}

/// The reasons offered, in order; "Other" comes last with its own text.
pub const DISABLE_REASONS: [(&str, &str); 5] = [
    ("left", "Left the organisation"),
    ("role", "No longer needs access for their role"),
    ("duplicate", "Duplicate account"),
    ("shared", "Shared or generic account, not a named person"),
    ("security", "Security concern"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisableReasonError {
    #[error("Select a reason for disabling the account")]
    NoChoice,
    #[error("Enter the reason for disabling the account")]
    OtherEmpty,
    #[error("Reason must be 250 characters or fewer")]
    OtherTooLong,
}

impl DisableReason {
    /// `choice` is the radio's value; `other` is read only when it is "other".
    pub fn parse(choice: &str, other: &str) -> Result<Self, DisableReasonError> {
        if choice == "other" {
            let text = other.trim();
            return if text.is_empty() {
                Err(DisableReasonError::OtherEmpty)
            } else if text.chars().count() > DISABLE_REASON_MAX {
                Err(DisableReasonError::OtherTooLong)
            } else {
                Ok(DisableReason::Other(text.to_owned()))
            };
        }
        DISABLE_REASONS
            .iter()
            .find(|(key, _)| *key == choice)
            .map(|(_, label)| DisableReason::Listed(label))
            .ok_or(DisableReasonError::NoChoice)
    }

    pub fn text(&self) -> &str {
        match self {
            DisableReason::Listed(s) => s,
            DisableReason::Other(s) => s,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    /// Missing, outside the viewer's scope, or the viewer does not manage users: one answer.
    #[error("not found")]
    NotFound,
    /// The user holds active roles outside the administrator's scope.
    #[error("This user has roles outside your organisation")]
    OutsideScope,
    #[error("The user has no active role at that organisation")]
    NothingToRevoke,
    #[error("The account is already disabled")]
    AlreadyDisabled,
    #[error("The account is not disabled")]
    NotDisabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Everything needed to run the use cases of this module.
pub struct Ctx<'a, S> {
    pub store: &'a S,
    pub catalogue: &'a Catalogue,
    pub clock: &'a dyn Clock,
}

fn manage_scope(actor: &Actor) -> Result<Scope, UsersError> {
    actor
        .scope_for(Capability::ManageUsers)
        .map_err(|_| UsersError::NotFound)
}

/// One page of the Users table and the total.
#[tracing::instrument(skip_all)]
pub async fn search<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    text: &str,
    sort: UserSort,
    descending: bool,
    page: i64,
    per_page: i64,
) -> Result<(Vec<UserRow>, i64), UsersError> {
    let scope = manage_scope(actor)?;
    let per_page = if PAGE_SIZES.contains(&per_page) {
        per_page
    } else {
        PAGE_SIZES[0]
    };
    let q = UserQuery {
        scope,
        review: review_arms(actor, ctx.catalogue),
        text: text.trim().chars().take(SEARCH_MAX).collect(),
        sort,
        descending,
        offset: (page.max(1) - 1) * per_page,
        limit: per_page,
    };
    Ok(ctx.store.search_users(&q).await?)
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
    /// scope, the administrator's own first when it covers any of them.
    pub revocable_at: Vec<OrgRef>,
    /// The user's pending access requests, and those the administrator may decide.
    pub requests: Vec<AssignmentId>,
    pub reviewable: Vec<AssignmentId>,
}

impl UserDetail {
    pub fn may_disable(&self) -> bool {
        self.held_outside == 0 && self.user.status != AccountStatus::Disabled
    }

    pub fn may_enable(&self) -> bool {
        self.held_outside == 0 && self.user.status == AccountStatus::Disabled
    }
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
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    id: UserId,
) -> Result<UserDetail, UsersError> {
    let scope = manage_scope(actor)?;
    let user = ctx.store.user(id).await?.ok_or(UsersError::NotFound)?;
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
                crate::registration::may_review(
                    actor,
                    r,
                    o.view.organisation.id,
                    &o.view.organisation.path,
                )
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
        return Err(UsersError::NotFound);
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
    Ok(UserDetail {
        user,
        assignments: inside,
        requests,
        reviewable,
        held_outside,
        revocable_at,
    })
}

/// Revoke: ends every active assignment of the user at the chosen organisation and
/// at its descendants within the administrator's scope. The user can still sign in and reach My
/// Profile. Returns how many assignments ended.
#[tracing::instrument(skip_all)]
pub async fn revoke<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    id: UserId,
    at_code: &str,
    origin: Option<&str>,
) -> Result<usize, UsersError> {
    let detail = view(ctx, actor, id).await?;
    let org = detail
        .revocable_at
        .iter()
        .find(|o| o.code.eq_ignore_ascii_case(at_code.trim()))
        .ok_or(UsersError::NothingToRevoke)?;
    let scope = manage_scope(actor)?;
    let audit = NewAudit::by(actor, AuditAction::AccessRevoked, ctx.clock.now(), origin)
        .target(id)
        .at_organisation(org.id);
    let n = ctx
        .store
        .revoke_assignments(id, &org.path, &scope, &audit)
        .await?;
    if n == 0 {
        return Err(UsersError::NothingToRevoke);
    }
    Ok(n)
}

/// Disable Account: only where every active assignment of the user lies in the
/// administrator's scope. Every session of the user ends at once; nothing is deleted.
#[tracing::instrument(skip_all)]
pub async fn disable<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    id: UserId,
    reason: &DisableReason,
    origin: Option<&str>,
) -> Result<(), UsersError> {
    let detail = view(ctx, actor, id).await?;
    if detail.held_outside > 0 {
        return Err(UsersError::OutsideScope);
    }
    if detail.user.status == AccountStatus::Disabled {
        return Err(UsersError::AlreadyDisabled);
    }
    let audit = NewAudit::by(actor, AuditAction::AccountDisabled, ctx.clock.now(), origin)
        .target(id)
        .reason(reason.text());
    if !ctx.store.set_disabled(id, true, &audit).await? {
        return Err(UsersError::AlreadyDisabled);
    }
    Ok(())
}

/// Enable Account: the same rule as disabling.
#[tracing::instrument(skip_all)]
pub async fn enable<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    id: UserId,
    origin: Option<&str>,
) -> Result<(), UsersError> {
    let detail = view(ctx, actor, id).await?;
    if detail.held_outside > 0 {
        return Err(UsersError::OutsideScope);
    }
    if detail.user.status != AccountStatus::Disabled {
        return Err(UsersError::NotDisabled);
    }
    let audit =
        NewAudit::by(actor, AuditAction::AccountEnabled, ctx.clock.now(), origin).target(id);
    if !ctx.store.set_disabled(id, false, &audit).await? {
        return Err(UsersError::NotDisabled);
    }
    Ok(())
}

/// Disable your own account: every session ends, the data stays.
#[tracing::instrument(skip_all)]
pub async fn disable_own<S: Storage>(
    ctx: &Ctx<'_, S>,
    user: &User,
    origin: Option<&str>,
) -> Result<(), UsersError> {
    let audit = NewAudit::by_user(
        user.id,
        AuditAction::AccountDisabled,
        ctx.clock.now(),
        origin,
    )
    .reason("Disabled by the account holder");
    ctx.store.set_disabled(user.id, true, &audit).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_reason_is_its_label() {
        assert_eq!(
            DisableReason::parse("duplicate", "ignored").map(|r| r.text().to_owned()),
            Ok("Duplicate account".to_owned())
        );
    }

    #[test]
    fn other_needs_text_of_at_most_250_characters() {
        assert_eq!(
            DisableReason::parse("other", "  "),
            Err(DisableReasonError::OtherEmpty)
        );
        let at_limit = "é".repeat(250);
        assert_eq!(
            DisableReason::parse("other", &at_limit),
            Ok(DisableReason::Other(at_limit.clone()))
        );
        assert_eq!(
            DisableReason::parse("other", &format!("{at_limit}x")),
            Err(DisableReasonError::OtherTooLong)
        );
    }

    #[test]
    fn no_choice_or_an_unknown_one_is_refused() {
        assert_eq!(
            DisableReason::parse("", ""),
            Err(DisableReasonError::NoChoice)
        );
        assert_eq!(
            DisableReason::parse("drop", ""),
            Err(DisableReasonError::NoChoice)
        );
    }

    #[test]
    fn sort_keys_round_trip() {
        for s in UserSort::ALL {
            assert_eq!(UserSort::parse(s.key()), Some(s));
        }
    }
}
