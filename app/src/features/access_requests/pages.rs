//! Requesting access to another organisation: Request Access → organisation →
//! role and reason → check → Send; Available Roles with Withdraw; and the reviewer's page for one
//! request (Users → the user → Pending Access Request → View → Approve or Reject → Confirm).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{
    form_title, problem_for, AccessEndsOptional, Choice, ErrorSummary, Hidden, PageError, Radios,
    TextArea,
};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::{organisations_found, SuccessNotice};
use crate::components::live::Follow;
use crate::error::{AppError, Field};
use crate::features::access_requests::api::{
    get_request, my_roles, request_organisations, request_reason, request_roles, request_summary,
    request_url, DecideRequest, RequestOrganisation, RequestRole, SendRequest, WithdrawRequest,
};

#[component]
fn Gone(e: AppError) -> impl IntoView {
    view! { <PageError e=e why="This organisation or request does not exist, or is not yours to see." back="/my-profile" back_label="Back to My Profile"/> }
}

/// Step 1: find the organisation by its exact name or ODS code, then choose it.
#[component]
pub fn RequestAccessPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let matches = Resource::new(q, request_organisations);
    let action = ServerAction::<RequestOrganisation>::new();
    view! {
        <SignedIn render=move |v| {
            view! {
                <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Request access") viewer=Some(v)>
                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                    <h1 class="nhsuk-heading-l">"Request access to an organisation"</h1>
                    <form method="get" action="/my-profile/request-access" role="search">
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label" for="q">"Organisation name or ODS code"</label>
                            <div class="nhsuk-hint" id="q-hint">"Type the organisation's exact name, or its ODS code, like A81001."</div>
                            <input class="nhsuk-input nhsuk-u-width-two-thirds" id="q" name="q" type="search"
                                autocomplete="off" aria-describedby="q-hint" value=untrack(q)/>
                        </div>
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Search"</button>
                    </form>
                    // With JavaScript the matches follow the box as you type; the URL stays the no-JS form's.
                    <Follow region="matches".to_owned() path="/my-profile/request-access".to_owned()
                        fields=vec![("q".to_owned(), "q".to_owned())]/>
                    <div id="matches">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let text = q();
                            let list = matches.await.unwrap_or_default();
                            if text.trim().is_empty() {
                                return ().into_any();
                            }
                            if list.is_empty() {
                                return view! {
                                    <p class="nhsuk-body" data-announce="">"No open organisation has that name or ODS code. Check it and try again."</p>
                                }.into_any();
                            }
                            let single = (list.len() == 1).then(|| list[0].code.clone());
                            let shown = domain::features::registration::LOOKUP_LIMIT as usize;
                            let found = organisations_found(list.len(), shown);
                            let choices: Vec<Choice> = list.into_iter().take(shown).map(|o| Choice {
                                label: format!("{} ({})", o.name, o.code),
                                value: o.code,
                                hint: None,
                            }).collect();
                            view! {
                                {move || {
                                    let (text, choices, single, found) = (text.clone(), choices.clone(), single.clone(), found.clone());
                                    let error = action.value().get().and_then(|r| r.err());
                                    view! {
                                        <p class="nhsuk-body" data-announce="">{found}</p>
                                        <ActionForm action=action attr:novalidate="novalidate">
                                            <Hidden name="query" value=text/>
                                            <Radios field=Field::Organisation legend="Matching organisations"
                                                choices=choices selected=single.unwrap_or_default()
                                                problem=problem_for(&error, Field::Organisation)/>
                                            <button class="nhsuk-button" type="submit">"Next"</button>
                                        </ActionForm>
                                    }
                                }}
                            }.into_any()
                        })}
                    </Transition>
                    </div>
                    <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
                </Page>
            }
        }/>
    }
}

/// The organisation and role chosen so far, from the URL (the reason is in the draft).
fn chosen() -> impl Fn() -> (String, String) + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        (
            q.get("org").unwrap_or_default(),
            q.get("role").unwrap_or_default(),
        )
    }
}

/// Step 2: the role (valid for that kind of organisation) and a reason.
#[component]
pub fn RequestRolePage() -> impl IntoView {
    let chosen = chosen();
    let roles = Resource::new(move || chosen().0, request_roles);
    let kept = Resource::new(|| (), |_| request_reason());
    let action = ServerAction::<RequestRole>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Request access: role") viewer=Some(v)>
                <BackLink href=format!("/my-profile/request-access?q={}", crate::url::enc(&chosen().0))/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let kept = kept.await.unwrap_or_default();
                        match roles.await {
                            Ok((org, roles, max_days)) => {
                                let choices: Vec<Choice> = roles.into_iter().map(|r| Choice {
                                    value: r.id.to_string(),
                                    label: r.name,
                                    hint: (!r.description.is_empty()).then_some(r.description),
                                }).collect();
                                view! {
                                    {move || {
                                        let (choices, heading) = (choices.clone(), format!("Your role at {}", org.name));
                                        let error = action.value().get().and_then(|r| r.err());
                                        let (code, role) = chosen();
                                        let (reason, ends) = (kept.reason.clone(), kept.ends.clone());
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">{heading}</h1>
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                <Hidden name="org" value=code/>
                                                <Radios field=Field::Role legend="Role" choices=choices
                                                    selected=role
                                                    problem=problem_for(&error, Field::Role)/>
                                                <TextArea field=Field::Reason label="Reason" max_chars=domain::rules::review::REASON_MAX
                                                    hint="Why you need this role, up to 250 characters. The administrator who decides sees it."
                                                    value=error.as_ref().and_then(|e| e.echo(Field::Reason)).unwrap_or(reason)
                                                    problem=problem_for(&error, Field::Reason)/>
                                                <AccessEndsOptional max_days=max_days error=error.clone() value=ends
                                                    legend="Until when do you need it? (optional)"
                                                    hint="Only if you need it for a while, like covering a vacancy: the last day you need it. The administrator who decides may choose an earlier day. Leave it empty if you need it until further notice. For example, 31 3 2027."/>
                                                <button class="nhsuk-button" type="submit">"Next"</button>
                                            </ActionForm>
                                            <p class="nhsuk-body"><a href="/my-profile/request-access">"Choose another organisation"</a></p>
                                        }
                                    }}
                                }.into_any()
                            }
                            Err(e) => view! { <Gone e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Step 3: check the answers, then Send.
#[component]
pub fn RequestCheckPage() -> impl IntoView {
    let chosen = chosen();
    let summary = Resource::new(chosen, |(o, r)| request_summary(o, r));
    let action = ServerAction::<SendRequest>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Request access: check your answers") viewer=Some(v)>
                <BackLink href={ let (code, role) = chosen(); request_url("role", &code, role.parse().ok()) }/>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let (code, role) = chosen();
                        match summary.await {
                            Ok((org, role_name, why, last_day)) => {
                                let role_id = role.parse::<i64>().ok();
                                let until = if last_day.is_empty() { "Until it is removed".to_owned() } else { format!("Until {last_day}") };
                                let rows = [
                                    ("Organisation", format!("{} ({})", org.name, org.code), "/my-profile/request-access".to_owned()),
                                    ("Role", role_name, request_url("role", &code, role_id)),
                                    ("Reason", why, request_url("role", &code, role_id)),
                                    ("Access needed", until, request_url("role", &code, role_id)),
                                ];
                                view! {
                                    <h1 class="nhsuk-heading-l">"Check your request"</h1>
                                    <dl class="nhsuk-summary-list">
                                        {rows.into_iter().map(|(k, val, href)| view! {
                                            <div class="nhsuk-summary-list__row">
                                                <dt class="nhsuk-summary-list__key">{k}</dt>
                                                <dd class="nhsuk-summary-list__value">{val}</dd>
                                                <dd class="nhsuk-summary-list__actions">
                                                    <a href=href>"Change"<span class="nhsuk-u-visually-hidden">{format!(" {}", k.to_lowercase())}</span></a>
                                                </dd>
                                            </div>
                                        }).collect_view()}
                                    </dl>
                                    <ActionForm action=action>
                                        <Hidden name="org" value=code/>
                                        <Hidden name="role" value=role/>
                                        <button class="nhsuk-button" type="submit">"Send"</button>
                                    </ActionForm>
                                }.into_any()
                            }
                            Err(AppError::Invalid { .. }) => view! {
                                <h1 class="nhsuk-heading-l">"Check your request"</h1>
                                <p class="nhsuk-body">"Something in this request needs changing."</p>
                                <p class="nhsuk-body"><a href=request_url("role", &code, role.parse().ok())>"Go back to the role and reason"</a></p>
                            }.into_any(),
                            Err(e) => view! { <Gone e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

fn roles_message(done: &str) -> Option<&'static str> {
    match done {
        "requested" => Some(
            "Your request for access was successfully submitted. An administrator will review it.",
        ),
        "withdrawn" => Some("Your request has been withdrawn."),
        _ => None,
    }
}

/// Available Roles: every role the user has had or asked for, with its status.
#[component]
pub fn AvailableRolesPage() -> impl IntoView {
    let query = use_query_map();
    let done = move || query.read().get("done").unwrap_or_default();
    let roles = Resource::new(|| (), |_| my_roles());
    view! {
        <SignedIn render=move |v| view! {
            <Page title="Available Roles - Gatehouse" viewer=Some(v)>
                {move || roles_message(&done()).map(|m| view! { <SuccessNotice message=m/> })}
                <h1 class="nhsuk-heading-l">"Available Roles"</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match roles.await {
                            Ok(list) if list.is_empty() => view! { <p class="nhsuk-body">"You have no roles yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <table class="nhsuk-table-responsive">
                                    <caption class="nhsuk-u-visually-hidden">"Your roles"</caption>
                                    <thead class="nhsuk-table__head">
                                        <tr>
                                            {["Organisation", "Role", "Status", "Action"].into_iter()
                                                .map(|h| view! { <th scope="col" class="nhsuk-table__header">{h}</th> }).collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody class="nhsuk-table__body">
                                        {list.into_iter().map(|r| {
                                            let status = match &r.reason {
                                                Some(why) => format!("{}: {why}", r.status),
                                                None => r.status.clone(),
                                            };
                                            let hidden = format!(" the request for {} at {}", r.role_name, r.org_name);
                                            view! {
                                                <tr class="nhsuk-table__row">
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Organisation "</span>{format!("{} ({})", r.org_name, r.org_code)}</td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Role "</span>{r.role_name.clone()}</td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Status "</span>{status}</td>
                                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">"Action "</span>
                                                        {r.may_withdraw.then(|| view! {
                                                            <a class="nhsuk-button nhsuk-button--warning nhsuk-u-margin-bottom-0" href=format!("/my-profile/roles/{}/withdraw", r.id)>
                                                                "Withdraw"<span class="nhsuk-u-visually-hidden">{hidden}</span>
                                                            </a>
                                                        })}
                                                    </td>
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
                <p class="nhsuk-body">
                    <a href="/my-profile/request-access">"Request access to another organisation"</a>
                </p>
                <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
            </Page>
        }/>
    }
}

/// Withdraw → Confirm.
#[component]
pub fn WithdrawRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let roles = Resource::new(|| (), |_| my_roles());
    let action = ServerAction::<WithdrawRequest>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Withdraw your request") viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let wanted = id();
                        let found = roles.await.ok().and_then(|list| {
                            list.into_iter().find(|r| r.id.to_string() == wanted && r.may_withdraw)
                        });
                        match found {
                            Some(r) => view! {
                                <h1 class="nhsuk-heading-l">"Withdraw your request"</h1>
                                <p class="nhsuk-body">{format!("You asked for access as {} at {} ({}). If you withdraw it, no one will review it.", r.role_name, r.org_name, r.org_code)}</p>
                                <ActionForm action=action>
                                    <Hidden name="id" value=r.id.to_string()/>
                                    <button class="nhsuk-button nhsuk-button--warning" type="submit">"Confirm"</button>
                                </ActionForm>
                                <p class="nhsuk-body"><a href="/my-profile/roles">"Keep the request"</a></p>
                            }.into_any(),
                            None => view! {
                                <h1 class="nhsuk-heading-l">"This request cannot be withdrawn"</h1>
                                <p class="nhsuk-body">"It has been decided or withdrawn already, or it is not yours."</p>
                                <p class="nhsuk-body"><a href="/my-profile/roles">"Back to Available Roles"</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// The reviewer's page: the request, then Approve or Reject (a reason to reject) → Confirm.
#[component]
pub fn ReviewRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("request")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let request = Resource::new(id, get_request);
    let action = ServerAction::<DecideRequest>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Review access request") viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match request.await {
                            Ok(r) => {
                                let rows = [
                                    ("Name", r.name.clone()),
                                    ("Email address", r.email.clone()),
                                    ("Organisation", format!("{} ({})", r.org_name, r.org_code)),
                                    ("Role", r.role_name.clone()),
                                    ("Reason given", r.reason.clone()),
                                    ("Requested", r.requested.clone()),
                                    ("Status", r.status.clone()),
                                    (if r.pending { "Access asked for" } else { "Access" },
                                        if r.last_day_words.is_empty() { "Until it is removed".to_owned() } else { format!("Until {}", r.last_day_words) }),
                                ];
                                let (rid, pending, user) = (r.id, r.pending, r.user);
                                let (last_day, max_days) = (r.last_day.clone(), r.max_days);
                                let end_hint: &'static str = if r.last_day.is_empty() {
                                    "Only for temporary access, like a locum's cover: the last day the role works, at the end of that day UK time. Leave it empty for access until it is removed. For example, 31 3 2027."
                                } else {
                                    "The requester asked for access until this day. You may choose an earlier day, not a later one. The role stops working at the end of that day, UK time."
                                };
                                view! {
                                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                                    <h1 class="nhsuk-heading-l">{format!("Access request from {}", r.name)}</h1>
                                    <dl class="nhsuk-summary-list">
                                        {rows.into_iter().map(|(k, val)| view! {
                                            <div class="nhsuk-summary-list__row">
                                                <dt class="nhsuk-summary-list__key">{k}</dt>
                                                <dd class="nhsuk-summary-list__value">{val}</dd>
                                            </div>
                                        }).collect_view()}
                                    </dl>
                                    {pending.then(|| view! {
                                        {move || {
                                            let last_day = last_day.clone();
                                            let error = action.value().get().and_then(|r| r.err());
                                            view! {
                                                <ActionForm action=action attr:novalidate="novalidate">
                                                    <Hidden name="id" value=rid.to_string()/>
                                                    <Radios field=Field::Decision legend="Your decision"
                                                        choices=vec![
                                                            Choice { value: "approve".into(), label: "Approve".into(), hint: None },
                                                            Choice { value: "reject".into(), label: "Reject".into(), hint: None },
                                                        ]
                                                        selected=error.as_ref().and_then(|e| e.echo(Field::Decision)).unwrap_or_default()
                                                        problem=problem_for(&error, Field::Decision)/>
                                                    <TextArea field=Field::Reason label="Reason for rejecting" max_chars=domain::rules::review::REASON_MAX
                                                        hint="Needed only to reject, up to 250 characters. The user is told it."
                                                        value=error.as_ref().and_then(|e| e.echo(Field::Reason)).unwrap_or_default()
                                                        problem=problem_for(&error, Field::Reason)/>
                                                    <AccessEndsOptional max_days=max_days error=error.clone() value=last_day.clone()
                                                        legend="If you approve, access ends on (optional)" hint=end_hint/>
                                                    <button class="nhsuk-button" type="submit">"Confirm"</button>
                                                </ActionForm>
                                            }
                                        }}
                                    })}
                                    <p class="nhsuk-body"><a href=format!("/users/{user}")>"Back to the user"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <Gone e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
