//! The NHS.UK page frame: skip link, header with the service name and account links, the acting
//! role, the main wrapper and the footer.

use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::Title;

use crate::components::timeout::SessionTimeout;
use crate::support::ContactServiceDesk;
use crate::viewer::{SignOut, Viewer};

const NHS_LOGO_PATH: &str = "M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z";

#[component]
pub fn Page(
    #[prop(into)] title: TextProp,
    viewer: Option<Viewer>,
    children: Children,
) -> impl IntoView {
    // leptos_meta reads the title after the whole page has rendered, when the reactive values
    // of a page's body (a form's action, say) may already be disposed: reading one then panics
    // and the response is lost (about 2 in 100 requests under load). So the server reads it
    // now; in the browser it stays reactive ("Error: " after a failed submit).
    #[cfg(feature = "ssr")]
    let title = TextProp::from(title.get().to_string());
    let acting = viewer.as_ref().and_then(|v| v.acting.clone());
    let session = viewer.as_ref().map(|v| v.session.clone());
    view! {
        <Title text=title/>
        <a class="nhsuk-skip-link" href="#maincontent">"Skip to main content"</a>
        <Header viewer=viewer/>
        {acting.map(|a| view! {
            <div class="gh-acting">
                <div class="nhsuk-width-container">
                    <p class="nhsuk-body-s gh-acting__text">
                        "Acting as " <strong>{a.role_name}</strong>
                        {(!a.payment_types.is_empty()).then(|| format!(" ({})", a.payment_types.join(", ")))}
                        " at " {a.org_name} " (" {a.org_code} ")"
                        {a.clustered.then_some(", limited to its Service Provider Clusters")}
                    </p>
                </div>
            </div>
        })}
        <div class="nhsuk-width-container">
            <main class="nhsuk-main-wrapper" id="maincontent">
                {children()}
            </main>
        </div>
        {session.clone().map(|s| view! { <SessionTimeout seconds_left=s.seconds_left/> })}
        <footer class="nhsuk-footer" role="contentinfo">
            <div class="nhsuk-width-container">
                <div class="nhsuk-footer__meta">
                    <h2 class="nhsuk-u-visually-hidden">"Support links"</h2>
                    <ul class="nhsuk-footer__list">
                        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/contact-us">"Contact us"</a></li>
                        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/accessibility">"Accessibility statement"</a></li>
                        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/privacy">"Privacy notice"</a></li>
                        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/cookies">"Cookies"</a></li>
                    </ul>
                    <p class="nhsuk-body-s">"Gatehouse: access to commissioning and quality reporting"</p>
                    {session.map(|s| view! {
                        <noscript>
                            <p class="nhsuk-body-s gh-session-end">
                                {format!("For your security, you will be signed out at {} if you do nothing before then.", s.at)}
                            </p>
                        </noscript>
                    })}
                </div>
            </div>
        </footer>
    }
}

#[component]
fn Header(viewer: Option<Viewer>) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let administers = viewer
        .as_ref()
        .and_then(|v| v.acting.as_ref())
        .is_some_and(|a| !crate::components::tiles::tasks_for(&a.capabilities).is_empty());
    view! {
        <header class="nhsuk-header" data-module="nhsuk-header">
            <div class="nhsuk-header__container nhsuk-width-container">
                <div class="nhsuk-header__service">
                    <a class="nhsuk-header__service-logo" href="/" aria-label="Gatehouse homepage">
                        <svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80"
                            height="40" width="100" focusable="false" role="img" aria-label="NHS">
                            <title>"NHS"</title>
                            <path fill="currentcolor" d=NHS_LOGO_PATH></path>
                        </svg>
                        <span class="nhsuk-header__service-name">"Gatehouse"</span>
                    </a>
                </div>
                {viewer.clone().map(|v| view! {
                    <nav class="nhsuk-header__account" aria-label="Account">
                        <ul class="nhsuk-header__account-list">
                            <li class="nhsuk-header__account-item gh-header__name">
                                <span class="nhsuk-u-visually-hidden">"Signed in as "</span>
                                {format!("{} {}", v.first_name, v.last_name)}
                            </li>
                            // The words people were trained on: "View My Profile", and My Account
                            // at the top of the window, where they check their roles.
                            <li class="nhsuk-header__account-item">
                                <a class="nhsuk-header__account-link" href="/my-profile">"View My Profile"</a>
                            </li>
                            <li class="nhsuk-header__account-item">
                                <a class="nhsuk-header__account-link" href="/my-account">"My Account"</a>
                            </li>
                            {v.several_roles.then(|| view! {
                                <li class="nhsuk-header__account-item">
                                    <a class="nhsuk-header__account-link" href="/select-account">"Switch Role"</a>
                                </li>
                            })}
                            <li class="nhsuk-header__account-item">
                                <ActionForm action=sign_out attr:class="nhsuk-header__account-form">
                                    <button class="nhsuk-header__account-button" type="submit">"Sign out"</button>
                                </ActionForm>
                            </li>
                        </ul>
                    </nav>
                })}
            </div>
            // The national job aids start from an "Administrative Tasks" tab: a header link to
            // the same tasks as Home's tiles, grouped under the words they use.
            {administers.then(|| view! {
                <nav class="nhsuk-header__navigation" aria-label="Menu">
                    <div class="nhsuk-header__navigation-container nhsuk-width-container">
                        <ul class="nhsuk-header__navigation-list">
                            <li class="nhsuk-header__navigation-item">
                                <a class="nhsuk-header__navigation-link" href="/">"Home"</a>
                            </li>
                            <li class="nhsuk-header__navigation-item">
                                <a class="nhsuk-header__navigation-link" href="/administrative-tasks">"Administrative Tasks"</a>
                            </li>
                            <li class="nhsuk-header__menu" hidden>
                                <button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" aria-expanded="false">
                                    <span class="nhsuk-u-visually-hidden">"Browse "</span>"More"
                                </button>
                            </li>
                        </ul>
                    </div>
                </nav>
            })}
        </header>
    }
}

/// The NHS.UK back link at the top of a step of a multi-step form: to the step before, with what
/// was entered there (the steps carry it in their addresses).
#[component]
pub fn BackLink(#[prop(into)] href: String) -> impl IntoView {
    view! { <a class="nhsuk-back-link" href=href>"Back"</a> }
}

/// The page shown when something failed on our side, with the request's reference when it has
/// one (only a text shaped like a reference is shown).
#[component]
pub fn ServiceProblem(reference: Option<String>) -> impl IntoView {
    let reference = reference.filter(|r| crate::error::is_reference(r));
    view! {
        <h1 class="nhsuk-heading-l">"Sorry, there is a problem with the service"</h1>
        <p class="nhsuk-body">"Try again later."</p>
        {reference.map(|r| view! {
            <p class="nhsuk-body">
                "If it happens again, quote this reference to the Service Desk: "
                <strong class="gh-reference">{r}</strong>
            </p>
        })}
        <ContactServiceDesk/>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::request::set_status(axum::http::StatusCode::NOT_FOUND);
    // The signed-in header stays: someone who followed a bad link is still signed in, and
    // their way on is in it. (Pages are drawn on the server only: islands hydrate, pages do not.)
    #[cfg(feature = "ssr")]
    let viewer = crate::viewer::viewer_now();
    #[cfg(not(feature = "ssr"))]
    let viewer = None;
    view! {
        <Page title="Page not found - Gatehouse" viewer=viewer>
            <h1 class="nhsuk-heading-l">"Page not found"</h1>
            <p class="nhsuk-body">"If you typed the web address, check it was correct."</p>
            <p class="nhsuk-body"><a href="/">"Go to the home page"</a></p>
        </Page>
    }
}
