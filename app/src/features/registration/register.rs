//! Register: email address and ODS code (or the practice's name) → Next → role and
//! names → Register → "your request is under review".

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{problem_for, Choice, ErrorSummary, InputField, Radios};
use crate::components::layout::{BackLink, Page};
use crate::components::list::organisations_found;
use crate::components::live::Follow;
use crate::error::Field;
use crate::features::registration::api::{
    find_organisations, register_email, registration_options, Register, RegisterStart,
};
use crate::url::enc;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<RegisterStart>::new();
    let q_param = move || query.read().get("q").unwrap_or_default();
    // The address typed before, kept on the server (never in the address bar).
    let kept = Resource::new(|| (), |_| register_email());
    // The no-JS results page: organisations matching ?q=.
    let matches = Resource::new(q_param, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            find_organisations(q).await.map(Some)
        }
    });
    view! {
        <Page title=move || {
            let failed = action.value().get().is_some_and(|r| r.is_err());
            if failed { "Error: Register - Gatehouse" } else { "Register - Gatehouse" }
        } viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let kept = kept.await.ok().flatten().unwrap_or_default();
                        let error = action.value().get().and_then(|r| r.err());
                        let email = error.as_ref().and_then(|e| e.echo(Field::Email)).unwrap_or(kept);
                        let organisation = error.as_ref().and_then(|e| e.echo(Field::Organisation)).unwrap_or_else(q_param);
                        view! {
                            <ErrorSummary error=error.clone()/>
                            <h1 class="nhsuk-heading-l">"Register"</h1>
                            <p class="nhsuk-body">
                                "Register for a Gatehouse account. An account administrator reviews your request, and you receive an email when it has been approved."
                            </p>
                            <ActionForm action=action attr:novalidate="novalidate" attr:id="register-start">
                                <InputField field=Field::Email label="Email address" input_type="email"
                                    autocomplete="email" value=email
                                    problem=problem_for(&error, Field::Email)/>
                                <InputField field=Field::Organisation label="ODS code or organisation name"
                                    hint="If you are unsure of your ODS code, type the name of your GP practice."
                                    autocomplete="off" value=organisation
                                    problem=problem_for(&error, Field::Organisation)/>
                                <button class="nhsuk-button" type="submit">"Next"</button>
                            </ActionForm>
                        }
                    })}
                    </Suspense>
                    // With JavaScript the matches follow what is typed: only the organisation's name
                    // travels, never the email address. Choosing one sends the form above with it.
                    <Follow region="organisation-matches".to_owned() path="/register".to_owned()
                        fields=vec![("organisation".to_owned(), "q".to_owned())]/>
                    <div id="organisation-matches">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let q = q_param();
                            match matches.await {
                                Ok(Some(list)) => view! {
                                    <section id="matches">
                                        <h2 class="nhsuk-heading-m">{format!("Organisations matching \u{2018}{q}\u{2019}")}</h2>
                                        {if list.is_empty() {
                                            view! { <p class="nhsuk-body" data-announce="">"No open organisation matches. Check the spelling, or use the ODS code."</p> }.into_any()
                                        } else {
                                            let shown = domain::features::registration::LOOKUP_LIMIT as usize;
                                            view! {
                                                <p class="nhsuk-body" data-announce="">{organisations_found(list.len(), shown)}" Choose your organisation."</p>
                                                <ul class="nhsuk-list nhsuk-list--border">
                                                    {list.into_iter().take(shown).map(|o| view! {
                                                        <li>
                                                            <button class="gh-link-button" type="submit" form="register-start" name="choose" value=o.code.clone()>
                                                                {format!("{} ({})", o.name, o.code)}
                                                            </button>
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </section>
                                }.into_any(),
                                _ => ().into_any(),
                            }
                        })}
                    </Suspense>
                    </div>
                    <p class="nhsuk-body">"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
                </div>
            </div>
        </Page>
    }
}

#[component]
pub fn RegisterDetailsPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<Register>::new();
    let org = move || query.read().get("org").unwrap_or_default();
    let options = Resource::new(org, registration_options);
    let kept = Resource::new(|| (), |_| register_email());
    view! {
        <Page title=move || {
            let failed = action.value().get().is_some_and(|r| r.is_err());
            if failed { "Error: Your role and name - Register - Gatehouse" } else { "Your role and name - Register - Gatehouse" }
        } viewer=None>
            <BackLink href=format!("/register?q={}", enc(&org()))/>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let email = kept.await.ok().flatten();
                            match options.await {
                                Ok(Some(o)) => view! {
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let email = email.clone();
                                        let o = o.clone();
                                        let roles: Vec<Choice> = o.roles.iter().map(|r| Choice {
                                            value: r.id.to_string(),
                                            label: r.name.clone(),
                                            hint: Some(r.description.clone()),
                                        }).collect();
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">"Your role and name"</h1>
                                            <dl class="nhsuk-summary-list">
                                                {email.clone().map(|email| view! {
                                                    <div class="nhsuk-summary-list__row">
                                                        <dt class="nhsuk-summary-list__key">"Email address"</dt>
                                                        <dd class="nhsuk-summary-list__value" id="email">{email}</dd>
                                                        <dd class="nhsuk-summary-list__actions">
                                                            <a href="/register">
                                                                "Change"<span class="nhsuk-u-visually-hidden">" email address"</span>
                                                            </a>
                                                        </dd>
                                                    </div>
                                                })}
                                                <div class="nhsuk-summary-list__row">
                                                    <dt class="nhsuk-summary-list__key">"Organisation"</dt>
                                                    <dd class="nhsuk-summary-list__value" id="organisation">{format!("{} ({})", o.org_name, o.org_code)}</dd>
                                                    <dd class="nhsuk-summary-list__actions">
                                                        <a href="/register">
                                                            "Change"<span class="nhsuk-u-visually-hidden">" organisation"</span>
                                                        </a>
                                                    </dd>
                                                </div>
                                            </dl>
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                // Asked here only when the first step's address is not kept.
                                                {email.is_none().then(|| view! {
                                                    <InputField field=Field::Email label="Email address" input_type="email"
                                                        autocomplete="email"
                                                        value=error.as_ref().and_then(|e| e.echo(Field::Email)).unwrap_or_default()
                                                        problem=problem_for(&error, Field::Email)/>
                                                })}
                                                <input type="hidden" name="org" value=o.org_code/>
                                                <Radios field=Field::Role legend="Select the role you will undertake" choices=roles
                                                    selected=error.as_ref().and_then(|e| e.echo(Field::Role)).unwrap_or_default()
                                                    problem=problem_for(&error, Field::Role)/>
                                                <InputField field=Field::FirstName label="First name" autocomplete="given-name"
                                                    value=error.as_ref().and_then(|e| e.echo(Field::FirstName)).unwrap_or_default()
                                                    problem=problem_for(&error, Field::FirstName)/>
                                                <InputField field=Field::LastName label="Last name" autocomplete="family-name"
                                                    value=error.as_ref().and_then(|e| e.echo(Field::LastName)).unwrap_or_default()
                                                    problem=problem_for(&error, Field::LastName)/>
                                                <button class="nhsuk-button" type="submit">"Register"</button>
                                            </ActionForm>
                                        }
                                    }}
                                }.into_any(),
                                Ok(None) => view! {
                                    <h1 class="nhsuk-heading-l">"Organisation not found"</h1>
                                    <p class="nhsuk-body">"That organisation cannot take registrations. It may have closed."</p>
                                    <p class="nhsuk-body"><a href="/register">"Choose your organisation again"</a></p>
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
pub fn RegisterDonePage() -> impl IntoView {
    view! {
        <Page title="Your request is under review - Gatehouse" viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <div class="nhsuk-panel">
                        <h1 class="nhsuk-panel__heading">"Your request is under review"</h1>
                        <div class="nhsuk-panel__body">
                            "You will receive an email to the address you registered with once our review is complete."
                        </div>
                    </div>
                    <h2 class="nhsuk-heading-m">"What will happen now?"</h2>
                    <p class="nhsuk-body">
                        "Your account administrator receives a notification of your request, in Gatehouse and by email. They will approve or reject it."
                    </p>
                    <p class="nhsuk-body">
                        "If it is approved, you receive an email with a secure link. Open it to set your password, then sign in with your email address."
                    </p>
                    <p class="nhsuk-body"><a href="/sign-in">"Go to Sign in"</a></p>
                </div>
            </div>
        </Page>
    }
}
