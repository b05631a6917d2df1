//! NHS.UK form patterns: an error summary linking to each field, and the message at the field.

use leptos::prelude::*;

use crate::error::{AppError, Field, Problem};

/// The error summary for a failed submission; nothing when there is no error.
#[component]
pub fn ErrorSummary(error: Option<AppError>) -> impl IntoView {
    let error = error?;
    let items: Vec<(String, &'static str)> = match &error {
        AppError::Invalid { problems, .. } => problems
            .iter()
            .map(|p| (format!("#{}", p.field().id()), p.message()))
            .collect(),
        AppError::SignedOut => vec![("/sign-in".into(), "Your session has ended. Sign in again.")],
        AppError::NotFound => vec![(
            "#maincontent".into(),
            "That was not found. It may have been removed.",
        )],
        AppError::Internal => vec![(
            "#maincontent".into(),
            "Sorry, there is a problem with the service. Try again later.",
        )],
        AppError::BadRequest => vec![(
            "#maincontent".into(),
            "The form could not be read. Check your answers and try again.",
        )],
    };
    Some(view! {
        <div class="nhsuk-error-summary" aria-labelledby="error-summary-title" tabindex="-1">
            <div role="alert">
                <h2 class="nhsuk-error-summary__heading" id="error-summary-title">"There is a problem"</h2>
                <div class="nhsuk-error-summary__body">
                    <ul class="nhsuk-list nhsuk-error-summary__list">
                        {items.into_iter().map(|(href, msg)| view! { <li><a href=href>{msg}</a></li> }).collect_view()}
                    </ul>
                </div>
            </div>
        </div>
    })
}

/// The first problem for a field, if any.
pub fn problem_for(error: &Option<AppError>, field: Field) -> Option<Problem> {
    error
        .as_ref()
        .and_then(|e| e.problems().iter().copied().find(|p| p.field() == field))
}

/// A labelled text-like input with its error message, in the NHS.UK pattern.
#[component]
pub fn InputField(
    field: Field,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] value: Option<String>,
    problem: Option<Problem>,
) -> impl IntoView {
    let id = field.id();
    let error_id = format!("{id}-error");
    let group_class = if problem.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
    let input_class = if problem.is_some() {
        "nhsuk-input nhsuk-input--error"
    } else {
        "nhsuk-input"
    };
    let described = problem.map(|_| error_id.clone());
    view! {
        <div class=group_class>
            <label class="nhsuk-label" for=id>{label}</label>
            {problem.map(|p| view! {
                <span class="nhsuk-error-message" id=error_id.clone()>
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}
                </span>
            })}
            <input class=input_class id=id name=id type=input_type autocomplete=autocomplete
                spellcheck="false" value=value aria-describedby=described/>
        </div>
    }
}
