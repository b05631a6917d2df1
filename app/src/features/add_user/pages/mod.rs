//! Add New User: Email Address and Confirm Email Address → Continue → user
//! information → Add Organisation (Search By, tick, Submit) → roles, payment types and clusters
//! per organisation → Submit → "You have successfully added the new user".

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{
    problem_for, AccessEndsOptional, Choice, ErrorSummary, InputField, PageError, Radios,
};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::organisations_found;
use crate::error::Field;
use crate::features::add_user::api::{
    assignment_restrictions, new_user_form, step_url, user_organisations_form, AddNewUser,
    AddUserRoles, NewUserStep, NewUserView, OrgChoice, OrgOffer, RestrictAssignment,
};
use crate::url::enc;

mod new_user;
pub use new_user::*;

/// Add Organisation on an existing user's page: Search By, tick, Submit → the roles
/// the user does not yet hold at each, with payment types and clusters → Submit.
#[component]
pub fn AddOrganisationPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let query = use_query_map();
    let args = move || {
        let user = params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let q = query.read();
        (
            user,
            q.get_all("organisations").unwrap_or_default(),
            q.get("q").unwrap_or_default(),
            q.get("step").unwrap_or_default(),
        )
    };
    let view_of = Resource::new(args, |(u, o, q, s)| user_organisations_form(u, o, q, s));
    let add = ServerAction::<AddUserRoles>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Suspense fallback=|| ()>
                {move || {
                    let v = v.clone();
                    Suspend::new(async move {
                        match view_of.await {
                            Ok(f) => {
                                let title = if f.error.is_some() { "Error: Add Organisation - Gatehouse" } else { "Add Organisation - Gatehouse" };
                                view! { <Page title=title viewer=Some(v)><AddOrganisationBody f=f add=add/></Page> }.into_any()
                            }
                            Err(e) => view! {
                                <Page title="Page not found - Gatehouse" viewer=Some(v)>
                                    <PageError e=e why="This user does not exist, or they have no role in your area." back="/users" back_label="Back to Users"/>
                                </Page>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        }/>
    }
}

#[component]
fn AddOrganisationBody(
    f: crate::features::add_user::api::AddOrganisationView,
    add: ServerAction<AddUserRoles>,
) -> impl IntoView {
    let user_href = format!("/users/{}", f.user);
    let action = format!("/users/{}/organisations", f.user);
    let heading = format!("Add Organisation for {}", f.name);
    let summary = view! {
        <h1 class="nhsuk-heading-l">{heading}</h1>
        <p class="nhsuk-body">{format!("Email: {}", f.email)}</p>
    };
    if f.step != "roles" {
        let error = f.error.clone();
        return view! {
            <ErrorSummary error=error.clone()/>
            {summary}
            <form method="get" action=action novalidate="novalidate">
                <OrgSearch chosen=f.chosen.clone() results=f.results.clone() q=f.q.clone()
                    problem=problem_for(&error, Field::Organisation) search_step="organisations"/>
                <button class="nhsuk-button" type="submit" name="step" value="roles">"Submit"</button>
            </form>
            <p class="nhsuk-body"><a href=user_href>"Back to the user"</a></p>
        }
        .into_any();
    }
    let organisations = f
        .offers
        .iter()
        .map(|o| o.code.clone())
        .collect::<Vec<_>>()
        .join(",");
    let mut back = format!("{action}?step=organisations");
    for o in &f.offers {
        back.push_str("&organisations=");
        back.push_str(&enc(&o.code));
    }
    let held_everywhere = f.offers.iter().all(|o| o.roles.is_empty());
    let max_days = f.max_temporary_days;
    let offers = role_choices(&f.offers, &f.payment_types);
    let held: Vec<String> = f
        .offers
        .iter()
        .filter(|o| o.roles.is_empty())
        .map(|o| format!("{} ({})", o.name, o.code))
        .collect();
    view! {
        {move || view! { <ErrorSummary error=add.value().get().and_then(|r| r.err())/> }}
        {summary}
        <p class="nhsuk-body"><a href=back>"Add Organisation"</a></p>
        {(!held.is_empty()).then(|| view! {
            <div class="nhsuk-inset-text">
                <span class="nhsuk-u-visually-hidden">"Information: "</span>
                <p>{format!("The user already holds, or is waiting for, every role you may give at {}.", held.join(", "))}</p>
            </div>
        })}
        {(!held_everywhere).then(|| view! {
            <ActionForm action=add>
                <input type="hidden" name="user" value=f.user.to_string()/>
                <input type="hidden" name="organisations" value=organisations/>
                <div id="role">
                    <p class="nhsuk-body">"Select the roles to give at each organisation. Roles marked * can be limited to some payment types; leave them all unticked for all payment types. The roles are active at once, and the user is emailed."</p>
                    {offers}
                </div>
                {move || view! { <AccessEndsOptional max_days=max_days error=add.value().get().and_then(|r| r.err())/> }}
                <button class="nhsuk-button" type="submit">"Submit"</button>
            </ActionForm>
        })}
        <p class="nhsuk-body"><a href=user_href>"Back to the user"</a></p>
    }
    .into_any()
}

/// Add Organisation: the organisations added so far, Search By, and a tick
/// box for each open organisation found in the administrator's scope. Lives inside a GET form to
/// a page, or (`indexed`) a form posted to a server function, whose encoding refuses repeated
/// names: there each box is `organisations[i]`.
#[component]
fn OrgSearch(
    chosen: Vec<OrgChoice>,
    results: Vec<OrgChoice>,
    q: String,
    problem: Option<crate::error::Problem>,
    search_step: &'static str,
    #[prop(optional)] indexed: bool,
) -> impl IntoView {
    let name = move |i: usize| {
        if indexed {
            format!("organisations[{i}]")
        } else {
            "organisations".to_owned()
        }
    };
    let first_result = chosen.len();
    let none_found = results.is_empty() && !q.is_empty();
    let shown = domain::features::add_user::ORGANISATIONS_SHOWN;
    let cut = (results.len() > shown).then(|| organisations_found(results.len(), shown));
    view! {
        {chosen.iter().enumerate().map(|(i, o)| view! { <input type="hidden" name=name(i) value=o.code.clone()/> }).collect_view()}
        <fieldset class=if problem.is_some() { "nhsuk-fieldset nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-fieldset nhsuk-form-group" } id="organisation">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">"Add Organisation"</legend>
            {problem.map(|p| view! {
                <span class="nhsuk-error-message" id="organisation-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}</span>
            })}
            {(!chosen.is_empty()).then(|| view! {
                <p class="nhsuk-body">"Organisations added:"</p>
                <ul class="nhsuk-list nhsuk-list--bullet gh-chosen">
                    {chosen.iter().map(|o| view! { <li>{format!("{} ({})", o.name, o.code)}</li> }).collect_view()}
                </ul>
            })}
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="q">"Search By Organisation ID or name"</label>
                <input class="nhsuk-input nhsuk-u-width-two-thirds" id="q" name="q" type="search" autocomplete="off" value=q/>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="step" value=search_step>"Search"</button>
            {(!results.is_empty()).then(|| view! {
                {cut.map(|m| view! { <p class="nhsuk-body">{m}</p> })}
                <div class="nhsuk-checkboxes">
                    {results.iter().take(shown).enumerate().map(|(i, o)| {
                        let id = format!("add-{}", o.code);
                        view! {
                            <div class="nhsuk-checkboxes__item">
                                <input class="nhsuk-checkboxes__input" id=id.clone() name=name(first_result + i) type="checkbox" value=o.code.clone()/>
                                <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{format!("{} ({}), {}", o.name, o.code, o.parent)}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            })}
            {none_found.then(|| view! { <p class="nhsuk-body">"No open organisation you administer matches."</p> })}
        </fieldset>
    }
}

/// Each organisation's roles as tick boxes: starred roles expand to their
/// payment types, and the organisation's clusters follow. Every box has a name of its own
/// (grants[0], grants[1], ...): forms send repeated names, which the server functions' encoding
/// refuses.
fn role_choices(offers: &[OrgOffer], payment_types: &[(String, String)]) -> impl IntoView {
    let mut n = 0usize;
    let mut next = move || {
        n += 1;
        n
    };
    offers
        .iter()
        .map(|o| {
            let roles = o
                .roles
                .iter()
                .map(|r| {
                    let i = next();
                    let id = format!("grant-{i}");
                    let types = r.starred.then(|| {
                        payment_types
                            .iter()
                            .map(|(code, name)| {
                                let j = next();
                                let pid = format!("payment-{j}");
                                view! {
                                    <div class="nhsuk-checkboxes__item">
                                        <input class="nhsuk-checkboxes__input" id=pid.clone() name=format!("payments[{j}]") type="checkbox" value=format!("{}:{}:{}", o.code, r.id, code)/>
                                        <label class="nhsuk-label nhsuk-checkboxes__label" for=pid>{format!("{code}: {name}")}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    });
                    view! {
                        <div class="nhsuk-checkboxes__item">
                            <input class="nhsuk-checkboxes__input" id=id.clone() name=format!("grants[{i}]") type="checkbox" value=format!("{}:{}", o.code, r.id)
                                aria-describedby=format!("{id}-hint")/>
                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id.clone()>{r.name.clone()}</label>
                            <div class="nhsuk-hint nhsuk-checkboxes__hint" id=format!("{id}-hint")>{r.description.clone()}</div>
                        </div>
                        {types.map(|t| view! {
                            <div class="nhsuk-checkboxes__conditional gh-payment-types">
                                <p class="nhsuk-body-s">{format!("Payment types for {} (none ticked = all payment types)", r.name)}</p>
                                <div class="nhsuk-checkboxes nhsuk-checkboxes--small">{t}</div>
                            </div>
                        })}
                    }
                })
                .collect_view();
            let clusters = (!o.clusters.is_empty()).then(|| {
                let boxes = o
                    .clusters
                    .iter()
                    .map(|(short, name)| {
                        let k = next();
                        let cid = format!("cluster-{k}");
                        view! {
                            <div class="nhsuk-checkboxes__item">
                                <input class="nhsuk-checkboxes__input" id=cid.clone() name=format!("clusters[{k}]") type="checkbox" value=format!("{}:{}", o.code, short)/>
                                <label class="nhsuk-label nhsuk-checkboxes__label" for=cid>{format!("{name} ({short})")}</label>
                            </div>
                        }
                    })
                    .collect_view();
                view! {
                    <h3 class="nhsuk-heading-s">"Service Provider Clusters"</h3>
                    <p class="nhsuk-hint">"Tick a cluster to limit the user's access within this organisation to its practices."</p>
                    <div class="nhsuk-checkboxes">{boxes}</div>
                }
            });
            view! {
                <fieldset class="nhsuk-fieldset nhsuk-form-group gh-org-roles">
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">{format!("{} ({})", o.name, o.code)}</legend>
                    <div class="nhsuk-checkboxes">{roles}</div>
                    {clusters}
                </fieldset>
            }
        })
        .collect_view()
}

/// A user's active role: the role itself, its payment types and clusters, changed by an
/// administrator.
#[component]
pub fn RestrictionsPage() -> impl IntoView {
    let ids = crate::components::list::id_and_assignment_params();
    let current = Resource::new(ids, |(u, a)| assignment_restrictions(u, a));
    let save = ServerAction::<RestrictAssignment>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Payment types and clusters - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match current.await {
                            Ok(r) => {
                                let back = format!("/users/{}", r.user);
                                let mut n = 0usize;
                                let mut next = move || { n += 1; n };
                                let types = r.starred.then(|| r.payment_types.iter().map(|(code, name, ticked)| {
                                    let i = next();
                                    let id = format!("payment-{i}");
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name=format!("payments[{i}]") type="checkbox" value=code.clone() checked=*ticked/>
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{format!("{code}: {name}")}</label>
                                        </div>
                                    }
                                }).collect_view());
                                let clusters = r.clusters.iter().map(|(short, name, ticked)| {
                                    let i = next();
                                    let id = format!("cluster-{i}");
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name=format!("clusters[{i}]") type="checkbox" value=short.clone() checked=*ticked/>
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{format!("{name} ({short})")}</label>
                                        </div>
                                    }
                                }).collect_view();
                                let role_choices: Vec<Choice> = r.roles.iter().map(|(id, name, description)| Choice {
                                    value: id.to_string(),
                                    label: name.clone(),
                                    hint: (!description.is_empty()).then(|| description.clone()),
                                }).collect();
                                let (user, assignment, current) = (r.user, r.assignment, r.role.to_string());
                                let has_clusters = !r.clusters.is_empty();
                                view! {
                                    {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
                                    <h1 class="nhsuk-heading-l">{format!("{} at {} ({})", r.role_name, r.org_name, r.org_code)}</h1>
                                    <ActionForm action=save attr:novalidate="novalidate">
                                        <input type="hidden" name="user" value=user.to_string()/>
                                        <input type="hidden" name="assignment" value=assignment.to_string()/>
                                        {move || {
                                            let error = save.value().get().and_then(|r| r.err());
                                            let selected = error.as_ref().and_then(|e| e.echo(Field::Role)).unwrap_or_else(|| current.clone());
                                            view! {
                                                <Radios field=Field::Role legend="Role" choices=role_choices.clone()
                                                    selected=selected problem=problem_for(&error, Field::Role)/>
                                            }
                                        }}
                                        {match types {
                                            Some(t) => view! {
                                                <fieldset class="nhsuk-fieldset nhsuk-form-group">
                                                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">"Payment types"</legend>
                                                    <div class="nhsuk-hint">"Only roles marked * are limited by payment type. None ticked = all payment types."</div>
                                                    <div class="nhsuk-checkboxes">{t}</div>
                                                </fieldset>
                                            }.into_any(),
                                            None => view! { <p class="nhsuk-body">"These roles are not limited by payment type."</p> }.into_any(),
                                        }}
                                        <fieldset class="nhsuk-fieldset nhsuk-form-group">
                                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">"Service Provider Clusters"</legend>
                                            <div class="nhsuk-hint">"None ticked = every organisation the role reaches."</div>
                                            {if has_clusters {
                                                view! { <div class="nhsuk-checkboxes">{clusters}</div> }.into_any()
                                            } else {
                                                view! { <p class="nhsuk-body">"This organisation has no clusters."</p> }.into_any()
                                            }}
                                        </fieldset>
                                        <button class="nhsuk-button" type="submit">"Save"</button>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href=back>"Back to the user"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This role does not exist, is not active, or is outside your area." back="/users" back_label="Back to Users"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
