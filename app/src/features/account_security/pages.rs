//! Account security pages: Forgotten Password and its link, Forgotten User Name, Change Password,
//! and the Service Desk's Locked accounts.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{
    form_title, problem_for, ErrorSummary, InputField, NewPasswordFields,
};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::SuccessNotice;
use crate::error::{AppError, Field};
use crate::features::account_security::api::{
    locked_accounts, reset_link, ChangePassword, ForgottenPassword, ResetPassword, UnlockAccount,
};
use crate::links::LinkView;
use crate::support::ContactServiceDesk;

/// Forgotten password: the email address the account was registered with, then Submit.
#[component]
pub fn ForgottenPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgottenPassword>::new();
    view! {
        <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Forgotten password") viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    {move || {
                        let error = action.value().get().and_then(|r| r.err());
                        let email = error.as_ref().and_then(|e| e.echo(Field::Email));
                        view! {
                            <ErrorSummary error=error.clone()/>
                            <h1 class="nhsuk-heading-l">"Forgotten password"</h1>
                            <p class="nhsuk-body">"Enter the email address your account was registered with. We will send it a link to set a new password."</p>
                            <ActionForm action=action attr:novalidate="novalidate">
                                <InputField field=Field::Email label="Email address" input_type="email"
                                    autocomplete="username" value=email.unwrap_or_default()
                                    problem=problem_for(&error, Field::Email)/>
                                <button class="nhsuk-button" type="submit">"Submit"</button>
                            </ActionForm>
                            <p class="nhsuk-body"><a href="/forgotten-user-name">"Forgotten your user name?"</a></p>
                            <p class="nhsuk-body"><a href="/sign-in">"Back to Sign in"</a></p>
                        }
                    }}
                </div>
            </div>
        </Page>
    }
}

/// The same page whether or not the address belongs to an account.
#[component]
pub fn ForgottenPasswordSentPage() -> impl IntoView {
    view! {
        <Page title="Check your email - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Check your email"</h1>
            <p class="nhsuk-body">"If an account is registered with that email address, we have sent it a link to set a new password. The link works once, for 1 hour."</p>
            <p class="nhsuk-body">"If no email arrives within a few minutes, check your junk folder, or ask for a new link. If your account has been locked after too many failed sign-ins, no link is sent: contact the Service Desk to unlock it."</p>
            <ContactServiceDesk/>
            <p class="nhsuk-body"><a href="/forgotten-password">"Ask for a new link"</a></p>
            <p class="nhsuk-body"><a href="/sign-in">"Back to Sign in"</a></p>
        </Page>
    }
}

/// Forgotten user name: the user name is always the email address.
#[component]
pub fn ForgottenUserNamePage() -> impl IntoView {
    view! {
        <Page title="Forgotten user name - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Forgotten user name"</h1>
            <p class="nhsuk-body">"Your user name is always your email address: the one your account was registered with, or the one your invitation was sent to."</p>
            <p class="nhsuk-body">"If you need to be reminded which email address that is, ask your practice manager or your account administrator. If you need more help, contact the Service Desk."</p>
            <ContactServiceDesk/>
            <p class="nhsuk-body"><a href="/forgotten-password">"Forgotten your password?"</a></p>
            <p class="nhsuk-body"><a href="/sign-in">"Back to Sign in"</a></p>
        </Page>
    }
}

/// The emailed link opens "Set a new password"; a used, replaced or expired link says so.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    // Read again after a failed submit: the link may have been used or expired meanwhile.
    let link = Resource::new(
        move || (token(), action.version().get()),
        |(t, _)| reset_link(t),
    );
    view! {
        <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Set a new password") viewer=None>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let t = token();
                            match link.await {
                                Ok(LinkView::Valid) => view! {
                                    {move || {
                                        let error: Option<AppError> = action.value().get().and_then(|r| r.err());
                                        let t = t.clone();
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">"Set a new password"</h1>
                                            <p class="nhsuk-body">"When you set it, every session of your account is signed out. Then sign in with your new password."</p>
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                <input type="hidden" name="token" value=t/>
                                                <NewPasswordFields error=error/>
                                                <button class="nhsuk-button" type="submit">"Set password"</button>
                                            </ActionForm>
                                        }
                                    }}
                                }.into_any(),
                                Ok(_) => view! {
                                    <h1 class="nhsuk-heading-l">"This link is no longer valid"</h1>
                                    <p class="nhsuk-body">"A link to set a new password works once, for 1 hour, and only the newest link you were sent works."</p>
                                    <p class="nhsuk-body"><a href="/forgotten-password">"Ask for a new link"</a></p>
                                }.into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
            </div>
        </Page>
    }
}

/// My Profile → User Details → Change Password → current, new, confirm →
/// Update Password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Change Password") viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        {move || {
                            let error = action.value().get().and_then(|r| r.err());
                            view! {
                                <ErrorSummary error=error.clone()/>
                                <h1 class="nhsuk-heading-l">"Change Password"</h1>
                                <p class="nhsuk-body">"Your other sessions are signed out when you change it; this one goes on. We email you to say it has changed."</p>
                                <ActionForm action=action attr:novalidate="novalidate">
                                    <InputField field=Field::CurrentPassword label="Current password" input_type="password"
                                        autocomplete="current-password" problem=problem_for(&error, Field::CurrentPassword)/>
                                    <NewPasswordFields error=error/>
                                    <button class="nhsuk-button" type="submit">"Update Password"</button>
                                </ActionForm>
                                <p class="nhsuk-body"><a href="/my-profile/details">"Back to User Details"</a></p>
                            }
                        }}
                    </div>
                </div>
            </Page>
        }/>
    }
}

/// Locked accounts, for the Service Desk to unlock.
#[component]
pub fn LockedAccountsPage() -> impl IntoView {
    let unlock = ServerAction::<UnlockAccount>::new();
    let query = use_query_map();
    let rows = Resource::new(move || unlock.version().get(), |_| locked_accounts());
    view! {
        <SignedIn needs_role=true render=move |v| {
            let unlocked = move || query.read().get("unlocked").is_some() || unlock.value().get().is_some_and(|r| r.is_ok());
            view! {
                <Page title="Locked accounts - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"Locked accounts"</h1>
                    {move || unlocked().then(|| view! { <SuccessNotice message="The account has been unlocked. Its owner can sign in again."/> })}
                    <p class="nhsuk-body">"An account locks after too many failed sign-ins in a row, and its owner is told by email to contact you. Check who you are speaking to before you unlock it."</p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match rows.await {
                                Ok(list) if list.is_empty() => view! { <p class="nhsuk-body">"No account is locked."</p> }.into_any(),
                                Ok(list) => view! {
                                    <table class="nhsuk-table">
                                        <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Locked accounts"</caption>
                                        <thead class="nhsuk-table__head">
                                            <tr class="nhsuk-table__row">
                                                <th class="nhsuk-table__header" scope="col">"Name"</th>
                                                <th class="nhsuk-table__header" scope="col">"Email address"</th>
                                                <th class="nhsuk-table__header" scope="col">"Locked since"</th>
                                                <th class="nhsuk-table__header" scope="col">"Action"</th>
                                            </tr>
                                        </thead>
                                        <tbody class="nhsuk-table__body">
                                            {list.into_iter().map(|l| view! {
                                                <tr class="nhsuk-table__row">
                                                    <td class="nhsuk-table__cell">{l.name.clone()}</td>
                                                    <td class="nhsuk-table__cell"><span class="gh-break">{l.email.clone()}</span></td>
                                                    <td class="nhsuk-table__cell">{l.locked_at}</td>
                                                    <td class="nhsuk-table__cell">
                                                        <ActionForm action=unlock>
                                                            <input type="hidden" name="user" value=l.user.to_string()/>
                                                            <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit"
                                                                aria-label=format!("Unlock {}", l.email)>"Unlock"</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
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
