//! Accounts nobody uses: after `GATEHOUSE_DISABLE_DORMANT_DAYS` days with no sign-in (counted from
//! the account's making if it never signed in, and from its last enabling if an administrator
//! enabled it again since), the account is disabled with the reason "Not used for N days", its
//! sessions end and its owner is emailed how to ask for it back. The rule is off unless the
//! service sets the number. The Service Desk may exempt an account, with a reason.

use super::*;
use crate::model::outbox::NewEmail;

/// At most this many accounts are disabled in one round; the next round takes the rest.
pub const UNUSED_PER_ROUND: i64 = 200;
/// The longest exemption reason, as for other reasons people type.
pub const EXEMPTION_REASON_MAX: usize = crate::rules::review::REASON_MAX;

/// The email telling the owner of an account the rule disabled.
pub fn disabled_email(
    to: &crate::values::email::EmailAddress,
    first_name: &str,
    days: i64,
) -> NewEmail {
    NewEmail {
        to: to.clone(),
        subject: "Your Gatehouse account has been disabled".into(),
        body: format!(
            "Dear {},\n\nYour Gatehouse account has not been used for {days} days, so it has been \
             disabled, as the service's rules require for accounts nobody uses.\n\nIf you still \
             need it, ask an administrator of your organisation, or the Service Desk, to enable \
             it again. You can then sign in as before.\n",
            crate::model::outbox::quoted(first_name)
        ),
    }
}

/// Disables the accounts unused for `days` days (none when `days` is 0: the rule is off); how
/// many. Run by the server's worker; an account signed in, enabled or exempted meanwhile is
/// left alone, and one another instance disabled first is not disabled twice.
#[tracing::instrument(skip_all)]
pub async fn disable_unused<S: Storage>(
    ctx: &Services<'_, S>,
    days: i64,
) -> Result<usize, StoreError> {
    if days <= 0 {
        return Ok(0);
    }
    let now = ctx.clock.now();
    let before = Timestamp(now.0 - days * DAY);
    let mut disabled = 0;
    for account in ctx.store.unused_accounts(before, UNUSED_PER_ROUND).await? {
        let audit = NewAudit::anonymous(AuditAction::AccountDisabledUnused, now, None)
            .target(account.user)
            .reason(format!("Not used for {days} days"));
        let email = disabled_email(&account.email, &account.first_name, days);
        if ctx
            .store
            .disable_unused(account.user, before, &audit, &email)
            .await?
        {
            disabled += 1;
        }
    }
    Ok(disabled)
}

#[derive(Debug, thiserror::Error)]
pub enum ExemptionError {
    /// Not the Service Desk, or no such account: one answer.
    #[error("not found")]
    NotFound,
    #[error("enter a reason")]
    ReasonEmpty,
    #[error("reason too long")]
    ReasonTooLong,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The Service Desk keeps an account from the dormancy rule (`reason`), or lets the rule apply
/// again (`None`); audited either way.
#[tracing::instrument(skip_all)]
pub async fn set_exemption<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    reason: Option<&str>,
    origin: Option<&str>,
) -> Result<(), ExemptionError> {
    actor
        .permit(Capability::ServiceDesk)
        .map_err(|_| ExemptionError::NotFound)?;
    let reason = match reason.map(str::trim) {
        Some("") => return Err(ExemptionError::ReasonEmpty),
        Some(r) if r.chars().count() > EXEMPTION_REASON_MAX => {
            return Err(ExemptionError::ReasonTooLong)
        }
        other => other,
    };
    let now = ctx.clock.now();
    let audit = match reason {
        Some(r) => NewAudit::by(actor, AuditAction::DormancyExemptionSet, now, origin).reason(r),
        None => NewAudit::by(actor, AuditAction::DormancyExemptionRemoved, now, origin),
    }
    .target(user);
    if ctx
        .store
        .set_dormancy_exemption(user, reason, &audit)
        .await?
    {
        Ok(())
    } else {
        Err(ExemptionError::NotFound)
    }
}

/// The account, and why the Service Desk keeps it from the dormancy rule: for the Service Desk
/// only.
pub async fn exemption<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
) -> Result<(crate::model::user::User, Option<String>), ExemptionError> {
    actor
        .permit(Capability::ServiceDesk)
        .map_err(|_| ExemptionError::NotFound)?;
    let account = ctx
        .store
        .user(user)
        .await?
        .ok_or(ExemptionError::NotFound)?;
    Ok((account, ctx.store.dormancy_exemption(user).await?))
}
