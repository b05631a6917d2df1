//! How people reach the Service Desk: configured by the operator (`GATEHOUSE_SUPPORT_PHONE`,
//! `GATEHOUSE_SUPPORT_EMAIL`, `GATEHOUSE_SUPPORT_URL`), shown on Contact us and wherever a page
//! tells someone to contact the Service Desk.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The Service Desk's contact details, each optional (checked when the server starts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportContact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

impl SupportContact {
    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none() && self.url.is_none()
    }
}

/// The details as configured. Pages render on the server, so they read them from the state
/// there; the browser never renders a page that shows them.
pub fn configured() -> SupportContact {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request::state()
            .map(|st| (*st.support).clone())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        SupportContact::default()
    }
}

/// The ways to reach the Service Desk as a list: phone (a `tel:` link), email, web page.
#[component]
pub fn SupportDetails() -> impl IntoView {
    let s = configured();
    if s.is_empty() {
        return view! {
            <p class="nhsuk-body">
                "Your organisation's IT service desk or your account administrator can tell you how to reach the Gatehouse Service Desk."
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="nhsuk-list gh-support">
            {s.phone.map(|p| {
                let tel = format!("tel:{}", p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>());
                view! { <li>"Phone: " <a href=tel>{p}</a></li> }
            })}
            {s.email.map(|e| view! { <li>"Email: " <a class="gh-break" href=format!("mailto:{e}")>{e.clone()}</a></li> })}
            {s.url.map(|u| view! { <li>"Online: " <a class="gh-break" href=u.clone()>{u.clone()}</a></li> })}
        </ul>
    }
    .into_any()
}

/// "Contact the Service Desk", with how: for the pages that send people there.
#[component]
pub fn ContactServiceDesk() -> impl IntoView {
    view! {
        <h2 class="nhsuk-heading-s">"Contact the Service Desk"</h2>
        <SupportDetails/>
        <p class="nhsuk-body"><a href="/contact-us">"More ways to get help"</a></p>
    }
}
