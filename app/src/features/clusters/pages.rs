//! Service Provider Clusters: the list → Add New Cluster → Name, Description and the
//! provider table with Search by and Select All → Continue → "Are you sure…?" Yes / No → the
//! confirmation with its two links. The form is a GET form to itself, so searching, paging and
//! Select All carry every choice in the URL, with or without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{problem_for, ErrorSummary, InputField, PageError, TextArea};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::{count_of, Cell, SearchBox, SuccessNotice};
use crate::components::live::TickAll;
use crate::error::Field;
use crate::features::clusters::api::{
    cluster_form, get_cluster, list_clusters, ClusterFormView, ProviderChoice, RetireCluster,
    SaveCluster,
};
use crate::url::enc;

#[component]
pub fn ClustersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let list = Resource::new(search, list_clusters);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Service Provider Clusters - Gatehouse" viewer=Some(v)>
                <h1 class="nhsuk-heading-l">"Service Provider Clusters"</h1>
                <p class="nhsuk-body">"A user assigned to a cluster may only reach the organisations in it, and their descendants."</p>
                <SearchBox action="/clusters" value=search()/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(rows) if rows.is_empty() => view! { <p class="nhsuk-body" role="status">"No clusters yet."</p> }.into_any(),
                            Ok(rows) => view! {
                                <table class="nhsuk-table-responsive">
                                    <caption class="nhsuk-table__caption" role="status">{count_of(rows.len() as i64, "cluster", "clusters")}</caption>
                                    <thead class="nhsuk-table__head">
                                        <tr>
                                            <th scope="col" class="nhsuk-table__header">"Short Name"</th>
                                            <th scope="col" class="nhsuk-table__header">"Name"</th>
                                            <th scope="col" class="nhsuk-table__header">"Description"</th>
                                            <th scope="col" class="nhsuk-table__header">"Number of Organisations"</th>
                                            <th scope="col" class="nhsuk-table__header">"Created Date"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="nhsuk-table__body">
                                        {rows.into_iter().map(|r| {
                                            let name = if r.retired { format!("{} (retired)", r.name) } else { r.name.clone() };
                                            view! {
                                                <tr class="nhsuk-table__row">
                                                    <td class="nhsuk-table__cell">
                                                        <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Short Name "</span>
                                                        <a href=format!("/clusters/{}", enc(&r.short_name))>{r.short_name.clone()}</a>
                                                    </td>
                                                    <Cell heading="Name" value=name/>
                                                    <Cell heading="Description" value=r.description long=true/>
                                                    <Cell heading="Number of Organisations" value=r.members.to_string()/>
                                                    <Cell heading="Created Date" value=r.created date=true/>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
                <a class="nhsuk-button" href="/clusters/new">"Add New Cluster"</a>
            </Page>
        }/>
    }
}

fn form_href(base: &str, f: &ClusterFormView, extra: &str) -> String {
    let mut href = format!(
        "{base}?started=1&short_name={}&name={}&description={}&q={}",
        enc(&f.short_name),
        enc(&f.name),
        enc(&f.description),
        enc(&f.q)
    );
    for m in &f.selected {
        href.push_str("&members=");
        href.push_str(&enc(m));
    }
    href.push_str(extra);
    href
}

/// The job aid's columns. Choosing practices on a phone (`compact`), each row is its box alone,
/// labelled with the practice's name and code: stacked, a row was eight lines tall, and a page
/// of 25 made the form 12,000 px long at 320 px. The other columns are on the practice's page.
fn provider_cells(p: &ProviderChoice, compact: bool) -> impl IntoView {
    view! {
        <Cell heading="Organisation Name" value=p.name.clone() wide_only=compact/>
        <Cell heading="Organisation Type" value=p.type_label.clone() wide_only=compact/>
        <Cell heading="Parent Organisation" value=p.parent.clone() wide_only=compact/>
        <Cell heading="Start Date" value=p.start_date.clone() date=true wide_only=compact/>
        <Cell heading="End Date" value=p.end_date.clone() date=true wide_only=compact/>
        <Cell heading="Contract Type" value=p.contract.clone() wide_only=compact/>
    }
}

fn provider_headings() -> impl IntoView {
    view! {
        <th scope="col" class="nhsuk-table__header">"Organisation Name"</th>
        <th scope="col" class="nhsuk-table__header">"Organisation Type"</th>
        <th scope="col" class="nhsuk-table__header">"Parent Organisation"</th>
        <th scope="col" class="nhsuk-table__header">"Start Date"</th>
        <th scope="col" class="nhsuk-table__header">"End Date"</th>
        <th scope="col" class="nhsuk-table__header">"Contract Type"</th>
    }
}

fn cluster_detail(short: &str, name: &str, description: &str) -> impl IntoView {
    view! {
        <h2 class="nhsuk-heading-m">"Cluster Detail"</h2>
        <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Short Name"</dt>
                <dd class="nhsuk-summary-list__value">{short.to_owned()}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Name"</dt>
                <dd class="nhsuk-summary-list__value">{name.to_owned()}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Description"</dt>
                <dd class="nhsuk-summary-list__value">{description.to_owned()}</dd>
            </div>
        </dl>
    }
}

/// The create form (`/clusters/new`) and the change form (`/clusters/:short/edit`).
#[component]
pub fn ClusterFormPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let editing = move || params.read().get("short").unwrap_or_default();
    let args = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).unwrap_or_default();
        (
            editing(),
            text("started") == "1",
            text("short_name"),
            text("name"),
            text("description"),
            q.get_all("members").unwrap_or_default(),
            text("q"),
            text("shown_q"),
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1),
            text("all") == "1",
            text("step"),
        )
    };
    let form = Resource::new(args, |(e, st, sh, n, d, m, q, sq, p, a, step)| {
        cluster_form(e, st, sh, n, d, m, q, sq, p, a, step)
    });
    let save = ServerAction::<SaveCluster>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Suspense fallback=|| ()>
                {move || {
                    let v = v.clone();
                    Suspend::new(async move {
                        match form.await {
                            Ok(f) => {
                                let editing = f.editing.is_some();
                                let heading = if editing { "Change Service Provider Cluster" } else { "Create Service Provider Cluster" };
                                let failed = f.error.is_some();
                                let title = if failed { format!("Error: {heading} - Gatehouse") } else { format!("{heading} - Gatehouse") };
                                match f.summary.clone() {
                                    Some(rows) => view! {
                                        <Page title=title viewer=Some(v)>
                                            <SummaryStep f=f rows=rows save=save heading=heading/>
                                        </Page>
                                    }.into_any(),
                                    None => view! {
                                        <Page title=title viewer=Some(v)>
                                            <FormStep f=f heading=heading/>
                                        </Page>
                                    }.into_any(),
                                }
                            }
                            Err(e) => view! {
                                <Page title="Page not found - Gatehouse" viewer=Some(v)>
                                    <PageError e=e why="This cluster does not exist, or it belongs to another organisation." back="/clusters" back_label="Back to Service Provider Clusters"/>
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
fn FormStep(f: ClusterFormView, heading: &'static str) -> impl IntoView {
    let action = match &f.editing {
        Some(s) => format!("/clusters/{}/edit", enc(s)),
        None => "/clusters/new".to_owned(),
    };
    let error = f.error.clone();
    let shown: Vec<String> = f.choices.iter().map(|c| c.code.clone()).collect();
    // Ticked organisations not on this page of results travel as hidden fields.
    let elsewhere: Vec<String> = f
        .selected
        .iter()
        .filter(|c| !shown.contains(c))
        .cloned()
        .collect();
    let selected = f.selected.clone();
    let providers_problem = problem_for(&error, Field::Providers);
    let count = f.selected.len();
    view! {
        <BackLink href="/clusters"/>
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">{heading}</h1>
        <p class="nhsuk-body"><a href="/clusters">"Service Provider Clusters"</a></p>
        <form method="get" action=action.clone() novalidate="novalidate">
            <input type="hidden" name="started" value="1"/>
            <input type="hidden" name="short_name" value=f.short_name.clone()/>
            <input type="hidden" name="shown_q" value=f.q.clone()/>
            <h2 class="nhsuk-heading-m">"Cluster Detail"</h2>
            <div class="nhsuk-form-group">
                <span class="nhsuk-label" id="short-name-label">"Short Name"</span>
                <p class="nhsuk-body gh-short-name" aria-labelledby="short-name-label"><strong>{f.short_name.clone()}</strong></p>
            </div>
            <InputField field=Field::Name label="Name" autocomplete="off" value=f.name.clone() problem=problem_for(&error, Field::Name)/>
            <TextArea field=Field::Description label="Description" max_chars=domain::features::clusters::DESCRIPTION_MAX value=f.description.clone() problem=problem_for(&error, Field::Description)/>
            {elsewhere.into_iter().map(|c| view! { <input type="hidden" name="members" value=c/> }).collect_view()}
            <fieldset class=if providers_problem.is_some() { "nhsuk-fieldset nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-fieldset nhsuk-form-group" }
                id="providers" aria-describedby=providers_problem.map(|_| "providers-error")>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">"Select Service Providers"</legend>
                {providers_problem.map(|p| view! {
                    <span class="nhsuk-error-message" id="providers-error">
                        <span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}
                    </span>
                })}
                <p class="nhsuk-body" role="status">{format!("{count} selected")}</p>
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="q">"Search by Organisation ID or name"</label>
                    <input class="nhsuk-input nhsuk-u-width-two-thirds" id="q" name="q" type="search" autocomplete="off" value=f.q.clone()/>
                </div>
                <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="page" value="1">"Search"</button>
                {if f.choices.is_empty() {
                    view! { <p class="nhsuk-body">"No organisations match."</p> }.into_any()
                } else {
                    view! {
                        <div class="nhsuk-checkboxes__item gh-select-all">
                            <input class="nhsuk-checkboxes__input" id="select-all" name="all" type="checkbox" value="1"/>
                            <label class="nhsuk-label nhsuk-checkboxes__label" for="select-all">
                                {format!("Select All ({} matching this search)", count_of(f.total, "organisation", "organisations"))}
                            </label>
                        </div>
                        // With JavaScript, Select All ticks this page's boxes at once; the server
                        // adds the rest of the search's results when the form is sent with it
                        // ticked (without JavaScript, that alone).
                        <TickAll control="select-all".to_owned() boxes="gh-member".to_owned()/>
                        <table class="nhsuk-table-responsive">
                            <caption class="nhsuk-table__caption">{format!("{}, page {} of {}", count_of(f.total, "organisation", "organisations"), f.page, f.pages)}</caption>
                            <thead class="nhsuk-table__head">
                                <tr>
                                    <th scope="col" class="nhsuk-table__header">"Select"</th>
                                    <th scope="col" class="nhsuk-table__header">"Organisation ID"</th>
                                    {provider_headings()}
                                </tr>
                            </thead>
                            <tbody class="nhsuk-table__body">
                                {f.choices.iter().map(|p| {
                                    let id = format!("member-{}", p.code);
                                    let ticked = selected.contains(&p.code);
                                    view! {
                                        <tr class="nhsuk-table__row">
                                            <td class="nhsuk-table__cell">
                                                <div class="nhsuk-checkboxes__item">
                                                    <input class="nhsuk-checkboxes__input gh-member" id=id.clone() name="members" type="checkbox" value=p.code.clone()
                                                        checked=ticked/>
                                                    <label class="nhsuk-label nhsuk-checkboxes__label" for=id>
                                                        <span class="nhsuk-u-visually-hidden">"Select "</span>
                                                        // On a phone the row is this box alone, so its label
                                                        // shows what it selects.
                                                        <span class="nhsuk-u-visually-hidden gh-wide-only">{p.name.clone()}</span>
                                                        <span class="gh-phone-only">{format!("{} ({})", p.name, p.code)}</span>
                                                    </label>
                                                </div>
                                            </td>
                                            <td class="nhsuk-table__cell gh-wide-only">
                                                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Organisation ID "</span>{p.code.clone()}
                                            </td>
                                            {provider_cells(p, true)}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <nav class="gh-paging" aria-label="Pages of organisations">
                            <ul class="nhsuk-list gh-paging__list">
                                {(f.page > 1).then(|| view! { <li><button class="nhsuk-button nhsuk-button--secondary" type="submit" name="page" value=(f.page - 1).to_string()>"Previous page"</button></li> })}
                                {(f.page < f.pages).then(|| view! { <li><button class="nhsuk-button nhsuk-button--secondary" type="submit" name="page" value=(f.page + 1).to_string()>"Next page"</button></li> })}
                            </ul>
                        </nav>
                    }.into_any()
                }}
            </fieldset>
            <button class="nhsuk-button" type="submit" name="step" value="summary">"Continue"</button>
        </form>
    }
}

#[component]
fn SummaryStep(
    f: ClusterFormView,
    rows: Vec<ProviderChoice>,
    save: ServerAction<SaveCluster>,
    heading: &'static str,
) -> impl IntoView {
    let base = match &f.editing {
        Some(s) => format!("/clusters/{}/edit", enc(s)),
        None => "/clusters/new".to_owned(),
    };
    let no = form_href(&base, &f, "");
    let question = if f.editing.is_some() {
        "Are you sure you want to change this Service Provider Cluster?"
    } else {
        "Are you sure you want to create this Service Provider Cluster?"
    };
    let members = f.selected.join(",");
    let detail = cluster_detail(&f.short_name, &f.name, &f.description);
    view! {
        <BackLink href=no.clone()/>
        {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
        <h1 class="nhsuk-heading-l">{heading}</h1>
        {detail}
        <h2 class="nhsuk-heading-m">"Selected Service Providers"</h2>
        <MembersTable rows=rows/>
        // The question comes after what it asks about, as on the job aid's screen.
        <div class="nhsuk-inset-text gh-confirm">
            <span class="nhsuk-u-visually-hidden">"Information: "</span>
            <p class="nhsuk-body">{question}</p>
            <ActionForm action=save>
                <input type="hidden" name="editing" value=f.editing.clone().unwrap_or_default()/>
                <input type="hidden" name="short_name" value=f.short_name.clone()/>
                <input type="hidden" name="name" value=f.name.clone()/>
                <input type="hidden" name="description" value=f.description.clone()/>
                <input type="hidden" name="members" value=members/>
                <div class="nhsuk-button-group gh-yes-no">
                    <button class="nhsuk-button" type="submit">"Yes"</button>
                    <a class="nhsuk-button nhsuk-button--secondary" href=no>"No"</a>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
fn MembersTable(rows: Vec<ProviderChoice>) -> impl IntoView {
    view! {
        <table class="nhsuk-table-responsive">
            <caption class="nhsuk-table__caption">{count_of(rows.len() as i64, "organisation", "organisations")}</caption>
            <thead class="nhsuk-table__head">
                <tr>
                    <th scope="col" class="nhsuk-table__header">"Organisation ID"</th>
                    {provider_headings()}
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">
                {rows.iter().map(|p| view! {
                    <tr class="nhsuk-table__row">
                        <td class="nhsuk-table__cell">
                            <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Organisation ID "</span>{p.code.clone()}
                        </td>
                        {provider_cells(p, false)}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The final confirmation with its two links.
#[component]
pub fn ClusterCreatedPage() -> impl IntoView {
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Service Provider Cluster saved - Gatehouse" viewer=Some(v)>
                <div class="nhsuk-panel">
                    <h1 class="nhsuk-panel__heading">"Service Provider Cluster saved"</h1>
                    <div class="nhsuk-panel__body">"The selected cluster is submitted and saved."</div>
                </div>
                <h2 class="nhsuk-heading-m">"What next"</h2>
                <p class="nhsuk-body">
                    <a href="/clusters">"View Service Provider Clusters"</a>
                    " or "
                    <a href="/clusters/new">"create a new Service Provider Cluster"</a>
                    "."
                </p>
            </Page>
        }/>
    }
}

/// One cluster: its detail and members, Change and Retire.
#[component]
pub fn ClusterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let short = move || params.read().get("short").unwrap_or_default();
    let saved = move || query.read().get("saved").unwrap_or_default();
    let retire = ServerAction::<RetireCluster>::new();
    let detail = Resource::new(short, get_cluster);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Service Provider Cluster - Gatehouse" viewer=Some(v)>
                {move || match saved().as_str() {
                    "updated" => Some("The cluster has been changed. Its users reach its new members from their next page."),
                    "retired" => Some("The cluster has been retired. It restricts nobody from now on."),
                    _ => None,
                }.map(|m| view! { <SuccessNotice message=m/> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(c) => {
                                let short = c.row.short_name.clone();
                                let edit = format!("/clusters/{}/edit", enc(&short));
                                view! {
                                    {move || retire.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
                                    <h1 class="nhsuk-heading-l">{c.row.name.clone()}{c.row.retired.then_some(" (retired)")}</h1>
                                    {cluster_detail(&c.row.short_name, &c.row.name, &c.row.description)}
                                    <p class="nhsuk-body">{format!("Created {}", c.row.created)}</p>
                                    <h2 class="nhsuk-heading-m">"Service Providers"</h2>
                                    <MembersTable rows=c.members.clone()/>
                                    {(!c.row.retired).then(|| view! {
                                        <a class="nhsuk-button nhsuk-button--secondary" href=edit.clone()>"Change cluster"</a>
                                        <ActionForm action=retire>
                                            <input type="hidden" name="short_name" value=short.clone()/>
                                            <div class="nhsuk-form-group">
                                                <div class="nhsuk-checkboxes__item">
                                                    <input class="nhsuk-checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes"/>
                                                    <label class="nhsuk-label nhsuk-checkboxes__label" for="confirm">"I understand that its users will no longer be restricted by this cluster"</label>
                                                </div>
                                            </div>
                                            <button class="nhsuk-button nhsuk-button--warning" type="submit">"Retire cluster"</button>
                                        </ActionForm>
                                    })}
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This cluster does not exist, or it belongs to another organisation." back="/clusters" back_label="Back to Service Provider Clusters"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <p class="nhsuk-body"><a href="/clusters">"Back to Service Provider Clusters"</a></p>
            </Page>
        }/>
    }
}
