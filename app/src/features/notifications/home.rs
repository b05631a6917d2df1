use leptos::prelude::*;

use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::tiles::{tasks_for, tiles_for, Counts, TileGrid};
use crate::features::notifications::api::home_counts;

#[component]
pub fn HomePage() -> impl IntoView {
    let counts = Resource::new(|| (), |_| home_counts());
    view! {
        <SignedIn needs_role=true render=move |v| {
            let acting = v.acting.clone();
            let tiles = tiles_for(acting.as_ref().map(|a| a.capabilities.as_slice()).unwrap_or_default(), v.several_roles);
            view! {
                <Page title="Home - Gatehouse" viewer=Some(v.clone())>
                    <h1 class="nhsuk-heading-l">"Home"</h1>
                    {acting.map(|a| view! {
                        <p class="nhsuk-body-l">
                            "You are signed in as " {a.role_name} " for " {a.org_name} "."
                        </p>
                        {a.reaches_nothing.then(|| view! {
                            <div class="nhsuk-warning-callout" data-testid="clusters-retired">
                                <h2 class="nhsuk-warning-callout__label">
                                    <span role="text">
                                        <span class="nhsuk-u-visually-hidden">"Important: "</span>
                                        "No organisations"
                                    </span>
                                </h2>
                                <p>
                                    "Your access is limited to Service Provider Clusters that have been retired; ask your administrator."
                                </p>
                            </div>
                        })}
                    })}
                    <Suspense fallback=|| ()>
                        {move || {
                            let tiles = tiles.clone();
                            Suspend::new(async move {
                                let c = counts.await.unwrap_or_default();
                                let mut list: Counts = vec![("Notifications", c.unread_notifications)];
                                if let Some(n) = c.pending_actions {
                                    list.push(("Pending Actions", n));
                                }
                                let refused = c.refused_today.map(|n| view! {
                                    <p class="nhsuk-body" data-testid="refused-today">
                                        {format!(
                                            "Requests refused today as out of scope or not found: {n}. Each is in the service's log with who asked and for what."
                                        )}
                                    </p>
                                });
                                view! { <TileGrid tiles=tiles counts=list/> {refused} }
                            })
                        }}
                    </Suspense>
                </Page>
            }
        }/>
    }
}

/// Administrative Tasks: the national job aids' starting place. The administering tiles of the
/// acting role, under the groups those job aids name ("Manage Org's & Users" first).
#[component]
pub fn AdministrativeTasksPage() -> impl IntoView {
    view! {
        <SignedIn needs_role=true render=move |v| {
            let groups = tasks_for(v.acting.as_ref().map(|a| a.capabilities.as_slice()).unwrap_or_default());
            view! {
                <Page title="Administrative Tasks - Gatehouse" viewer=Some(v.clone())>
                    <h1 class="nhsuk-heading-l">"Administrative Tasks"</h1>
                    {if groups.is_empty() {
                        view! {
                            <p class="nhsuk-body">"Your role has no administrative tasks. Home has what you can do."</p>
                        }.into_any()
                    } else {
                        groups.into_iter().map(|(g, tiles)| view! {
                            <section aria-labelledby=g.id()>
                                <h2 class="nhsuk-heading-m" id=g.id()>{g.heading()}</h2>
                                <TileGrid tiles=tiles under_heading=true/>
                            </section>
                        }).collect_view().into_any()
                    }}
                </Page>
            }
        }/>
    }
}
