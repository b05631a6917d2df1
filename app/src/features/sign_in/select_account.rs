//! "Select your account": after sign-in with several roles, and for Switch Role.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::features::sign_in::api::{selectable_accounts, SelectAccount};

#[component]
pub fn SelectAccountPage() -> impl IntoView {
    let action = ServerAction::<SelectAccount>::new();
    let accounts = Resource::new(|| (), |_| selectable_accounts());
    // The page the person was on when their session ended; the server checks it is ours.
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <SignedIn render=move |v| {
            view! {
                <Page title="Select your account - Gatehouse" viewer=Some(v)>
                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                    <h1 class="nhsuk-heading-l">"Select your account"</h1>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match accounts.await {
                                Ok(list) if list.is_empty() => view! {
                                    <p class="nhsuk-body">"You do not have a role at any organisation at the moment."</p>
                                    <p class="nhsuk-body"><a href="/my-profile">"Go to My Profile"</a></p>
                                }.into_any(),
                                Ok(list) => view! {
                                    <p class="nhsuk-body">"Choose the role you want to use Gatehouse as."</p>
                                    <ul class="nhsuk-list gh-accounts">
                                        {list.into_iter().map(|a| view! {
                                            <li class="gh-accounts__item">
                                                <ActionForm action=action>
                                                    <input type="hidden" name="assignment" value=a.assignment.to_string()/>
                                                    {(!next().is_empty()).then(|| view! {
                                                        <input type="hidden" name="next" value=next()/>
                                                    })}
                                                    <button class="nhsuk-button nhsuk-button--secondary gh-accounts__button" type="submit">
                                                        {a.role_name.clone()}
                                                        <span class="gh-accounts__org">{format!("{} ({})", a.org_name, a.org_code)}</span>
                                                        {a.current.then(|| view! { <strong class="nhsuk-tag nhsuk-tag--white">"Current"</strong> })}
                                                    </button>
                                                </ActionForm>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Page>
            }
        }/>
    }
}
