//! What OpenID Connect keeps of each sign-in to a connected service: the grant, its code and
//! refresh tokens, and the back-channel logouts to deliver when it ends.

use std::future::Future;

use super::{ActingAs, StoreResult};
use crate::model::audit::NewAudit;
use crate::model::connected_service::{
    GrantEnd, GrantRecord, NewCode, NewGrant, PendingLogout, Redemption, Refresh,
};
use crate::model::session::SessionPolicy;
use crate::model::user::User;
use crate::values::clock::{Timestamp, TokenHash};

/// A grant that is still good, with what its tokens say: the person, the role it acts as, the
/// clusters that role is restricted to and, at a practice, its approval level.
#[derive(Debug, Clone)]
pub struct LiveGrant {
    pub grant: GrantRecord,
    pub user: User,
    pub acting: ActingAs,
    /// The live clusters the role is restricted to, each with the ODS codes it reaches (empty
    /// when the role is not restricted to clusters).
    pub clusters: Vec<ClusterReach>,
    /// Whether the acting organisation approves in two stages (meaningful at a practice).
    pub multi_level_approval: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterReach {
    pub name: String,
    pub ods_codes: Vec<String>,
}

pub trait ServiceGrants: Send + Sync {
    /// Starts a grant with its code and event, in one transaction.
    fn start_grant(
        &self,
        grant: &NewGrant,
        code: &NewCode,
        audit: &NewAudit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Uses a code: once only. A code used before ends its grant.
    fn redeem_code(
        &self,
        hash: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Redemption>> + Send;
    /// Keeps a grant's first refresh token, once its code was found good.
    fn keep_refresh_token(
        &self,
        grant: &str,
        hash: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The grant a refresh token belongs to (used or not), without using it.
    fn grant_of_refresh_token(
        &self,
        hash: &TokenHash,
    ) -> impl Future<Output = StoreResult<Option<String>>> + Send;
    /// Uses a refresh token and keeps the next in one transaction; a used one ends its grant.
    fn rotate_refresh_token(
        &self,
        old: &TokenHash,
        new: &TokenHash,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Refresh>> + Send;
    /// The grant when it is still good at `now`: not ended, its service enabled, its account
    /// active, its role active and not past its end, and the Gatehouse session it was made in
    /// (followed through rotations) neither ended nor timed out under `policy`.
    fn live_grant(
        &self,
        id: &str,
        now: Timestamp,
        policy: SessionPolicy,
    ) -> impl Future<Output = StoreResult<Option<LiveGrant>>> + Send;
    /// Ends one grant (and queues its back-channel logout); false when it had ended already.
    fn end_grant(
        &self,
        id: &str,
        why: GrantEnd,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Ends every grant that is no longer good (see [`ServiceGrants::live_grant`]) and
    /// queues the back-channel logouts of those a service was using: how many ended.
    fn end_lapsed_grants(
        &self,
        now: Timestamp,
        policy: SessionPolicy,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// Back-channel logouts due at `now`, at most `limit`.
    fn due_logouts(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<PendingLogout>>> + Send;
    fn logout_delivered(
        &self,
        id: i64,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn logout_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
