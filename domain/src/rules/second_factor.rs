//! How a second factor is checked wherever one is asked for (after the password at sign-in, and
//! again before a dangerous action): an authenticator app's code or a recovery code. A wrong one
//! is audited and counts towards the same lock-out as a wrong password; a right one starts the
//! count again. Each code is accepted once.

use crate::model::audit::{AuditAction, NewAudit};
use crate::model::outbox::NewEmail;
use crate::model::second_factor::Method;
use crate::model::user::User;
use crate::rules::totp::{accepted_step, recovery_code_hash, TotpSecret};
use crate::services::Services;
use crate::storage::{Storage, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// Wrong, too old, or used already.
    #[error("The code is not right")]
    Wrong,
    /// The account is locked (by this attempt or before it).
    #[error("The account is locked")]
    Locked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `typed` as `method` (an app's code or a recovery code) for `user`.
#[tracing::instrument(skip_all)]
pub async fn check_code<S: Storage>(
    env: &Services<'_, S>,
    user: &User,
    typed: &str,
    method: Method,
    origin: Option<&str>,
) -> Result<(), CodeError> {
    attempt(env, user, method, origin, || async {
        let now = env.clock.now();
        Ok(match method {
            Method::App => match env.store.authenticator_app(user.id).await? {
                Some(app) if app.confirmed_at.is_some() => {
                    match TotpSecret::from_stored(&app.secret)
                        .and_then(|s| accepted_step(&s, typed, now, app.last_step))
                    {
                        // The step is taken only if no request took it (or a later one) first.
                        Some(step) => env.store.take_step(user.id, step).await?,
                        None => false,
                    }
                }
                _ => false,
            },
            Method::RecoveryCode => match recovery_code_hash(typed) {
                Some(hash) => env.store.use_recovery_code(user.id, &hash, now).await?,
                None => false,
            },
            // A passkey is checked by its caller (`attempt` with the key's verification).
            Method::Passkey => false,
        })
    })
    .await
}

/// One attempt at a second factor: counted before `check` runs (so parallel guesses cannot pass
/// the limit), audited and locking the account when wrong, starting the count again when right.
pub async fn attempt<S, F, Fut>(
    env: &Services<'_, S>,
    user: &User,
    method: Method,
    origin: Option<&str>,
    check: F,
) -> Result<(), CodeError>
where
    S: Storage,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<bool, StoreError>>,
{
    let Some(reserved) = env.store.reserve_sign_in(user.id, env.lock_after).await? else {
        return Err(CodeError::Locked);
    };
    if check().await? {
        env.store.clear_failed_sign_ins(user.id).await?;
        return Ok(());
    }
    let now = env.clock.now();
    let failed = NewAudit::by_user(user.id, AuditAction::SecondFactorFailed, now, origin)
        .target(user.id)
        .reason(format!("Wrong {}", method.words()));
    env.store.record_audit(&failed).await?;
    if reserved < env.lock_after {
        return Err(CodeError::Wrong);
    }
    let audit = NewAudit::anonymous(AuditAction::AccountLocked, now, origin)
        .target(user.id)
        .reason(format!(
            "{} failed sign-in attempts in a row (the last a wrong {})",
            env.lock_after,
            method.words()
        ));
    env.store
        .lock_account(user.id, &audit, &locked_email(user))
        .await?;
    Err(CodeError::Locked)
}

fn locked_email(user: &User) -> NewEmail {
    NewEmail {
        to: user.email.clone(),
        subject: "Gatehouse: your account is locked".into(),
        body: "Your Gatehouse account has been locked because a wrong two-factor code was \
               entered (or a passkey failed) too many times after your password.\n\nSomeone who knows your password \
               may have tried to sign in. Contact the Service Desk to unlock the account, and \
               change your password once it is unlocked.\n"
            .into(),
    }
}
