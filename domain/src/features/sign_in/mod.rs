//! Use cases of signing in, acting as one role, switching role and signing out. A session acts as
//! exactly one active assignment and gets a new id at sign-in and at every switch.
//! See docs/requirements.md#sign-in-and-selecting-an-account.

use crate::access::actor::Actor;
use crate::access::actor::RequestContext;
use crate::access::scope::Restriction;
use crate::model::assignment::{AssignmentId, AssignmentView};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::session::{Landing, NewSession, SessionSummary, AGENT_MAX};
use crate::model::user::{AccountStatus, User};
use crate::rules::credentials::check_password;
pub use crate::rules::credentials::SignInError;
use crate::services::Services;
use crate::storage::{Storage, StoreError};
use crate::values::clock::{SecretToken, Timestamp, TokenHash};
use crate::values::email::EmailAddress;
use crate::values::password::Password;

/// Who is asking, as far as the request tells: the client's address and its User-Agent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Client<'a> {
    pub address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

impl Client<'_> {
    /// The User-Agent as a session keeps it: at most [`AGENT_MAX`] characters, no controls.
    pub fn agent(&self) -> Option<String> {
        self.user_agent.map(|a| {
            a.chars()
                .filter(|c| !c.is_control())
                .take(AGENT_MAX)
                .collect()
        })
    }
}

#[derive(Debug)]
pub struct SignedIn {
    pub token: SecretToken,
    pub landing: Landing,
}

#[tracing::instrument(skip_all)]
pub async fn sign_in<S: Storage>(
    env: &Services<'_, S>,
    previous: Option<&TokenHash>,
    email: &EmailAddress,
    password: &Password,
    client: Client<'_>,
) -> Result<SignedIn, SignInError> {
    let origin = client.address;
    let user = check_password(env, email, password, origin).await?;
    let all = env.store.assignments_of(user).await?;
    let active = active_assignments(&all, env.clock.now());
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
        // A password alone: a person with a second factor is asked for it next (`Gate::Code`).
        proof: Default::default(),
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

/// The roles that may be acted as at `now`: active, and not past their end (a role whose end has
/// passed is never offered or chosen, whether or not a sweep has marked it yet).
fn active_assignments(all: &[AssignmentView], now: Timestamp) -> Vec<&AssignmentView> {
    all.iter().filter(|a| a.in_force(now)).collect()
}

/// What a presented session token turned out to be.
#[derive(Debug)]
pub enum Resolved {
    Live(RequestContext),
    /// It ended because nothing happened for the idle time-out: Sign in says so.
    Inactive,
    /// Unknown, ended for its age, or its user is no longer active.
    Gone,
}

/// Reads the session, its user and its acting assignment afresh (one query), so that a revoke or
/// disable takes effect on the next request. Ended sessions are deleted on sight.
#[tracing::instrument(skip_all)]
pub async fn resolve<S: Storage>(
    env: &Services<'_, S>,
    token: &SecretToken,
) -> Result<Resolved, StoreError> {
    let store = env.store;
    let catalogue = env.catalogue;
    let clock = env.clock;
    let policy = env.sessions;
    let id = token.hash();
    let Some(ctx) = store.session_context(&id).await? else {
        return Ok(Resolved::Gone);
    };
    let now = clock.now();
    if !ctx.session.is_live(now, policy) || ctx.user.status != AccountStatus::Active {
        store.delete_session(&id).await?;
        let idle = ctx.user.status == AccountStatus::Active && ctx.session.ended_idle(now, policy);
        return Ok(if idle {
            Resolved::Inactive
        } else {
            Resolved::Gone
        });
    }
    let seen = if ctx.session.needs_touch(now) {
        store.touch_session(&id, now).await?;
        now
    } else {
        ctx.session.last_seen_at
    };
    let ends_at = ctx.session.ends_at(seen, policy);
    // The acting role's end has passed and nothing has marked it yet (its date was moved, or
    // another instance set it): mark ended roles now, so that where this request sends the
    // person (Select your account, My Profile) already knows.
    if ctx
        .acting
        .as_ref()
        .is_some_and(|a| !crate::model::assignment::usable(a.ends_at, now))
    {
        store.expire_roles(now).await?;
    }
    let session_assignment = ctx.acting.as_ref().map(|a| a.assignment);
    // What the policy asks of the acting role, and whether the session has done it. While the
    // session must enter a code or set up a second factor, it acts as nothing.
    let required = env
        .mfa
        .requires(ctx.acting.as_ref().and_then(|a| catalogue.role(a.role)));
    let gate = crate::model::second_factor::gate(
        ctx.has_second_factor,
        ctx.session.proof.second_factor_at,
        required,
    );
    // A role past its end acts as nothing from that instant, whether or not a sweep has marked it.
    let actor = ctx
        .acting
        .filter(|_| gate.is_none())
        .filter(|a| crate::model::assignment::usable(a.ends_at, now))
        .and_then(|a| {
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
    Ok(Resolved::Live(RequestContext {
        session: id,
        user: ctx.user,
        actor,
        started_at: ctx.session.created_at,
        ends_at,
        active_roles: ctx.active_roles,
        proof: ctx.session.proof,
        has_second_factor: ctx.has_second_factor,
        gate,
        session_assignment,
    }))
}

/// Keeps a live session going now, whatever its last write ("Stay signed in"), and says when it
/// will end if nothing more happens.
pub async fn stay_signed_in<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
) -> Result<Timestamp, StoreError> {
    let now = env.clock.now();
    env.store.touch_session(&ctx.session, now).await?;
    Ok(crate::model::session::session_end(
        ctx.started_at,
        now,
        env.sessions,
    ))
}

/// Every role the user holds or held, at every organisation, in any state (My Account).
pub async fn my_roles<S: Storage>(
    ctx: &Services<'_, S>,
    user: &User,
) -> Result<Vec<AssignmentView>, StoreError> {
    ctx.store.assignments_of(user.id).await
}

/// Where a signed-in user without an acting role should go.
pub async fn landing_for<S: Storage>(
    env: &Services<'_, S>,
    user: &User,
) -> Result<Landing, StoreError> {
    let store = env.store;
    let all = store.assignments_of(user.id).await?;
    Ok(Landing::for_active_count(
        active_assignments(&all, env.clock.now()).len(),
    ))
}

/// The accounts a user may pick from on "select your account".
pub async fn selectable_accounts<S: Storage>(
    env: &Services<'_, S>,
    user: &User,
) -> Result<Vec<AssignmentView>, StoreError> {
    let store = env.store;
    let all = store.assignments_of(user.id).await?;
    let now = env.clock.now();
    Ok(active_assignments(&all, now).into_iter().cloned().collect())
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
pub async fn select_account<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    chosen: AssignmentId,
    client: Client<'_>,
) -> Result<SecretToken, SelectError> {
    let origin = client.address;
    let all = env.store.assignments_of(ctx.user.id).await?;
    let Some(to) = active_assignments(&all, env.clock.now())
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
        // The same sign-in: what it proved goes with it.
        proof: ctx.proof.clone(),
    };
    let mut audit = NewAudit::by_user(ctx.user.id, AuditAction::RoleSwitch, now, origin)
        .at_organisation(to.organisation.id);
    audit.acting_as = Some(format!("{} at {}", to.role_name, to.organisation.code));
    env.store.rotate_session(&ctx.session, &new, &audit).await?;
    Ok(token)
}

pub async fn sign_out<S: Storage>(
    env: &Services<'_, S>,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<(), StoreError> {
    let store = env.store;
    let clock = env.clock;
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
    env: &Services<'_, S>,
    ctx: &RequestContext,
) -> Result<Vec<(SessionSummary, bool)>, StoreError> {
    let store = env.store;
    let clock = env.clock;
    let policy = env.sessions;
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
    env: &Services<'_, S>,
    ctx: &RequestContext,
    origin: Option<&str>,
) -> Result<u64, StoreError> {
    let store = env.store;
    let clock = env.clock;
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
