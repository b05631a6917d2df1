//! Disabling your own account: My Profile → Disable Account → Disable Account →
//! Confirm Disable; then the "you do not have permission" page, signed out.

use leptos::prelude::*;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::features::users::api::DisableOwnAccount;
use crate::support::ContactServiceDesk;

#[component]
pub fn DisableOwnPage() -> impl IntoView {
    view! {
        <SignedIn render=|v| view! {
            <Page title="Disable Account - Gatehouse" viewer=Some(v)>
                <h1 class="nhsuk-heading-l">"Disable Account"</h1>
                <p class="nhsuk-body">"If you no longer need Gatehouse, you can disable your account. You will not be able to sign in for any organisation you are registered at."</p>
                <p class="nhsuk-body">"Your data is kept for audit. To use Gatehouse again, ask your administrator or the Service Desk to enable your account."</p>
                <a class="nhsuk-button nhsuk-button--warning" href="/my-profile/disable/confirm">"Disable Account"</a>
                <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
            </Page>
        }/>
    }
}

#[component]
pub fn ConfirmDisableOwnPage() -> impl IntoView {
    let action = ServerAction::<DisableOwnAccount>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title="Confirm Disable - Gatehouse" viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <h1 class="nhsuk-heading-l">"Are you sure you want to disable your account?"</h1>
                <p class="nhsuk-body">"You will be signed out straight away, on every device."</p>
                <ActionForm action=action>
                    <button class="nhsuk-button nhsuk-button--warning" type="submit">"Confirm Disable"</button>
                </ActionForm>
                <p class="nhsuk-body"><a href="/my-profile">"Cancel"</a></p>
            </Page>
        }/>
    }
}

/// Where a self-disable lands: signed out, told why nothing is open to them any more.
#[component]
pub fn AccountDisabledPage() -> impl IntoView {
    view! {
        <Page title="You do not have permission - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"You do not have permission to view this page"</h1>
            <p class="nhsuk-body">"Your account has been disabled and you have been signed out."</p>
            <p class="nhsuk-body">"If this was a mistake, contact your administrator or the Service Desk to enable your account again."</p>
            <ContactServiceDesk/>
            <p class="nhsuk-body"><a href="/sign-in">"Go to sign in"</a></p>
        </Page>
    }
}
