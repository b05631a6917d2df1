//! My Profile: reachable by every signed-in user, including one with no role left.

use leptos::prelude::*;

use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::tiles::{Tile, TileGrid, TILES};
use crate::viewer::Viewer;

#[component]
pub fn MyProfilePage() -> impl IntoView {
    view! {
        <SignedIn render=|v| {
            let no_role = v.acting.is_none() && v.landing == domain::model::session::Landing::MyProfile;
            let tiles: Vec<Tile> = TILES.iter().copied()
                .filter(|t| t.needs.is_empty() && t.href != "/my-profile")
                .filter(|t| !no_role || t.href == "/my-account")
                .filter(|t| t.href != "/notifications")
                .chain([
                    Tile {
                        title: "User Details",
                        href: "/my-profile/details",
                        description: "Your name and email address, which is your user name.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Available Roles",
                        href: "/my-profile/roles",
                        description: "Every role you have or have asked for, and its status. Withdraw a pending request.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Request Access",
                        href: "/my-profile/request-access",
                        description: "Ask for a role at another organisation, such as a second practice.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Sessions",
                        href: "/my-profile/sessions",
                        description: "Where you are signed in. Sign out everywhere else.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Two-factor authentication",
                        href: "/my-profile/two-factor",
                        description: "A code from an authenticator app after your password, and your recovery codes.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Notification Settings",
                        href: "/my-profile/notification-settings",
                        description: "Choose whether notifications are also sent to you by email.",
                        needs: &[],
                        task: None,
                    },
                    Tile {
                        title: "Disable Account",
                        href: "/my-profile/disable",
                        description: "Stop using Gatehouse: you will no longer be able to sign in.",
                        needs: &[],
                        task: None,
                    },
                ])
                .collect();
            view! {
                <Page title="My Profile - Gatehouse" viewer=Some(v.clone())>
                    <h1 class="nhsuk-heading-l">"My Profile"</h1>
                    {no_role.then(|| view! {
                        <div class="nhsuk-inset-text">
                            <span class="nhsuk-u-visually-hidden">"Information: "</span>
                            <p>"You do not have a role at any organisation at the moment."</p>
                        </div>
                    })}
                    <h2 class="nhsuk-heading-m">"Your details"</h2>
                    <UserDetailsList v=v.clone()/>
                    <TileGrid tiles=tiles/>
                </Page>
            }
        }/>
    }
}

/// The signed-in user's own details (My Profile → User Details).
#[component]
fn UserDetailsList(v: Viewer) -> impl IntoView {
    let rows = [
        ("First name", v.first_name),
        ("Last name", v.last_name),
        ("Email address (your user name)", v.email),
    ];
    view! {
        <dl class="nhsuk-summary-list">
            {rows.into_iter().map(|(k, val)| view! {
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">{k}</dt>
                    <dd class="nhsuk-summary-list__value">{val}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
pub fn UserDetailsPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let changed = move || query.read().get("password-changed").is_some();
    view! {
        <SignedIn render=move |v| view! {
            <Page title="User Details - Gatehouse" viewer=Some(v.clone())>
                {changed().then(|| view! {
                    <crate::components::list::SuccessNotice message="Your password has been changed. Your other sessions have been signed out."/>
                })}
                <h1 class="nhsuk-heading-l">"User Details"</h1>
                <UserDetailsList v=v/>
                <a class="nhsuk-button nhsuk-button--secondary" href="/my-profile/details/change-password">"Change Password"</a>
                <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
            </Page>
        }/>
    }
}

/// My Profile → Sessions: where the account is signed in, and a way to sign the others out.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let end = ServerAction::<crate::features::sign_in::api::EndOtherSessions>::new();
    let sessions = Resource::new(
        move || end.version().get(),
        |_| crate::features::sign_in::api::my_sessions(),
    );
    view! {
        <SignedIn render=move |v| {
            let ended = move || {
                let from_query = query.read().get("ended");
                from_query.or_else(|| end.value().get().and_then(|r| r.ok()).map(|_| String::new()))
            };
            view! {
                <Page title="Sessions - Gatehouse" viewer=Some(v)>
                    {move || ended().map(|_| view! {
                        <crate::components::list::SuccessNotice message="Your other sessions have been signed out."/>
                    })}
                    <h1 class="nhsuk-heading-l">"Sessions"</h1>
                    <p class="nhsuk-body">"Where your account is signed in now. If you do not recognise one, sign out of the others and change your password."</p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match sessions.await {
                                Ok(list) => {
                                    let others = list.iter().filter(|s| !s.current).count();
                                    view! {
                                        // A summary list per session: it reads the same on a phone as on a desktop.
                                        <ul class="nhsuk-list gh-sessions">
                                            {list.into_iter().map(|s| view! {
                                                <li class="gh-session">
                                                    <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-2">
                                                        <span class="gh-break">{s.device}</span>
                                                        {s.current.then(|| view! { " " <strong class="nhsuk-tag nhsuk-tag--green">"This session"</strong> })}
                                                    </h2>
                                                    <dl class="nhsuk-summary-list">
                                                        <div class="nhsuk-summary-list__row">
                                                            <dt class="nhsuk-summary-list__key">"Signed in"</dt>
                                                            <dd class="nhsuk-summary-list__value">{s.started}</dd>
                                                        </div>
                                                        <div class="nhsuk-summary-list__row">
                                                            <dt class="nhsuk-summary-list__key">"Last active"</dt>
                                                            <dd class="nhsuk-summary-list__value">{s.last_active}</dd>
                                                        </div>
                                                        <div class="nhsuk-summary-list__row">
                                                            <dt class="nhsuk-summary-list__key">"From"</dt>
                                                            <dd class="nhsuk-summary-list__value gh-break">{s.from}</dd>
                                                        </div>
                                                    </dl>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                        {if others > 0 {
                                            view! {
                                                <ActionForm action=end>
                                                    <button class="nhsuk-button nhsuk-button--warning" type="submit">"Sign out of all other sessions"</button>
                                                </ActionForm>
                                            }.into_any()
                                        } else {
                                            view! { <p class="nhsuk-body">"You are not signed in anywhere else."</p> }.into_any()
                                        }}
                                    }.into_any()
                                }
                                Err(e) => view! { <crate::components::form::ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                    <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
                </Page>
            }
        }/>
    }
}
