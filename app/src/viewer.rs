//! Who is looking at the page: the signed-in viewer every page's header shows, and signing out,
//! which every page's header offers. Shared by all features, so it sits below them.

use domain::model::role::Capability;
use domain::model::session::Landing;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Who is signed in and which role they act as: what every page's header needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub acting: Option<Acting>,
    /// Where to go when there is no acting role.
    pub landing: Landing,
    /// When the session ends if nothing more happens: seconds from now, and the UK time
    /// ("9:42am") a page without JavaScript shows.
    #[serde(default)]
    pub session: SessionEnd,
    /// Whether the user holds more than one active role (Switch Role has something to offer).
    #[serde(default)]
    pub several_roles: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionEnd {
    pub seconds_left: i64,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acting {
    pub role_name: String,
    pub org_name: String,
    pub org_code: String,
    pub capabilities: Vec<Capability>,
    /// The payment types the role is limited to (empty: all).
    #[serde(default)]
    pub payment_types: Vec<String>,
    /// Whether the role is limited to Service Provider Clusters.
    #[serde(default)]
    pub clustered: bool,
    /// The role is limited to clusters that have all been retired: it reaches nothing.
    #[serde(default)]
    pub reaches_nothing: bool,
}

#[server(endpoint = "viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::ssr::{current, request::internal, request::state};
    let Some(ctx) = current() else {
        return Ok(None);
    };
    let acting = acting_of(&ctx);
    // Only a session without an acting role needs to know where to send its user.
    let landing = match acting {
        Some(_) => Landing::Home,
        None => {
            let st = state()?;
            match domain::features::sign_in::landing_for(&st.services(), &ctx.user)
                .await
                .map_err(|e| internal(&e))?
            {
                Landing::MyProfile => Landing::MyProfile,
                _ => Landing::SelectAccount,
            }
        }
    };
    Ok(Some(viewer_of(&ctx, acting, landing, state()?.clock.now())))
}

#[cfg(feature = "ssr")]
fn acting_of(ctx: &domain::access::actor::RequestContext) -> Option<Acting> {
    ctx.actor.as_ref().map(|a| Acting {
        role_name: a.role_name.clone(),
        org_name: a.organisation.name.clone(),
        org_code: a.organisation.code.clone(),
        capabilities: a.capabilities(),
        payment_types: a.payment_types().to_vec(),
        clustered: a.clusters().is_some(),
        reaches_nothing: a.reaches_nothing(),
    })
}

#[cfg(feature = "ssr")]
fn viewer_of(
    ctx: &domain::access::actor::RequestContext,
    acting: Option<Acting>,
    landing: Landing,
    now: domain::Timestamp,
) -> Viewer {
    Viewer {
        first_name: ctx.user.first_name.clone(),
        last_name: ctx.user.last_name.clone(),
        email: ctx.user.email.to_string(),
        acting,
        landing,
        session: SessionEnd {
            seconds_left: ctx.ends_at.0 - now.0,
            at: crate::ssr::uk_time::time(ctx.ends_at),
        },
        several_roles: ctx.active_roles > 1,
    }
}

/// Who is signed in, for a page that cannot wait for data (the page-not-found page, drawn
/// outside the routes that do): everything the header and the footer show, read from the
/// request's session without a query. Where the person would land is not needed there.
#[cfg(feature = "ssr")]
pub fn viewer_now() -> Option<Viewer> {
    let ctx = crate::ssr::current()?;
    let now = crate::ssr::request::state().ok()?.clock.now();
    let acting = acting_of(&ctx);
    let landing = if acting.is_some() {
        Landing::Home
    } else {
        Landing::SelectAccount
    };
    Some(viewer_of(&ctx, acting, landing, now))
}

/// "Stay signed in": keeps the session going and says how long it now has, in seconds. Signed
/// out, it is refused like every other signed-in call.
#[server(endpoint = "stay_signed_in")]
pub async fn stay_signed_in() -> Result<i64, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let ends = domain::features::sign_in::stay_signed_in(&st.services(), &ctx)
        .await
        .map_err(|e| internal(&e))?;
    Ok(ends.0 - st.clock.now().0)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{clear_session_cookie, current, request::internal, request::state};
    let st = state()?;
    if let Some(ctx) = current() {
        let origin = crate::ssr::request::client_address();
        domain::features::sign_in::sign_out(&st.services(), &ctx, origin.as_deref())
            .await
            .map_err(|e| internal(&e))?;
    }
    clear_session_cookie(st.secure_cookies);
    leptos_axum::redirect("/sign-in");
    Ok(())
}
