//! The dormancy rule's exemption, for the Service Desk: `/users/{id}/dormancy` says whether the
//! account is kept from the rule that disables accounts nobody uses, and why; Save keeps it
//! (with a reason), Remove lets the rule apply again. Both authorise through
//! `domain::features::temporary_access::set_exemption` and `exemption`: the Service Desk only.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::form::{problem_for, ErrorSummary, PageError, TextArea};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
#[cfg(feature = "ssr")]
use crate::error::Problem;
use crate::error::{AppError, Field};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DormancyView {
    pub user: i64,
    pub person: String,
    /// Why the account is kept from the rule; `None` when the rule applies.
    pub exempt: Option<String>,
    /// Days without a sign-in after which the rule disables an account; 0: the rule is off.
    pub disable_after_days: i64,
}

#[cfg(feature = "ssr")]
fn exemption_error(
    e: domain::features::temporary_access::ExemptionError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::temporary_access::ExemptionError as E;
    match e {
        E::NotFound => crate::ssr::request::not_found(),
        E::Store(e) => crate::ssr::request::internal(&e),
        E::ReasonEmpty => {
            crate::ssr::request::invalid(vec![Problem::ExemptionReasonEmpty(Field::Reason)], echo)
        }
        E::ReasonTooLong => {
            crate::ssr::request::invalid(vec![Problem::ReasonTooLong(Field::Reason)], echo)
        }
    }
}

#[server(endpoint = "dormancy_exemption")]
pub async fn dormancy_exemption(user: i64) -> Result<DormancyView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let ctx = st.services();
    let (account, exempt) =
        domain::features::temporary_access::exemption(&ctx, &actor, domain::UserId(user))
            .await
            .map_err(|e| exemption_error(e, Vec::new()))?;
    let person = format!("{} {}", account.first_name, account.last_name);
    Ok(DormancyView {
        user,
        person,
        exempt,
        disable_after_days: st.disable_dormant_days,
    })
}

/// Save: keep the account from the rule, with `reason`; with `remove`, let the rule apply again.
#[server(endpoint = "set_dormancy_exemption")]
pub async fn set_dormancy_exemption(
    user: i64,
    #[server(default)] reason: String,
    #[server(default)] remove: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let echo = vec![(Field::Reason, crate::ssr::request::short(&reason))];
    domain::features::temporary_access::set_exemption(
        &st.services(),
        &actor,
        domain::UserId(user),
        remove.is_none().then_some(reason.as_str()),
        client_address().as_deref(),
    )
    .await
    .map_err(|e| exemption_error(e, echo))?;
    let done = if remove.is_some() {
        "exemption-removed"
    } else {
        "exempted"
    };
    leptos_axum::redirect(&format!("/users/{user}?done={done}"));
    Ok(())
}

#[component]
pub fn DormancyPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let user = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_default()
    };
    let current = Resource::new(user, dormancy_exemption);
    let save = ServerAction::<SetDormancyExemption>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Dormancy rule - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match current.await {
                            Ok(d) => {
                                let back = format!("/users/{}", d.user);
                                let rule = if d.disable_after_days > 0 {
                                    format!("This service disables an account nobody has signed in to for {} days.", d.disable_after_days)
                                } else {
                                    "This service does not disable unused accounts at present; an exemption takes effect if it starts to.".to_owned()
                                };
                                let exempt = d.exempt.clone();
                                let user = d.user.to_string();
                                view! {
                                    <Title text=format!("Dormancy rule: {} - Gatehouse", d.person)/>
                                    <BackLink href=back.clone()/>
                                    {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
                                    <h1 class="nhsuk-heading-l">{format!("Dormancy rule for {}", d.person)}</h1>
                                    <p class="nhsuk-body">{rule}</p>
                                    {match exempt.clone() {
                                        Some(why) => view! { <p class="nhsuk-body">{format!("This account is kept from the rule: {why}")}</p> }.into_any(),
                                        None => view! { <p class="nhsuk-body">"The rule applies to this account."</p> }.into_any(),
                                    }}
                                    <ActionForm action=save attr:novalidate="novalidate">
                                        <input type="hidden" name="user" value=user.clone()/>
                                        {move || {
                                            let error = save.value().get().and_then(|r| r.err());
                                            view! {
                                                <TextArea field=Field::Reason label="Why the rule must leave this account alone" max_chars=domain::rules::review::REASON_MAX
                                                    hint="For example, an on-call account used only a few times a year. Up to 250 characters; it is kept on the audit trail."
                                                    value=error.as_ref().and_then(|e| e.echo(Field::Reason)).unwrap_or_else(|| exempt.clone().unwrap_or_default())
                                                    problem=problem_for(&error, Field::Reason)/>
                                            }
                                        }}
                                        <div class="nhsuk-button-group">
                                            <button class="nhsuk-button" type="submit">"Keep from the rule"</button>
                                            {d.exempt.is_some().then(|| view! {
                                                <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="remove" value="1">"Let the rule apply"</button>
                                            })}
                                        </div>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href=back>"Back to the user"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This account does not exist, or this page is for the Service Desk." back="/users" back_label="Back to Users"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
