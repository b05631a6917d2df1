//! Add New User: email twice, then the user information, then organisations and roles.

use super::*;

#[component]
pub fn NewUserPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).unwrap_or_default();
        (
            text("email"),
            text("confirm_email"),
            text("first_name"),
            text("last_name"),
            text("phone"),
            text("mobile"),
            q.get_all("organisations").unwrap_or_default(),
            text("q"),
            text("step"),
        )
    };
    let view_of = Resource::new(args, |(e, c, f, l, p, m, o, q, s)| {
        new_user_form(e, c, f, l, p, m, o, q, s)
    });
    let add = ServerAction::<AddNewUser>::new();
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
                                    "details" => view! { <DetailsStep f=f/> }.into_any(),
                                    _ => view! { <EmailStep f=f/> }.into_any(),
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
fn EmailStep(f: NewUserView) -> impl IntoView {
    let error = f.error.clone();
    view! {
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">"Add New User"</h1>
        <form method="get" action="/users/new" novalidate="novalidate">
            <InputField field=Field::Email label="Email Address" autocomplete="off" value=f.email.clone() problem=problem_for(&error, Field::Email)/>
            <InputField field=Field::ConfirmEmail label="Confirm Email Address" autocomplete="off" value=f.confirm_email.clone() problem=problem_for(&error, Field::ConfirmEmail)/>
            <button class="nhsuk-button" type="submit" name="step" value="details">"Continue"</button>
        </form>
        <p class="nhsuk-body"><a href="/users">"Back to Users"</a></p>
    }
}

#[component]
fn DetailsStep(f: NewUserView) -> impl IntoView {
    let error = f.error.clone();
    let org_problem = problem_for(&error, Field::Organisation);
    view! {
        <ErrorSummary error=error.clone()/>
        <h1 class="nhsuk-heading-l">"Add New User"</h1>
        <h2 class="nhsuk-heading-m">"User Information"</h2>
        <p class="nhsuk-body">"All fields are mandatory except Mobile Phone."</p>
        <form method="get" action="/users/new" novalidate="novalidate">
            <input type="hidden" name="email" value=f.email.clone()/>
            <input type="hidden" name="confirm_email" value=f.confirm_email.clone()/>
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
            <OrgSearch chosen=f.chosen.clone() results=f.results.clone() q=f.q.clone() problem=org_problem search_step="details"/>
            <button class="nhsuk-button" type="submit" name="step" value="roles">"Submit"</button>
        </form>
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
    let back = {
        let mut href = format!(
            "/users/new?step=details&email={}&confirm_email={}&first_name={}&last_name={}&phone={}&mobile={}",
            enc(&f.email), enc(&f.confirm_email), enc(&f.first_name), enc(&f.last_name), enc(&f.phone), enc(&f.mobile)
        );
        for o in &f.offers {
            href.push_str("&organisations=");
            href.push_str(&enc(&o.code));
        }
        href
    };
    let offers = role_choices(&f.offers, &f.payment_types);
    let server_error = move || add.value().get().and_then(|r| r.err());
    let page_error = f.error.clone();
    view! {
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
            <button class="nhsuk-button" type="submit">"Submit"</button>
        </ActionForm>
    }
}
