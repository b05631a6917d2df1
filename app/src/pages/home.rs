use leptos::prelude::*;

use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::tiles::{tiles_for, TileGrid};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <SignedIn needs_role=true render=|v| {
            let acting = v.acting.clone();
            let tiles = tiles_for(acting.as_ref().map(|a| a.capabilities.as_slice()).unwrap_or_default());
            view! {
                <Page title="Home - Gatehouse" viewer=Some(v.clone())>
                    <h1 class="nhsuk-heading-l">"Home"</h1>
                    {acting.map(|a| view! {
                        <p class="nhsuk-body-l">
                            "You are signed in as " {a.role_name} " for " {a.org_name} "."
                        </p>
                    })}
                    <TileGrid tiles=tiles/>
                </Page>
            }
        }/>
    }
}
