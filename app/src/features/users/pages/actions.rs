//! What an administrator does to a user from their page: revoke, disable and enable.

use super::*;

/// The account's access: Enabled or Disabled, and Submit,
/// which leads to the Disable (with its reason) or Enable confirmation. A GET form, so it works
/// without JavaScript.
#[component]
pub(super) fn AccessForm(id: i64, enabled: bool) -> impl IntoView {
    view! {
        <form method="get" action=format!("/users/{id}/access") class="gh-access">
            <div class="nhsuk-form-group">
                <fieldset class="nhsuk-fieldset">
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Gatehouse access"</legend>
                    <div class="nhsuk-radios nhsuk-radios--inline">
                        <div class="nhsuk-radios__item">
                            <input class="nhsuk-radios__input" id="access-enabled" name="access" type="radio" value="enabled" checked=enabled/>
                            <label class="nhsuk-label nhsuk-radios__label" for="access-enabled">"Enabled"</label>
                        </div>
                        <div class="nhsuk-radios__item">
                            <input class="nhsuk-radios__input" id="access-disabled" name="access" type="radio" value="disabled" checked=!enabled/>
                            <label class="nhsuk-label nhsuk-radios__label" for="access-disabled">"Disabled"</label>
                        </div>
                    </div>
                </fieldset>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Submit"</button>
        </form>
    }
}

/// Where the access radio's Submit leads: Disable Account for "disabled", Enable Account for
/// "enabled"; each says so when the account is that way already.
#[component]
pub fn AccessPage() -> impl IntoView {
    let query = use_query_map();
    let disable = query.read_untracked().get("access").as_deref() == Some("disabled");
    if disable {
        view! { <DisablePage/> }.into_any()
    } else {
        view! { <EnablePage/> }.into_any()
    }
}

/// Revoke → (organisation) → Confirm; from a row's Remove Organisation link, the
/// organisation is chosen already and the button is Submit.
#[component]
pub fn RevokePage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let preset = StoredValue::new(
        query
            .read_untracked()
            .get("organisation")
            .unwrap_or_default(),
    );
    let action = ServerAction::<RevokeAccess>::new();
    let detail = Resource::new(id, get_user);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || if action.value().get().is_some_and(|r| r.is_err()) { "Error: Revoke - Gatehouse" } else { "Revoke - Gatehouse" } viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) if d.own => view! { <OwnAccount id=d.id/> }.into_any(),
                            Ok(d) if d.revocable_at.is_empty() => view! {
                                <h1 class="nhsuk-heading-l">{format!("{} {} has no active role in your area", d.first_name, d.last_name)}</h1>
                                <p class="nhsuk-body"><a href=format!("/users/{}", d.id)>"Back to the user"</a></p>
                            }.into_any(),
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("Revoke the access of {} {}?", d.first_name, d.last_name);
                                let choices: Vec<Choice> = d.revocable_at.iter().map(|(code, name)| Choice {
                                    value: code.clone(),
                                    label: format!("{name} ({code})"),
                                    hint: None,
                                }).collect();
                                let preset = preset.get_value();
                                let removing = d.revocable_at.iter().find(|(c, _)| c.eq_ignore_ascii_case(&preset)).cloned();
                                let first = removing.as_ref().or(d.revocable_at.first()).map(|(c, _)| c.clone()).unwrap_or_default();
                                let button = if removing.is_some() { "Submit" } else { "Confirm" };
                                view! {
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    <p class="nhsuk-body">"Every active role the user holds at the organisation you choose, and at the organisations below it, ends now. They can still sign in and ask for access elsewhere from My Profile."</p>
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let (choices, first) = (choices.clone(), first.clone());
                                        view! {
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                <input type="hidden" name="user" value=id.to_string()/>
                                                <Radios field=Field::Organisation legend="Revoke access at"
                                                    choices=choices.clone() selected=first.clone()
                                                    problem=problem_for(&error, Field::Organisation)/>
                                                <button class="nhsuk-button nhsuk-button--warning" id="confirm" type="submit">{button}</button>
                                            </ActionForm>
                                        }
                                    }}
                                    <p class="nhsuk-body"><a href=format!("/users/{id}")>"Cancel"</a></p>
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

/// Disable Account → reason (a list, or Other with up to 250 characters) → Confirm.
#[component]
pub fn DisablePage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<DisableAccount>::new();
    let detail = Resource::new(id, get_user);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title=move || if action.value().get().is_some_and(|r| r.is_err()) { "Error: Disable Account - Gatehouse" } else { "Disable Account - Gatehouse" } viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) if d.own => view! { <OwnAccount id=d.id/> }.into_any(),
                            Ok(d) if d.held_outside > 0 => view! {
                                <h1 class="nhsuk-heading-l">"You cannot disable this account"</h1>
                                <p class="nhsuk-body">{format!("{} {} holds roles, or is waiting for a decision on them, at organisations outside yours. Only an administrator of all of them, or the Service Desk, can disable the account.", d.first_name, d.last_name)}</p>
                                <p class="nhsuk-body">"You can revoke their access at your organisation instead."</p>
                                <a class="nhsuk-button nhsuk-button--warning" href=format!("/users/{}/revoke", d.id)>"Revoke"</a>
                                <p class="nhsuk-body"><a href=format!("/users/{}", d.id)>"Back to the user"</a></p>
                            }.into_any(),
                            Ok(d) if d.disabled => view! {
                                <h1 class="nhsuk-heading-l">"This account is already disabled"</h1>
                                <p class="nhsuk-body"><a href=format!("/users/{}", d.id)>"Back to the user"</a></p>
                            }.into_any(),
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("Disable the account of {} {}?", d.first_name, d.last_name);
                                let mut choices: Vec<Choice> = domain::features::users::DISABLE_REASONS.iter().map(|(k, l)| Choice {
                                    value: (*k).to_owned(),
                                    label: (*l).to_owned(),
                                    hint: None,
                                }).collect();
                                choices.push(Choice { value: "other".into(), label: "Other".into(), hint: Some("Give the reason below".into()) });
                                view! {
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    <p class="nhsuk-body">"They will not be able to sign in for any organisation, and are signed out now. Their data is kept. An administrator can enable the account again."</p>
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let choices = choices.clone();
                                        view! {
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                <input type="hidden" name="user" value=id.to_string()/>
                                                <Radios field=Field::DisableReason legend="Why are you disabling the account?"
                                                    choices=choices.clone()
                                                    selected=error.as_ref().and_then(|e| e.echo(Field::DisableReason)).unwrap_or_default()
                                                    problem=problem_for(&error, Field::DisableReason)/>
                                                <TextArea field=Field::OtherReason label="If Other, the reason" max_chars=domain::features::users::DISABLE_REASON_MAX
                                                    hint="Up to 250 characters. Give as much detail as you can."
                                                    value=error.as_ref().and_then(|e| e.echo(Field::OtherReason)).unwrap_or_default()
                                                    problem=problem_for(&error, Field::OtherReason)/>
                                                <button class="nhsuk-button nhsuk-button--warning" id="confirm" type="submit">"Confirm"</button>
                                            </ActionForm>
                                        }
                                    }}
                                    <p class="nhsuk-body"><a href=format!("/users/{id}")>"Cancel"</a></p>
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

/// Enable Account → Confirm.
#[component]
pub fn EnablePage() -> impl IntoView {
    let id = id_param();
    let action = ServerAction::<EnableAccount>::new();
    let detail = Resource::new(id, get_user);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Enable Account - Gatehouse" viewer=Some(v)>
                {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) if d.own => view! { <OwnAccount id=d.id/> }.into_any(),
                            Ok(d) if !d.disabled => view! {
                                <h1 class="nhsuk-heading-l">"This account is enabled already"</h1>
                                <p class="nhsuk-body"><a href=format!("/users/{}", d.id)>"Back to the user"</a></p>
                            }.into_any(),
                            Ok(d) => {
                                let id = d.id;
                                let heading = format!("Enable the account of {} {}?", d.first_name, d.last_name);
                                view! {
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    <p class="nhsuk-body">"They will be able to sign in again with the roles they held."</p>
                                    <ActionForm action=action>
                                        <input type="hidden" name="user" value=id.to_string()/>
                                        <button class="nhsuk-button" id="confirm" type="submit">"Confirm"</button>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href=format!("/users/{id}")>"Cancel"</a></p>
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

/// Revoke, Disable Account and Enable Account on one's own record: not here. Another
/// administrator decides; My Profile's Disable Account is the way to disable oneself.
#[component]
fn OwnAccount(id: i64) -> impl IntoView {
    view! {
        <h1 class="nhsuk-heading-l">"You cannot change your own access here"</h1>
        <p class="nhsuk-body">"Another administrator revokes, disables or enables your account."</p>
        <p class="nhsuk-body">
            "To disable your own account, use "<a href="/my-profile/disable">"Disable Account"</a>" on My Profile."
        </p>
        <p class="nhsuk-body"><a href=format!("/users/{id}")>"Back to the user"</a></p>
    }
}
