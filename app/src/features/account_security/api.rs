//! Account security: forgotten password and its link, Change Password, and the Service Desk's
//! list of locked accounts.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};
use crate::links::LinkView;

/// However long the work behind it takes, a forgotten-password answer is sent no sooner than
/// this after the request arrived, so its timing does not tell whether the account exists.
#[cfg(feature = "ssr")]
const FORGOTTEN_ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

#[cfg(feature = "ssr")]
fn security_error(e: domain::features::account_security::SecurityError) -> AppError {
    use crate::ssr::request::{internal, invalid, not_found};
    use domain::features::account_security::SecurityError;
    match e {
        SecurityError::LinkNotValid => invalid(vec![Problem::LinkNotValid(Field::Link)], vec![]),
        SecurityError::CurrentPasswordWrong => invalid(
            vec![Problem::CurrentPasswordWrong(Field::CurrentPassword)],
            vec![],
        ),
        SecurityError::NotFound => not_found(),
        other => internal(&other),
    }
}

/// Forgotten password: the same answer, in the same time, whether or not the
/// address belongs to an account.
#[server(endpoint = "forgotten_password")]
pub async fn forgotten_password(email: String) -> Result<(), AppError> {
    use crate::ssr::request::{client_address, internal, invalid, short, state};
    let started = tokio::time::Instant::now();
    let parsed = domain::EmailAddress::parse(&email).map_err(|e| {
        invalid(
            vec![Problem::from_email(Field::Email, e)],
            vec![(Field::Email, short(&email))],
        )
    })?;
    let st = state()?;
    let done = domain::features::account_security::forgotten_password(
        &st.services(),
        &parsed,
        client_address().as_deref(),
    )
    .await;
    tokio::time::sleep_until(started + FORGOTTEN_ANSWER_AFTER).await;
    done.map_err(|e| internal(&e))?;
    leptos_axum::redirect("/forgotten-password/sent");
    Ok(())
}

#[server(endpoint = "reset_link")]
pub async fn reset_link(token: String) -> Result<LinkView, AppError> {
    use crate::ssr::request::{internal, state};
    let st = state()?;
    let link = domain::features::account_security::reset_link(&st.services(), &token)
        .await
        .map_err(|e| internal(&e))?;
    Ok(LinkView::of(link))
}

/// Sets a new password through the emailed link; every session of the account ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::request::{client_address, invalid, new_password, state};
    let new = new_password(&password, &confirm_password).map_err(|p| invalid(p, vec![]))?;
    let st = state()?;
    domain::features::account_security::reset_password(
        &st.services(),
        &token,
        &new,
        client_address().as_deref(),
    )
    .await
    .map_err(security_error)?;
    // This browser's own session, if it had one, ended with the others.
    crate::ssr::clear_session_cookie(st.secure_cookies);
    leptos_axum::redirect("/sign-in?reset=1");
    Ok(())
}

/// Change Password: current, new, confirm → Update Password.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::request::{client_address, invalid, new_password, require_user, state};
    let ctx = require_user()?;
    let current = domain::Password::parse(&current_password)
        .map_err(|e| Problem::from_password(Field::CurrentPassword, e));
    let new = new_password(&password, &confirm_password);
    let (current, new) = match (current, new) {
        (Ok(c), Ok(n)) => (c, n),
        (c, n) => {
            let mut problems: Vec<Problem> = c.err().into_iter().collect();
            problems.extend(n.err().unwrap_or_default());
            return Err(invalid(problems, vec![]));
        }
    };
    let st = state()?;
    domain::features::account_security::change_password(
        &st.services(),
        &ctx,
        &current,
        &new,
        client_address().as_deref(),
    )
    .await
    .map_err(security_error)?;
    leptos_axum::redirect("/my-profile/details?password-changed=1");
    Ok(())
}

/// One row of the Service Desk's Locked accounts page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockedView {
    pub user: i64,
    pub name: String,
    pub email: String,
    pub locked_at: String,
}

#[server(endpoint = "locked_accounts")]
pub async fn locked_accounts() -> Result<Vec<LockedView>, AppError> {
    use crate::ssr::request::{require_actor, state};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let list = domain::features::account_security::locked_accounts(&st.services(), &actor)
        .await
        .map_err(security_error)?;
    Ok(list
        .into_iter()
        .map(|l| LockedView {
            user: l.user.id.0,
            name: format!("{} {}", l.user.first_name, l.user.last_name),
            email: l.user.email.to_string(),
            locked_at: crate::ssr::uk_time::date_time(l.locked_at),
        })
        .collect())
}

/// The Service Desk unlocks an account (audited).
#[server(endpoint = "unlock_account")]
pub async fn unlock_account(user: i64) -> Result<(), AppError> {
    use crate::ssr::request::{client_address, require_actor, state};
    let (_, actor) = require_actor()?;
    let st = state()?;
    domain::features::account_security::unlock(
        &st.services(),
        &actor,
        domain::UserId(user),
        client_address().as_deref(),
    )
    .await
    .map_err(security_error)?;
    leptos_axum::redirect(&format!("/locked-accounts?unlocked={user}"));
    Ok(())
}
