//! Users: search (as you type with JavaScript, a bookmarkable GET
//! form without), View → Add Organisation, Remove Organisation and Revoke (red), and the
//! Enabled/Disabled radio leading to Disable Account or Enable Account, each confirmed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{problem_for, Choice, ErrorSummary, PageError, Radios, TextArea};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::{count_of, id_param, thousands, Cell, Paging, SuccessNotice};
use crate::components::live::Follow;
use crate::error::{AppError, Field};
use crate::features::invitations::api::user_invitations;
use crate::features::users::api::{
    get_user, list_users, DisableAccount, EnableAccount, RevokeAccess, UserDetailView, UserListRow,
};
use crate::url::enc;

mod actions;
pub use actions::*;

const SORTABLE: [(&str, &str); 3] = [
    ("first", "First Name"),
    ("last", "Last Name"),
    ("email", "Email"),
];

fn users_href(q: &str, size: i64, sort: &str, dir: &str, page: i64) -> String {
    format!(
        "/users?q={}&size={size}&sort={}&dir={}&page={page}",
        enc(q),
        enc(sort),
        enc(dir)
    )
}

/// The list's caption: "3 users", or, where the list counted no further, "More than 1,000 users".
fn users_counted(total: i64, more: bool) -> String {
    if more {
        format!("More than {} users", thousands(total))
    } else {
        count_of(total, "user", "users")
    }
}

/// "Page 2 of 5", or "Page 2 of more than 100" where the list counted no further.
fn page_of(page: i64, pages: i64, more: bool) -> String {
    let more = if more { "more than " } else { "" };
    format!("Page {page} of {more}{pages}")
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let sort = move || query.read().get("sort").unwrap_or_else(|| "last".into());
    let dir = move || query.read().get("dir").unwrap_or_else(|| "asc".into());
    let size = move || {
        query
            .read()
            .get("size")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| domain::features::users::PAGE_SIZES.contains(s))
            .unwrap_or(10)
    };
    let page = crate::components::list::page_param();
    let done = move || query.read().get("done").unwrap_or_default();
    let list = Resource::new(
        move || (q(), sort(), dir(), page(), size()),
        |(q, s, d, p, n)| list_users(q, s, d, p, n),
    );
    view! {
        <SignedIn needs_role=true render=move |v| {
            let initial = untrack(q);
            let current_size = untrack(size);
            view! {
                <Page title="Users - Gatehouse" viewer=Some(v)>
                    {move || (done() == "invited").then(|| view! { <SuccessNotice message="Invite successfully sent."/> })}
                    <h1 class="nhsuk-heading-l">"Users"</h1>
                    <div class="nhsuk-button-group">
                        <a class="nhsuk-button" href="/users/invite">"Invite"</a>
                        <a class="nhsuk-button nhsuk-button--secondary" href="/users/new">"Add New User"</a>
                    </div>
                    <form method="get" action="/users" role="search" class="gh-user-search">
                        <input type="hidden" id="sort" name="sort" value=untrack(sort)/>
                        <input type="hidden" id="dir" name="dir" value=untrack(dir)/>
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="size">"Results per page"</label>
                            <select class="nhsuk-select" id="size" name="size">
                                {domain::features::users::PAGE_SIZES.iter().map(|n| view! {
                                    <option value=n.to_string() selected=*n == current_size>{n.to_string()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="q">"Search Firstname, Lastname, Email, ODS Code or Organisation"</label>
                            <input class="nhsuk-input nhsuk-u-width-two-thirds" id="q" name="q" type="search"
                                autocomplete="off" value=initial/>
                        </div>
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Search"</button>
                    </form>
                    // With JavaScript the results follow the box as you type; the URL stays bookmarkable.
                    <Follow region="user-results".to_owned() path="/users".to_owned()
                        fields=["q", "size", "sort", "dir"].map(|f| (f.to_owned(), f.to_owned())).to_vec()/>
                    <div id="user-results">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let (text, s, d) = (q(), sort(), dir());
                            match list.await {
                                Ok(l) if l.rows.is_empty() => view! {
                                    <p class="nhsuk-body" data-announce="">"No users match."</p>
                                }.into_any(),
                                Ok(l) => {
                                    let n = l.size;
                                    // Past the counted pages, a full page may have another after it.
                                    let full = l.rows.len() as i64 == n;
                                    view! {
                                        <table class="nhsuk-table-responsive">
                                            <caption class="nhsuk-table__caption" data-announce="">{users_counted(l.total, l.more)}</caption>
                                            <thead class="nhsuk-table__head">
                                                <tr>
                                                    {SORTABLE.iter().map(|(key, label)| {
                                                        let active = s == *key;
                                                        let next_dir = if active && d == "asc" { "desc" } else { "asc" };
                                                        let aria = active.then(|| if d == "asc" { "ascending" } else { "descending" });
                                                        view! {
                                                            <th scope="col" class="nhsuk-table__header" aria-sort=aria>
                                                                <a href=users_href(&text, n, key, next_dir, 1)>
                                                                    {*label}
                                                                    <span class="nhsuk-u-visually-hidden">{format!(", sort {}", if next_dir == "asc" { "ascending" } else { "descending" })}</span>
                                                                </a>
                                                            </th>
                                                        }
                                                    }).collect_view()}
                                                    <th scope="col" class="nhsuk-table__header">"Organisation"</th>
                                                    <th scope="col" class="nhsuk-table__header">"Date Added"</th>
                                                    <th scope="col" class="nhsuk-table__header">"Pending Role Review"</th>
                                                    <th scope="col" class="nhsuk-table__header">"Action"</th>
                                                </tr>
                                            </thead>
                                            <tbody class="nhsuk-table__body">
                                                {l.rows.into_iter().map(|r| view! { <UserRowView r=r/> }).collect_view()}
                                            </tbody>
                                        </table>
                                        <p class="nhsuk-body">
                                            <a href=format!("/users.csv?q={}", enc(&text)) download="gatehouse-users.csv" rel="external">
                                                {if text.trim().is_empty() { "Download everyone's roles in your area as CSV".to_owned() } else { "Download these users' roles in your area as CSV".to_owned() }}
                                            </a>
                                        </p>
                                        <Paging label="Pages of users" summary=page_of(l.page, l.pages, l.more)
                                            previous=(l.page > 1).then(|| users_href(&text, n, &s, &d, l.page - 1))
                                            next=(l.page < l.pages || (l.more && full)).then(|| users_href(&text, n, &s, &d, l.page + 1))/>
                                    }.into_any()
                                }
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                    </div>
                </Page>
            }
        }/>
    }
}

#[component]
fn UserRowView(r: UserListRow) -> impl IntoView {
    let who = format!(" {} {}", r.first_name, r.last_name);
    let email = if r.disabled {
        format!("{} (disabled)", r.email)
    } else {
        r.email.clone()
    };
    view! {
        <tr class="nhsuk-table__row">
            <Cell heading="First Name" value=r.first_name.clone()/>
            <Cell heading="Last Name" value=r.last_name.clone()/>
            <Cell heading="Email" value=email long=true/>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Organisation "</span>
                // One box for the three lines: a phone's stacked cell lays its children side by side.
                <span>
                    {r.organisation.clone()}
                    {(!r.role.is_empty()).then(|| view! { <br/><span class="nhsuk-u-font-size-16">{r.role.clone()}</span> })}
                    {(r.more_roles > 0).then(|| view! {
                        <br/><span class="nhsuk-u-font-size-16">{format!("and {}", count_of(r.more_roles, "more role", "more roles"))}</span>
                    })}
                </span>
            </td>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Date Added "</span>
                <span>
                    <span class="gh-date">{r.added.clone()}</span>
                    {r.dormant.clone().map(|d| view! { <br/><strong class="nhsuk-tag nhsuk-tag--grey">{d}</strong> })}
                </span>
            </td>
            <Cell heading="Pending Role Review" value=(if r.review.is_some() { "Yes" } else { "No" }).to_owned()/>
            <td class="nhsuk-table__cell">
                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                // View always leads to the user's page, where a role waiting for a decision reads
                // "Pending Access Request" with its own View; Review goes straight to the decision.
                <a href=format!("/users/{}", r.id)>"View"<span class="nhsuk-u-visually-hidden">{who.clone()}</span></a>
                {r.review.clone().map(|href| view! {
                    " "<a href=href>"Review"<span class="nhsuk-u-visually-hidden">{who.clone()}</span></a>
                })}
            </td>
        </tr>
    }
}

fn done_message(done: &str) -> Option<&'static str> {
    match done {
        "restricted" => Some("The role, its payment types and its clusters have been saved. They apply from the user's next page."),
        "added" => Some("You have successfully added the new user. They have been sent an email with a link to set their password."),
        "roles-added" => Some("You have successfully added the organisation and roles. They are active now, and the user has been emailed."),
        "revoked" => Some("Access has been revoked. The user can still sign in and request access elsewhere from My Profile."),
        "disabled" => Some("The account has been disabled. The user has been signed out everywhere."),
        "enabled" => Some("The account has been enabled. The user can sign in again."),
        "invite-resent" => Some("The invitation has been sent again with a new link. The old link no longer works."),
        "invite-withdrawn" => Some("The invitation has been withdrawn. Its link no longer works."),
        "request-approved" => Some("The request has been approved. The user has been told, and can switch to the new role."),
        "request-rejected" => Some("The request has been rejected. The user has been told the reason."),
        "end-set" => Some("The date access ends has been saved. The role stops working at the end of that day."),
        "end-removed" => Some("The end date has been removed. The role no longer ends by itself."),
        "exempted" => Some("The account is kept from the dormancy rule."),
        "exemption-removed" => Some("The dormancy rule applies to the account again."),
        "two-factor-reset" => Some("Two-factor authentication has been reset. The user has been signed out everywhere and emailed; they set it up again when they next sign in."),
        _ => None,
    }
}

#[component]
fn UserNotFound(e: AppError) -> impl IntoView {
    view! { <PageError e=e why="This user does not exist, or they have no role in your area." back="/users" back_label="Back to Users"/> }
}

#[component]
fn UserSummary(d: UserDetailView) -> impl IntoView {
    let row = |key: &'static str, value: String| {
        view! {
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value}</dd>
            </div>
        }
    };
    view! {
        <dl class="nhsuk-summary-list">
            {row("First name", d.first_name)}
            {row("Last name", d.last_name)}
            {row("Email", d.email)}
            {row("Account", d.status)}
        </dl>
    }
}

/// View user: details, their roles in the viewer's area, and what the viewer may do about them.
#[component]
pub fn UserPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let done = move || query.read().get("done").unwrap_or_default();
    let detail = Resource::new(id, get_user);
    let invitations = Resource::new(id, user_invitations);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="User - Gatehouse" viewer=Some(v)>
                {move || done_message(&done()).map(|m| view! { <SuccessNotice message=m/> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("{} {}", d.first_name, d.last_name);
                                let assignments = d.assignments.clone();
                                let (may_disable, may_enable, revocable) = (d.may_disable, d.may_enable, !d.revocable_at.is_empty());
                                let d_disabled = d.disabled;
                                let outside = d.held_outside;
                                let may_add = d.may_add_organisation;
                                let own = d.own;
                                let dormancy = d.dormancy.clone();
                                view! {
                                    // The person's name, not "User": a tab or a screen reader's list of
                                    // pages tells one person from another.
                                    <Title text=format!("{heading} - Gatehouse")/>
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    {own.then(|| view! {
                                        <div class="nhsuk-inset-text">
                                            <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                            <p>"This is your own account. Another administrator revokes, disables or enables it; to disable it yourself, use "<a href="/my-profile/disable">"Disable Account"</a>" on My Profile."</p>
                                        </div>
                                    })}
                                    <UserSummary d=d/>
                                    {(may_disable || may_enable).then(|| view! { <AccessForm id=id enabled=may_disable/> })}
                                    {dormancy.map(|href| view! {
                                        <p class="nhsuk-body"><a href=href>"Dormancy rule"</a></p>
                                        <p class="nhsuk-body"><a href=format!("/users/{id}/two-factor/reset")>"Reset two-factor authentication"</a></p>
                                    })}
                                    <h2 class="nhsuk-heading-m">"Roles in your area"</h2>
                                    <table class="nhsuk-table-responsive">
                                        <caption class="nhsuk-u-visually-hidden">"Roles in your area"</caption>
                                        <thead class="nhsuk-table__head">
                                            <tr>
                                                <th scope="col" class="nhsuk-table__header">"Organisation"</th>
                                                <th scope="col" class="nhsuk-table__header">"Role"</th>
                                                <th scope="col" class="nhsuk-table__header">"Status"</th>
                                                <th scope="col" class="nhsuk-table__header">"Action"</th>
                                            </tr>
                                        </thead>
                                        <tbody class="nhsuk-table__body">
                                            {assignments.into_iter().map(|a| {
                                                let hidden = format!(" the request for {} at {}", a.role_name, a.org_name);
                                                view! {
                                                <tr class="nhsuk-table__row">
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Organisation "</span>{format!("{} ({})", a.org_name, a.org_code)}</td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Role "</span>{a.role_name.clone()}
                                                        {(!a.payment_types.is_empty()).then(|| format!(" ({})", a.payment_types.join(", ")))}
                                                        {(!a.clusters.is_empty()).then(|| view! { <br/><span class="nhsuk-body-s">{format!("Clusters: {}", a.clusters.join(", "))}</span> })}
                                                    </td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Status "</span>
                                                        <span>{a.status}{a.ends.map(|e| view! { <br/><span class="nhsuk-u-font-size-16">{e}</span> })}</span>
                                                    </td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                                                        {a.review.map(|href| view! {
                                                            <a href=href>"View"<span class="nhsuk-u-visually-hidden">{hidden}</span></a>
                                                        })}
                                                        {a.change.map(|href| view! {
                                                            <a href=href>"Change"<span class="nhsuk-u-visually-hidden">{format!(" the role, payment types and clusters of {} at {}", a.role_name, a.org_name)}</span></a>
                                                        })}
                                                        {a.end_date.map(|href| view! {
                                                            <br/>
                                                            <a href=href>"Access ends on"<span class="nhsuk-u-visually-hidden">{format!(": when {} at {} ends", a.role_name, a.org_name)}</span></a>
                                                        })}
                                                        {a.remove.map(|href| view! {
                                                            <br/>
                                                            <a href=href>"Remove Organisation"<span class="nhsuk-u-visually-hidden">{format!(" {} ({})", a.org_name, a.org_code)}</span></a>
                                                        })}
                                                    </td>
                                                </tr>
                                            }}).collect_view()}
                                        </tbody>
                                    </table>
                                    {(outside > 0).then(|| view! {
                                        <div class="nhsuk-inset-text">
                                            <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                            <p>{format!("This user also holds, or is waiting for, {outside} role(s) outside your area, so only Revoke is available to you.")}</p>
                                        </div>
                                    })}
                                    <Suspense fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            let list = invitations.await.unwrap_or_default();
                                            (!list.is_empty()).then(|| view! {
                                                <h2 class="nhsuk-heading-m">"Invitations waiting for an answer"</h2>
                                                <ul class="nhsuk-list">
                                                    {list.into_iter().map(|i| view! {
                                                        <li>
                                                            {format!("{} at {}, sent {}, link valid until {}. ", i.role_name, i.organisation, i.sent, i.expires)}
                                                            <a href=format!("/users/{id}/invitations/{}?change=resend", i.id)>"Resend"<span class="nhsuk-u-visually-hidden">{format!(" the invitation to {}", i.organisation)}</span></a>
                                                            " | "
                                                            <a href=format!("/users/{id}/invitations/{}?change=withdraw", i.id)>"Withdraw"<span class="nhsuk-u-visually-hidden">{format!(" the invitation to {}", i.organisation)}</span></a>
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            })
                                        })}
                                    </Suspense>
                                    <div class="gh-button-row">
                                        {may_add.then(|| view! {
                                            <a class="nhsuk-button nhsuk-button--secondary" href=format!("/users/{id}/organisations")>"Add Organisation"</a>
                                        })}
                                        {revocable.then(|| view! {
                                            <a class="nhsuk-button nhsuk-button--warning" href=format!("/users/{id}/revoke")>"Revoke"</a>
                                        })}
                                        // The job aid's buttons: the same reason-and-Confirm pages as the
                                        // Enabled/Disabled radio at the top.
                                        {(may_disable && !d_disabled).then(|| view! {
                                            <a class="nhsuk-button" href=format!("/users/{id}/disable")>"Disable Account"</a>
                                        })}
                                        {(may_enable && d_disabled).then(|| view! {
                                            <a class="nhsuk-button" href=format!("/users/{id}/enable")>"Enable Account"</a>
                                        })}
                                    </div>
                                    <p class="nhsuk-body"><a href="/users">"Back to Users"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <UserNotFound e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_counted_no_further_says_more_than() {
        assert_eq!(users_counted(1, false), "1 user");
        assert_eq!(users_counted(999, false), "999 users");
        assert_eq!(users_counted(1000, true), "More than 1,000 users");
        assert_eq!(page_of(2, 5, false), "Page 2 of 5");
        assert_eq!(page_of(101, 100, true), "Page 101 of more than 100");
    }
}
