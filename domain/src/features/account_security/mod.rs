//! Account security: the lock-out after failed sign-ins and its unlocking by the Service Desk, the
//! forgotten-password link, and changing one's password. Checking a password and counting the
//! wrong ones is shared with sign-in ([`crate::rules::credentials`]).
//! See docs/requirements.md#security-qualities.

use crate::access::actor::Actor;
use crate::access::actor::RequestContext;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::role::Capability;
use crate::model::user::HashError;
use crate::model::user::{AccountStatus, UserId};
use crate::rules::credentials::after_wrong_password;
use crate::services::Services;
use crate::storage::{LockedAccount, Storage, StoreError, TokenState};
use crate::values::clock::SecretToken;
use crate::values::email::EmailAddress;
use crate::values::password::{NewPassword, Password};

/// Consecutive failed sign-ins that lock an account, unless configured otherwise.
pub const DEFAULT_LOCK_AFTER: i64 = 5;

/// How long a forgotten-password link works: one hour.
pub const RESET_TTL_SECONDS: i64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// Unknown, used, replaced or expired link, or an account that can no longer use it.
    #[error("This link is no longer valid")]
    LinkNotValid,
    #[error("Your current password is not right")]
    CurrentPasswordWrong,
    /// Not the Service Desk, or no such locked account: one answer.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Forgotten password. Whether or not the address belongs to an account, the caller
/// answers with the same page; only an active, unlocked account gets an email with a link.
#[tracing::instrument(skip_all)]
pub async fn forgotten_password<S: Storage>(
    ctx: &Services<'_, S>,
    email: &EmailAddress,
    origin: Option<&str>,
) -> Result<(), StoreError> {
    let Some(creds) = ctx.store.credentials(email).await? else {
        return Ok(());
    };
    if creds.status != AccountStatus::Active {
        return Ok(());
    }
    let now = ctx.clock.now();
    // A locked account was emailed when it locked; a new password would not open it, and an
    // email on every request would let anyone fill its owner's inbox.
    if ctx.store.locked_at(creds.user).await?.is_some() {
        return Ok(());
    }
    let token = SecretToken::generate(ctx.tokens);
    let audit = NewAudit::by_user(creds.user, AuditAction::PasswordResetRequested, now, origin);
    ctx.store
        .replace_password_reset(
            creds.user,
            &token.hash(),
            now.plus_seconds(RESET_TTL_SECONDS),
            &emails::reset_link(email, ctx.base_url, token.expose()),
            &audit,
        )
        .await
}

/// What a reset link is worth now, for the page it opens.
pub async fn reset_link<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
) -> Result<TokenState, StoreError> {
    match SecretToken::from_presented(presented) {
        None => Ok(TokenState::Unknown),
        Some(t) => ctx.store.password_reset(&t.hash(), ctx.clock.now()).await,
    }
}

/// Sets a new password through the link: every session of the account ends, and the owner is
/// told by email.
#[tracing::instrument(skip_all)]
pub async fn reset_password<S: Storage>(
    ctx: &Services<'_, S>,
    presented: &str,
    password: &NewPassword,
    origin: Option<&str>,
) -> Result<UserId, SecurityError> {
    let token = SecretToken::from_presented(presented).ok_or(SecurityError::LinkNotValid)?;
    // Checked before the expensive hash, and again atomically when the link is used.
    let user = match ctx
        .store
        .password_reset(&token.hash(), ctx.clock.now())
        .await?
    {
        TokenState::Valid { user } => user,
        _ => return Err(SecurityError::LinkNotValid),
    };
    let account = ctx
        .store
        .user(user)
        .await?
        .ok_or(SecurityError::LinkNotValid)?;
    let hash = ctx.hasher.hash(password).await?;
    let now = ctx.clock.now();
    let audit = NewAudit::by_user(user, AuditAction::PasswordReset, now, origin);
    ctx.store
        .reset_password(
            &token.hash(),
            &hash,
            now,
            &audit,
            &emails::changed(&account.email, &account.first_name),
        )
        .await?
        .ok_or(SecurityError::LinkNotValid)
}

/// Change Password: the current password, then the new one. A wrong current
/// password counts towards the lock-out like a failed sign-in, so a stolen session cannot guess
/// it without limit. The user's other sessions end; this one goes on.
#[tracing::instrument(skip_all)]
pub async fn change_password<S: Storage>(
    ctx: &Services<'_, S>,
    session: &RequestContext,
    current: &Password,
    new: &NewPassword,
    origin: Option<&str>,
) -> Result<(), SecurityError> {
    let user = &session.user;
    let creds = ctx.store.credentials(&user.email).await?;
    let reserved = ctx.store.reserve_sign_in(user.id, ctx.lock_after).await?;
    let hash = creds
        .as_ref()
        .filter(|_| reserved.is_some())
        .and_then(|c| c.password_hash.as_ref());
    if !ctx.hasher.verify(hash, current).await {
        after_wrong_password(
            ctx.store,
            user.id,
            &user.email,
            reserved,
            ctx.lock_after,
            ctx.clock.now(),
            origin,
        )
        .await?;
        return Err(SecurityError::CurrentPasswordWrong);
    }
    ctx.store.clear_failed_sign_ins(user.id).await?;
    let new_hash = ctx.hasher.hash(new).await?;
    let audit = NewAudit::by_user(
        user.id,
        AuditAction::PasswordChanged,
        ctx.clock.now(),
        origin,
    );
    ctx.store
        .change_password(
            user.id,
            &session.session,
            &new_hash,
            &audit,
            &emails::changed(&user.email, &user.first_name),
        )
        .await?;
    Ok(())
}

fn service_desk(actor: &Actor) -> Result<(), SecurityError> {
    if actor.has(Capability::ServiceDesk) {
        Ok(())
    } else {
        Err(SecurityError::NotFound)
    }
}

/// Locked accounts, for the Service Desk only: nobody else unlocks.
pub async fn locked_accounts<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
) -> Result<Vec<LockedAccount>, SecurityError> {
    service_desk(actor)?;
    Ok(ctx.store.locked_accounts(500).await?)
}

/// The Service Desk unlocks an account; the count of failures starts again.
#[tracing::instrument(skip_all)]
pub async fn unlock<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    origin: Option<&str>,
) -> Result<(), SecurityError> {
    service_desk(actor)?;
    let audit =
        NewAudit::by(actor, AuditAction::AccountUnlocked, ctx.clock.now(), origin).target(user);
    if ctx.store.unlock_account(user, &audit).await? {
        Ok(())
    } else {
        Err(SecurityError::NotFound)
    }
}

/// The emails of this module. They are about the account's safety, so they are sent whatever the
/// notification setting says.
pub mod emails {
    use crate::model::outbox::NewEmail;
    use crate::values::email::EmailAddress;

    pub fn reset_link(to: &EmailAddress, base: &str, token: &str) -> NewEmail {
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: reset your password".into(),
            body: format!(
                "Someone asked to reset the password of your Gatehouse account.\n\n\
                 Set a new password with this secure link. It works once and expires in 1 hour:\n\
                 {base}/reset-password?token={token}\n\n\
                 If it was not you, ignore this email: your password stays as it is.\n"
            ),
        }
    }

    pub fn changed(to: &EmailAddress, first_name: &str) -> NewEmail {
        let first_name = crate::model::outbox::quoted(first_name);
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: your password has been changed".into(),
            body: format!(
                "Dear {first_name},\n\nThe password of your Gatehouse account has just been \
                 changed, and every other session of your account has been signed out.\n\n\
                 If you did not do this, contact the Service Desk at once.\n"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_email_carries_the_link_and_its_limits_and_nothing_else() {
        let to = EmailAddress::parse("sam@example.nhs.uk").expect("email");
        let e = emails::reset_link(&to, "https://gatehouse.example", "abc123");
        assert!(e
            .body
            .contains("https://gatehouse.example/reset-password?token=abc123\n"));
        assert!(e.body.contains("works once and expires in 1 hour"));
        assert_eq!(RESET_TTL_SECONDS, 3600);
    }
}
