//! Add New User: email twice, then the user information, then organisations and roles.

use super::*;

#[component]
pub fn NewUserPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get_all("organisations").unwrap_or_default(),
            q.get("q").unwrap_or_default(),
            q.get("step").unwrap_or_default(),
        )
    };
    let view_of = Resource::new(args, |(o, q, s)| new_user_form(o, q, s));
    let add = ServerAction::<AddNewUser>::new();
    let next = ServerAction::<NewUserStep>::new();
    view! {
        <SignedIn needs_role=true render=move |v| view! {
            <Suspense fallback=|| ()>
                {move || {
                    let v = v.clone();
                    Suspend::new(async move {
                        match view_of.await {
                            Ok(f) => {
                                let failed = f.error.is_some();
                                let title = if failed { "Error: Add New User - Gatehouse" } else { "Add New User - Gatehouse" };
                                let body = match f.step.as_str() {
                                    "roles" => view! { <RolesStep f=f add=add/> }.into_any(),
                                    "details" => view! { <DetailsStep f=f next=next/> }.into_any(),
                                    _ => view! { <EmailStep f=f next=next/> }.into_any(),
                                };
                                view! { <Page title=title viewer=Some(v)>{body}</Page> }.into_any()
                            }
                            Err(e) => view! {
                                <Page title="Page not found - Gatehouse" viewer=Some(v)>
                                    <PageError e=e why="Your role cannot add users." back="/" back_label="Back to Home"/>
                                </Page>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        }/>
    }
}

#[component]
fn EmailStep(f: NewUserView, next: ServerAction<NewUserStep>) -> impl IntoView {
    let error = f.error.clone();
    view! {
        <BackLink href="/users"/>
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">"Add New User"</h1>
        <ActionForm action=next attr:novalidate="novalidate">
            <InputField field=Field::Email label="Email Address" autocomplete="off" value=f.email.clone() problem=problem_for(&error, Field::Email)/>
            <InputField field=Field::ConfirmEmail label="Confirm Email Address" autocomplete="off" value=f.confirm_email.clone() problem=problem_for(&error, Field::ConfirmEmail)/>
            <button class="nhsuk-button" type="submit" name="step" value="details">"Continue"</button>
        </ActionForm>
        <p class="nhsuk-body"><a href="/users">"Back to Users"</a></p>
    }
}

#[component]
fn DetailsStep(f: NewUserView, next: ServerAction<NewUserStep>) -> impl IntoView {
    let error = f.error.clone();
    let org_problem = problem_for(&error, Field::Organisation);
    view! {
        <BackLink href=step_url("email", &[], "")/>
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">"Add New User"</h1>
        <h2 class="nhsuk-heading-m">"User Information"</h2>
        <p class="nhsuk-body">"All fields are mandatory except Mobile Phone."</p>
        <ActionForm action=next attr:novalidate="novalidate">
            <dl class="nhsuk-summary-list">
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Email Address"</dt>
                    <dd class="nhsuk-summary-list__value">{f.email.clone()}</dd>
                </div>
            </dl>
            <InputField field=Field::FirstName label="First Name" autocomplete="off" value=f.first_name.clone() problem=problem_for(&error, Field::FirstName)/>
            <InputField field=Field::LastName label="Last Name" autocomplete="off" value=f.last_name.clone() problem=problem_for(&error, Field::LastName)/>
            <InputField field=Field::Phone label="Telephone Number" autocomplete="off" value=f.phone.clone() problem=problem_for(&error, Field::Phone)/>
            <InputField field=Field::Mobile label="Mobile Phone (optional)" autocomplete="off" value=f.mobile.clone() problem=problem_for(&error, Field::Mobile)/>
            <OrgSearch chosen=f.chosen.clone() results=f.results.clone() q=f.q.clone() problem=org_problem search_step="details" indexed=true/>
            <button class="nhsuk-button" type="submit" name="step" value="roles">"Submit"</button>
        </ActionForm>
    }
}

#[component]
fn RolesStep(f: NewUserView, add: ServerAction<AddNewUser>) -> impl IntoView {
    let organisations = f
        .offers
        .iter()
        .map(|o| o.code.clone())
        .collect::<Vec<_>>()
        .join(",");
    let codes: Vec<String> = f.offers.iter().map(|o| o.code.clone()).collect();
    let back = step_url("details", &codes, "");
    let offers = role_choices(&f.offers, &f.payment_types);
    let server_error = move || add.value().get().and_then(|r| r.err());
    let page_error = f.error.clone();
    view! {
        <BackLink href=back.clone()/>
        {move || {
            let e = server_error().or_else(|| page_error.clone());
            view! { <ErrorSummary error=e/> }
        }}
        <h1 class="nhsuk-heading-l">"Add New User"</h1>
        <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Email Address"</dt>
                <dd class="nhsuk-summary-list__value">{f.email.clone()}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Name"</dt>
                <dd class="nhsuk-summary-list__value">{format!("{} {}", f.first_name, f.last_name)}</dd>
            </div>
        </dl>
        <p class="nhsuk-body"><a href=back>"Add Organisation"</a></p>
        <ActionForm action=add>
            <input type="hidden" name="email" value=f.email.clone()/>
            <input type="hidden" name="confirm_email" value=f.confirm_email.clone()/>
            <input type="hidden" name="first_name" value=f.first_name.clone()/>
            <input type="hidden" name="last_name" value=f.last_name.clone()/>
            <input type="hidden" name="phone" value=f.phone.clone()/>
            <input type="hidden" name="mobile" value=f.mobile.clone()/>
            <input type="hidden" name="organisations" value=organisations/>
            <div id="role">
                <p class="nhsuk-body">"Select the roles to give at each organisation. Roles marked * can be limited to some payment types; leave them all unticked for all payment types."</p>
                {offers}
            </div>
            {move || view! { <AccessEndsOptional max_days=f.max_temporary_days error=server_error()/> }}
            <button class="nhsuk-button" type="submit">"Submit"</button>
        </ActionForm>
    }
}
