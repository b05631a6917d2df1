//! Import ODS extracts (Service Desk): upload the ICB list, `eccg.csv` and `epraccur.csv`, then
//! watch the import's progress and read its summary. The same importer as `gatehouse import-ods`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{problem_for, ErrorSummary, InputField};
use crate::components::guard::SignedIn;
use crate::components::layout::Page;
use crate::components::live::Follow;
use crate::error::{AppError, Field, Problem};
use crate::features::organisations::import_api::{import_allowed, import_status, UPLOAD_PATH};
use crate::import_status::ImportProgress;

/// A problem sent back by the upload in the URL. Only field problems are taken: codes, never text.
fn error_from_query(raw: Option<String>) -> Option<AppError> {
    serde_json::from_str::<AppError>(&raw?)
        .ok()
        .filter(|e| matches!(e, AppError::Invalid { .. }))
}

#[component]
fn FileField(
    field: Field,
    label: &'static str,
    hint: &'static str,
    problem: Option<Problem>,
) -> impl IntoView {
    let id = field.id();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = match problem {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    // The NHS.UK file upload: the frontend's script turns it into a drop zone with a button.
    let group = if problem.is_some() {
        "nhsuk-form-group nhsuk-form-group--error nhsuk-file-upload"
    } else {
        "nhsuk-form-group nhsuk-file-upload"
    };
    view! {
        <div class=group data-module="nhsuk-file-upload">
            <label class="nhsuk-label" for=id>{label}</label>
            <div class="nhsuk-hint" id=hint_id>{hint}</div>
            {problem.map(|p| view! {
                <span class="nhsuk-error-message" id=error_id.clone()>
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{p.message()}
                </span>
            })}
            <input class="nhsuk-file-upload__input gh-file" id=id name=id type="file"
                accept=".csv,text/csv" aria-describedby=described/>
        </div>
    }
}

#[component]
pub fn ImportOdsPage() -> impl IntoView {
    let query = use_query_map();
    let allowed = Resource::new(|| (), |_| import_allowed());
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Import ODS extracts - Gatehouse" viewer=Some(v)>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let error = error_from_query(query.read_untracked().get("error"));
                        match allowed.await {
                            Ok(()) => view! {
                                <ErrorSummary error=error.clone()/>
                                <h1 class="nhsuk-heading-l">"Import ODS extracts"</h1>
                                <p class="nhsuk-body">"Upload the latest extracts from the NHS Organisation Data Service. Organisations are added or updated; closed practices get their end date and keep their history. Nothing is deleted, and rows that cannot be read are listed afterwards."</p>
                                <form method="post" action=UPLOAD_PATH enctype="multipart/form-data" novalidate>
                                    <FileField field=Field::IcbList label="ICB list"
                                        hint="icb.csv: the integrated care boards and their regions"
                                        problem=problem_for(&error, Field::IcbList)/>
                                    <FileField field=Field::Eccg label="Commissioners"
                                        hint="eccg.csv: sub-ICB locations and other commissioners"
                                        problem=problem_for(&error, Field::Eccg)/>
                                    <FileField field=Field::Epraccur label="GP practices"
                                        hint="epraccur.csv: every GP practice, in the legacy or the newer format"
                                        problem=problem_for(&error, Field::Epraccur)/>
                                    <InputField field=Field::OnlyIcb label="Only one ICB (optional)"
                                        hint="The ICB's ODS code, like QHM. Leave empty to import the whole country."
                                        value=error.as_ref().and_then(|e| e.echo(Field::OnlyIcb)).unwrap_or_default()
                                        problem=problem_for(&error, Field::OnlyIcb)/>
                                    <div class="nhsuk-form-group">
                                        <div class="nhsuk-checkboxes">
                                            <div class="nhsuk-checkboxes__item">
                                                <input class="nhsuk-checkboxes__input" id="dry_run" name="dry_run" type="checkbox" value="yes" aria-describedby="dry_run-hint"/>
                                                <label class="nhsuk-label nhsuk-checkboxes__label" for="dry_run">"Dry run"</label>
                                                <div class="nhsuk-hint nhsuk-checkboxes__hint" id="dry_run-hint">"Report what would change, and change nothing."</div>
                                            </div>
                                        </div>
                                    </div>
                                    <button class="nhsuk-button" type="submit">"Upload and import"</button>
                                </form>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Page>
        }/>
    }
}

#[component]
pub fn ImportProgressPage() -> impl IntoView {
    let params = use_params_map();
    let job = move || params.read().get("job").unwrap_or_default();
    let status = Resource::new(job, import_status);
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Page title="Importing ODS extracts - Gatehouse" viewer=Some(v)>
                // With JavaScript the page asks again every half second until the import has
                // finished; without, the "Check progress" link does the same.
                <Follow region="import-status".to_owned() poll=true/>
                <div id="import-status">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match status.await {
                            Ok(s) => view! { <Progress status=s href=format!("/organisations/import/{}", crate::url::enc(&job()))/> }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Some(e)/> }.into_any(),
                        }
                    })}
                </Transition>
                </div>
            </Page>
        }/>
    }
}

#[component]
fn Progress(status: ImportProgress, href: String) -> impl IntoView {
    let heading = match (status.finished, status.failed, status.dry_run) {
        (false, _, _) => "Importing organisations",
        (true, true, _) => "The import failed",
        (true, false, true) => "Dry run finished",
        (true, false, false) => "Import finished",
    };
    let body = if !status.finished {
        let text = if status.total == 0 {
            "Reading the files…".to_owned()
        } else {
            format!("Saved {} of {} organisations", status.done, status.total)
        };
        view! {
            <label class="nhsuk-label" for="import-progress">{text}</label>
            <progress id="import-progress" class="gh-progress" max=status.total.max(1) value=status.done></progress>
            <p class="nhsuk-body" data-busy="true"><a href=href>"Check progress"</a></p>
        }
        .into_any()
    } else if let Some(r) = status.result {
        let rows = [
            ("Organisations read", r.rows),
            ("Added", r.added),
            ("Updated", r.updated),
            ("Closed", r.closed),
            ("Moved to another parent", r.moved),
            ("Unchanged", r.unchanged),
            ("Rejected", r.rejected.len()),
        ];
        let rejected = r.rejected.clone();
        view! {
            {status.dry_run.then(|| view! { <p class="nhsuk-body">"Nothing was changed. This is what the import would do."</p> })}
            <dl class="nhsuk-summary-list">
                {rows.into_iter().map(|(k, n)| view! {
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">{k}</dt>
                        <dd class="nhsuk-summary-list__value">{n}</dd>
                    </div>
                }).collect_view()}
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Time taken"</dt>
                    <dd class="nhsuk-summary-list__value">{format!("{} seconds", r.seconds)}</dd>
                </div>
            </dl>
            {(!rejected.is_empty()).then(|| view! {
                <h2 class="nhsuk-heading-m">"Rejected rows"</h2>
                <p class="nhsuk-body">"These rows were skipped. Everything else was imported."</p>
                <ul class="nhsuk-list nhsuk-list--bullet gh-rejected">
                    {rejected.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            })}
            <p class="nhsuk-body">
                <a href="/organisations/import">"Import more extracts"</a>" or go to "<a href="/organisations">"Organisations"</a>"."
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="nhsuk-body">"Nothing was changed. Try again later, and if it fails again, tell the service's operators."</p>
            <p class="nhsuk-body"><a href="/organisations/import">"Import ODS extracts"</a></p>
        }
        .into_any()
    };
    // With JavaScript the heading is announced when it changes: "Import finished", say.
    view! {
        <h1 class="nhsuk-heading-l" data-announce="">{heading}</h1>
        {body}
    }
}
