//! Use cases of signing in, acting as one role, switching role and signing out. A session acts as
//! exactly one active assignment and gets a new id at sign-in and at every switch.
//! See docs/requirements.md#sign-in-and-selecting-an-account.

use std::future::Future;

use crate::actor::Actor;
use crate::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::audit::{AuditAction, NewAudit};
use crate::clock::{Clock, SecretToken, TokenHash, TokenSource};
use crate::email::EmailAddress;
use crate::password::{NewPassword, Password};
use crate::role::Catalogue;
use crate::scope::Restriction;
use crate::session::{Landing, NewSession, SessionPolicy, SessionSummary, AGENT_MAX};
use crate::storage::{Storage, StoreError};
use crate::user::{AccountStatus, PasswordHash, User};

/// Password hashing is slow on purpose; the server runs it off the async executor.
pub trait PasswordHasher: Send + Sync {
    fn hash(
        &self,
        password: &NewPassword,
    ) -> impl Future<Output = Result<PasswordHash, HashError>> + Send;
    /// With no hash (unknown account) it checks against a dummy so that the answer takes as long.
    fn verify(
        &self,
        hash: Option<&PasswordHash>,
        password: &Password,
    ) -> impl Future<Output = bool> + Send;
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

/// What the use cases need from the outside world.
pub struct Env<'a, S, H> {
    pub store: &'a S,
    pub hasher: &'a H,
    pub clock: &'a dyn Clock,
    pub tokens: &'a dyn TokenSource,
    pub sessions: SessionPolicy,
    /// Consecutive failed sign-ins that lock an account.
    pub lock_after: i64,
}

/// Who is asking, as far as the request tells: the client's address and its User-Agent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Client<'a> {
    pub address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

impl Client<'_> {
    /// The User-Agent as a session keeps it: at most [`AGENT_MAX`] characters, no controls.
    fn agent(&self) -> Option<String> {
        self.user_agent.map(|a| {
            a.chars()
                .filter(|c| !c.is_control())
                .take(AGENT_MAX)
                .collect()
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The same answer for an unknown email, a wrong password, a disabled or a pending account.
    #[error("Email address or password not recognised")]
    NotRecognised,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug)]
pub struct SignedIn {
    pub token: SecretToken,
    pub landing: Landing,
}

#[tracing::instrument(skip_all)]
pub async fn sign_in<S: Storage, H: PasswordHasher>(
    env: &Env<'_, S, H>,
    previous: Option<&TokenHash>,
    email: &EmailAddress,
    password: &Password,
    client: Client<'_>,
) -> Result<SignedIn, SignInError> {
    let origin = client.address;
    let user = check_password(env, email, password, origin).await?;
    let all = env.store.assignments_of(user).await?;
    let active = active_assignments(&all);
    let landing = Landing::for_active_count(active.len());
    let acting = match active.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let token = SecretToken::generate(env.tokens);
    let now = env.clock.now();
    let new = NewSession {
        id_hash: token.hash(),
        user,
        assignment: acting.map(|a| a.id),
        now,
        client: client.address.map(str::to_owned),
        agent: client.agent(),
    };
    let mut audit = NewAudit::by_user(user, AuditAction::SignIn, now, origin);
    if let Some(a) = acting {
        audit.acting_as = Some(format!("{} at {}", a.role_name, a.organisation.code));
        audit = audit.at_organisation(a.organisation.id);
    }
    // A new id at sign-in, whatever cookie came with the request (no fixation).
    match previous {
        Some(old) => env.store.rotate_session(old, &new, &audit).await?,
        None => env.store.create_session(&new, &audit).await?,
    }
    Ok(SignedIn { token, landing })
}

/// Checks an account's password as sign-in does, wherever a password is asked for: a wrong one
/// is audited and counts towards the lock-out, a locked, disabled or unknown account answers
/// exactly as a wrong password, and a right one starts the count again.
#[tracing::instrument(skip_all)]
pub async fn check_password<S: Storage, H: PasswordHasher>(
    env: &Env<'_, S, H>,
    email: &EmailAddress,
    password: &Password,
    origin: Option<&str>,
) -> Result<crate::user::UserId, SignInError> {
    let found = env.store.credentials(email).await?;
    let target = found.as_ref().map(|c| c.user);
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
        .and_then(|c| c.password_hash.as_ref());
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
                crate::security::after_wrong_password(
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
            return Err(SignInError::NotRecognised);
        }
    };
    env.store.clear_failed_sign_ins(creds.user).await?;
    Ok(creds.user)
}

fn active_assignments(all: &[AssignmentView]) -> Vec<&AssignmentView> {
    all.iter()
        .filter(|a| a.status == AssignmentStatus::Active)
        .collect()
}

/// A signed-in request: the user and, if the session acts as a still-active assignment, the actor.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub session: TokenHash,
    pub user: User,
    pub actor: Option<Actor>,
}

/// Reads the session, its user and its acting assignment afresh (one query), so that a revoke or
/// disable takes effect on the next request. Ended sessions are deleted on sight.
#[tracing::instrument(skip_all)]
pub async fn resolve<S: Storage>(
    store: &S,
    catalogue: &Catalogue,
    clock: &dyn Clock,
    policy: SessionPolicy,
    token: &SecretToken,
) -> Result<Option<RequestContext>, StoreError> {
    let id = token.hash();
    let Some(ctx) = store.session_context(&id).await? else {
        return Ok(None);
    };
    let now = clock.now();
    if !ctx.session.is_live(now, policy) || ctx.user.status != AccountStatus::Active {
        store.delete_session(&id).await?;
        return Ok(None);
    }
    if ctx.session.needs_touch(now) {
        store.touch_session(&id, now).await?;
    }
    let actor = ctx.acting.and_then(|a| {
        let role = catalogue.role(a.role)?;
        // Read on every request: a cluster's change reaches its users on their next request.
        let clusters = a
            .clusters
            .map(|members| Restriction::new(&a.organisation.path, members));
        Some(
            Actor::new(ctx.user.id, a.assignment, a.organisation, role, clusters)
                .with_payment_types(a.payment_types),
        )
    });
    Ok(Some(RequestContext {
        session: id,
        user: ctx.user,
        actor,
    }))
}

/// Where a signed-in user without an acting role should go.
pub async fn landing_for<S: Storage>(store: &S, user: &User) -> Result<Landing, StoreError> {
    let all = store.assignments_of(user.id).await?;
    Ok(Landing::for_active_count(active_assignments(&all).len()))
}

/// The accounts a user may pick from on "select your account".
pub async fn selectable_accounts<S: Storage>(
    store: &S,
    user: &User,
) -> Result<Vec<AssignmentView>, StoreError> {
    let all = store.assignments_of(user.id).await?;
    Ok(all
        .into_iter()
        .filter(|a| a.status == AssignmentStatus::Active)
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// Not one of the user's active assignments: answered as if it did not exist.
    #[error("That account was not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Acts as another of the user's active assignments, under a new session id (a change of what the
/// session may do never keeps an id that may have been seen).
#[tracing::instrument(skip_all, fields(assignment = chosen.0))]
pub async fn select_account<S: Storage, H: PasswordHasher>(
    env: &Env<'_, S, H>,
    ctx: &RequestContext,
    chosen: AssignmentId,
    client: Client<'_>,
) -> Result<SecretToken, SelectError> {
    let origin = client.address;
    let all = env.store.assignments_of(ctx.user.id).await?;
    let Some(to) = active_assignments(&all)
        .into_iter()
        .find(|a| a.id == chosen)
    else {
        return Err(SelectError::NotFound);
    };
    let token = SecretToken::generate(env.tokens);
    let now = env.clock.now();
    let new = NewSession {
        id_hash: token.hash(),
        user: ctx.user.id,
        assignment: Some(chosen),
        now,
        client: client.address.map(str::to_owned),
        agent: client.agent(),
    };
    let mut audit = NewAudit::by_user(ctx.user.id, AuditAction::RoleSwitch, now, origin)
        .at_organisation(to.organisation.id);
    audit.acting_as = Some(format!("{} at {}", to.role_name, to.organisation.code));
    env.store.rotate_session(&ctx.session, &new, &audit).await?;
    Ok(token)
}

pub async fn sign_out<S: Storage>(
    store: &S,
    clock: &dyn Clock,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<(), StoreError> {
    let audit = match &ctx.actor {
        Some(actor) => {
            NewAudit::by(actor, AuditAction::SignOut, clock.now(), origin).target(ctx.user.id)
        }
        None => NewAudit::by_user(ctx.user.id, AuditAction::SignOut, clock.now(), origin),
    };
    store.end_session(&ctx.session, &audit).await
}

/// My Profile → Sessions: the user's live sessions, newest first, and which one is this.
pub async fn my_sessions<S: Storage>(
    store: &S,
    clock: &dyn Clock,
    policy: SessionPolicy,
    ctx: &RequestContext,
) -> Result<Vec<(SessionSummary, bool)>, StoreError> {
    let now = clock.now();
    Ok(store
        .sessions_of(ctx.user.id)
        .await?
        .into_iter()
        .filter(|s| s.is_live(now, policy))
        .map(|s| {
            let current = s.id_hash == ctx.session;
            (s, current)
        })
        .collect())
}

/// Signs out every other session of the user (My Profile → Sessions): how many ended.
pub async fn end_other_sessions<S: Storage>(
    store: &S,
    clock: &dyn Clock,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<u64, StoreError> {
    let audit = NewAudit::by_user(
        ctx.user.id,
        AuditAction::OtherSessionsEnded,
        clock.now(),
        origin,
    );
    store
        .end_other_sessions(ctx.user.id, &ctx.session, &audit)
        .await
}
