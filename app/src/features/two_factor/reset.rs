//! The Service Desk resets someone's two-factor authentication (a lost phone and lost recovery
//! codes): Users → the person → Reset two-factor authentication, with a reason.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{form_title, problem_for, ErrorSummary, TextArea};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::id_param;
use crate::error::{AppError, Field};

/// The person whose second factor would be reset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetTarget {
    pub name: String,
    pub email: String,
    pub app: bool,
}

#[cfg(feature = "ssr")]
fn refused(e: domain::features::two_factor::TwoFactorError) -> AppError {
    use crate::error::Problem;
    use domain::features::two_factor::TwoFactorError as E;
    match e {
        E::ReasonMissing => {
            crate::ssr::request::invalid(vec![Problem::ResetReasonEmpty(Field::Reason)], vec![])
        }
        E::ReasonTooLong => {
            crate::ssr::request::invalid(vec![Problem::ReasonTooLong(Field::Reason)], vec![])
        }
        E::Store(e) => crate::ssr::request::internal(&e),
        _ => crate::ssr::request::not_found(),
    }
}

/// Only the Service Desk, and only for a person it may see.
#[server(endpoint = "reset_two_factor_target")]
pub async fn reset_two_factor_target(user: i64) -> Result<ResetTarget, AppError> {
    use crate::ssr::{request::internal, request::not_found, request::state, require_actor};
    use domain::features::users::UsersError;
    let (_, actor) = require_actor()?;
    if !actor.has(domain::Capability::ServiceDesk) {
        return Err(not_found());
    }
    let st = state()?;
    let d = match domain::features::users::view(&st.services(), &actor, domain::UserId(user)).await
    {
        Ok(d) => d,
        Err(UsersError::Store(e)) => return Err(internal(&e)),
        Err(_) => return Err(not_found()),
    };
    let s = domain::features::two_factor::status(&st.services(), d.user.id)
        .await
        .map_err(|e| internal(&e))?;
    Ok(ResetTarget {
        name: format!("{} {}", d.user.first_name, d.user.last_name),
        email: d.user.email.to_string(),
        app: s.app,
    })
}

#[server(endpoint = "reset_two_factor")]
pub async fn reset_two_factor(user: i64, reason: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    domain::features::two_factor::reset(
        &st.services(),
        &actor,
        domain::UserId(user),
        &reason,
        client_address().as_deref(),
    )
    .await
    .map_err(refused)?;
    leptos_axum::redirect(&format!("/users/{user}?done=two-factor-reset"));
    Ok(())
}

#[component]
pub fn ResetTwoFactorPage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<ResetTwoFactor>::new();
    let target = Resource::new(id, reset_two_factor_target);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Reset two-factor authentication") viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match target.await {
                                    Ok(t) if !t.app => view! {
                                        <h1 class="nhsuk-heading-l">"Reset two-factor authentication"</h1>
                                        <p class="nhsuk-body">{format!("{} ({}) has no two-factor authentication set up: there is nothing to reset.", t.name, t.email)}</p>
                                        <p class="nhsuk-body"><a href=format!("/users/{}", id())>"Back to the user"</a></p>
                                    }.into_any(),
                                    Ok(t) => view! {
                                        {move || {
                                            let error = action.value().get().and_then(|r| r.err());
                                            let t = t.clone();
                                            view! {
                                                <ErrorSummary error=error.clone()/>
                                                <h1 class="nhsuk-heading-l">"Reset two-factor authentication"</h1>
                                                <p class="nhsuk-body">{format!("This removes the authenticator app and recovery codes of {} ({}), and signs them out everywhere. We email them to say so.", t.name, t.email)}</p>
                                                <div class="nhsuk-warning-callout">
                                                    <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Check who you are speaking to"</span></h2>
                                                    <p>"Someone who has only the password must not get in. Check the caller is the account's owner before you reset it. A password reset never removes two-factor authentication."</p>
                                                </div>
                                                <ActionForm action=action attr:novalidate="novalidate">
                                                    <input type="hidden" name="user" value=id().to_string()/>
                                                    <TextArea field=Field::Reason label="Why are you resetting it?"
                                                        hint="For example: lost phone, identity checked by calling the practice back. This goes in the audit trail."
                                                        max_chars=domain::features::two_factor::REASON_MAX
                                                        problem=problem_for(&error, Field::Reason)/>
                                                    <button class="nhsuk-button nhsuk-button--warning" type="submit">"Reset two-factor authentication"</button>
                                                </ActionForm>
                                                <p class="nhsuk-body"><a href=format!("/users/{}", id())>"Cancel"</a></p>
                                            }
                                        }}
                                    }.into_any(),
                                    Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </div>
                </div>
            </Page>
        }/>
    }
}
