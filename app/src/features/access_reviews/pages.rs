//! `/reviews`: the administrator's access reviews and the form that starts one;
//! `/reviews/{id}/complete`: what completing a review will do, confirmed. The review's own page
//! is in `review.rs`.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{problem_for, Choice, ErrorSummary, InputField, PageError, Radios};
use crate::components::guard::SignedIn;
use crate::components::layout::{BackLink, Page};
use crate::components::list::{id_param, thousands, Cell};
use crate::error::Field;
use crate::features::access_reviews::api::{
    access_review, list_access_reviews, CompleteAccessReview, StartAccessReview,
};

pub use super::review::AccessReviewPage;

#[component]
pub fn AccessReviewsPage() -> impl IntoView {
    let reviews = Resource::new(|| (), |_| list_access_reviews());
    let start = ServerAction::<StartAccessReview>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Access reviews - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match reviews.await {
                            Ok(list) => {
                                let error = start.value().get().and_then(|r| r.err());
                                let kept = error.clone();
                                let echo = move |f: Field| kept.as_ref().and_then(|e| e.echo(f));
                                let mut choices = vec![
                                    Choice { value: "area".into(), label: format!("Everyone with a role in {}", list.area), hint: None },
                                    Choice { value: "organisation".into(), label: "One organisation".into(), hint: Some("Enter its ODS code below.".into()) },
                                ];
                                if list.clusters_offered {
                                    choices.push(Choice { value: "cluster".into(), label: "The practices of one cluster".into(), hint: Some("Enter the cluster's short name below.".into()) });
                                }
                                view! {
                                    <ErrorSummary error=error.clone()/>
                                    <h1 class="nhsuk-heading-l">"Access reviews"</h1>
                                    <p class="nhsuk-body">"A review lists every active role in an area as it is when the review starts. Mark each one Keep or End access; completing the review ends the roles marked to end and tells their holders. The finished review downloads as CSV, as evidence for the Data Security and Protection Toolkit."</p>
                                    {if list.rows.is_empty() {
                                        view! { <p class="nhsuk-body">"You have no access reviews yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="nhsuk-table-responsive">
                                                <caption class="nhsuk-table__caption">"Your area's access reviews"</caption>
                                                <thead class="nhsuk-table__head">
                                                    <tr>
                                                        <th scope="col" class="nhsuk-table__header">"Review"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Started"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Due"</th>
                                                        <th scope="col" class="nhsuk-table__header">"Progress"</th>
                                                        <th scope="col" class="nhsuk-table__header">"State"</th>
                                                    </tr>
                                                </thead>
                                                <tbody class="nhsuk-table__body">
                                                    {list.rows.into_iter().map(|r| view! {
                                                        <tr class="nhsuk-table__row">
                                                            <td class="nhsuk-table__cell">
                                                                <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Review "</span>
                                                                <a href=format!("/reviews/{}", r.id)>{r.title.clone()}</a>
                                                            </td>
                                                            <Cell heading="Started" value=format!("{} by {}", r.started, r.started_by) long=true/>
                                                            <Cell heading="Due" value=r.due.clone() date=true/>
                                                            <Cell heading="Progress" value=r.progress.clone()/>
                                                            <Cell heading="State" value=r.state.clone()/>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        }.into_any()
                                    }}
                                    <h2 class="nhsuk-heading-m">"Start a review"</h2>
                                    <ActionForm action=start attr:novalidate="novalidate">
                                        <Radios field=Field::ReviewOf legend="What to review" choices=choices
                                            selected=echo(Field::ReviewOf).unwrap_or_else(|| "area".into())
                                            problem=problem_for(&error, Field::ReviewOf)/>
                                        <InputField field=Field::Code label="ODS code of the organisation (for one organisation)"
                                            hint="For example, A81001. Its roles, and those of the organisations below it, are reviewed."
                                            value=echo(Field::Code).unwrap_or_default() problem=problem_for(&error, Field::Code)/>
                                        {list.clusters_offered.then(|| view! {
                                            <InputField field=Field::Cluster label="Short name of the cluster (for one cluster)"
                                                value=echo(Field::Cluster).unwrap_or_default() problem=problem_for(&error, Field::Cluster)/>
                                        })}
                                        <InputField field=Field::DueDays label="Due in (days)" input_type="text"
                                            hint="From 1 to 90 days. You are reminded each day once it is due and not complete."
                                            value=echo(Field::DueDays).unwrap_or_else(|| "14".into()) problem=problem_for(&error, Field::DueDays)/>
                                        <Radios field=Field::Unreviewed legend="Roles nobody has reviewed when the review is completed"
                                            choices=vec![
                                                Choice { value: "keep".into(), label: "Keep them".into(), hint: None },
                                                Choice { value: "end".into(), label: "End them".into(), hint: Some("Your own roles are always kept: another administrator reviews them.".into()) },
                                            ]
                                            selected=echo(Field::Unreviewed).unwrap_or_else(|| "keep".into())
                                            problem=problem_for(&error, Field::Unreviewed)/>
                                        <div class="nhsuk-form-group">
                                            <div class="nhsuk-checkboxes">
                                                <div class="nhsuk-checkboxes__item">
                                                    <input class="nhsuk-checkboxes__input" id="repeat" name="repeat" type="checkbox" value="1" aria-describedby="repeat-hint"
                                                        checked=echo(Field::Repeat).is_some_and(|v| !v.is_empty())/>
                                                    <label class="nhsuk-label nhsuk-checkboxes__label" for="repeat">"Start this review again every 12 months"</label>
                                                    <div class="nhsuk-hint nhsuk-checkboxes__hint" id="repeat-hint">"A year after it starts, the same review starts again by itself, with the same settings, while you still manage the area."</div>
                                                </div>
                                            </div>
                                        </div>
                                        <button class="nhsuk-button" type="submit">"Start review"</button>
                                    </ActionForm>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="Access reviews are for administrators who manage users." back="/" back_label="Back to Home"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// Complete review, confirmed: what will end, what stays.
#[component]
pub fn CompleteReviewPage() -> impl IntoView {
    let id = id_param();
    let review = Resource::new(id, |id| {
        access_review(id, String::new(), String::new(), false, 1)
    });
    let complete = ServerAction::<CompleteAccessReview>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Complete review - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match review.await {
                            Ok(r) => {
                                let back = format!("/reviews/{}", r.id);
                                let unreviewed = r.total - r.reviewed;
                                view! {
                                    <Title text=format!("Complete the review of {} - Gatehouse", r.title)/>
                                    <BackLink href=back.clone()/>
                                    {move || complete.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorSummary error=Some(e)/> })}
                                    <h1 class="nhsuk-heading-l">{format!("Complete the review of {}", r.title)}</h1>
                                    <ul class="nhsuk-list nhsuk-list--bullet">
                                        <li>{format!("{} marked to end will end now, and their holders will be told.", roles(r.to_end))}</li>
                                        <li>{format!("{} marked to keep will stay.", roles(r.kept))}</li>
                                        <li>{format!("{} not reviewed will be {} (your own roles are always kept).", roles(unreviewed), r.unreviewed)}</li>
                                    </ul>
                                    <p class="nhsuk-body">"A completed review cannot change. It stays readable and downloadable."</p>
                                    <ActionForm action=complete>
                                        <input type="hidden" name="id" value=r.id.to_string()/>
                                        <div class="nhsuk-button-group">
                                            <button class="nhsuk-button nhsuk-button--warning" type="submit">"Complete review"</button>
                                            <a class="nhsuk-link" href=back>"Cancel"</a>
                                        </div>
                                    </ActionForm>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <PageError e=e why="This review does not exist, or it is not in your area." back="/reviews" back_label="Back to Access reviews"/>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

/// "1 role", "1,204 roles".
pub fn roles(n: i64) -> String {
    if n == 1 {
        "1 role".to_owned()
    } else {
        format!("{} roles", thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_counted_with_thousands_separated() {
        assert_eq!(roles(1), "1 role");
        assert_eq!(roles(1204), "1,204 roles");
    }
}
