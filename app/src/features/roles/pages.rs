//! The role catalogue for administrators: what each role may do, and who gives it.

use leptos::prelude::*;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::features::roles::api::role_catalogue;

#[component]
pub fn RolesPage() -> impl IntoView {
    let roles = Resource::new(|| (), |_| role_catalogue());
    view! {
        <SignedIn needs_role=true render=move |v| {
            view! {
                <Page title="Roles - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"Roles"</h1>
                    <p class="nhsuk-body">"* These roles can be restricted by payment type (for example QOF, DES)."</p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match roles.await {
                                Ok(list) => list.into_iter().map(|r| view! {
                                    <h2 class="nhsuk-heading-m">
                                        {r.name.clone()}{r.payment_restrictable.then_some("*")}
                                    </h2>
                                    {r.approver_tier.then(|| view! {
                                        <p class="nhsuk-body"><strong class="nhsuk-tag">"Approver role"</strong></p>
                                    })}
                                    <dl class="nhsuk-summary-list">
                                        {r.held_at.into_iter().map(|(kind, text)| view! {
                                            <div class="nhsuk-summary-list__row">
                                                <dt class="nhsuk-summary-list__key">{kind}</dt>
                                                <dd class="nhsuk-summary-list__value">{text}</dd>
                                            </div>
                                        }).collect_view()}
                                        <div class="nhsuk-summary-list__row">
                                            <dt class="nhsuk-summary-list__key">"Given by"</dt>
                                            <dd class="nhsuk-summary-list__value">{r.given_by}</dd>
                                        </div>
                                    </dl>
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
