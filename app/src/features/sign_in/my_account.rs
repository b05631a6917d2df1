//! My Account: each organisation, expanding to the roles held.

use leptos::prelude::*;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::features::sign_in::api::my_account;

#[component]
pub fn MyAccountPage() -> impl IntoView {
    let orgs = Resource::new(|| (), |_| my_account());
    view! {
        <SignedIn render=move |v| {
            view! {
                <Page title="My Account - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"My Account"</h1>
                    <h2 class="nhsuk-heading-m">"Organisation Access"</h2>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match orgs.await {
                                Ok(list) if list.is_empty() => view! {
                                    <p class="nhsuk-body">"You are not linked to any organisation."</p>
                                }.into_any(),
                                Ok(list) => list.into_iter().map(|o| view! {
                                    <details class="nhsuk-details gh-org-access">
                                        <summary class="nhsuk-details__summary">
                                            <span class="nhsuk-details__summary-text">
                                                {format!("{} ({})", o.org_name, o.org_code)}
                                            </span>
                                        </summary>
                                        <div class="nhsuk-details__text">
                                            <table class="nhsuk-table">
                                                <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">
                                                    {format!("Roles at {}", o.org_name)}
                                                </caption>
                                                <thead class="nhsuk-table__head">
                                                    <tr class="nhsuk-table__row">
                                                        <th scope="col" class="nhsuk-table__header">"Role"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Payment types"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Service Provider Clusters"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Status"</th>
                                                    </tr>
                                                </thead>
                                                <tbody class="nhsuk-table__body">
                                                    {o.roles.into_iter().map(|r| view! {
                                                        <tr class="nhsuk-table__row">
                                                            <td class="nhsuk-table__cell">{r.role_name}</td>
                                                            <td class="nhsuk-table__cell">{
                                                                if r.payment_types.is_empty() { "All".to_owned() } else { r.payment_types.join(", ") }
                                                            }</td>
                                                            <td class="nhsuk-table__cell">{
                                                                if r.clusters.is_empty() { "None: the whole organisation".to_owned() } else { r.clusters.join(", ") }
                                                            }</td>
                                                            <td class="nhsuk-table__cell">{r.status}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    </details>
                                }).collect_view().into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Page>
            }
        }/>
    }
}
