//! Second factors: a person's authenticator app and recovery codes, and what a session has used.

use std::future::Future;

use super::StoreResult;
use crate::model::audit::NewAudit;
use crate::model::outbox::NewEmail;
use crate::model::session::NewSession;
use crate::model::user::UserId;
use crate::values::clock::{Timestamp, TokenHash};

/// A person's authenticator app as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApp {
    /// Base32 text.
    pub secret: String,
    /// Empty while it is being set up.
    pub confirmed_at: Option<Timestamp>,
    /// The last time step a code was accepted at.
    pub last_step: i64,
}

/// A passkey or security key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: i64,
    /// The key's own id (base64url).
    pub credential_id: String,
    /// What its owner called it.
    pub name: String,
    /// The public key and its counters, as the WebAuthn library keeps them (JSON).
    pub passkey: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

pub trait SecondFactors: Send + Sync {
    /// The person's passkeys, oldest first.
    fn passkeys(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Vec<StoredPasskey>>> + Send;
    /// Keeps a new passkey with its event; false (nothing written) when a key with that id is
    /// kept already (for anyone).
    fn add_passkey(
        &self,
        user: UserId,
        key: &StoredPasskey,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Removes one of the person's passkeys with its event; false when it is not theirs. With no
    /// second factor left, the recovery codes go too.
    fn remove_passkey(
        &self,
        user: UserId,
        id: i64,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Removes the person's authenticator app with its event (their passkeys stay); false when
    /// they had none. With no second factor left, the recovery codes go too.
    fn remove_app(
        &self,
        user: UserId,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Keeps a passkey's counters after it was used; false when it is not the person's.
    fn passkey_used(
        &self,
        user: UserId,
        credential_id: &str,
        passkey: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    fn authenticator_app(
        &self,
        user: UserId,
    ) -> impl Future<Output = StoreResult<Option<StoredApp>>> + Send;
    /// Keeps a new secret being set up, replacing one not yet confirmed; false (nothing written)
    /// when the person already has a confirmed app.
    fn begin_app(
        &self,
        user: UserId,
        secret: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Confirms the app being set up, with the step its first code was accepted at, and replaces
    /// the recovery codes by `codes` (hashes), with its event, in one transaction; false
    /// (nothing written) when no app was being set up.
    fn confirm_app(
        &self,
        user: UserId,
        step: i64,
        codes: &[String],
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Takes `step` as the last one accepted when it is later than the last: false when it is
    /// not (the code was used already, perhaps by a request a moment earlier).
    fn take_step(&self, user: UserId, step: i64) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Uses a recovery code (by its hash) once: false when it is not one of the person's unused
    /// codes.
    fn use_recovery_code(
        &self,
        user: UserId,
        hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// How many unused recovery codes the person has.
    fn recovery_codes_left(&self, user: UserId) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Replaces every recovery code by `codes` (hashes), with its event.
    fn replace_recovery_codes(
        &self,
        user: UserId,
        codes: &[String],
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes the app, the passkeys and the recovery codes with the event, in one transaction. With
    /// `end_sessions`, every session of the person ends too, and `email` is queued: the Service
    /// Desk's reset. False (nothing written) when there was nothing to remove.
    fn remove_second_factor(
        &self,
        user: UserId,
        audit: &NewAudit,
        end_sessions: bool,
        email: Option<&NewEmail>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Replaces a session that has just used its second factor by a new one (new id), with the
    /// event, in one transaction.
    fn rotate_after_second_factor(
        &self,
        old: &TokenHash,
        new: &NewSession,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Notes that the session used its second factor now (asked again before a dangerous
    /// action, or just set up), with its event if any.
    fn note_second_factor(
        &self,
        session: &TokenHash,
        amr: &str,
        now: Timestamp,
        audit: Option<&NewAudit>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
