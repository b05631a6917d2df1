//! "Access ends on" for one role of a user: the NHS.UK date input, Save, and Remove the end date
//! when one is set. Without JavaScript it is a plain form; a problem comes back at the field.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{problem_for, DateInput, ErrorSummary, PageError};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::error::Field;
use crate::features::temporary_access::api::{role_end, SetRoleEnd};

#[component]
pub fn RoleEndPage() -> impl IntoView {
    let ids = crate::components::list::id_and_assignment_params();
    let current = Resource::new(ids, |(u, a)| role_end(u, a));
    let save = ServerAction::<SetRoleEnd>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Access ends on - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match current.await {
                            Ok(r) => {
                                let back = format!("/users/{}", r.user);
                                let heading = format!("When does {}'s access as {} at {} end?", r.person, r.role_name, r.org_name);
                                let has_end = !r.last_day.is_empty();
                                let (user, assignment) = (r.user.to_string(), r.assignment.to_string());
                                let hint = format!(
                                    "The last day they can use this role: it stops working at the end of that day, UK time. For example, 31 3 2027. At most {} days from today.",
                                    r.max_days
                                );
                                let last_day = r.last_day.clone();
                                view! {
                                    <Title text=format!("Access ends on: {} - Gatehouse", r.person)/>
                                    <BackLink href=back.clone()/>
                                    {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
                                    <h1 class="nhsuk-heading-l">{heading}</h1>
                                    {has_end.then(|| view! {
                                        <p class="nhsuk-body">{format!("Access now ends after {}.", r.last_day_words)}</p>
                                    })}
                                    <ActionForm action=save attr:novalidate="novalidate">
                                        <input type="hidden" name="user" value=user.clone()/>
                                        <input type="hidden" name="assignment" value=assignment.clone()/>
                                        {move || {
                                            let error = save.value().get().and_then(|r| r.err());
                                            let typed = error.as_ref().and_then(|e| e.echo(Field::AccessEnds)).unwrap_or_else(|| last_day.clone());
                                            view! {
                                                <DateInput field=Field::AccessEnds legend="Access ends on" hint=hint.clone()
                                                    value=typed problem=problem_for(&error, Field::AccessEnds)/>
                                            }
                                        }}
                                        <div class="nhsuk-button-group">
                                            <button class="nhsuk-button" type="submit">"Save"</button>
                                            {has_end.then(|| view! {
                                                <button class="nhsuk-button nhsuk-button--secondary" type="submit" name="remove" value="1">"Remove the end date"</button>
                                            })}
                                        </div>
                                    </ActionForm>
                                    <p class="nhsuk-body"><a href=back>"Back to the user"</a></p>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This role does not exist, has ended, or is not one you can change." back="/users" back_label="Back to Users"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}
