//! `gatehouse-bench two-factor`: what an authenticator app's code adds to a sign-in, server-side,
//! at national scale: the second step as the server function calls it (the attempt counted, the
//! app read, the code checked against three steps, the step taken, the count cleared, and the
//! session replaced by a new one with its audit event). The password check before it is argon2's
//! (`gatehouse-bench hash`). A clock that moves one step a round, so every code is new.

use std::sync::atomic::{AtomicI64, Ordering};

use domain::features::sign_in::{resolve, Resolved};
use domain::features::two_factor::{verify, Purpose};
use domain::model::second_factor::{Method, MfaPolicy};
use domain::model::session::NewSession;
use domain::rules::totp::{step_of, TotpSecret, STEP_SECONDS};
use domain::storage::{SecondFactors, Sessions};
use domain::values::clock::SecretToken;

use super::*;

/// A clock set by the benchmark: one step further each round.
struct Stepping(AtomicI64);

impl Clock for Stepping {
    fn now(&self) -> domain::Timestamp {
        domain::Timestamp(self.0.load(Ordering::Relaxed))
    }
}

pub async fn two_factor_command(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let rounds = rounds_of(args, 200)?;
    let National {
        store,
        catalogue,
        users,
        ..
    } = National::open().await?;
    let person = store
        .user(UserId(2))
        .await?
        .ok_or("no users: run bench-data first")?;
    let clock = Stepping(AtomicI64::new(app::ssr::state::SystemClock.now().0));
    let hasher = app::ssr::hasher::Argon2Hasher::new(1)?;
    let tokens = app::ssr::state::OsTokens;
    let ctx = domain::services::Services {
        store: &store,
        catalogue: &catalogue,
        clock: &clock,
        tokens: &tokens,
        hasher: &hasher,
        base_url: "",
        sessions: domain::model::session::SessionPolicy::default(),
        // Never locks: every code here is right.
        lock_after: 5,
        max_temporary_days: domain::rules::access_end::MAX_DAYS,
        mfa: MfaPolicy::Admins,
    };
    // A fresh app for the person, as if set up a moment ago.
    let setup = NewAudit::by_user(person.id, AuditAction::SecondFactorSetUp, clock.now(), None);
    store
        .remove_second_factor(person.id, &setup, false, None)
        .await?;
    let secret = TotpSecret::generate(&tokens);
    store
        .begin_app(person.id, secret.as_str(), clock.now())
        .await?;
    store
        .confirm_app(person.id, step_of(clock.now()), &[], &setup)
        .await?;

    println!("two-factor sign-in over {users} users, {rounds} rounds: the code after the password");
    let mut second_step = Vec::with_capacity(rounds);
    let mut reading = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        clock.0.fetch_add(STEP_SECONDS, Ordering::Relaxed);
        let token = SecretToken::generate(&tokens);
        let now = clock.now();
        store
            .create_session(
                &NewSession {
                    id_hash: token.hash(),
                    user: person.id,
                    assignment: None,
                    now,
                    client: None,
                    agent: None,
                    proof: Default::default(),
                },
                &NewAudit::by_user(person.id, AuditAction::SignIn, now, None),
            )
            .await?;
        let t = Instant::now();
        let Resolved::Live(session) = resolve(&ctx, &token).await? else {
            return Err("the session did not resolve".into());
        };
        reading.push(t.elapsed());
        let code = secret.code_at_step(step_of(now)).ok_or("no code")?;
        let t = Instant::now();
        verify(
            &ctx,
            &session,
            &code,
            Method::App,
            Purpose::SignIn,
            (None, None),
        )
        .await?;
        second_step.push(t.elapsed());
    }
    second_step.sort();
    reading.sort();
    println!(
        "second step (code checked, new session), p50 / p95   {:>6.1} / {:.1} ms  budget < 20 ms: {}",
        percentile(&second_step, 0.50),
        percentile(&second_step, 0.95),
        if percentile(&second_step, 0.95) < 20.0 { "met" } else { "MISSED" }
    );
    println!(
        "the session read with its second factor, p50 / p95  {:>6.1} / {:.1} ms  (report)",
        percentile(&reading, 0.50),
        percentile(&reading, 0.95)
    );
    Ok(())
}
