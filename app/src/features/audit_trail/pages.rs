//! Audit: the events of the administrator's area, newest first; filter by user,
//! action and dates (a GET form, so every view is a URL); download the same as CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{DateInput, ErrorSummary};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{count_of, Cell, Paging};
use crate::error::Field;
use crate::features::audit_trail::api::{action_choices, list_audit};
use crate::url::enc;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &'static str| move || query.read().get(k).unwrap_or_default();
    let (user, action) = (get("user"), get("action"));
    // The filter's dates come from the NHS.UK date inputs (`from_day`, `from_month`,
    // `from_year`), or as `from=YYYY-MM-DD` from a link such as the CSV download's.
    let date = move |name: &'static str| {
        move || {
            let q = query.read();
            let part = |p: &str| q.get(&format!("{name}_{p}")).unwrap_or_default();
            let joined = crate::dates::join(&part("day"), &part("month"), &part("year"));
            if joined.is_empty() {
                q.get(name).unwrap_or_default()
            } else {
                joined
            }
        }
    };
    let (from, to) = (date("from"), date("to"));
    let page = crate::components::list::page_param();
    let list = Resource::new(
        move || (user(), action(), from(), to(), page()),
        |(u, a, f, t, p)| list_audit(u, a, f, t, p),
    );
    let filters = move || {
        format!(
            "user={}&action={}&from={}&to={}",
            enc(&user()),
            enc(&action()),
            enc(&from()),
            enc(&to())
        )
    };
    view! {
        <SignedIn needs_role=true render=move |v| {
            let chosen = untrack(action);
            view! {
                <Page title="Audit - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"Audit"</h1>
                    <p class="nhsuk-body">"Every change to accounts and access in your area, newest first. Times are UK time."</p>
                    <form method="get" action="/audit" class="gh-audit-filter">
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="user">"User's email address (or its start)"</label>
                            <input class="nhsuk-input nhsuk-u-width-two-thirds" id="user" name="user" type="search" value=untrack(user)/>
                        </div>
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="action">"Action"</label>
                            <select class="nhsuk-select" id="action" name="action">
                                <option value="" selected=chosen.is_empty()>"Any action"</option>
                                {action_choices().into_iter().map(|(k, l)| view! {
                                    <option value=k selected=chosen == k>{l}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <DateInput field=Field::From legend="From" hint="For example, 1 12 2026" value=untrack(from) problem=None/>
                        <DateInput field=Field::To legend="To" hint="The last day to show" value=untrack(to) problem=None/>
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Filter"</button>
                    </form>
                    <p class="nhsuk-body">
                        <a href=move || format!("/audit.csv?{}", filters()) download="gatehouse-audit.csv" rel="external">"Download these events as CSV"</a>
                    </p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let f = filters();
                            match list.await {
                                Ok(l) => view! {
                                    {l.bad_dates.then(|| view! {
                                        <div class="nhsuk-inset-text">
                                            <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                            <p>"A date was not a real date, so it was left out of the filter. Enter the day, month and year as numbers, for example 1 12 2026."</p>
                                        </div>
                                    })}
                                    {if l.rows.is_empty() {
                                        view! { <p class="nhsuk-body">"No events match."</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="nhsuk-table-responsive">
                                                <caption class="nhsuk-table__caption">{count_of(l.total, "event", "events")}</caption>
                                                <thead class="nhsuk-table__head">
                                                    <tr>
                                                        {["When", "Who", "Acting as", "Action", "User", "Organisation", "Reason", "From"].into_iter().map(|h| view! {
                                                            <th scope="col" class="nhsuk-table__header">{h}</th>
                                                        }).collect_view()}
                                                    </tr>
                                                </thead>
                                                <tbody class="nhsuk-table__body">
                                                    {l.rows.into_iter().map(|r| {
                                                        view! {
                                                            <tr class="nhsuk-table__row">
                                                                <Cell heading="When" value=r.when date=true/>
                                                                <Cell heading="Who" value=r.actor long=true/>
                                                                <Cell heading="Acting as" value=r.acting_as/>
                                                                <Cell heading="Action" value=r.action/>
                                                                <Cell heading="User" value=r.target long=true/>
                                                                <Cell heading="Organisation" value=r.organisation/>
                                                                <Cell heading="Reason" value=r.reason long=true/>
                                                                <Cell heading="From" value=r.origin/>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                            <Paging label="Pages of events" summary=format!("Page {} of {}", l.page, l.pages)
                                                previous=(l.page > 1).then(|| format!("/audit?{f}&page={}", l.page - 1))
                                                next=(l.page < l.pages).then(|| format!("/audit?{f}&page={}", l.page + 1))/>
                                        }.into_any()
                                    }}
                                }.into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Page>
            }
        }/>
    }
}
