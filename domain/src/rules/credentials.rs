//! How a password is checked wherever one is asked for (sign-in, accepting an invitation by
//! signing in, Change Password): a wrong one is audited and counts towards the lock-out, and a
//! locked or unknown account answers exactly as a wrong password. A disabled account answers
//! so too, unless its own password was given: then its owner is told it is disabled (only
//! someone who knows the password learns it, so nothing is enumerated).
//! See docs/requirements.md#security-qualities.

use crate::model::audit::{AuditAction, NewAudit};
use crate::model::outbox::NewEmail;
use crate::model::user::{AccountStatus, UserId};
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::email::EmailAddress;
use crate::values::password::Password;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The same answer for an unknown email, a wrong password, a locked or a pending account,
    /// and a disabled account given a wrong password.
    #[error("Email address or password not recognised")]
    NotRecognised,
    /// A disabled account given its right password: its owner is told to contact the Service
    /// Desk. Still a failed sign-in, audited as one.
    #[error("The account has been disabled")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks an account's password as sign-in does, wherever a password is asked for: a wrong one
/// is audited and counts towards the lock-out, a locked, disabled or unknown account answers
/// exactly as a wrong password, and a right one starts the count again.
#[tracing::instrument(skip_all)]
pub async fn check_password<S: Storage>(
    env: &Services<'_, S>,
    email: &EmailAddress,
    password: &Password,
    origin: Option<&str>,
) -> Result<crate::model::user::UserId, SignInError> {
    let found = env.store.credentials(email).await?;
    let target = found.as_ref().map(|c| c.user);
    // A disabled account's password is checked (it costs what any check costs) only to tell
    // its owner why they cannot sign in; it reserves no attempt and unlocks nothing.
    let disabled_hash = found
        .as_ref()
        .filter(|c| c.status == AccountStatus::Disabled)
        .and_then(|c| c.password_hash.clone());
    let creds = found.filter(|c| c.status == AccountStatus::Active);
    // The attempt counts before its password is checked, so parallel guesses cannot pass the
    // limit. A locked account (no attempt reserved) is checked against the dummy hash: it takes
    // as long and answers the same as a wrong password.
    let reserved = match &creds {
        Some(c) => env.store.reserve_sign_in(c.user, env.lock_after).await?,
        None => None,
    };
    let hash = creds
        .as_ref()
        .filter(|_| reserved.is_some())
        .and_then(|c| c.password_hash.as_ref())
        .or(disabled_hash.as_ref());
    let matches = env.hasher.verify(hash, password).await;
    let creds = match creds {
        Some(c) if matches => c,
        other => {
            let now = env.clock.now();
            let mut failed = NewAudit::anonymous(AuditAction::SignInFailed, now, origin);
            if let Some(user) = target {
                failed = failed.target(user);
            }
            env.store.record_audit(&failed).await?;
            if let Some(c) = other {
                after_wrong_password(
                    env.store,
                    c.user,
                    email,
                    reserved,
                    env.lock_after,
                    now,
                    origin,
                )
                .await?;
            }
            if matches && disabled_hash.is_some() {
                return Err(SignInError::Disabled);
            }
            return Err(SignInError::NotRecognised);
        }
    };
    env.store.clear_failed_sign_ins(creds.user).await?;
    Ok(creds.user)
}

/// After a wrong password, at sign-in or at Change Password: the account locks when this attempt
/// was the last one allowed, or when no attempt could be counted although the account is not yet
/// locked (a request that ended between counting and locking must not leave it refusing every
/// password, unlocked and off the Service Desk's list). Locking an account that is locked
/// already writes nothing.
pub async fn after_wrong_password<S: Storage>(
    store: &S,
    user: UserId,
    email: &EmailAddress,
    reserved: Option<i64>,
    limit: i64,
    now: crate::values::clock::Timestamp,
    origin: Option<&str>,
) -> Result<(), StoreError> {
    if reserved.is_some_and(|n| n < limit) {
        return Ok(());
    }
    let audit = NewAudit::anonymous(AuditAction::AccountLocked, now, origin)
        .target(user)
        .reason(format!("{limit} failed password attempts in a row"));
    store
        .lock_account(user, &audit, &locked_email(email))
        .await?;
    Ok(())
}

fn locked_email(to: &EmailAddress) -> NewEmail {
    NewEmail {
        to: to.clone(),
        subject: "Gatehouse: your account is locked".into(),
        body: "Your Gatehouse account has been locked because the wrong password was entered \
               too many times.\n\nTo unlock it, contact the Service Desk. If it was not you \
               trying to sign in, tell them so.\n"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_email_has_no_link_and_names_the_service_desk() {
        let to = EmailAddress::parse("sam@example.nhs.uk").expect("email");
        let locked = locked_email(&to);
        assert!(
            !locked.body.contains("token"),
            "a locked account gets no link"
        );
        assert!(locked.body.contains("Service Desk"));
    }
}
