//! Two-factor authentication: setting up an authenticator app with its recovery codes, using a
//! second factor after the password and again before a dangerous action, and the Service Desk's
//! reset for someone who lost theirs. Who must have one is the policy's
//! ([`crate::model::second_factor::MfaPolicy`]); checking a code is shared with every place that
//! asks for one ([`crate::rules::second_factor`]).

use crate::access::actor::{Actor, RequestContext};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::outbox::NewEmail;
use crate::model::role::Capability;
use crate::model::second_factor::Method;
use crate::model::session::{NewSession, SessionProof};
use crate::model::user::UserId;
use crate::rules::second_factor::check_code;
pub use crate::rules::second_factor::CodeError;
use crate::rules::totp::{accepted_step, new_recovery_codes, recovery_code_hash, TotpSecret};
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::clock::SecretToken;

mod passkeys;
pub use passkeys::*;

#[cfg(test)]
mod tests;

/// The longest reason the Service Desk may give for a reset.
pub const REASON_MAX: usize = 250;

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    /// Setting up an app when one is set up already.
    #[error("An authenticator app is already set up")]
    AlreadySetUp,
    /// Confirming, or making recovery codes, with no app (being) set up.
    #[error("No authenticator app is being set up")]
    NotSetUp,
    /// The first code from the app was not right.
    #[error("The code is not right")]
    WrongCode,
    #[error("Give a reason")]
    ReasonMissing,
    #[error("Name the passkey")]
    PasskeyNameMissing,
    #[error(
        "The passkey's name must be {} characters or fewer",
        passkeys::NAME_MAX
    )]
    PasskeyNameTooLong,
    /// The key is kept already (for this person or another).
    #[error("That passkey is already added")]
    PasskeyTaken,
    #[error("The reason must be {REASON_MAX} characters or fewer")]
    ReasonTooLong,
    /// Not the Service Desk, or nothing to reset: answered as if the page did not exist.
    #[error("Not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What My Profile → Two-factor authentication shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub app: bool,
    pub passkeys: Vec<crate::storage::StoredPasskey>,
    pub recovery_codes_left: i64,
}

impl Status {
    /// Whether the person has any second factor.
    pub fn any(&self) -> bool {
        self.app || !self.passkeys.is_empty()
    }
}

pub async fn status<S: Storage>(env: &Services<'_, S>, user: UserId) -> Result<Status, StoreError> {
    let app = env
        .store
        .authenticator_app(user)
        .await?
        .is_some_and(|a| a.confirmed_at.is_some());
    Ok(Status {
        app,
        passkeys: env.store.passkeys(user).await?,
        recovery_codes_left: env.store.recovery_codes_left(user).await?,
    })
}

/// The secret of the app being set up: the one already begun (so a page shown again shows the
/// same QR code), or a new one.
pub async fn begin_app<S: Storage>(
    env: &Services<'_, S>,
    user: UserId,
) -> Result<TotpSecret, TwoFactorError> {
    match env.store.authenticator_app(user).await? {
        Some(app) if app.confirmed_at.is_some() => Err(TwoFactorError::AlreadySetUp),
        Some(app) => match TotpSecret::from_stored(&app.secret) {
            Some(secret) => Ok(secret),
            None => fresh_secret(env, user).await,
        },
        None => fresh_secret(env, user).await,
    }
}

async fn fresh_secret<S: Storage>(
    env: &Services<'_, S>,
    user: UserId,
) -> Result<TotpSecret, TwoFactorError> {
    let secret = TotpSecret::generate(env.tokens);
    if !env
        .store
        .begin_app(user, secret.as_str(), env.clock.now())
        .await?
    {
        return Err(TwoFactorError::AlreadySetUp);
    }
    Ok(secret)
}

/// Confirms the app being set up with its first code. The session has then used a second factor
/// (the code proves the app), so a session that had to set one up carries on. Answers the ten
/// recovery codes, to be shown once.
#[tracing::instrument(skip_all)]
pub async fn confirm_app<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    typed: &str,
    origin: Option<&str>,
) -> Result<Vec<String>, TwoFactorError> {
    let user = ctx.user.id;
    let Some(app) = env
        .store
        .authenticator_app(user)
        .await?
        .filter(|a| a.confirmed_at.is_none())
    else {
        return Err(TwoFactorError::NotSetUp);
    };
    let now = env.clock.now();
    let step = TotpSecret::from_stored(&app.secret)
        .and_then(|s| accepted_step(&s, typed, now, app.last_step))
        .ok_or(TwoFactorError::WrongCode)?;
    let codes = new_recovery_codes(env.tokens);
    let audit = NewAudit::by_user(user, AuditAction::SecondFactorSetUp, now, origin)
        .target(user)
        .reason("Authenticator app");
    if !env
        .store
        .confirm_app(user, step, &hashes(&codes), &audit)
        .await?
    {
        return Err(TwoFactorError::NotSetUp);
    }
    let proof = SessionProof::with_second_factor(Method::App.amr(), now);
    env.store
        .note_second_factor(&ctx.session, &proof.amr, now, None)
        .await?;
    Ok(codes)
}

fn hashes(codes: &[String]) -> Vec<String> {
    codes.iter().filter_map(|c| recovery_code_hash(c)).collect()
}

/// Ten new recovery codes in place of the old, to be shown once.
pub async fn new_codes<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<Vec<String>, TwoFactorError> {
    if !status(env, ctx.user.id).await?.any() {
        return Err(TwoFactorError::NotSetUp);
    }
    let codes = new_recovery_codes(env.tokens);
    let audit = NewAudit::by_user(
        ctx.user.id,
        AuditAction::RecoveryCodesReplaced,
        env.clock.now(),
        origin,
    )
    .target(ctx.user.id);
    env.store
        .replace_recovery_codes(ctx.user.id, &hashes(&codes), &audit)
        .await?;
    Ok(codes)
}

/// The person removes their own app (their passkeys stay; with no second factor left, so do the
/// recovery codes). Where the policy asks a second factor of their role and none is left, the
/// next page sends them to set one up again.
pub async fn remove<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<(), TwoFactorError> {
    let audit = NewAudit::by_user(
        ctx.user.id,
        AuditAction::SecondFactorRemoved,
        env.clock.now(),
        origin,
    )
    .target(ctx.user.id);
    if env.store.remove_app(ctx.user.id, &audit).await? {
        Ok(())
    } else {
        Err(TwoFactorError::NotSetUp)
    }
}

/// What a session is using its second factor for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// After the password: the session is replaced by a new one (a new id for what is now a
    /// fully signed-in session).
    SignIn,
    /// Again, before a dangerous action: the session goes on.
    StepUp,
}

/// Uses a second factor on the session. At sign-in, answers the new session's token.
#[tracing::instrument(skip_all)]
pub async fn verify<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    typed: &str,
    method: Method,
    purpose: Purpose,
    client: (Option<&str>, Option<String>),
) -> Result<Option<SecretToken>, CodeError> {
    check_code(env, &ctx.user, typed, method, client.0).await?;
    used(env, ctx, method, purpose, client).await
}

/// What follows a right second factor: at sign-in a new session, otherwise a note on this one.
async fn used<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    method: Method,
    purpose: Purpose,
    client: (Option<&str>, Option<String>),
) -> Result<Option<SecretToken>, CodeError> {
    let (origin, agent) = client;
    let now = env.clock.now();
    let proof = SessionProof::with_second_factor(method.amr(), now);
    let audit = NewAudit::by_user(ctx.user.id, AuditAction::SecondFactorUsed, now, origin)
        .target(ctx.user.id)
        .reason(match purpose {
            Purpose::SignIn => format!("Signed in with {}", article(method)),
            Purpose::StepUp => format!("Confirmed with {} before a change", article(method)),
        });
    match purpose {
        Purpose::SignIn => {
            let token = SecretToken::generate(env.tokens);
            let new = NewSession {
                id_hash: token.hash(),
                user: ctx.user.id,
                assignment: ctx.session_assignment,
                now,
                client: origin.map(str::to_owned),
                agent,
                proof,
            };
            env.store
                .rotate_after_second_factor(&ctx.session, &new, &audit)
                .await?;
            Ok(Some(token))
        }
        Purpose::StepUp => {
            env.store
                .note_second_factor(&ctx.session, &proof.amr, now, Some(&audit))
                .await?;
            Ok(None)
        }
    }
}

fn article(method: Method) -> String {
    match method {
        Method::App => format!("an {}", method.words()),
        Method::RecoveryCode | Method::Passkey => format!("a {}", method.words()),
    }
}

/// Checks a reason the Service Desk gives.
pub fn reset_reason(raw: &str) -> Result<String, TwoFactorError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(TwoFactorError::ReasonMissing);
    }
    if reason.chars().count() > REASON_MAX {
        return Err(TwoFactorError::ReasonTooLong);
    }
    Ok(reason.to_owned())
}

/// The Service Desk removes someone's second factor (they lost their phone and their recovery
/// codes). Every session of theirs ends and they are emailed; at their next sign-in, a role the
/// policy asks one of sends them to set one up again.
#[tracing::instrument(skip_all)]
pub async fn reset<S: Storage>(
    env: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    reason: &str,
    origin: Option<&str>,
) -> Result<(), TwoFactorError> {
    if !actor.has(Capability::ServiceDesk) {
        return Err(TwoFactorError::NotFound);
    }
    let reason = reset_reason(reason)?;
    let Some(person) = env.store.user(user).await? else {
        return Err(TwoFactorError::NotFound);
    };
    let audit = NewAudit::by(
        actor,
        AuditAction::SecondFactorReset,
        env.clock.now(),
        origin,
    )
    .target(user)
    .reason(reason);
    let email = NewEmail {
        to: person.email.clone(),
        subject: "Gatehouse: your two-factor authentication was reset".into(),
        body: "The Service Desk has removed the authenticator app and recovery codes from your \
               Gatehouse account, and signed you out everywhere.\n\nWhen you next sign in, you \
               will be asked to set up two-factor authentication again if your role needs it.\n\n\
               If you did not ask for this, contact the Service Desk now.\n"
            .into(),
    };
    if env
        .store
        .remove_second_factor(user, &audit, true, Some(&email))
        .await?
    {
        Ok(())
    } else {
        Err(TwoFactorError::NotFound)
    }
}
