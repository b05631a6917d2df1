//! Pending Actions: registrations to review, sortable and paged; Review User →
//! Approve / Reject → Confirm; Resend Registration Email; Delete Registration.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{
    problem_for, AccessEndsOptional, Choice, ErrorSummary, PageError, Radios, TextArea,
};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{id_param, Cell, Paging, SuccessNotice};
use crate::error::{AppError, Field};
use crate::features::registration::api::{
    pending_actions, registration_detail, DecideRegistration, DeleteRegistration, PendingRow,
    RegistrationView, ResendRegistration,
};

const COLUMNS: [(&str, &str); 8] = [
    ("created", "Created"),
    ("reason", "Role Reason"),
    ("first", "First Name"),
    ("last", "Last Name"),
    ("organisation", "Organisation"),
    ("role", "Role"),
    ("email", "Email"),
    ("approved", "Is Approved"),
];

fn done_message(done: &str) -> Option<&'static str> {
    match done {
        "approved" => Some("The request has been approved. The user has been sent an email with a link to set their password."),
        "rejected" => Some("The request has been rejected. The user has been sent an email with your reason."),
        "resent" => Some("The registration email has been sent again with a new link. The old link no longer works."),
        "deleted" => Some("The registration has been deleted."),
        _ => None,
    }
}

#[component]
pub fn PendingActionsPage() -> impl IntoView {
    let query = use_query_map();
    let sort = move || query.read().get("sort").unwrap_or_else(|| "created".into());
    let dir = move || query.read().get("dir").unwrap_or_else(|| "desc".into());
    let page = crate::components::list::page_param();
    let done = move || query.read().get("done").unwrap_or_default();
    let list = Resource::new(
        move || (sort(), dir(), page()),
        |(s, d, p)| pending_actions(s, d, p),
    );
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Pending Actions - Gatehouse" viewer=Some(v)>
                {move || done_message(&done()).map(|m| view! {
                    <SuccessNotice message={m}/>
                })}
                <h1 class="nhsuk-heading-l">"Pending Actions"</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let (current_sort, current_dir) = (sort(), dir());
                        match list.await {
                            Ok(p) if p.rows.is_empty() => view! {
                                <p class="nhsuk-body">"There are no registrations waiting for you."</p>
                            }.into_any(),
                            Ok(p) => {
                                let href = move |s: &str, d: &str, page: i64| format!("/pending-actions?sort={s}&dir={d}&page={page}");
                                view! {
                                    <SortBy sort=current_sort.clone() dir=current_dir.clone()/>
                                    <table class="nhsuk-table-responsive gh-pending">
                                        <caption class="nhsuk-table__caption">
                                            "Here you can approve registration role requests, resend registration emails & delete registrations: choose a name to review it"
                                        </caption>
                                        <thead class="nhsuk-table__head">
                                            <tr>
                                                {COLUMNS.iter().map(|(key, label)| {
                                                    let active = current_sort == *key;
                                                    let next_dir = if active && current_dir == "asc" { "desc" } else { "asc" };
                                                    let aria = active.then(|| if current_dir == "asc" { "ascending" } else { "descending" });
                                                    view! {
                                                        <th scope="col" class="nhsuk-table__header" aria-sort=aria>
                                                            <a href=href(key, next_dir, 1)>
                                                                {*label}
                                                                <span class="nhsuk-u-visually-hidden">{format!(", sort {}", if next_dir == "asc" { "ascending" } else { "descending" })}</span>
                                                            </a>
                                                        </th>
                                                    }
                                                }).collect_view()}
                                                <th scope="col" class="nhsuk-table__header">"Action"</th>
                                            </tr>
                                        </thead>
                                        <tbody class="nhsuk-table__body">
                                            {p.rows.into_iter().map(|r| view! { <PendingRowView r=r/> }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Paging label="Pages of pending actions" summary=format!("Page {} of {} ({} in all)", p.page, p.pages, p.total)
                                        previous=(p.page > 1).then(|| href(&current_sort, &current_dir, p.page - 1))
                                        next=(p.page < p.pages).then(|| href(&current_sort, &current_dir, p.page + 1))/>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// "Sort by" for narrow screens, where the table's column headings (its sort links) are hidden:
/// a GET form, so it works without JavaScript. Wide screens sort from the headings.
#[component]
fn SortBy(sort: String, dir: String) -> impl IntoView {
    view! {
        <form method="get" action="/pending-actions" class="gh-narrow-only gh-sort-by">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="sort">"Sort by"</label>
                <select class="nhsuk-select" id="sort" name="sort">
                    {COLUMNS.iter().map(|(key, label)| view! {
                        <option value=*key selected=sort == *key>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="dir">"Order"</label>
                <select class="nhsuk-select" id="dir" name="dir">
                    <option value="asc" selected=dir == "asc">"Ascending (A to Z, oldest first)"</option>
                    <option value="desc" selected=dir == "desc">"Descending (Z to A, newest first)"</option>
                </select>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Sort"</button>
        </form>
    }
}

#[component]
fn PendingRowView(r: PendingRow) -> impl IntoView {
    let id = r.id;
    let who = format!("{} {}", r.first_name, r.last_name);
    view! {
        <tr class="nhsuk-table__row">
            <Cell heading="Created" value=r.created date=true/>
            <Cell heading="Role Reason" value=r.role_reason long=true/>
            // The name opens Review User, where Resend Registration Email and Delete Registration
            // also are: one link per request keeps a phone's stacked row short.
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"First Name "</span>
                <a href=format!("/pending-actions/{id}")>{r.first_name.clone()}</a>
            </td>
            <Cell heading="Last Name" value=r.last_name/>
            <Cell heading="Organisation" value=r.organisation/>
            <Cell heading="Role" value=r.role/>
            <Cell heading="Email" value=r.email long=true/>
            <Cell heading="Is Approved" value=(if r.approved { "Yes" } else { "No" }).to_owned()/>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                <a href=format!("/pending-actions/{id}")>"Review User"<span class="nhsuk-u-visually-hidden">{format!(" {who}")}</span></a>
            </td>
        </tr>
    }
}

#[component]
fn RequestSummary(d: RegistrationView) -> impl IntoView {
    let row = |key: &'static str, value: String| {
        view! {
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value}</dd>
            </div>
        }
    };
    view! {
        <h2 class="nhsuk-heading-m">"Role Request"</h2>
        <dl class="nhsuk-summary-list">
            {row("Date", d.created)}
            {row("Role", d.role_name)}
            {row("Reason for Role", d.role_reason)}
            {row("Organisation", format!("{} ({})", d.org_name, d.org_code))}
            {row("First name", d.first_name)}
            {row("Last name", d.last_name)}
            {row("Email", d.email)}
            {row("Status", d.status)}
        </dl>
    }
}

/// Review User: details → Approve or Reject → Confirm.
#[component]
pub fn ReviewRegistrationPage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<DecideRegistration>::new();
    // Read again after every decision, so a lost race shows the decision that stands.
    let detail = Resource::new(
        move || (id(), action.version().get()),
        |(id, _)| registration_detail(id),
    );
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || {
                let failed = action.value().get().is_some_and(|r| r.is_err());
                if failed { "Error: Review User - Gatehouse" } else { "Review User - Gatehouse" }
            } viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) => view! { <ReviewBody d=d action=action/> }.into_any(),
                            Err(e) => view! { <NotYours e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
fn NotYours(e: AppError) -> impl IntoView {
    view! { <PageError e=e why="This registration does not exist, or it is not one you review." back="/pending-actions" back_label="Back to Pending Actions"/> }
}

#[component]
fn ReviewBody(d: RegistrationView, action: ServerAction<DecideRegistration>) -> impl IntoView {
    let id = d.id;
    let heading = format!("Details for {} {}", d.first_name, d.last_name);
    let warnings = d.warnings.clone();
    let max_days = d.max_days;
    let (pending, awaiting, decided_by, reason, status) = (
        d.pending,
        d.awaiting_activation,
        d.decided_by.clone(),
        d.reason.clone(),
        d.status.clone(),
    );
    view! {
        {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
        <h1 class="nhsuk-heading-l">{heading}</h1>
        {(!warnings.is_empty()).then(|| view! {
            <div class="nhsuk-warning-callout">
                <h2 class="nhsuk-warning-callout__label">
                    <span class="nhsuk-u-visually-hidden">"Important: "</span>"This may be a shared mailbox"
                </h2>
                <p>"You need to reject requests where a generic email address has been used and the name does not identify an individual."</p>
                <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        })}
        <RequestSummary d=d/>
        {if pending {
            view! {
                {move || {
                    let error = action.value().get().and_then(|r| r.err());
                    view! {
                        <ActionForm action=action attr:novalidate="novalidate">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <Radios field=Field::Decision legend="Your decision"
                                choices=vec![
                                    Choice { value: "approve".into(), label: "Approve".into(), hint: None },
                                    Choice { value: "reject".into(), label: "Reject".into(), hint: None },
                                ]
                                selected=error.as_ref().and_then(|e| e.echo(Field::Decision)).unwrap_or_default()
                                problem=problem_for(&error, Field::Decision)/>
                            <TextArea field=Field::Reason label="Reason for rejecting" max_chars=domain::rules::review::REASON_MAX
                                hint="Needed only to reject, up to 250 characters. The user receives it by email."
                                value=error.as_ref().and_then(|e| e.echo(Field::Reason)).unwrap_or_default()
                                problem=problem_for(&error, Field::Reason)/>
                            <AccessEndsOptional max_days=max_days error=error.clone()
                                legend="If you approve, access ends on (optional)"/>
                            <button class="nhsuk-button" type="submit">"Confirm"</button>
                        </ActionForm>
                    }
                }}
            }.into_any()
        } else {
            view! {
                <div class="nhsuk-inset-text">
                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                    <p>{format!("{status}.")}{decided_by.map(|b| format!(" Decided by {b}."))}</p>
                    {reason.map(|r| view! { <p>{format!("Reason: {r}")}</p> })}
                </div>
            }.into_any()
        }}
        <div class="gh-button-row">
            {awaiting.then(|| view! {
                <a class="nhsuk-button nhsuk-button--secondary" href=format!("/pending-actions/{id}/resend")>"Resend Registration Email"</a>
            })}
            <a class="nhsuk-button nhsuk-button--warning" href=format!("/pending-actions/{id}/delete")>"Delete Registration"</a>
        </div>
        <p class="nhsuk-body"><a href="/pending-actions">"Back to Pending Actions"</a></p>
    }
}

/// Resend Registration Email → Confirm.
#[component]
pub fn ResendRegistrationPage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<ResendRegistration>::new();
    let detail = Resource::new(id, registration_detail);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Resend Registration Email - Gatehouse" viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("Resend the registration email to {} {}?", d.first_name, d.last_name);
                                view! {
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    <p class="nhsuk-body">{format!("A new link to set a password is sent to {}. The link sent before stops working.", d.email)}</p>
                                    <ActionForm action=action>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <button class="nhsuk-button" type="submit">"Confirm"</button>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href="/pending-actions">"Cancel"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <NotYours e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Delete Registration → Confirm.
#[component]
pub fn DeleteRegistrationPage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<DeleteRegistration>::new();
    let detail = Resource::new(id, registration_detail);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Delete Registration - Gatehouse" viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("Delete the registration of {} {}?", d.first_name, d.last_name);
                                view! {
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    <RequestSummary d=d/>
                                    <p class="nhsuk-body">"The request is removed. This cannot be undone; the person can register again."</p>
                                    <ActionForm action=action>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <button class="nhsuk-button nhsuk-button--warning" type="submit">"Confirm"</button>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href="/pending-actions">"Cancel"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <NotYours e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
