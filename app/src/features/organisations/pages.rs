//! Organisations (`manage_organisations`): the tree below the acting organisation, searchable by
//! code or name; create a descendant; view and update one (name, type, parent, dates).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{problem_for, Choice, DateInput, ErrorSummary, InputField, Radios};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{count_of, Cell, Paging, SearchBox, SuccessNotice};
use crate::error::{AppError, Field};
use crate::features::organisations::api::{
    get_organisation, kind_label, list_organisations, CreateOrganisation, UpdateOrganisation,
};
use crate::url::enc;

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = crate::components::list::page_param();
    let list = Resource::new(
        move || (search(), page()),
        |(q, p)| list_organisations(q, p),
    );
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Organisations - Gatehouse" viewer=Some(v)>
                <h1 class="nhsuk-heading-l">"Organisations"</h1>
                <p class="nhsuk-body"><a class="nhsuk-button nhsuk-button--secondary" href="/organisations/new">"Create organisation"</a></p>
                <SearchBox action="/organisations" value=search()/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let q = search();
                        match list.await {
                            Ok(l) if l.rows.is_empty() => view! { <p class="nhsuk-body">"No organisations match."</p> }.into_any(),
                            Ok(l) => view! {
                                <table class="nhsuk-table-responsive">
                                    <caption class="nhsuk-table__caption">{count_of(l.total, "organisation", "organisations")}</caption>
                                    <thead class="nhsuk-table__head">
                                        <tr>
                                            {["ODS code", "Name", "Kind", "Type", "Parent", "Start date", "End date", "Contract type"].into_iter()
                                                .map(|h| view! { <th scope="col" class="nhsuk-table__header">{h}</th> }).collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody class="nhsuk-table__body">
                                        {l.rows.into_iter().map(|r| {
                                            view! {
                                                <tr class="nhsuk-table__row">
                                                    <td class="nhsuk-table__cell">
                                                        <span class="nhsuk-table-responsive__heading" aria-hidden="true">"ODS code "</span>
                                                        <a href=format!("/organisations/{}", enc(&r.code))>{r.code.clone()}</a>
                                                    </td>
                                                    <Cell heading="Name" value=r.name/>
                                                    <Cell heading="Kind" value={kind_label(&r.kind).to_owned()}/>
                                                    <Cell heading="Type" value=r.type_label/>
                                                    <Cell heading="Parent" value=r.parent/>
                                                    <Cell heading="Start date" value=r.start_date date=true/>
                                                    <Cell heading="End date" value=r.end_date.unwrap_or_default() date=true/>
                                                    <Cell heading="Contract type" value=r.contract.unwrap_or_default()/>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Paging label="Pages of organisations" summary=format!("Page {} of {}", l.page, l.pages)
                                    previous=(l.page > 1).then(|| format!("/organisations?q={}&page={}", enc(&q), l.page - 1))
                                    next=(l.page < l.pages).then(|| format!("/organisations?q={}&page={}", enc(&q), l.page + 1))/>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
pub fn CreateOrganisationPage() -> impl IntoView {
    let query = use_query_map();
    let parent = move || query.read().get("parent").unwrap_or_default();
    let action = ServerAction::<CreateOrganisation>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || {
                let failed = action.value().get().is_some_and(|r| r.is_err());
                if failed { "Error: Create organisation - Gatehouse" } else { "Create organisation - Gatehouse" }
            } viewer=Some(v)>
                {move || {
                    let error = action.value().get().and_then(|r| r.err());
                    let echo = |f: Field| error.as_ref().and_then(|e| e.echo(f)).unwrap_or_default();
                    let (code_v, name_v, kind_v, type_v, parent_v, start_v, contract_v) = (
                        echo(Field::Code),
                        echo(Field::Name),
                        echo(Field::Kind),
                        echo(Field::TypeLabel),
                        { let e = echo(Field::Parent); if e.is_empty() { parent() } else { e } },
                        echo(Field::StartDate),
                        echo(Field::ContractType),
                    );
                    view! {
                        <ErrorSummary error=error.clone()/>
                        <h1 class="nhsuk-heading-l">"Create organisation"</h1>
                        <ActionForm action=action attr:novalidate="novalidate">
                            <InputField field=Field::Code label="ODS code" autocomplete="off" value=code_v problem=problem_for(&error, Field::Code)/>
                            <InputField field=Field::Name label="Name" autocomplete="off" value=name_v problem=problem_for(&error, Field::Name)/>
                            <Radios field=Field::Kind legend="Kind of organisation"
                                choices=vec![
                                    Choice { value: "commissioning".into(), label: "Commissioning organisation".into(), hint: None },
                                    Choice { value: "provider".into(), label: "Service provider (GP practice)".into(), hint: None },
                                ]
                                selected=kind_v problem=problem_for(&error, Field::Kind)/>
                            <InputField field=Field::TypeLabel label="Type" hint="For example GP Practice, or Sub-ICB Location" autocomplete="off"
                                value=type_v problem=problem_for(&error, Field::TypeLabel)/>
                            <InputField field=Field::Parent label="Parent organisation's ODS code" hint="One of the organisations you administer" autocomplete="off"
                                value=parent_v
                                problem=problem_for(&error, Field::Parent)/>
                            <DateInput field=Field::StartDate legend="Start date" hint="For example, 1 4 2024"
                                value=start_v problem=problem_for(&error, Field::StartDate)/>
                            <InputField field=Field::ContractType label="Contract type (GP practices)" hint="GMS, PMS or APMS; leave empty if not known" autocomplete="off"
                                value=contract_v problem=problem_for(&error, Field::ContractType)/>
                            <button class="nhsuk-button" type="submit">"Create organisation"</button>
                        </ActionForm>
                        <p class="nhsuk-body"><a href="/organisations">"Back to Organisations"</a></p>
                    }
                }}
            </Page>
        }/>
    }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let saved = move || query.read().get("saved").unwrap_or_default();
    let action = ServerAction::<UpdateOrganisation>::new();
    let detail = Resource::new(
        move || (code(), action.version().get()),
        |(c, _)| get_organisation(c),
    );
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Organisation - Gatehouse" viewer=Some(v)>
                {move || match saved().as_str() {
                    "created" => Some("The organisation has been created."),
                    "updated" => Some("The organisation has been updated."),
                    _ => None,
                }.map(|m| view! {
                    <SuccessNotice message={m}/>
                })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(o) => view! {
                                {move || {
                                    let o = o.clone();
                                    let error = action.value().get().and_then(|r| r.err());
                                    let echo = |f: Field, current: &str| error.as_ref().and_then(|e| e.echo(f)).unwrap_or_else(|| current.to_owned());
                                    let code_v = o.code.clone();
                                    let below = format!("/organisations/new?parent={}", enc(&o.code));
                                    let (name_v, type_v, parent_v, start_v, end_v) = (
                                        echo(Field::Name, &o.name),
                                        echo(Field::TypeLabel, &o.type_label),
                                        echo(Field::Parent, &o.parent_code),
                                        echo(Field::StartDate, &o.start_date),
                                        echo(Field::EndDate, o.end_date.as_deref().unwrap_or_default()),
                                    );
                                    view! {
                                        <ErrorSummary error=error.clone()/>
                                        <Title text=format!("{}{} ({}) - Gatehouse", if error.is_some() { "Error: " } else { "" }, o.name, o.code)/>
                                        <h1 class="nhsuk-heading-l">{format!("{} ({})", o.name, o.code)}</h1>
                                        <p class="nhsuk-body">{kind_label(&o.kind)}</p>
                                        {if o.own {
                                            view! { <p class="nhsuk-body">"This is your own organisation: you administer the organisations below it."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=action attr:novalidate="novalidate">
                                                    <input type="hidden" name="code" value=code_v/>
                                                    <InputField field=Field::Name label="Name" autocomplete="off" value=name_v problem=problem_for(&error, Field::Name)/>
                                                    <InputField field=Field::TypeLabel label="Type" autocomplete="off" value=type_v problem=problem_for(&error, Field::TypeLabel)/>
                                                    <InputField field=Field::Parent label="Parent organisation's ODS code" hint="Changing it moves the organisation and everything below it" autocomplete="off"
                                                        value=parent_v problem=problem_for(&error, Field::Parent)/>
                                                    <DateInput field=Field::StartDate legend="Start date" hint="For example, 1 4 2024" value=start_v problem=problem_for(&error, Field::StartDate)/>
                                                    <DateInput field=Field::EndDate legend="End date" hint="Set it when the organisation closes; it then leaves the pickers but keeps its history"
                                                        value=end_v problem=problem_for(&error, Field::EndDate)/>
                                                    <button class="nhsuk-button" type="submit">"Save changes"</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                        <p class="nhsuk-body"><a href=below>"Create an organisation below this one"</a></p>
                                        <p class="nhsuk-body"><a href="/organisations">"Back to Organisations"</a></p>
                                    }
                                }}
                            }.into_any(),
                            Err(AppError::NotFound) => view! {
                                <h1 class="nhsuk-heading-l">"Page not found"</h1>
                                <p class="nhsuk-body">"This organisation does not exist, or it is not one you administer."</p>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
