//! Activation: the approval email's link opens "Set your password"; a used,
//! expired or unknown link gets a page that says which, and an expired one can ask for a new link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ErrorSummary, NewPasswordFields};
use crate::components::layout::Page;
use crate::error::AppError;
use crate::features::registration::api::{activation_link, Activate, RenewActivation};
use crate::links::LinkView;

#[component]
pub fn ActivatePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<Activate>::new();
    let renew = ServerAction::<RenewActivation>::new();
    // Read again after a failed submit: the link may have been used or expired meanwhile.
    let link = Resource::new(
        move || (token(), action.version().get()),
        |(t, _)| activation_link(t),
    );
    view! {
        <Page title=move || {
            let failed = action.value().get().is_some_and(|r| r.is_err());
            if failed { "Error: Set your password - Gatehouse" } else { "Set your password - Gatehouse" }
        } viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let t = token();
                            match link.await {
                                Ok(LinkView::Valid) => view! { <SetPassword token=t action=action/> }.into_any(),
                                Ok(LinkView::Used) => view! {
                                    <Title text="This link has already been used - Gatehouse"/>
                                    <h1 class="nhsuk-heading-l">"This link has already been used"</h1>
                                    <p class="nhsuk-body">"Each link works once. Your password has been set: sign in with your email address and password."</p>
                                    <p class="nhsuk-body"><a href="/sign-in">"Go to Sign in"</a></p>
                                }.into_any(),
                                Ok(LinkView::Expired) => view! {
                                    {move || view! { <ErrorSummary error=renew.value().get().and_then(|r| r.err())/> }}
                                    <Title text="This link has expired - Gatehouse"/>
                                    <h1 class="nhsuk-heading-l">"This link has expired"</h1>
                                    <p class="nhsuk-body">"Links to set your password work for 7 days. We can send a new one to the email address you registered with."</p>
                                    <ActionForm action=renew>
                                        <input type="hidden" name="token" value=t/>
                                        <button class="nhsuk-button" type="submit">"Send me a new link"</button>
                                    </ActionForm>
                                }.into_any(),
                                Ok(LinkView::Unknown) => view! {
                                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                                    <Title text="This link is not valid - Gatehouse"/>
                                    <h1 class="nhsuk-heading-l">"This link is not valid"</h1>
                                    <p class="nhsuk-body">"Check that you copied the whole link from the email. If you were sent more than one email, use the newest link: each new email replaces the link before it."</p>
                                    <p class="nhsuk-body">"If it still does not work, ask your account administrator to resend the registration email."</p>
                                }.into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
            </div>
        </Page>
    }
}

#[component]
fn SetPassword(token: String, action: ServerAction<Activate>) -> impl IntoView {
    view! {
        {move || {
            let error: Option<AppError> = action.value().get().and_then(|r| r.err());
            let token = token.clone();
            view! {
                <ErrorSummary error=error.clone()/>
                <h1 class="nhsuk-heading-l">"Set your password"</h1>
                <ActionForm action=action attr:novalidate="novalidate">
                    <input type="hidden" name="token" value=token/>
                    <NewPasswordFields error=error/>
                    <button class="nhsuk-button" type="submit">"Set password"</button>
                </ActionForm>
            }
        }}
    }
}

#[component]
pub fn ActivationRenewedPage() -> impl IntoView {
    view! {
        <Page title="We have sent you a new link - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"We have sent you a new link"</h1>
            <p class="nhsuk-body">"Check the inbox of the email address you registered with, and open the newest link to set your password. It works for 7 days."</p>
            <p class="nhsuk-body"><a href="/sign-in">"Go to Sign in"</a></p>
        </Page>
    }
}
