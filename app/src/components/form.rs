//! NHS.UK form patterns: an error summary linking to each field, and the message at the field.

use leptos::prelude::*;

use crate::error::{AppError, Field, Problem};

/// The error summary for a failed submission; nothing when there is no error.
#[component]
pub fn ErrorSummary(error: Option<AppError>) -> impl IntoView {
    let error = error?;
    let items: Vec<(String, String)> = match &error {
        AppError::Invalid { problems, .. } => problems
            .iter()
            .map(|p| (format!("#{}", p.field().id()), p.message().to_owned()))
            .collect(),
        AppError::SignedOut => vec![(
            "/sign-in".into(),
            "Your session has ended. Sign in again.".into(),
        )],
        AppError::NotFound => vec![(
            "#maincontent".into(),
            "That was not found. It may have been removed.".into(),
        )],
        AppError::Internal { reference } => vec![(
            "#maincontent".into(),
            match reference
                .as_deref()
                .filter(|r| crate::error::is_reference(r))
            {
                Some(r) => format!(
                    "Sorry, there is a problem with the service. Try again later. If it happens \
                     again, quote this reference to the Service Desk: {r}"
                ),
                None => "Sorry, there is a problem with the service. Try again later.".into(),
            },
        )],
        AppError::BadRequest => vec![(
            "#maincontent".into(),
            "The form could not be read. Check your answers and try again.".into(),
        )],
        AppError::RateLimited => vec![(
            "#maincontent".into(),
            "Too many attempts from your network. Wait a minute, then try again.".into(),
        )],
        AppError::TooLarge => vec![(
            "#maincontent".into(),
            "What you sent is too large. Shorten it and try again.".into(),
        )],
    };
    Some(view! {
        // Focused as the page loads, so a screen reader reads the problems first and a keyboard
        // starts from their links (the NHS.UK error summary's rule); `autofocus` does it with
        // or without JavaScript, and a failed submit is always a newly loaded page here.
        <div class="nhsuk-error-summary" data-module="nhsuk-error-summary" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
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

/// The message at a field, in the NHS.UK pattern; nothing when the field is fine.
#[component]
fn FieldError(id: String, problem: Option<Problem>) -> impl IntoView {
    problem.map(|p| {
        view! {
            <span class="nhsuk-error-message" id=id>
                <span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}
            </span>
        }
    })
}

/// The NHS.UK form group's classes, marked when its field has a problem.
fn group_class(has_problem: bool) -> &'static str {
    if has_problem {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    }
}

/// `aria-describedby` for a field with an optional hint and an optional error message.
fn described_by(hint_id: Option<&String>, error_id: Option<&String>) -> Option<String> {
    let ids: Vec<&str> = [hint_id, error_id]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled text-like input with its error message, in the NHS.UK pattern.
#[component]
pub fn InputField(
    field: Field,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
    problem: Option<Problem>,
) -> impl IntoView {
    let id = field.id();
    let error_id = format!("{id}-error");
    let group_class = group_class(problem.is_some());
    let input_class = if problem.is_some() {
        "nhsuk-input nhsuk-input--error"
    } else {
        "nhsuk-input"
    };
    let hint_id = format!("{id}-hint");
    let described = described_by(hint.map(|_| &hint_id), problem.map(|_| &error_id));
    if input_type == "password" {
        // The NHS.UK password input: its Show button appears once the frontend's script runs.
        return view! {
            <div class=format!("{group_class} nhsuk-password-input") data-module="nhsuk-password-input">
                <label class="nhsuk-label" for=id>{label}</label>
                {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
                <FieldError id=error_id.clone() problem=problem/>
                <PasswordBox id=id class=input_class autocomplete=autocomplete.unwrap_or("current-password")
                    described=described/>
            </div>
        }
        .into_any();
    }
    view! {
        <div class=group_class>
            <label class="nhsuk-label" for=id>{label}</label>
            {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
            <FieldError id=error_id.clone() problem=problem/>
            <input class=input_class id=id name=id type=input_type autocomplete=autocomplete
                spellcheck="false" value=value aria-describedby=described/>
        </div>
    }
    .into_any()
}

/// A password box with the NHS.UK password input's Show button (hidden until the frontend's
/// script runs, which shows it and makes it switch the box between hidden and shown).
#[component]
fn PasswordBox(
    id: &'static str,
    class: &'static str,
    autocomplete: &'static str,
    described: Option<String>,
) -> impl IntoView {
    view! {
        <div class="nhsuk-input-wrapper">
            <input class=format!("{class} nhsuk-password-input__input nhsuk-js-password-input-input")
                id=id name=id type="password" spellcheck="false" autocomplete=autocomplete autocapitalize="none"
                aria-describedby=described/>
            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-password-input__toggle nhsuk-js-password-input-toggle"
                data-module="nhsuk-button" type="button" aria-label="Show password" aria-controls=id hidden>
                "Show"
            </button>
        </div>
    }
}

/// The NHS.UK date input: day, month and year boxes in a fieldset, posted as `{name}_day`,
/// `{name}_month` and `{name}_year` (see `crate::dates::join`). The day box carries the field's
/// id, so the error summary's link lands on it. `value` is the date as `YYYY-MM-DD` (or as the
/// boxes were typed, when echoed after a failed submit).
#[component]
pub fn DateInput(
    field: Field,
    legend: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] value: Option<String>,
    problem: Option<Problem>,
) -> impl IntoView {
    let id = field.id();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = described_by(hint.as_ref().map(|_| &hint_id), problem.map(|_| &error_id));
    let group_class = group_class(problem.is_some());
    let input_class = |width: &str| {
        let error = if problem.is_some() {
            " nhsuk-input--error"
        } else {
            ""
        };
        format!("nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}{error}")
    };
    let (day, month, year) = crate::dates::split(&value.unwrap_or_default());
    let boxes = [
        ("Day", id.to_owned(), format!("{id}_day"), "2", day),
        (
            "Month",
            format!("{id}-month"),
            format!("{id}_month"),
            "2",
            month,
        ),
        (
            "Year",
            format!("{id}-year"),
            format!("{id}_year"),
            "4",
            year,
        ),
    ];
    view! {
        <div class=group_class>
            <fieldset class="nhsuk-fieldset" role="group" aria-describedby=described>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
                <FieldError id=error_id.clone() problem=problem/>
                <div class="nhsuk-date-input">
                    {boxes.into_iter().map(|(label, box_id, name, width, value)| view! {
                        <div class="nhsuk-date-input__item">
                            <div class="nhsuk-form-group">
                                <label class="nhsuk-label nhsuk-date-input__label" for=box_id.clone()>{label}</label>
                                <input class=input_class(width) id=box_id name=name type="text"
                                    inputmode="numeric" autocomplete="off" value=value/>
                            </div>
                        </div>
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// One choice of a radio group: value, label, and an optional hint.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

/// An NHS.UK radio group in a fieldset. The first radio carries the field's id, so the error
/// summary's link lands on it.
#[component]
pub fn Radios(
    field: Field,
    legend: &'static str,
    choices: Vec<Choice>,
    #[prop(optional)] selected: Option<String>,
    problem: Option<Problem>,
) -> impl IntoView {
    let name = field.id();
    let error_id = format!("{name}-error");
    let group_class = group_class(problem.is_some());
    view! {
        <div class=group_class>
            <fieldset class="nhsuk-fieldset" aria-describedby=problem.map(|_| error_id.clone())>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                <FieldError id=error_id.clone() problem=problem/>
                <div class="nhsuk-radios">
                    {choices.into_iter().enumerate().map(|(i, c)| {
                        let id = if i == 0 { name.to_owned() } else { format!("{name}-{}", i + 1) };
                        let hint_id = format!("{id}-hint");
                        let checked = selected.as_deref() == Some(c.value.as_str());
                        view! {
                            <div class="nhsuk-radios__item">
                                <input class="nhsuk-radios__input" id=id.clone() name=name type="radio"
                                    value=c.value checked=checked
                                    aria-describedby=c.hint.as_ref().map(|_| hint_id.clone())/>
                                <label class="nhsuk-label nhsuk-radios__label" for=id>{c.label}</label>
                                {c.hint.map(|h| view! {
                                    <div class="nhsuk-hint nhsuk-radios__hint" id=hint_id>{h}</div>
                                })}
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A labelled text area with its error message and a hint, and (`max_chars`) the NHS.UK
/// character count: "You can enter up to 250 characters", counting down as the person types
/// once the frontend's script runs.
#[component]
pub fn TextArea(
    field: Field,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] max_chars: Option<usize>,
    problem: Option<Problem>,
) -> impl IntoView {
    let id = field.id();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let info_id = format!("{id}-info");
    let described = described_by(hint.map(|_| &hint_id), problem.map(|_| &error_id));
    let described = match (max_chars, described) {
        (None, d) => d,
        (Some(_), None) => Some(info_id.clone()),
        (Some(_), Some(d)) => Some(format!("{info_id} {d}")),
    };
    let counted = if max_chars.is_some() {
        (" nhsuk-character-count", " nhsuk-js-character-count")
    } else {
        ("", "")
    };
    let group_class = format!("{}{}", group_class(problem.is_some()), counted.0);
    let area_class = if problem.is_some() {
        format!("nhsuk-textarea nhsuk-textarea--error{}", counted.1)
    } else {
        format!("nhsuk-textarea{}", counted.1)
    };
    view! {
        <div class=group_class data-module=max_chars.map(|_| "nhsuk-character-count")
            data-maxlength=max_chars.map(|n| n.to_string())>
            <label class="nhsuk-label" for=id>{label}</label>
            {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
            <FieldError id=error_id.clone() problem=problem/>
            <textarea class=area_class id=id name=id rows="4" aria-describedby=described>{value}</textarea>
            {max_chars.map(|n| view! {
                <div class="nhsuk-hint nhsuk-character-count__message" id=info_id.clone()>
                    {format!("You can enter up to {n} characters")}
                </div>
            })}
        </div>
    }
}

/// Every problem for a field, for fields that can fail several rules at once (passwords).
pub fn problems_for(error: &Option<AppError>, field: Field) -> Vec<Problem> {
    error
        .as_ref()
        .map(|e| {
            e.problems()
                .iter()
                .copied()
                .filter(|p| p.field() == field)
                .collect()
        })
        .unwrap_or_default()
}

/// A page title that starts "Error: " while the form on it has problems (NHS.UK pattern).
pub fn form_title(action_failed: bool, page: &str) -> String {
    if action_failed {
        format!("Error: {page} - Gatehouse")
    } else {
        format!("{page} - Gatehouse")
    }
}

/// An answer from an earlier step, carried by a form.
#[component]
pub fn Hidden(name: &'static str, value: String) -> impl IntoView {
    view! { <input type="hidden" name=name value=value/> }
}

/// What a page shows when its object cannot be had: "Page not found" with what that means here
/// and the way back, or the error summary for anything else.
#[component]
pub fn PageError(
    e: AppError,
    why: &'static str,
    back: &'static str,
    back_label: &'static str,
) -> impl IntoView {
    match e {
        AppError::NotFound => view! {
            <h1 class="nhsuk-heading-l">"Page not found"</h1>
            <p class="nhsuk-body">{why}</p>
            <p class="nhsuk-body"><a href=back>{back_label}</a></p>
        }
        .into_any(),
        other => view! { <ErrorSummary error=Some(other)/> }.into_any(),
    }
}

/// The operator's password policy, read where pages are rendered (on the server).
fn password_policy() -> domain::PasswordPolicy {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ssr::AppState>()
            .map(|s| s.password_policy)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        domain::PasswordPolicy::default()
    }
}

/// A new password under the policy's rules, each unmet rule named at the field, and its
/// confirmation: shared by activation, password reset and Change Password.
#[component]
pub fn NewPasswordFields(error: Option<AppError>) -> impl IntoView {
    let password_problems = problems_for(&error, Field::Password);
    let has_error = !password_problems.is_empty();
    view! {
        <p class="nhsuk-body" id="password-rules-intro">"Your new password must have:"</p>
        <ul class="nhsuk-list nhsuk-list--bullet" aria-labelledby="password-rules-intro">
            {password_policy().rules().iter().map(|r| view! { <li>{r.describe()}</li> }).collect_view()}
        </ul>
        <div class=format!("{} nhsuk-password-input", group_class(has_error)) data-module="nhsuk-password-input">
            <label class="nhsuk-label" for="password">"New password"</label>
            {has_error.then(|| view! {
                <div id="password-error">
                    {password_problems.iter().map(|p| view! {
                        <span class="nhsuk-error-message">
                            <span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}
                        </span>
                    }).collect_view()}
                </div>
            })}
            <PasswordBox id="password" class=if has_error { "nhsuk-input nhsuk-input--error" } else { "nhsuk-input" }
                autocomplete="new-password" described=has_error.then(|| "password-error".to_owned())/>
        </div>
        <InputField field=Field::ConfirmPassword label="Confirm new password" input_type="password"
            autocomplete="new-password" problem=problem_for(&error, Field::ConfirmPassword)/>
    }
}

/// "Access ends on (optional)" on a form that gives roles: empty for access without an end, the
/// last day of a temporary role otherwise. Shows again what was typed when the form came back
/// with a problem.
#[component]
pub fn AccessEndsOptional(
    max_days: i64,
    error: Option<AppError>,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] legend: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let hint = hint.map_or_else(|| crate::dates::optional_hint(max_days), str::to_owned);
    let typed = error
        .as_ref()
        .and_then(|e| e.echo(Field::AccessEnds))
        .or(value)
        .unwrap_or_default();
    view! {
        <DateInput field=Field::AccessEnds legend=legend.unwrap_or("Access ends on (optional)")
            hint=hint value=typed problem=problem_for(&error, Field::AccessEnds)/>
    }
}
