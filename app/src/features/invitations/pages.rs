//! Invite: email → names → organisation → role → preview → Send; the link's page for the
//! invitee; Resend and Withdraw with Confirm.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{
    form_title, problem_for, AccessEndsOptional, Choice, ErrorSummary, Hidden, InputField,
    PageError, Radios,
};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::SuccessNotice;
use crate::error::{AppError, Field};
use crate::features::invitations::api::{
    invitation_link, invite_answers, invite_organisations, invite_preview, invite_roles, invitee,
    step_url, AcceptInvitation, AcceptInvitationSigned, ChangeInvitation, InviteEmail, InviteNames,
    InviteOrganisation, InviteRole, LinkOffer, SendInvite,
};

/// What the earlier steps chose that may be in the address: the organisation's code and the
/// role's number. The invitee's email address and names are in the draft (`invite_answers`).
#[derive(Clone, PartialEq)]
struct Chosen {
    org: String,
    role: String,
}

fn chosen() -> impl Fn() -> Chosen + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        Chosen {
            org: get("org"),
            role: get("role"),
        }
    }
}

/// A step reached without the earlier ones (or after its answers expired), or a refusal.
#[component]
fn InviteNotFound(e: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if e == AppError::NotFound {
        crate::ssr::request::set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! { <PageError e=e why="Start again from Users." back="/users" back_label="Back to Users"/> }
}

/// Step 1: the email address.
#[component]
pub fn InviteEmailPage() -> impl IntoView {
    let action = ServerAction::<InviteEmail>::new();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    // Back from the names step: the address typed before.
    let earlier = Resource::new(|| (), |_| invite_answers());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Invite a user") viewer=Some(v)>
                <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let typed = if sent() { String::new() } else { earlier.await.ok().flatten().map(|a| a.email).unwrap_or_default() };
                    let error = action.value().get().and_then(|r| r.err());
                    view! {
                        <ErrorSummary error=error.clone()/>
                        {sent().then(|| view! { <SuccessNotice message="Invite successfully sent."/> })}
                        <h1 class="nhsuk-heading-l">"Invite a user"</h1>
                        <p class="nhsuk-body">"Invite someone new, or add a role for someone who already uses Gatehouse."</p>
                        <ActionForm action=action attr:novalidate="novalidate">
                            <InputField field=Field::Email label="Email address" input_type="email" autocomplete="off"
                                value=error.as_ref().and_then(|e| e.echo(Field::Email)).unwrap_or(typed)
                                problem=problem_for(&error, Field::Email)/>
                            <button class="nhsuk-button" type="submit">"Next"</button>
                        </ActionForm>
                    }
                })}
                </Suspense>
                <p class="nhsuk-body"><a href="/users">"Back to Users"</a></p>
            </Page>
        }/>
    }
}

/// Step 2: first and last name, locked for an existing user.
#[component]
pub fn InviteDetailsPage() -> impl IntoView {
    let action = ServerAction::<InviteNames>::new();
    let who = Resource::new(|| (), |_| invitee());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Invite a user: name") viewer=Some(v)>
                <BackLink href="/users/invite".to_owned()/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match who.await {
                            Ok(w) => {
                                let email = w.answers.email.clone();
                                let (first_typed, last_typed) = (w.answers.first.clone(), w.answers.last.clone());
                                let existing = w.existing.clone();
                                view! {
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let existing = existing.clone();
                                        let email = email.clone();
                                        let (first_typed, last_typed) = (first_typed.clone(), last_typed.clone());
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">"Who are you inviting?"</h1>
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                {match existing {
                                                    Some((first, last)) => view! {
                                                        <div class="nhsuk-inset-text">
                                                            <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                                            <p>{format!("{email} already uses Gatehouse as {first} {last}. The role you choose will be added to their account.")}</p>
                                                        </div>
                                                        <Hidden name="first_name" value=first/>
                                                        <Hidden name="last_name" value=last/>
                                                    }.into_any(),
                                                    None => view! {
                                                        <p class="nhsuk-body">{format!("Email address: {email}")}</p>
                                                        <InputField field=Field::FirstName label="First name" autocomplete="off"
                                                            value=error.as_ref().and_then(|e| e.echo(Field::FirstName)).unwrap_or(first_typed)
                                                            problem=problem_for(&error, Field::FirstName)/>
                                                        <InputField field=Field::LastName label="Last name" autocomplete="off"
                                                            value=error.as_ref().and_then(|e| e.echo(Field::LastName)).unwrap_or(last_typed)
                                                            problem=problem_for(&error, Field::LastName)/>
                                                    }.into_any(),
                                                }}
                                                <button class="nhsuk-button" type="submit">"Next"</button>
                                            </ActionForm>
                                        }
                                    }}
                                }.into_any()
                            }
                            Err(e) => view! { <InviteNotFound e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Step 3: the organisation, only within the inviter's scope.
#[component]
pub fn InviteOrganisationPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let action = ServerAction::<InviteOrganisation>::new();
    let matches = Resource::new(q, invite_organisations);
    let answers = Resource::new(|| (), |_| invite_answers());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Invite a user: organisation") viewer=Some(v)>
                <BackLink href=step_url("details", "", None)/>
                <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let who = match answers.await {
                        Ok(Some(w)) => w,
                        Ok(None) => return view! { <InviteNotFound e=AppError::NotFound/> }.into_any(),
                        Err(e) => return view! { <InviteNotFound e=e/> }.into_any(),
                    };
                    let error = action.value().get().and_then(|r| r.err());
                    view! {
                        <ErrorSummary error=error.clone()/>
                        <h1 class="nhsuk-heading-l">{format!("Which organisation is {} {} joining?", who.first, who.last)}</h1>
                        <ActionForm action=action attr:novalidate="novalidate">
                            <InputField field=Field::Organisation label="ODS code or organisation name"
                                hint="Only organisations in your area can be chosen." autocomplete="off"
                                value=error.as_ref().and_then(|e| e.echo(Field::Organisation)).unwrap_or_else(|| untrack(q))
                                problem=problem_for(&error, Field::Organisation)/>
                            <button class="nhsuk-button" type="submit">"Next"</button>
                        </ActionForm>
                    }.into_any()
                })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match matches.await {
                            Ok(list) if !list.is_empty() => view! {
                                <h2 class="nhsuk-heading-m" id="matches">"Matching organisations"</h2>
                                <ul class="nhsuk-list">
                                    {list.into_iter().map(|o| view! {
                                        <li><a href=step_url("role", &o.code, None)>{format!("{} ({})", o.name, o.code)}</a></li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Step 4: the role, among those valid there that the inviter may grant.
#[component]
pub fn InviteRolePage() -> impl IntoView {
    let a = chosen();
    let action = ServerAction::<InviteRole>::new();
    let roles = Resource::new(move || a().org, invite_roles);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Invite a user: role") viewer=Some(v)>
                <BackLink href=step_url("organisation", "", None)/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match roles.await {
                            Ok((org, roles, end)) => {
                                let choices: Vec<Choice> = roles.into_iter().map(|r| Choice {
                                    value: r.id.to_string(),
                                    label: r.name,
                                    hint: (!r.description.is_empty()).then_some(r.description),
                                }).collect();
                                view! {
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let x = a();
                                        let ends = end.ends.clone();
                                        let choices = choices.clone();
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">{format!("Which role at {}?", org.name)}</h1>
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                <Hidden name="org" value=x.org.clone()/>
                                                <Radios field=Field::Role legend="Role" choices=choices
                                                    selected=x.role.clone()
                                                    problem=problem_for(&error, Field::Role)/>
                                                <AccessEndsOptional max_days=end.max_days error=error.clone() value=ends/>
                                                <button class="nhsuk-button" type="submit">"Next"</button>
                                            </ActionForm>
                                        }
                                    }}
                                }.into_any()
                            }
                            Err(e) => view! { <InviteNotFound e=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Step 5: the email as it will go → Send.
#[component]
pub fn InvitePreviewPage() -> impl IntoView {
    let a = chosen();
    let action = ServerAction::<SendInvite>::new();
    let preview = Resource::new(a, |x| invite_preview(x.org, x.role));
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Invite a user: check the email") viewer=Some(v)>
                <BackLink href={ let x = a(); step_url("role", &x.org, x.role.parse().ok()) }/>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let x = a();
                        let change = step_url("role", &x.org, x.role.parse().ok());
                        match preview.await {
                            Ok(p) => view! {
                                <h1 class="nhsuk-heading-l">"Check the invitation"</h1>
                                <dl class="nhsuk-summary-list">
                                    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"To"</dt><dd class="nhsuk-summary-list__value">{p.to}</dd></div>
                                    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Organisation"</dt><dd class="nhsuk-summary-list__value">{p.org_name}</dd></div>
                                    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Role"</dt><dd class="nhsuk-summary-list__value">{p.role_name}</dd></div>
                                    {(!p.last_day.is_empty()).then(|| view! {
                                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Access ends"</dt><dd class="nhsuk-summary-list__value">{format!("After {}", p.last_day)}</dd></div>
                                    })}
                                    <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Subject"</dt><dd class="nhsuk-summary-list__value">{p.subject}</dd></div>
                                </dl>
                                <div class="nhsuk-inset-text gh-email-preview">
                                    <span class="nhsuk-u-visually-hidden">"The email: "</span>
                                    <pre class="gh-pre">{p.body}</pre>
                                </div>
                                <ActionForm action=action>
                                    <Hidden name="org" value=x.org.clone()/>
                                    <Hidden name="role" value=x.role.clone()/>
                                    <button class="nhsuk-button" type="submit">"Send"</button>
                                </ActionForm>
                                <p class="nhsuk-body"><a href=change>"Change the role or when access ends"</a></p>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> <p class="nhsuk-body"><a href="/users/invite">"Start again"</a></p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// The invitation link (`/invite?token=…`): a new person sets names and password; an existing
/// user signs in to accept.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let new_action = ServerAction::<AcceptInvitation>::new();
    let signed_action = ServerAction::<AcceptInvitationSigned>::new();
    let link = Resource::new(token, invitation_link);
    view! {
        <Page title="Your invitation - Gatehouse" viewer=None>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let t = token();
                    match link.await {
                        Ok(LinkOffer::New { email, first_name, last_name, org_name, role_name }) => view! {
                            {move || {
                                let error = new_action.value().get().and_then(|r| r.err());
                                let t = t.clone();
                                let echo = |f: Field, d: &str| error.as_ref().and_then(|e| e.echo(f)).unwrap_or_else(|| d.to_owned());
                                let (first_v, last_v) = (echo(Field::FirstName, &first_name), echo(Field::LastName, &last_name));
                                let problems = [Field::FirstName, Field::LastName, Field::Password, Field::ConfirmPassword].map(|f| problem_for(&error, f));
                                let intro = format!("You have been invited to Gatehouse as {role_name} at {org_name}. Your user name is your email address, {email}.");
                                view! {
                                    <ErrorSummary error=error.clone()/>
                                    <h1 class="nhsuk-heading-l">"Set up your account"</h1>
                                    <p class="nhsuk-body">{intro}</p>
                                    <ActionForm action=new_action attr:novalidate="novalidate">
                                        <Hidden name="token" value=t/>
                                        <InputField field=Field::FirstName label="First name" autocomplete="given-name"
                                            value=first_v problem=problems[0]/>
                                        <InputField field=Field::LastName label="Last name" autocomplete="family-name"
                                            value=last_v problem=problems[1]/>
                                        <InputField field=Field::Password label="Password" input_type="password" autocomplete="new-password"
                                            hint="At least 8 characters, with an upper case letter, a lower case letter, a number and a special character."
                                            problem=problems[2]/>
                                        <InputField field=Field::ConfirmPassword label="Confirm password" input_type="password" autocomplete="new-password"
                                            problem=problems[3]/>
                                        <button class="nhsuk-button" type="submit">"Register"</button>
                                    </ActionForm>
                                }
                            }}
                        }.into_any(),
                        Ok(LinkOffer::Existing { email, org_name, role_name }) => view! {
                            {move || {
                                let error = signed_action.value().get().and_then(|r| r.err());
                                let t = t.clone();
                                view! {
                                    <ErrorSummary error=error.clone()/>
                                    <h1 class="nhsuk-heading-l">"Sign in to accept your invitation"</h1>
                                    <p class="nhsuk-body">{format!("You have been invited to Gatehouse as {role_name} at {org_name}. Sign in as {email} and the role is added to your account.")}</p>
                                    <ActionForm action=signed_action attr:novalidate="novalidate">
                                        <Hidden name="token" value=t.clone()/>
                                        <InputField field=Field::Password label="Password" input_type="password" autocomplete="current-password"
                                            problem=problem_for(&error, Field::Password)/>
                                        <button class="nhsuk-button" type="submit">"Sign in and accept"</button>
                                    </ActionForm>
                                }
                            }}
                        }.into_any(),
                        Ok(LinkOffer::NotValid) => view! {
                            <h1 class="nhsuk-heading-l">"This link is no longer valid"</h1>
                            <p class="nhsuk-body">"It may have been used already, replaced by a newer one, withdrawn, or it is more than 7 days old. Ask the administrator who invited you to send it again."</p>
                            <p class="nhsuk-body"><a href="/sign-in">"Go to sign in"</a></p>
                        }.into_any(),
                        Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// Resend or Withdraw an invitation → Confirm.
#[component]
pub fn ChangeInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let num = move |k: &'static str| {
        move || {
            params
                .read()
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        }
    };
    let (user, invitation) = (num("id"), num("invitation"));
    let change = move || query.read().get("change").unwrap_or_default();
    let action = ServerAction::<ChangeInvitation>::new();
    view! {
        <SignedIn needs_role=true render=move |v| {
            let withdraw = untrack(change) == "withdraw";
            view! {
                <Page title=if withdraw { "Withdraw invitation - Gatehouse" } else { "Resend invitation - Gatehouse" } viewer=Some(v)>
                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                    <h1 class="nhsuk-heading-l">{if withdraw { "Withdraw this invitation?" } else { "Send this invitation again?" }}</h1>
                    <p class="nhsuk-body">{if withdraw {
                        "The link stops working and the role is not added."
                    } else {
                        "A new link is sent, valid for 7 days. The link sent before stops working."
                    }}</p>
                    <ActionForm action=action>
                        <Hidden name="user" value=untrack(user).to_string()/>
                        <Hidden name="invitation" value=untrack(invitation).to_string()/>
                        <Hidden name="change" value=if withdraw { "withdraw".to_owned() } else { "resend".to_owned() }/>
                        <button class=if withdraw { "nhsuk-button nhsuk-button--warning" } else { "nhsuk-button" } type="submit">"Confirm"</button>
                    </ActionForm>
                    <p class="nhsuk-body"><a href=format!("/users/{}", untrack(user))>"Cancel"</a></p>
                </Page>
            }
        }/>
    }
}
