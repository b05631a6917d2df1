use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{problem_for, ErrorSummary, InputField};
use crate::components::layout::Page;
use crate::components::list::SuccessNotice;
use crate::error::{Field, Problem};
use crate::features::sign_in::api::SignIn;
use crate::support::ContactServiceDesk;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let activated = move || query.read().get("activated").is_some();
    let reset = move || query.read().get("reset").is_some();
    let inactive = move || query.read().get("inactive").is_some();
    let locked = move || query.read().get("locked").is_some();
    // The page to return to; the server keeps it only when it is a page of this service.
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Page title=move || {
            let failed = action.value().get().is_some_and(|r| r.is_err());
            if failed { "Error: Sign in - Gatehouse" } else { "Sign in - Gatehouse" }
        } viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    {move || {
                        let error = action.value().get().and_then(|r| r.err());
                        let email = error.as_ref().and_then(|e| e.echo(Field::Email));
                        let disabled = error.as_ref().is_some_and(|e| {
                            e.problems().iter().any(|p| matches!(p, Problem::AccountDisabled(_)))
                        });
                        view! {
                            <ErrorSummary error=error.clone()/>
                            {disabled.then(|| view! { <ContactServiceDesk/> })}
                            {activated().then(|| view! {
                                <SuccessNotice message="Your password has been set. Sign in with your email address and new password."/>
                            })}
                            {reset().then(|| view! {
                                <SuccessNotice message="Your password has been changed. Sign in with your email address and new password."/>
                            })}
                            {locked().then(|| view! {
                                <div class="nhsuk-error-summary" aria-labelledby="locked-title" role="alert" tabindex="-1">
                                    <h2 class="nhsuk-error-summary__title" id="locked-title">"Your account is locked"</h2>
                                    <div class="nhsuk-error-summary__body">
                                        <p>"A wrong code was entered too many times, so your account has been locked and you have been signed out. Contact the Service Desk to unlock it."</p>
                                    </div>
                                </div>
                                <ContactServiceDesk/>
                            })}
                            {inactive().then(|| view! {
                                <div class="nhsuk-inset-text gh-signed-out">
                                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                    <p>"You were signed out because you were inactive. Sign in again to carry on where you were."</p>
                                </div>
                            })}
                            <h1 class="nhsuk-heading-l">"Sign in"</h1>
                            <p class="nhsuk-body">"Your user name is your email address."</p>
                            <ActionForm action=action attr:novalidate="novalidate">
                                <InputField field=Field::Email label="Email address" input_type="email"
                                    autocomplete="username" value=email.unwrap_or_default()
                                    problem=problem_for(&error, Field::Email)/>
                                <InputField field=Field::Password label="Password" input_type="password"
                                    autocomplete="current-password" problem=problem_for(&error, Field::Password)/>
                                {(!next().is_empty()).then(|| view! {
                                    <input type="hidden" name="next" value=next()/>
                                })}
                                <button class="nhsuk-button" type="submit">"Sign in"</button>
                            </ActionForm>
                            <ul class="nhsuk-list">
                                <li><a href="/forgotten-password">"Forgotten Password"</a></li>
                                <li><a href="/forgotten-user-name">"Forgotten User Name"</a></li>
                            </ul>
                            <h2 class="nhsuk-heading-m">"New to Gatehouse?"</h2>
                            <p class="nhsuk-body">"Register for an account. Your account administrator reviews your request."</p>
                            <a class="nhsuk-button nhsuk-button--secondary" href="/register">"Register"</a>
                        }
                    }}
                </div>
            </div>
        </Page>
    }
}
