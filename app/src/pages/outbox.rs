//! The Service Desk's view of the email outbox. Without SMTP (demo mode, a laptop) every email
//! waits here, links included, so the whole flow can be walked.

use leptos::prelude::*;

use crate::api::notifications::outbox;
use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;

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
                                Ok(list) if list.is_empty() => view! { <p class="nhsuk-body">"The outbox is empty."</p> }.into_any(),
                                Ok(list) => view! {
                                    <ul class="nhsuk-list nhsuk-list--border gh-outbox">
                                        {list.into_iter().map(|m| view! {
                                            <li class="gh-outbox__item">
                                                <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">{m.subject}</h2>
                                                <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{format!("To {} · {} · {}", m.to, m.created, m.state)}</p>
                                                <pre class="gh-outbox__body">
                                                    {m.body.lines().map(|line| {
                                                        let line = line.to_owned();
                                                        if line.starts_with("http://") || line.starts_with("https://") {
                                                            view! { <a href=line.clone()>{line.clone()}</a>"\n" }.into_any()
                                                        } else {
                                                            view! { {line}"\n" }.into_any()
                                                        }
                                                    }).collect_view()}
                                                </pre>
                                            </li>
                                        }).collect_view()}
                                    </ul>
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
