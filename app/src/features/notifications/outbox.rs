//! The Service Desk's view of the email outbox: recipients, subjects, status and errors. In demo
//! mode (a laptop, no SMTP) the emails' text is shown too, links included, so every flow can be
//! walked; the page then says so.

use leptos::prelude::*;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::features::notifications::api::outbox;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| outbox());
    view! {
        <SignedIn needs_role=true render=move |v| {
            view! {
                <Page title="Outbox - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"Outbox"</h1>
                    <p class="nhsuk-body">"Emails the service has written, newest first. When no SMTP server is configured they stay here and are not sent."</p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match rows.await {
                                Ok(listing) => {
                                    let banner = listing.demo.then(|| view! {
                                        <div class="nhsuk-warning-callout" data-testid="demo-outbox">
                                            <h2 class="nhsuk-warning-callout__label">
                                                <span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Demo mode"</span>
                                            </h2>
                                            <p>"The emails are shown whole, with their links, because this is a demo. Outside demo mode this page lists only recipients, subjects and status: a link is for the person it was sent to."</p>
                                        </div>
                                    });
                                    let own = listing.public_url.clone();
                                    let list = listing.rows;
                                    view! {
                                        {banner}
                                        {if list.is_empty() {
                                            view! { <p class="nhsuk-body">"The outbox is empty."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="nhsuk-list nhsuk-list--border gh-outbox">
                                                    {list.into_iter().map(|m| {
                                                        let own = own.clone();
                                                        view! {
                                                        <li class="gh-outbox__item">
                                                            <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">{m.subject}</h2>
                                                            <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{format!("To {} · {} · {}", m.to, m.created, m.state)}</p>
                                                            {m.body.map(|body| view! {
                                                                <pre class="gh-outbox__body">
                                                                    {body.lines().map(|line| {
                                                                        let line = line.to_owned();
                                                                        // Only the service's own links are links: text that
                                                                        // someone typed (a name, a reason) never is.
                                                                        if line.starts_with(&own) {
                                                                            view! { <a href=line.clone()>{line.clone()}</a>"\n" }.into_any()
                                                                        } else {
                                                                            view! { {line}"\n" }.into_any()
                                                                        }
                                                                    }).collect_view()}
                                                                </pre>
                                                            })}
                                                        </li>
                                                    }}).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    }.into_any()
                                }
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Page>
            }
        }/>
    }
}
