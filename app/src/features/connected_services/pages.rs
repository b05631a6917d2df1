//! Service Desk → Connected services: the list, Add, a service's page (its `client_id`, its
//! secret shown once, switch off and on, a new secret) and Change.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{
    connected_service, connected_services, ConnectedServiceAdd, ConnectedServiceChange,
    ConnectedServiceEnabled, ConnectedServiceNewSecret, ServiceView,
};
use crate::components::form::{
    form_title, problem_for, Choice, ErrorSummary, InputField, PageError, Radios, TextArea,
};

/// What "Page not found" means on these pages.
const NOT_YOURS: &str = "Connected services are the Service Desk's, or the service does not exist.";
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{id_param, SuccessNotice};
use crate::error::{AppError, Field};

fn done_message(done: &str) -> Option<&'static str> {
    match done {
        "added" => Some("The service is connected."),
        "changed" => Some("The service's details are saved."),
        "disabled" => Some("The service is switched off. Everyone signed in to it through Gatehouse has been signed out."),
        "enabled" => Some("The service is switched on again."),
        "secret" => Some("The service has a new secret. The old one no longer works."),
        _ => None,
    }
}

#[component]
pub fn ConnectedServicesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| connected_services());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Connected services - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(l) => view! {
                                <h1 class="nhsuk-heading-l">"Connected services"</h1>
                                <p class="nhsuk-body">"Services that people sign in to through Gatehouse (OpenID Connect). Each learns who the person is and the one role they act as, and loses it as soon as that role, account or sign-in ends."</p>
                                <a class="nhsuk-button" href="/connected-services/add">"Add a connected service"</a>
                                {if l.is_empty() {
                                    view! { <p class="nhsuk-body">"No services are connected yet."</p> }.into_any()
                                } else {
                                    view! { <ServiceTable services=l/> }.into_any()
                                }}
                            }.into_any(),
                            Err(e) => view! { <PageError e=e why=NOT_YOURS back="/" back_label="Go to Home"/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
fn ServiceTable(services: Vec<ServiceView>) -> impl IntoView {
    view! {
        <table class="nhsuk-table-responsive">
            <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Connected services"</caption>
            <thead role="rowgroup" class="nhsuk-table__head">
                <tr role="row">
                    <th role="columnheader" scope="col">"Service"</th>
                    <th role="columnheader" scope="col">"Client ID"</th>
                    <th role="columnheader" scope="col">"Type"</th>
                    <th role="columnheader" scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">
                {services.into_iter().map(|s| view! {
                    <tr role="row" class="nhsuk-table__row">
                        <td role="cell" class="nhsuk-table__cell">
                            <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Service "</span>
                            <a href=format!("/connected-services/{}", s.id)>{s.name.clone()}</a>
                        </td>
                        <td role="cell" class="nhsuk-table__cell">
                            <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Client ID "</span>
                            <code>{s.client_id.clone()}</code>
                        </td>
                        <td role="cell" class="nhsuk-table__cell">
                            <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Type "</span>
                            {if s.confidential { "Confidential" } else { "Public" }}
                        </td>
                        <td role="cell" class="nhsuk-table__cell">
                            <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Status "</span>
                            {if s.enabled { "On" } else { "Switched off" }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The fields Add and Change share, filled from `service` or from what was typed.
#[component]
fn ServiceFields(error: Option<AppError>, service: Option<ServiceView>) -> impl IntoView {
    let typed = |f: Field, saved: Option<String>| error.as_ref().and_then(|e| e.echo(f)).or(saved);
    let s = service.clone();
    view! {
        <InputField field=Field::Name label="Service name" autocomplete="off"
            value=typed(Field::Name, s.as_ref().map(|s| s.name.clone())).unwrap_or_default()
            problem=problem_for(&error, Field::Name)/>
        <TextArea field=Field::RedirectUris label="Addresses to send people back to after they sign in"
            hint="One per line, each exactly as the service sends it (https://, or http://localhost for a service being developed)."
            value=typed(Field::RedirectUris, s.as_ref().map(|s| s.redirect_uris.join("\n"))).unwrap_or_default()
            problem=problem_for(&error, Field::RedirectUris)/>
        <TextArea field=Field::PostLogoutUris label="Addresses to send people back to after they sign out (optional)"
            hint="One per line."
            value=typed(Field::PostLogoutUris, s.as_ref().map(|s| s.post_logout_redirect_uris.join("\n"))).unwrap_or_default()
            problem=problem_for(&error, Field::PostLogoutUris)/>
        <InputField field=Field::BackchannelUri label="Back-channel logout address (optional)" autocomplete="off"
            hint="Gatehouse posts a logout token here when a sign-in to the service ends: signed out, role revoked, account disabled."
            value=typed(Field::BackchannelUri, s.as_ref().and_then(|s| s.backchannel_logout_uri.clone())).unwrap_or_default()
            problem=problem_for(&error, Field::BackchannelUri)/>
    }
}

#[component]
pub fn AddConnectedServicePage() -> impl IntoView {
    let action = ServerAction::<ConnectedServiceAdd>::new();
    // Only the Service Desk has the form; anyone else has "Page not found".
    let allowed = Resource::new(|| (), |_| connected_services());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Add a connected service") viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                        if let Err(e) = allowed.await {
                            return view! { <PageError e=e why=NOT_YOURS back="/" back_label="Go to Home"/> }.into_any();
                        }
                        view! {
                        {move || {
                            let error = action.value().get().and_then(|r| r.err());
                            let kind = error.as_ref().and_then(|e| e.echo(Field::Kind)).unwrap_or_else(|| "confidential".into());
                            view! {
                                <ErrorSummary error=error.clone()/>
                                <h1 class="nhsuk-heading-l">"Add a connected service"</h1>
                                <ActionForm action=action attr:novalidate="novalidate">
                                    <ServiceFields error=error.clone() service=None/>
                                    <Radios field=Field::Kind legend="How does the service prove who it is?" selected=kind
                                        choices=vec![
                                            Choice { value: "confidential".into(), label: "With a secret (a service that runs on a server)".into(), hint: Some("Gatehouse shows the secret once.".into()) },
                                            Choice { value: "public".into(), label: "Without a secret (an app in the browser or on a phone)".into(), hint: Some("Each sign-in is proved with PKCE alone.".into()) },
                                        ]
                                        problem=problem_for(&error, Field::Kind)/>
                                    <button class="nhsuk-button" type="submit">"Add service"</button>
                                </ActionForm>
                                <p class="nhsuk-body"><a href="/connected-services">"Cancel"</a></p>
                            }
                        }}
                        }.into_any()
                        })}
                        </Suspense>
                    </div>
                </div>
            </Page>
        }/>
    }
}

#[component]
pub fn ConnectedServicePage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let done = move || query.read().get("done").unwrap_or_default();
    let page = Resource::new(id, connected_service);
    let switch = ServerAction::<ConnectedServiceEnabled>::new();
    let secret = ServerAction::<ConnectedServiceNewSecret>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Connected service - Gatehouse" viewer=Some(v)>
                {move || done_message(&done()).map(|m| view! { <SuccessNotice message=m/> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(p) => {
                                let s = p.service.clone();
                                let row = |key: &'static str, value: String| view! {
                                    <div class="nhsuk-summary-list__row">
                                        <dt class="nhsuk-summary-list__key">{key}</dt>
                                        <dd class="nhsuk-summary-list__value">{value}</dd>
                                    </div>
                                };
                                let list = |l: &[String]| if l.is_empty() { "None".to_owned() } else { l.join(", ") };
                                view! {
                                    <h1 class="nhsuk-heading-l">{s.name.clone()}</h1>
                                    {p.secret.clone().map(|secret| view! {
                                        <div class="nhsuk-inset-text">
                                            <h2 class="nhsuk-heading-s">"The service's secret"</h2>
                                            <p class="nhsuk-body">"Give it to the service's operators now, in a safe way. It will not be shown again: only a hash of it is kept."</p>
                                            <p class="nhsuk-body"><code class="gh-secret">{secret}</code></p>
                                        </div>
                                    })}
                                    <dl class="nhsuk-summary-list">
                                        {row("Client ID", s.client_id.clone())}
                                        {row("Type", if s.confidential { "Confidential (with a secret)".into() } else { "Public (PKCE only)".into() })}
                                        {row("Status", if s.enabled { "On".into() } else { "Switched off".into() })}
                                        {row("Sign-in addresses", list(&s.redirect_uris))}
                                        {row("Sign-out addresses", list(&s.post_logout_redirect_uris))}
                                        {row("Back-channel logout", s.backchannel_logout_uri.clone().unwrap_or_else(|| "None".into()))}
                                        {row("Discovery", p.discovery_url.clone())}
                                    </dl>
                                    <p class="nhsuk-body"><a href=format!("/connected-services/{}/change", s.id)>"Change the service's details"</a></p>
                                    <ActionForm action=switch>
                                        <input type="hidden" name="id" value=s.id.to_string()/>
                                        <input type="hidden" name="enabled" value=if s.enabled { "false" } else { "true" }/>
                                        <button class=if s.enabled { "nhsuk-button nhsuk-button--warning" } else { "nhsuk-button nhsuk-button--secondary" } type="submit">
                                            {if s.enabled { "Switch the service off" } else { "Switch the service on" }}
                                        </button>
                                    </ActionForm>
                                    {s.confidential.then(|| view! {
                                        <ActionForm action=secret>
                                            <input type="hidden" name="id" value=s.id.to_string()/>
                                            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Make a new secret"</button>
                                        </ActionForm>
                                    })}
                                    <p class="nhsuk-body"><a href="/connected-services">"All connected services"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <PageError e=e why=NOT_YOURS back="/" back_label="Go to Home"/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
pub fn ChangeConnectedServicePage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(id, connected_service);
    let action = ServerAction::<ConnectedServiceChange>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Change a connected service") viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match page.await {
                                    Ok(p) => view! {
                                        {move || {
                                            let p = p.clone();
                                            let error = action.value().get().and_then(|r| r.err());
                                            view! {
                                                <ErrorSummary error=error.clone()/>
                                                <h1 class="nhsuk-heading-l">"Change a connected service"</h1>
                                                <ActionForm action=action attr:novalidate="novalidate">
                                                    <input type="hidden" name="id" value=id().to_string()/>
                                                    <ServiceFields error=error.clone() service=Some(p.service.clone())/>
                                                    <button class="nhsuk-button" type="submit">"Save"</button>
                                                </ActionForm>
                                                <p class="nhsuk-body"><a href=format!("/connected-services/{}", id())>"Cancel"</a></p>
                                            }
                                        }}
                                    }.into_any(),
                                    Err(e) => view! { <PageError e=e why=NOT_YOURS back="/" back_label="Go to Home"/> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </div>
                </div>
            </Page>
        }/>
    }
}
