//! Passkeys and security keys (WebAuthn): added, named and removed by their owner, and used as a
//! second factor. The WebAuthn ceremony itself (challenges, signatures, counters) is the web
//! layer's, with a maintained library; here are the rules around it: who may add and use which
//! key, the lock-out, the recovery codes, the audit and the session.

use super::{hashes, status, used, Purpose, TwoFactorError};
use crate::access::actor::RequestContext;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::second_factor::Method;
use crate::model::session::SessionProof;
use crate::rules::second_factor::{attempt, CodeError};
use crate::rules::totp::new_recovery_codes;
use crate::services::Services;
use crate::storage::{Storage, StoredPasskey};
use crate::values::clock::SecretToken;

/// The longest name a passkey may have.
pub const NAME_MAX: usize = 60;

/// A passkey's name as its owner typed it: trimmed, 1 to [`NAME_MAX`] characters, no controls.
pub fn passkey_name(raw: &str) -> Result<String, TwoFactorError> {
    let name: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() {
        return Err(TwoFactorError::PasskeyNameMissing);
    }
    if name.chars().count() > NAME_MAX {
        return Err(TwoFactorError::PasskeyNameTooLong);
    }
    Ok(name)
}

/// Keeps a passkey the web layer has verified as made for this person just now. The session has
/// then used a second factor (the key answered the ceremony). When it is the person's first
/// second factor, or they have no recovery codes left, answers ten new recovery codes to show
/// once.
#[tracing::instrument(skip_all)]
pub async fn add_passkey<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    name: &str,
    credential_id: &str,
    passkey: &str,
    origin: Option<&str>,
) -> Result<Option<Vec<String>>, TwoFactorError> {
    let name = passkey_name(name)?;
    let before = status(env, ctx.user.id).await?;
    let now = env.clock.now();
    let key = StoredPasskey {
        id: 0,
        credential_id: credential_id.to_owned(),
        name: name.clone(),
        passkey: passkey.to_owned(),
        created_at: now,
        last_used_at: None,
    };
    let audit = NewAudit::by_user(ctx.user.id, AuditAction::SecondFactorSetUp, now, origin)
        .target(ctx.user.id)
        .reason(format!("Passkey: {name}"));
    if !env.store.add_passkey(ctx.user.id, &key, &audit).await? {
        return Err(TwoFactorError::PasskeyTaken);
    }
    let proof = SessionProof::with_second_factor(Method::Passkey.amr(), now);
    env.store
        .note_second_factor(&ctx.session, &proof.amr, now, None)
        .await?;
    if before.any() && before.recovery_codes_left > 0 {
        return Ok(None);
    }
    let codes = new_recovery_codes(env.tokens);
    let made = NewAudit::by_user(ctx.user.id, AuditAction::RecoveryCodesReplaced, now, origin)
        .target(ctx.user.id);
    env.store
        .replace_recovery_codes(ctx.user.id, &hashes(&codes), &made)
        .await?;
    Ok(Some(codes))
}

/// Removes one of the person's own passkeys.
pub async fn remove_passkey<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    id: i64,
    origin: Option<&str>,
) -> Result<(), TwoFactorError> {
    let audit = NewAudit::by_user(
        ctx.user.id,
        AuditAction::SecondFactorRemoved,
        env.clock.now(),
        origin,
    )
    .target(ctx.user.id)
    .reason("Passkey");
    if env.store.remove_passkey(ctx.user.id, id, &audit).await? {
        Ok(())
    } else {
        Err(TwoFactorError::NotFound)
    }
}

/// Uses a passkey as the second factor. `verify` checks the browser's answer against the
/// person's own keys (and the challenge the web layer gave), and answers the key used and its
/// stored form with the new counter; a failed check counts towards the lock-out like a wrong
/// code. At sign-in, answers the new session's token.
#[tracing::instrument(skip_all)]
pub async fn use_passkey<S, F>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    purpose: Purpose,
    client: (Option<&str>, Option<String>),
    verify: F,
) -> Result<Option<SecretToken>, CodeError>
where
    S: Storage,
    F: FnOnce(&[StoredPasskey]) -> Option<(String, String)>,
{
    let user = &ctx.user;
    attempt(env, user, Method::Passkey, client.0, || async {
        let keys = env.store.passkeys(user.id).await?;
        match verify(&keys) {
            Some((credential_id, passkey)) => {
                env.store
                    .passkey_used(user.id, &credential_id, &passkey, env.clock.now())
                    .await
            }
            None => Ok(false),
        }
    })
    .await?;
    used(env, ctx, Method::Passkey, purpose, client).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_is_named_in_at_most_60_characters() {
        assert!(matches!(
            passkey_name("  "),
            Err(TwoFactorError::PasskeyNameMissing)
        ));
        assert!(matches!(
            passkey_name(&"k".repeat(NAME_MAX + 1)),
            Err(TwoFactorError::PasskeyNameTooLong)
        ));
        assert_eq!(
            passkey_name(" Work laptop\n").ok().as_deref(),
            Some("Work laptop")
        );
    }
}
