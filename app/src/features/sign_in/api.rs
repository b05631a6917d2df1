//! Signing in and choosing which account (role assignment) to act as.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// One role assignment as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub assignment: i64,
    pub role_name: String,
    pub org_name: String,
    pub org_code: String,
    pub status: String,
    pub payment_types: Vec<String>,
    /// The names of the clusters the role is limited to, a retired one named so (empty: the
    /// whole organisation).
    #[serde(default)]
    pub clusters: Vec<String>,
    pub current: bool,
}

/// An organisation and the roles the user holds there (My Account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationAccess {
    pub org_name: String,
    pub org_code: String,
    pub roles: Vec<AccountView>,
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{
        current, request::internal, request::set_status, request::state, set_session_cookie,
    };
    use axum::http::StatusCode;
    use domain::features::sign_in::SignInError;

    let parsed_email =
        domain::EmailAddress::parse(&email).map_err(|e| Problem::from_email(Field::Email, e));
    let parsed_password =
        domain::Password::parse(&password).map_err(|e| Problem::from_password(Field::Password, e));
    let echo = vec![(Field::Email, email.chars().take(300).collect())];
    let (email, password) = match (parsed_email, parsed_password) {
        (Ok(e), Ok(p)) => (e, p),
        (e, p) => {
            set_status(StatusCode::BAD_REQUEST);
            let problems = [e.err(), p.err()].into_iter().flatten().collect();
            return Err(AppError::Invalid { problems, echo });
        }
    };
    let st = state()?;
    let previous = current().map(|c| c.session.clone());
    let who = crate::ssr::request::ClientInfo::of_request();
    match domain::features::sign_in::sign_in(
        &st.services(),
        previous.as_ref(),
        &email,
        &password,
        who.client(),
    )
    .await
    {
        Ok(signed_in) => {
            set_session_cookie(&signed_in.token, st.secure_cookies);
            leptos_axum::redirect(&after_sign_in(signed_in.landing, next.as_deref()));
            Ok(())
        }
        Err(SignInError::NotRecognised) => {
            set_status(StatusCode::UNAUTHORIZED);
            Err(AppError::Invalid {
                problems: vec![Problem::NotRecognised(Field::Email)],
                echo,
            })
        }
        Err(SignInError::Disabled) => {
            set_status(StatusCode::FORBIDDEN);
            Err(AppError::Invalid {
                problems: vec![Problem::AccountDisabled(Field::Email)],
                echo,
            })
        }
        Err(SignInError::Store(e)) => Err(internal(&e)),
    }
}

/// Where a signed-in person goes: the page they were on when their session ended (a page of this
/// service only), through Select your account when they hold several roles. With no role there
/// is nothing to return to: My Profile.
#[cfg(feature = "ssr")]
pub(crate) fn after_sign_in(
    landing: domain::model::session::Landing,
    next: Option<&str>,
) -> String {
    use domain::model::session::{return_path, Landing};
    match (landing, next.and_then(return_path)) {
        (Landing::Home, Some(next)) => next.to_owned(),
        (Landing::SelectAccount, Some(next)) => {
            format!("/select-account?next={}", crate::url::enc(next))
        }
        (landing, _) => landing.path().to_owned(),
    }
}

/// The accounts (active role assignments) the user may act as.
#[server(endpoint = "selectable_accounts")]
pub async fn selectable_accounts() -> Result<Vec<AccountView>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let list = domain::features::sign_in::selectable_accounts(&st.services(), &ctx.user)
        .await
        .map_err(|e| internal(&e))?;
    let acting = ctx.actor.as_ref().map(|a| a.assignment);
    let now = st.clock.now();
    Ok(list.iter().map(|a| account_view(a, acting, now)).collect())
}

#[server(endpoint = "select_account")]
pub async fn select_account(
    assignment: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{
        request::internal, request::set_status, request::state, require_user, set_session_cookie,
    };
    use axum::http::StatusCode;
    use domain::features::sign_in::SelectError;

    let ctx = require_user()?;
    let Ok(id) = assignment.trim().parse::<i64>() else {
        set_status(StatusCode::BAD_REQUEST);
        return Err(AppError::Invalid {
            problems: vec![Problem::ChooseAccount(Field::Account)],
            echo: vec![],
        });
    };
    let st = state()?;
    let who = crate::ssr::request::ClientInfo::of_request();
    match domain::features::sign_in::select_account(
        &st.services(),
        &ctx,
        domain::AssignmentId(id),
        who.client(),
    )
    .await
    {
        Ok(token) => {
            set_session_cookie(&token, st.secure_cookies);
            let to = next
                .as_deref()
                .and_then(domain::model::session::return_path)
                .unwrap_or("/");
            leptos_axum::redirect(to);
            Ok(())
        }
        Err(SelectError::NotFound) => {
            set_status(StatusCode::NOT_FOUND);
            Err(AppError::NotFound)
        }
        Err(SelectError::Store(e)) => Err(internal(&e)),
    }
}

/// Every organisation the user is linked to, with the roles held there (any status).
#[server(endpoint = "my_account")]
pub async fn my_account() -> Result<Vec<OrganisationAccess>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let all = domain::features::sign_in::my_roles(&st.services(), &ctx.user)
        .await
        .map_err(|e| internal(&e))?;
    let acting = ctx.actor.as_ref().map(|a| a.assignment);
    let now = st.clock.now();
    Ok(domain::model::assignment::group_by_organisation(&all)
        .into_iter()
        .map(|(org, roles)| OrganisationAccess {
            org_name: org.name,
            org_code: org.code,
            roles: roles
                .into_iter()
                .map(|a| account_view(a, acting, now))
                .collect(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn account_view(
    a: &domain::model::assignment::AssignmentView,
    acting: Option<domain::AssignmentId>,
    now: domain::Timestamp,
) -> AccountView {
    AccountView {
        assignment: a.id.0,
        role_name: a.role_name.clone(),
        org_name: a.organisation.name.clone(),
        org_code: a.organisation.code.clone(),
        // "Approved" and, for a role with an end, its last day; "Expired" once it has passed.
        status: match a.ends_at {
            Some(end) if a.in_force(now) => format!(
                "{}: access ends after {}",
                a.status_words(now),
                crate::ssr::uk_time::last_day_words(end)
            ),
            _ => a.status_words(now).to_owned(),
        },
        payment_types: a.payment_types.clone(),
        clusters: a.clusters.iter().map(|(_, name)| name.clone()).collect(),
        current: Some(a.id) == acting,
    }
}

/// One of the user's sessions on My Profile → Sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub started: String,
    pub last_active: String,
    pub from: String,
    /// The User-Agent as the browser sent it.
    pub browser: String,
    /// What people call it: "Chrome on Windows 10"; the User-Agent itself when it is not one
    /// the parser knows.
    #[serde(default)]
    pub device: String,
    pub current: bool,
}

/// "Chrome on Windows 10", "Safari on iPhone" from a User-Agent; the text itself when it names
/// no browser the parser knows, and "Not known" when there is none.
#[cfg(feature = "ssr")]
pub fn device_of(agent: Option<&str>) -> String {
    let Some(agent) = agent.filter(|a| !a.trim().is_empty()) else {
        return "Not known".into();
    };
    match woothee::parser::Parser::new().parse(agent) {
        Some(r) if r.name != "UNKNOWN" && r.os != "UNKNOWN" => format!("{} on {}", r.name, r.os),
        Some(r) if r.name != "UNKNOWN" => r.name.to_owned(),
        _ => agent.to_owned(),
    }
}

/// The signed-in user's live sessions, this one marked.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let list = domain::features::sign_in::my_sessions(&st.services(), &ctx)
        .await
        .map_err(|e| internal(&e))?;
    let when = crate::ssr::uk_time::date_time;
    Ok(list
        .into_iter()
        .map(|(s, current)| SessionView {
            started: when(s.created_at),
            last_active: when(s.last_seen_at),
            from: s.client.unwrap_or_else(|| "Not known".into()),
            device: device_of(s.agent.as_deref()),
            browser: s.agent.unwrap_or_else(|| "Not known".into()),
            current,
        })
        .collect())
}

/// Signs out every other session of the user; this one goes on.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let ended = domain::features::sign_in::end_other_sessions(
        &st.services(),
        &ctx,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| internal(&e))?;
    leptos_axum::redirect(&format!("/my-profile/sessions?ended={ended}"));
    Ok(())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::device_of;

    #[test]
    fn a_user_agent_reads_as_browser_on_system() {
        assert_eq!(
            device_of(Some(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36"
            )),
            "Chrome on Windows 10"
        );
        assert_eq!(
            device_of(Some(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
            )),
            "Safari on iPhone"
        );
        assert_eq!(
            device_of(Some("Gatehouse test phone")),
            "Gatehouse test phone"
        );
        assert_eq!(device_of(None), "Not known");
    }
}
