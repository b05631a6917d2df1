//! `/reviews/{id}`: one review. Its progress, filters (a bookmarkable GET form that, with
//! JavaScript, follows as you type), 25 rows a page each with Keep and End access, the same for
//! the ticked rows, and, once done, Complete review and the download.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{problem_for, ErrorSummary, PageError, TextArea};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::thousands;
use crate::components::list::{id_param, Cell, Paging, SuccessNotice};
use crate::components::live::{Follow, TickAll};
use crate::error::{AppError, Field};
use crate::features::access_reviews::api::{
    access_review, MarkAccessReview, ReviewItemRow, ReviewView,
};
use crate::features::access_reviews::pages::roles;
use crate::url::enc;

const STATES: [(&str, &str); 4] = [
    ("all", "All"),
    ("not-reviewed", "Not yet reviewed"),
    ("kept", "Marked to keep"),
    ("to-end", "Marked to end"),
];

/// The filters of a page, as its query (without the page number).
fn filter_query(state: &str, org: &str, dormant: bool) -> String {
    format!(
        "state={}&org={}{}",
        enc(state),
        enc(org),
        if dormant { "&dormant=true" } else { "" }
    )
}

fn done_message(q: &leptos_router::params::ParamsMap) -> Option<String> {
    let n = |k: &str| {
        q.get(k)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_default()
    };
    match q.get("done").as_deref() {
        Some("started") => Some(
            "The review has started. It lists every active role in its area as it is now.".into(),
        ),
        Some("marked") => Some(format!(
            "Saved: {} marked.",
            if n("n") == 1 {
                "1 row".to_owned()
            } else {
                format!("{} rows", thousands(n("n")))
            }
        )),
        Some("completed") => Some(domain::features::access_reviews::completion_words(
            &domain::storage::CompletionReport {
                kept: n("kept"),
                ended: n("ended"),
                already_ended: n("already"),
            },
        )),
        _ => None,
    }
}

#[component]
pub fn AccessReviewPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let state = move || query.read().get("state").unwrap_or_else(|| "all".into());
    let org = move || query.read().get("org").unwrap_or_default();
    let dormant = move || query.read().get("dormant").is_some_and(|d| d == "true");
    let page = crate::components::list::page_param();
    let review = Resource::new(
        move || (id(), state(), org(), dormant(), page()),
        |(id, s, o, d, p)| access_review(id, s, o, d, p),
    );
    let mark = ServerAction::<MarkAccessReview>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Access review - Gatehouse" viewer=Some(v)>
                {move || done_message(&query.read()).map(|m| view! { <SuccessNotice message=m/> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match review.await {
                            Ok(r) => {
                                let error = mark.value().get().and_then(|r| r.err());
                                let (s, o, d) = (state(), org(), dormant());
                                view! { <ReviewBody r=r error=error state=s org=o dormant=d mark=mark/> }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This review does not exist, or it is not in your area." back="/reviews" back_label="Back to Access reviews"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
fn ReviewBody(
    r: ReviewView,
    error: Option<AppError>,
    state: String,
    org: String,
    dormant: bool,
    mark: ServerAction<MarkAccessReview>,
) -> impl IntoView {
    let id = r.id;
    let open = r.completed.is_none();
    let filters = filter_query(&state, &org, dormant);
    let href = move |page: i64| format!("/reviews/{id}?{filters}&page={page}");
    let back = format!("{}&page={}", filter_query(&state, &org, dormant), r.page);
    let summary_row = |key: &'static str, value: String| {
        view! {
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value}</dd>
            </div>
        }
    };
    let rows_problem = problem_for(&error, Field::Rows);
    let page_rows: Vec<String> = r
        .rows
        .iter()
        .filter(|x| !x.own)
        .map(|x| x.assignment.to_string())
        .collect();
    view! {
        <Title text=format!("Review access for {} - Gatehouse", r.title)/>
        <BackLink href="/reviews"/>
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">{format!("Review access for {}", r.title)}</h1>
        <dl class="nhsuk-summary-list">
            {summary_row("Started", format!("{} by {}", r.started, r.started_by))}
            {summary_row("Due", if r.overdue { format!("{} (overdue)", r.due) } else { r.due.clone() })}
            {summary_row("Roles not reviewed at completion", format!("will be {}", r.unreviewed))}
            {r.repeats.then(|| summary_row("Repeats", "Starts again by itself every 12 months".to_owned()))}
            {r.completed.clone().map(|c| summary_row("Completed", c))}
        </dl>
        <p class="nhsuk-body-l" id="progress">
            {format!("{} of {} reviewed", thousands(r.reviewed), thousands(r.total))}
            <span class="nhsuk-body-s">{format!(" ({} to keep, {} to end)", thousands(r.kept), thousands(r.to_end))}</span>
        </p>
        <form method="get" action=format!("/reviews/{id}") role="search" class="gh-review-filters">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="state">"Show"</label>
                <select class="nhsuk-select" id="state" name="state">
                    {STATES.iter().map(|(k, label)| view! { <option value=*k selected=state == *k>{*label}</option> }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="org">"Organisation (ODS code)"</label>
                <input class="nhsuk-input nhsuk-input--width-10" id="org" name="org" type="search" autocomplete="off" value=org.clone()/>
            </div>
            <div class="nhsuk-checkboxes__item nhsuk-form-group">
                <input class="nhsuk-checkboxes__input" id="dormant" name="dormant" type="checkbox" value="true" checked=dormant/>
                <label class="nhsuk-label nhsuk-checkboxes__label" for="dormant">{format!("Only people not signed in for {} days", r.dormant_days)}</label>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Apply filters"</button>
        </form>
        <Follow region="review-rows".to_owned() path=format!("/reviews/{id}")
            fields=vec![("state".to_owned(), "state".to_owned()), ("org".to_owned(), "org".to_owned())]/>
        <div id="review-rows">
            {if r.rows.is_empty() {
                view! { <p class="nhsuk-body" data-announce="">"No roles match these filters."</p> }.into_any()
            } else {
                let table = view! {
                    <table class="nhsuk-table-responsive">
                        <caption class="nhsuk-table__caption" data-announce="">{format!("{} match, page {} of {}", roles(r.matching), r.page, r.pages)}</caption>
                        <thead class="nhsuk-table__head">
                            <tr>
                                {open.then(|| view! { <th scope="col" class="nhsuk-table__header">"Select"</th> })}
                                <th scope="col" class="nhsuk-table__header">"Person"</th>
                                <th scope="col" class="nhsuk-table__header">"Role"</th>
                                <th scope="col" class="nhsuk-table__header">"Last signed in"</th>
                                <th scope="col" class="nhsuk-table__header">"Granted"</th>
                                <th scope="col" class="nhsuk-table__header">"Decision"</th>
                                {open.then(|| view! { <th scope="col" class="nhsuk-table__header">"Action"</th> })}
                            </tr>
                        </thead>
                        <tbody class="nhsuk-table__body">
                            {r.rows.iter().cloned().enumerate().map(|(i, row)| view! { <ItemRow row=row index=i open=open/> }).collect_view()}
                        </tbody>
                    </table>
                };
                if open {
                    view! {
                        <ActionForm action=mark attr:novalidate="novalidate">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="back" value=back.clone()/>
                            {page_rows.iter().enumerate().map(|(i, a)| view! { <input type="hidden" name=format!("page_rows[{i}]") value=a.clone()/> }).collect_view()}
                            <TextArea field=Field::Reason label="Why access ends" max_chars=domain::features::access_reviews::REASON_MAX
                                hint="Needed to end access, for one row or the ticked rows. The holder is told it, and it is kept on the audit trail."
                                value=error.as_ref().and_then(|e| e.echo(Field::Reason)).unwrap_or_default()
                                problem=problem_for(&error, Field::Reason)/>
                            <div class="nhsuk-checkboxes__item gh-select-all">
                                <input class="nhsuk-checkboxes__input" id="all-on-page" name="all_on_page" type="checkbox" value="1"/>
                                <label class="nhsuk-label nhsuk-checkboxes__label" for="all-on-page">"Select all rows on this page"</label>
                            </div>
                            <TickAll control="all-on-page".to_owned() boxes="gh-review-row".to_owned()/>
                            {table}
                            <div class=if rows_problem.is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" } id="rows">
                                {rows_problem.map(|p| view! {
                                    <span class="nhsuk-error-message" id="rows-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}</span>
                                })}
                                <div class="nhsuk-button-group">
                                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="decision" value="keep">"Keep the ticked rows"</button>
                                    <button class="nhsuk-button nhsuk-button--warning" type="submit" name="decision" value="end">"End access for the ticked rows"</button>
                                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="decision" value="clear">"Clear the ticked rows' marks"</button>
                                </div>
                            </div>
                        </ActionForm>
                    }.into_any()
                } else {
                    table.into_any()
                }
            }}
            <Paging label="Pages of this review" summary=format!("Page {} of {}", r.page, r.pages)
                previous=(r.page > 1).then(|| href(r.page - 1))
                next=(r.page < r.pages).then(|| href(r.page + 1))/>
        </div>
        <p class="nhsuk-body">
            <a href=format!("/access-review.csv?id={id}") download=format!("gatehouse-access-review-{id}.csv") rel="external">"Download the whole review as CSV"</a>
        </p>
        {open.then(|| view! {
            <a class="nhsuk-button" href=format!("/reviews/{id}/complete")>"Complete review"</a>
        })}
    }
}

#[component]
fn ItemRow(row: ReviewItemRow, index: usize, open: bool) -> impl IntoView {
    let who = format!(" {} as {}", row.person, row.role);
    let box_id = format!("row-{}", row.assignment);
    let decision = if row.reason.is_empty() {
        row.state.clone()
    } else {
        format!("{}: {}", row.state, row.reason)
    };
    view! {
        <tr class="nhsuk-table__row">
            {open.then(|| view! {
                <td class="nhsuk-table__cell">
                    {(!row.own).then(|| view! {
                        <div class="nhsuk-checkboxes__item">
                            <input class="nhsuk-checkboxes__input gh-review-row" id=box_id.clone() name=format!("rows[{index}]") type="checkbox" value=row.assignment.to_string()/>
                            <label class="nhsuk-label nhsuk-checkboxes__label" for=box_id.clone()>
                                <span class="nhsuk-u-visually-hidden">"Select"{who.clone()}</span>
                            </label>
                        </div>
                    })}
                </td>
            })}
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Person "</span>
                <span>{row.person.clone()}<br/><span class="nhsuk-u-font-size-16 gh-break">{row.email.clone()}</span></span>
            </td>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Role "</span>
                <span>
                    {row.role.clone()}" at "{row.organisation.clone()}
                    <br/><span class="nhsuk-u-font-size-16">{row.limits.clone()}</span>
                    {row.ended_since.then(|| view! { <br/><strong class="nhsuk-tag nhsuk-tag--grey">"Ended since the review started"</strong> })}
                </span>
            </td>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Last signed in "</span>
                <span>
                    <span class="gh-date">{row.last_signed_in.clone()}</span>
                    {row.dormant.then(|| view! { <br/><strong class="nhsuk-tag nhsuk-tag--grey">"Dormant"</strong> })}
                </span>
            </td>
            <Cell heading="Granted" value=row.granted.clone() long=true/>
            <Cell heading="Decision" value=decision long=true/>
            {open.then(|| view! {
                <td class="nhsuk-table__cell">
                    <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                    {if row.own {
                        view! { <span>"Your own role: another administrator reviews it"</span> }.into_any()
                    } else {
                        view! {
                            <span class="gh-row-actions">
                                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name="one" value=format!("keep:{}", row.assignment)>
                                    "Keep"<span class="nhsuk-u-visually-hidden">{who.clone()}</span>
                                </button>
                                " "
                                <button class="nhsuk-button nhsuk-button--warning nhsuk-button--small" type="submit" name="one" value=format!("end:{}", row.assignment)>
                                    "End access"<span class="nhsuk-u-visually-hidden">{who.clone()}</span>
                                </button>
                            </span>
                        }.into_any()
                    }}
                </td>
            })}
        </tr>
    }
}
