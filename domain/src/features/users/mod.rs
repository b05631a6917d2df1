//! The Users section: find the people of your area, see their role assignments, revoke, disable
//! and re-enable. Users are never deleted. See docs/requirements.md#user-search-and-a-users-page.

use crate::access::actor::{Actor, Permit};
use crate::access::scope::Scope;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::role::Capability;
use crate::model::user::{AccountStatus, User, UserId};
use crate::rules::review::review_arms;
use crate::rules::visibility::Unseen;
pub use crate::rules::visibility::UserDetail;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::storage::{UserQuery, UserRoleRow, UserRow, UserSort};

pub const SEARCH_MAX: usize = 100;
pub const PAGE_SIZES: [i64; 3] = [10, 25, 50];
/// How many matches the Users list counts: beyond this it says "more than 1,000 users". Counting
/// every person of a region at each page view is work that grows with the country, and nobody
/// pages through a thousand people rather than search.
pub const USERS_COUNTED: i64 = 1_000;
/// No session started for this many days marks an active account "Dormant", unless the service
/// sets its own (`GATEHOUSE_DORMANT_DAYS`).
pub const DORMANT_DAYS: i64 = 90;
/// The most lines a Users download holds; the page says so when a search reaches it.
pub const EXPORT_MAX_ROWS: i64 = 50_000;
pub const DISABLE_REASON_MAX: usize = 250;

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
    /// Administrators do not revoke, disable or enable their own account here.
    #[error("You cannot change your own access")]
    OwnAccount,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn manage_scope(actor: &Actor) -> Result<Scope, UsersError> {
    actor
        .permit(Capability::ManageUsers)
        .map(Permit::into_scope)
        .map_err(|_| UsersError::NotFound)
}

/// A total from [`search`] as the list states it: the number, and whether more match than it
/// (the search counted no further than [`USERS_COUNTED`]).
pub fn counted(total: i64) -> (i64, bool) {
    (total.min(USERS_COUNTED), total > USERS_COUNTED)
}

/// One page of the Users table and the total, counted up to [`USERS_COUNTED`] + 1.
#[tracing::instrument(skip_all)]
pub async fn search<S: Storage>(
    ctx: &Services<'_, S>,
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
        count_up_to: USERS_COUNTED,
    };
    Ok(ctx.store.search_users(&q).await?)
}

/// The Users download: every role in the actor's scope of the people a search finds (all of them
/// when `text` is empty), at most [`EXPORT_MAX_ROWS`] lines. Scope is the same as the list's.
#[tracing::instrument(skip_all)]
pub async fn export<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    text: &str,
) -> Result<Vec<UserRoleRow>, UsersError> {
    let q = UserQuery {
        scope: manage_scope(actor)?,
        review: Vec::new(),
        text: text.trim().chars().take(SEARCH_MAX).collect(),
        sort: UserSort::LastName,
        descending: false,
        offset: 0,
        limit: EXPORT_MAX_ROWS,
        count_up_to: 0,
    };
    Ok(ctx.store.user_roles(&q).await?)
}

/// The download's text: one line per role, dates in ISO 8601 UTC (spreadsheets and scripts read
/// it), safe for spreadsheets; "Dormant" as at `now`, after `dormant_days`.
pub fn to_csv(
    rows: &[UserRoleRow],
    now: crate::Timestamp,
    dormant_days: i64,
) -> Result<String, csv::Error> {
    crate::values::spreadsheet::csv(
        [
            "Last name",
            "First name",
            "Email",
            "Account",
            "Added (UTC)",
            "Last signed in (UTC)",
            "Dormant",
            "Organisation code",
            "Organisation",
            "Role",
            "Role status",
            "Role since (UTC)",
        ],
        rows.iter().map(|r| {
            [
                r.last_name.clone(),
                r.first_name.clone(),
                r.email.clone(),
                r.account.label().to_owned(),
                r.added.iso_utc(),
                r.last_signed_in.map(|t| t.iso_utc()).unwrap_or_default(),
                if r.account
                    .dormant(r.added, r.last_signed_in, now, dormant_days)
                {
                    "Yes".to_owned()
                } else {
                    "No".to_owned()
                },
                r.role.org_code.clone(),
                r.role.org_name.clone(),
                r.role.role_name.clone(),
                r.role.state().to_owned(),
                r.role.since.iso_utc(),
            ]
        }),
    )
}

/// Whether the account of a user the administrator can see is locked by failed sign-ins (their
/// page says so; unlocking is the Service Desk's). Takes the [`UserDetail`] that `view` gave, so
/// it is asked only about someone already seen.
pub async fn locked<S: Storage>(
    ctx: &Services<'_, S>,
    seen: &UserDetail,
) -> Result<bool, UsersError> {
    Ok(ctx.store.locked_at(seen.user.id).await?.is_some())
}

/// A user as an administrator sees them ([`crate::rules::visibility::view`]).
pub async fn view<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: UserId,
) -> Result<UserDetail, UsersError> {
    Ok(crate::rules::visibility::view(ctx, actor, id).await?)
}

impl From<Unseen> for UsersError {
    fn from(e: Unseen) -> Self {
        match e {
            Unseen::NotFound => UsersError::NotFound,
            Unseen::Store(e) => UsersError::Store(e),
        }
    }
}

/// Revoke: ends every active assignment of the user at the chosen organisation and
/// at its descendants within the administrator's scope. The user can still sign in and reach My
/// Profile. Returns how many assignments ended.
#[tracing::instrument(skip_all)]
pub async fn revoke<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: UserId,
    at_code: &str,
    origin: Option<&str>,
) -> Result<usize, UsersError> {
    // Refused before anything is read: an administrator who revoked their own roles would be
    // left on My Profile with nothing, and nobody may undo their own disabling.
    if id == actor.user {
        return Err(UsersError::OwnAccount);
    }
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
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: UserId,
    reason: &DisableReason,
    origin: Option<&str>,
) -> Result<(), UsersError> {
    // Refused before anything is read: an administrator who revoked their own roles would be
    // left on My Profile with nothing, and nobody may undo their own disabling.
    if id == actor.user {
        return Err(UsersError::OwnAccount);
    }
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
    ctx: &Services<'_, S>,
    actor: &Actor,
    id: UserId,
    origin: Option<&str>,
) -> Result<(), UsersError> {
    // Refused before anything is read: an administrator who revoked their own roles would be
    // left on My Profile with nothing, and nobody may undo their own disabling.
    if id == actor.user {
        return Err(UsersError::OwnAccount);
    }
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
    ctx: &Services<'_, S>,
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
    fn a_total_past_what_the_list_counts_reads_as_more() {
        assert_eq!(counted(0), (0, false));
        assert_eq!(counted(USERS_COUNTED), (USERS_COUNTED, false));
        assert_eq!(counted(USERS_COUNTED + 1), (USERS_COUNTED, true));
    }

    #[test]
    fn the_download_has_a_line_per_role_with_its_state_in_words() {
        use crate::model::assignment::{AssignmentOrigin, RoleLine};
        use crate::AssignmentStatus;
        let row = |role: &str, status, origin| UserRoleRow {
            first_name: "Jo".into(),
            last_name: "Bloggs, Jr".into(),
            email: "jo@example.org".into(),
            account: AccountStatus::Active,
            added: crate::Timestamp(0),
            last_signed_in: None,
            role: RoleLine {
                org_code: "A81001".into(),
                org_name: "=Practice".into(),
                role_name: role.into(),
                status,
                origin,
                since: crate::Timestamp(86_400),
                expired: false,
            },
        };
        let out = to_csv(
            &[
                row(
                    "Practice Manager",
                    AssignmentStatus::Active,
                    AssignmentOrigin::Admin,
                ),
                row("GP", AssignmentStatus::Pending, AssignmentOrigin::Request),
            ],
            crate::Timestamp(DORMANT_DAYS * 86_400),
            DORMANT_DAYS,
        )
        .unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with(
            "Last name,First name,Email,Account,Added (UTC),Last signed in (UTC),Dormant,"
        ));
        // Added at 0 and never signed in: dormant exactly DORMANT_DAYS later.
        assert_eq!(
            lines[1],
            "\"Bloggs, Jr\",Jo,jo@example.org,Active,1970-01-01T00:00:00Z,,Yes,A81001,'=Practice,Practice Manager,Approved,1970-01-02T00:00:00Z"
        );
        assert!(lines[2].contains(",GP,Pending Access Request,"));
    }

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
