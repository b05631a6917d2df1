//! The pages of two-factor authentication. Every one works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::{form_title, problem_for, ErrorSummary, InputField};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::SuccessNotice;
use crate::error::Field;
use crate::features::two_factor::api::{
    two_factor_pending, two_factor_prompt, two_factor_setup, two_factor_shown_codes,
    two_factor_status, StatusView, TwoFactorCode, TwoFactorConfirm, TwoFactorNewCodes,
    TwoFactorRemove,
};
use crate::features::two_factor::passkeys::{AddPasskey, TwoFactorPasskeyRemove, UsePasskey};

/// My Profile → Two-factor authentication.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| two_factor_status());
    let query = use_query_map();
    let removed = move || query.read().get("removed").is_some();
    let added_key = move || query.read().get("added").is_some();
    let removed_key = move || query.read().get("removed-key").is_some();
    let new_codes = ServerAction::<TwoFactorNewCodes>::new();
    let remove = ServerAction::<TwoFactorRemove>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title="Two-factor authentication - Gatehouse" viewer=Some(v.clone())>
                {move || removed().then(|| view! { <SuccessNotice message="Your authenticator app has been removed."/> })}
                {move || added_key().then(|| view! { <SuccessNotice message="Your passkey has been added. You can use it after your password."/> })}
                {move || removed_key().then(|| view! { <SuccessNotice message="The passkey has been removed."/> })}
                <h1 class="nhsuk-heading-l">"Two-factor authentication"</h1>
                <p class="nhsuk-body">"After your password, Gatehouse asks for a code from an authenticator app on your phone, or for a passkey (your device's fingerprint, face or PIN, or a security key). Someone who learns your password cannot sign in without it."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(s) => {
                                let any = s.app || !s.passkeys.is_empty();
                                view! {
                                    {s.required.then(|| view! {
                                        <p class="nhsuk-body">"Your role needs two-factor authentication."</p>
                                    })}
                                    <dl class="nhsuk-summary-list">
                                        <div class="nhsuk-summary-list__row">
                                            <dt class="nhsuk-summary-list__key">"Authenticator app"</dt>
                                            <dd class="nhsuk-summary-list__value">{if s.app { "Set up" } else { "Not set up" }}</dd>
                                        </div>
                                        {any.then(|| view! {
                                            <div class="nhsuk-summary-list__row">
                                                <dt class="nhsuk-summary-list__key">"Recovery codes"</dt>
                                                <dd class="nhsuk-summary-list__value">{format!("{} of 10 unused", s.recovery_codes_left)}</dd>
                                            </div>
                                        })}
                                    </dl>
                                    {(!s.app).then(|| view! {
                                        <a class="nhsuk-button" href="/two-factor/set-up">"Set up an authenticator app"</a>
                                    })}
                                    {any.then(|| view! {
                                        <h2 class="nhsuk-heading-m">"Recovery codes"</h2>
                                        <p class="nhsuk-body">"Each recovery code signs you in once when you do not have your phone or key. New codes replace all the old ones."</p>
                                        <ActionForm action=new_codes>
                                            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Make new recovery codes"</button>
                                        </ActionForm>
                                    })}
                                    {s.app.then(|| view! {
                                        <h2 class="nhsuk-heading-m">"Remove the authenticator app"</h2>
                                        <p class="nhsuk-body">{if s.required {
                                            "Your role needs two-factor authentication: with no second factor left, you will be asked to set one up again before you can carry on."
                                        } else {
                                            "Your passkeys, if you have any, stay."
                                        }}</p>
                                        <ActionForm action=remove>
                                            <button class="nhsuk-button nhsuk-button--warning" type="submit">"Remove authenticator app"</button>
                                        </ActionForm>
                                    })}
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        status.await.ok().map(|s| view! { <Passkeys s=s/> })
                    })}
                </Suspense>
                <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
            </Page>
        }/>
    }
}

/// The person's passkeys, each removable, and the island that adds one.
#[component]
fn Passkeys(s: StatusView) -> impl IntoView {
    let remove = ServerAction::<TwoFactorPasskeyRemove>::new();
    view! {
        <h2 class="nhsuk-heading-m">"Passkeys and security keys"</h2>
        {if s.passkeys.is_empty() {
            view! { <p class="nhsuk-body">"You have no passkeys."</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Your passkeys"</caption>
                    <thead class="nhsuk-table__head">
                        <tr class="nhsuk-table__row">
                            <th class="nhsuk-table__header" scope="col">"Name"</th>
                            <th class="nhsuk-table__header" scope="col">"Added"</th>
                            <th class="nhsuk-table__header" scope="col">"Last used"</th>
                            <th class="nhsuk-table__header" scope="col">"Action"</th>
                        </tr>
                    </thead>
                    <tbody class="nhsuk-table__body">
                        {s.passkeys.into_iter().map(|k| view! {
                            <tr class="nhsuk-table__row">
                                <td class="nhsuk-table__cell">{k.name.clone()}</td>
                                <td class="nhsuk-table__cell">{k.added}</td>
                                <td class="nhsuk-table__cell">{k.last_used}</td>
                                <td class="nhsuk-table__cell">
                                    <ActionForm action=remove>
                                        <input type="hidden" name="id" value=k.id.to_string()/>
                                        <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit"
                                            aria-label=format!("Remove {}", k.name)>"Remove"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <AddPasskey/>
    }
}

/// Setting up an authenticator app: scan the QR code or type the key, then its first code.
#[component]
pub fn SetUpAppPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| two_factor_setup());
    let action = ServerAction::<TwoFactorConfirm>::new();
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), "Set up two-factor authentication") viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match setup.await {
                                    Ok(s) => view! {
                                        {move || {
                                            let error = action.value().get().and_then(|r| r.err());
                                            let s = s.clone();
                                            view! {
                                                <ErrorSummary error=error.clone()/>
                                                <h1 class="nhsuk-heading-l">"Set up two-factor authentication"</h1>
                                                {s.forced.then(|| view! {
                                                    <div class="nhsuk-inset-text">
                                                        <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                                        <p>"This service asks for two-factor authentication for the role you are using. Set it up to carry on."</p>
                                                    </div>
                                                })}
                                                <ol class="nhsuk-list nhsuk-list--number">
                                                    <li>"Install an authenticator app on your phone, such as Microsoft Authenticator or Google Authenticator."</li>
                                                    <li>"In the app, add an account and scan this QR code."</li>
                                                    <li>"Enter the 6-digit code the app shows."</li>
                                                </ol>
                                                <div class="gh-qr" role="img" aria-label="QR code for your authenticator app" inner_html=s.qr_svg.clone()></div>
                                                <p class="nhsuk-body">"If you cannot scan it, choose to enter a key in the app, and type this key (time-based):"</p>
                                                <p class="nhsuk-body"><code class="gh-secret" id="totp-secret">{s.secret.clone()}</code></p>
                                                <ActionForm action=action attr:novalidate="novalidate">
                                                    <InputField field=Field::Code label="Code from your authenticator app"
                                                        hint="For example, 123456" autocomplete="one-time-code"
                                                        problem=problem_for(&error, Field::Code)/>
                                                    <button class="nhsuk-button" type="submit">"Continue"</button>
                                                </ActionForm>
                                                <h2 class="nhsuk-heading-m">"Or add a passkey"</h2>
                                                <p class="nhsuk-body">"Use your device's fingerprint, face or PIN, or a security key, instead of an app."</p>
                                                <AddPasskey/>
                                            }
                                        }}
                                    }.into_any(),
                                    Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </div>
                </div>
            </Page>
        }/>
    }
}

/// The recovery codes, shown once after they are made.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| two_factor_shown_codes());
    view! {
        <SignedIn render=move |v| view! {
            <Page title="Your recovery codes - Gatehouse" viewer=Some(v.clone())>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match codes.await {
                            Ok(list) if list.is_empty() => view! {
                                <h1 class="nhsuk-heading-l">"Your recovery codes"</h1>
                                <p class="nhsuk-body">"Recovery codes are shown once only, when they are made. If you did not keep them, make new ones on My Profile."</p>
                                <p class="nhsuk-body"><a href="/my-profile/two-factor">"Two-factor authentication"</a></p>
                            }.into_any(),
                            Ok(list) => view! {
                                <SuccessNotice message="Two-factor authentication is set up."/>
                                <h1 class="nhsuk-heading-l">"Your recovery codes"</h1>
                                <p class="nhsuk-body">"Each code signs you in once if you do not have your phone. Keep them somewhere safe, away from your phone: print them or save them in a password manager. They will not be shown again."</p>
                                <ul class="nhsuk-list gh-recovery-codes">
                                    {list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                </ul>
                                <a class="nhsuk-button" href="/">"Continue"</a>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// The code after the password, or again before a dangerous action (`method=recovery` for a
/// recovery code).
#[component]
pub fn CodePage() -> impl IntoView {
    let query = use_query_map();
    let recovery = move || query.read().get("method").as_deref() == Some("recovery");
    let next = move || query.read().get("next").unwrap_or_default();
    let prompt = Resource::new(|| (), |_| two_factor_prompt());
    let action = ServerAction::<TwoFactorCode>::new();
    let heading = move || {
        if recovery() {
            "Use a recovery code"
        } else {
            "Enter the code from your authenticator app"
        }
    };
    view! {
        <SignedIn render=move |v| view! {
            <Page title=move || form_title(action.value().get().is_some_and(|r| r.is_err()), heading()) viewer=Some(v.clone())>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let p = prompt.await;
                                let (step_up, demo, has_app, has_keys) = match &p {
                                    Ok(p) => (p.step_up, p.demo_secret.clone(), p.app, p.passkeys),
                                    Err(_) => (false, None, true, false),
                                };
                                view! {
                                    {move || {
                                        let error = action.value().get().and_then(|r| r.err());
                                        let demo = demo.clone();
                                        let switch = if recovery() {
                                            (format!("/two-factor/code?next={}", crate::url::enc(&next())), if has_app { "Use your authenticator app instead" } else { "Use your passkey instead" })
                                        } else {
                                            (format!("/two-factor/code?method=recovery&next={}", crate::url::enc(&next())), "Use a recovery code")
                                        };
                                        view! {
                                            <ErrorSummary error=error.clone()/>
                                            <h1 class="nhsuk-heading-l">{if has_keys && !has_app && !recovery() { "Use your passkey" } else { heading() }}</h1>
                                            <p class="nhsuk-body">{if step_up {
                                                "This change needs you to confirm it is you. Then the form you filled in carries on."
                                            } else {
                                                "Your password was right. Now confirm it is you with your second factor."
                                            }}</p>
                                            {(has_keys && !recovery()).then(|| view! { <UsePasskey next=next()/> })}
                                            {(has_app || recovery()).then(|| view! {
                                            <ActionForm action=action attr:novalidate="novalidate">
                                                {if recovery() {
                                                    view! {
                                                        <InputField field=Field::Code label="Recovery code"
                                                            hint="For example, ABCDE-FGHJK. Each code works once."
                                                            autocomplete="off" problem=problem_for(&error, Field::Code)/>
                                                        <input type="hidden" name="method" value="recovery"/>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <InputField field=Field::Code label="6-digit code"
                                                            hint="The code changes every 30 seconds"
                                                            autocomplete="one-time-code" problem=problem_for(&error, Field::Code)/>
                                                    }.into_any()
                                                }}
                                                {(!next().is_empty()).then(|| view! { <input type="hidden" name="next" value=next()/> })}
                                                <button class="nhsuk-button" type="submit">"Continue"</button>
                                            </ActionForm>
                                            })}
                                            <p class="nhsuk-body"><a href=switch.0>{switch.1}</a></p>
                                            <p class="nhsuk-body">"Lost your phone and your recovery codes? Contact the Service Desk: they can reset two-factor authentication once they have checked who you are."</p>
                                            {demo.map(|secret| view! {
                                                <div class="nhsuk-inset-text">
                                                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                                    <p>"Demo: every demo administrator's authenticator app has the key "<code>{secret}</code>". Add it to any authenticator app to get the codes."</p>
                                                </div>
                                            })}
                                        }
                                    }}
                                }
                            })}
                        </Suspense>
                    </div>
                </div>
            </Page>
        }/>
    }
}

/// After the code asked before a dangerous action: the form as it was filled in, to send.
#[component]
pub fn CarryOnPage() -> impl IntoView {
    let pending = Resource::new(|| (), |_| two_factor_pending());
    view! {
        <SignedIn render=move |v| view! {
            <Page title="Carry on - Gatehouse" viewer=Some(v.clone())>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match pending.await {
                            Ok(Some(p)) => view! {
                                <h1 class="nhsuk-heading-l">"Carry on"</h1>
                                <p class="nhsuk-body">"You have confirmed it is you. Select Continue to finish the change you started, as you filled it in."</p>
                                <form method="post" action=p.endpoint.clone()>
                                    {p.fields.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
                                    <button class="nhsuk-button" type="submit">"Continue"</button>
                                </form>
                                <p class="nhsuk-body"><a href=p.back>"Cancel"</a></p>
                            }.into_any(),
                            Ok(None) => view! {
                                <h1 class="nhsuk-heading-l">"Carry on"</h1>
                                <p class="nhsuk-body">"You have confirmed it is you. There is no change waiting: start it again."</p>
                                <p class="nhsuk-body"><a href="/">"Home"</a></p>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
