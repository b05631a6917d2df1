//! Providers tile → list of the GP practices in scope → View → "Multi-level approval" → Save.
//! Administrators see the level but not the control.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{count_of, Cell, Paging, SearchBox, SuccessNotice};
use crate::error::AppError;
use crate::features::providers::api::{get_provider, list_providers, SetApprovalLevel};
use crate::url::enc;

fn level(multi: bool) -> &'static str {
    if multi {
        "Multi-level"
    } else {
        "Single-level"
    }
}

#[component]
pub fn ProvidersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = crate::components::list::page_param();
    let list = Resource::new(move || (search(), page()), |(q, p)| list_providers(q, p));
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Providers - Gatehouse" viewer=Some(v)>
                <h1 class="nhsuk-heading-l">"Providers"</h1>
                <SearchBox action="/providers" value=search()/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let q = search();
                        match list.await {
                            Ok(l) if l.rows.is_empty() => view! { <p class="nhsuk-body">"No providers match."</p> }.into_any(),
                            Ok(l) => view! {
                                <table class="nhsuk-table-responsive">
                                    <caption class="nhsuk-table__caption">{count_of(l.total, "provider", "providers")}</caption>
                                    <thead class="nhsuk-table__head">
                                        <tr>
                                            <th scope="col" class="nhsuk-table__header">"ODS code"</th>
                                            <th scope="col" class="nhsuk-table__header">"Name"</th>
                                            <th scope="col" class="nhsuk-table__header">"Parent"</th>
                                            <th scope="col" class="nhsuk-table__header">"Approval level"</th>
                                            <th scope="col" class="nhsuk-table__header">"Action"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="nhsuk-table__body">
                                        {l.rows.into_iter().map(|r| {
                                            let label = if r.closed { format!("{} (closed)", level(r.multi_level)) } else { level(r.multi_level).to_owned() };
                                            view! {
                                                <tr class="nhsuk-table__row">
                                                    <Cell heading="ODS code" value=r.code.clone()/>
                                                    <Cell heading="Name" value=r.name.clone()/>
                                                    <Cell heading="Parent" value=r.parent/>
                                                    <Cell heading="Approval level" value=label/>
                                                    <td class="nhsuk-table__cell">
                                                        <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                                                        <a href=format!("/providers/{}", enc(&r.code))>"View"<span class="nhsuk-u-visually-hidden">{format!(" {}", r.name)}</span></a>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Paging label="Pages of providers" summary=format!("Page {} of {}", l.page, l.pages)
                                    previous=(l.page > 1).then(|| format!("/providers?q={}&page={}", enc(&q), l.page - 1))
                                    next=(l.page < l.pages).then(|| format!("/providers?q={}&page={}", enc(&q), l.page + 1))/>
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
pub fn ProviderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let saved = move || query.read().get("saved").is_some();
    let action = ServerAction::<SetApprovalLevel>::new();
    let detail = Resource::new(
        move || (code(), action.version().get()),
        |(c, _)| get_provider(c),
    );
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Provider - Gatehouse" viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                {move || saved().then(|| view! {
                    <SuccessNotice message="The approval level has been saved."/>
                })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(p) => {
                                let row = |k: &'static str, v: String| view! {
                                    <div class="nhsuk-summary-list__row">
                                        <dt class="nhsuk-summary-list__key">{k}</dt>
                                        <dd class="nhsuk-summary-list__value">{v}</dd>
                                    </div>
                                };
                                view! {
                                    <Title text=format!("{} ({}) - Gatehouse", p.name, p.code)/>
                                    <h1 class="nhsuk-heading-l">{format!("{} ({})", p.name, p.code)}</h1>
                                    <dl class="nhsuk-summary-list">
                                        {row("Type", p.type_label.clone())}
                                        {row("Parent", p.parent.clone())}
                                        {row("Start date", p.start_date.clone())}
                                        {row("End date", p.end_date.clone().unwrap_or_else(|| "None (open)".into()))}
                                        {row("Contract type", p.contract.clone().unwrap_or_else(|| "Not recorded".into()))}
                                        {row("Approval level", level(p.multi_level).to_owned())}
                                    </dl>
                                    {if p.may_set_level {
                                        view! {
                                            <ActionForm action=action>
                                                <input type="hidden" name="code" value=p.code.clone()/>
                                                <div class="nhsuk-form-group">
                                                    <fieldset class="nhsuk-fieldset" aria-describedby="multi_level-hint">
                                                        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Approval level"</legend>
                                                        <div class="nhsuk-hint" id="multi_level-hint">
                                                            "With multi-level approval, the practice manager checks claims before they go to the commissioner."
                                                        </div>
                                                        <div class="nhsuk-checkboxes">
                                                            <div class="nhsuk-checkboxes__item">
                                                                <input class="nhsuk-checkboxes__input" id="multi_level" name="multi_level" type="checkbox" value="yes" checked=p.multi_level/>
                                                                <label class="nhsuk-label nhsuk-checkboxes__label" for="multi_level">"Multi-level approval"</label>
                                                            </div>
                                                        </div>
                                                    </fieldset>
                                                </div>
                                                <button class="nhsuk-button" type="submit">"Save"</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <p class="nhsuk-body">"Your role can see the approval level but not change it."</p>
                                        }.into_any()
                                    }}
                                    <p class="nhsuk-body"><a href="/providers">"Back to Providers"</a></p>
                                }.into_any()
                            }
                            Err(AppError::NotFound) => view! {
                                <h1 class="nhsuk-heading-l">"Page not found"</h1>
                                <p class="nhsuk-body">"This provider does not exist, or it is not one your role reaches."</p>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
