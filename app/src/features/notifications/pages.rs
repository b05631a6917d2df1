//! Notifications (home tile and list) and Notification Settings.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form::ErrorSummary;
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::list::SuccessNotice;
use crate::features::notifications::api::{
    notification_settings, notifications, SaveNotificationSettings,
};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| notifications());
    view! {
        <SignedIn render=move |v| {
            view! {
                <Page title="Notifications - Gatehouse" viewer=Some(v)>
                    <h1 class="nhsuk-heading-l">"Notifications"</h1>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match list.await {
                                Ok(items) if items.is_empty() => view! {
                                    <p class="nhsuk-body">"You have no notifications."</p>
                                }.into_any(),
                                Ok(items) => view! {
                                    <ul class="nhsuk-list nhsuk-list--border gh-notifications">
                                        {items.into_iter().map(|n| view! {
                                            <li>
                                                <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">
                                                    {n.created}
                                                    {n.new.then(|| view! { " " <strong class="nhsuk-tag nhsuk-tag--blue">"New"</strong> })}
                                                </p>
                                                <p class="nhsuk-body nhsuk-u-margin-bottom-1">{n.body}</p>
                                                {n.review.map(|href| view! { <a href=href>"Review"</a> })}
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

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let action = ServerAction::<SaveNotificationSettings>::new();
    let current = Resource::new(move || action.version().get(), |_| notification_settings());
    view! {
        <SignedIn render=move |v| {
            view! {
                <Page title="Notification Settings - Gatehouse" viewer=Some(v)>
                    {move || view! { <ErrorSummary error=action.value().get().and_then(|r| r.err())/> }}
                    {move || saved().then(|| view! {
                        <SuccessNotice message="Your notification settings have been saved."/>
                    })}
                    <h1 class="nhsuk-heading-l">"Notification Settings"</h1>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match current.await {
                                Ok(on) => view! {
                                    <ActionForm action=action>
                                        <div class="nhsuk-form-group">
                                            <fieldset class="nhsuk-fieldset" aria-describedby="send-hint">
                                                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Email notifications"</legend>
                                                <div class="nhsuk-hint" id="send-hint">
                                                    "Notifications always appear in Gatehouse. This setting decides whether you also receive them by email."
                                                </div>
                                                <div class="nhsuk-checkboxes">
                                                    <div class="nhsuk-checkboxes__item">
                                                        <input class="nhsuk-checkboxes__input" id="send" name="send" type="checkbox" value="yes" checked=on/>
                                                        <label class="nhsuk-label nhsuk-checkboxes__label" for="send">"Send me notifications"</label>
                                                    </div>
                                                </div>
                                            </fieldset>
                                        </div>
                                        <button class="nhsuk-button" type="submit">"Save"</button>
                                    </ActionForm>
                                }.into_any(),
                                Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                            }
                        })}
                    </Suspense>
                    <p class="nhsuk-body"><a href="/my-profile">"Back to My Profile"</a></p>
                </Page>
            }
        }/>
    }
}
