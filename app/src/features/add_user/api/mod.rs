//! Add New User: the email typed twice → the user information and Add Organisation
//! (Search By, tick, Submit) → each organisation's roles, with payment types for starred roles
//! and the organisation's clusters → Submit. Each step posts its answers, which are kept as the
//! browser's draft (`crate::ssr::drafts`), and the page is then shown for the step asked for:
//! only the step, the organisations' codes and the search travel in the address, never the new
//! user's email address, names or telephone numbers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

mod grant;
pub use grant::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub code: String,
    pub name: String,
    pub parent: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleOffer {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgOffer {
    pub code: String,
    pub name: String,
    pub roles: Vec<RoleOffer>,
    /// (short name, name)
    pub clusters: Vec<(String, String)>,
}

/// The page as the URL describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUserView {
    /// "email", "details" or "roles".
    pub step: String,
    pub email: String,
    pub confirm_email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub mobile: String,
    pub q: String,
    pub results: Vec<OrgChoice>,
    pub chosen: Vec<OrgChoice>,
    pub offers: Vec<OrgOffer>,
    /// (code, name)
    pub payment_types: Vec<(String, String)>,
    /// How far ahead "Access ends on" may be, in days.
    pub max_temporary_days: i64,
    pub error: Option<AppError>,
}

#[cfg(feature = "ssr")]
fn problem(p: &domain::features::add_user::StaffProblem) -> Option<Problem> {
    use domain::features::add_user::StaffProblem as S;
    use domain::values::email::EmailError as E;
    use domain::values::person_name::PersonNameError as N;
    Some(match p {
        S::Email(E::Empty) => Problem::TheirEmailEmpty(Field::Email),
        S::Email(E::TooLong) => Problem::EmailTooLong(Field::Email),
        S::Email(_) => Problem::EmailMalformed(Field::Email),
        S::ConfirmMismatch => Problem::EmailsDiffer(Field::ConfirmEmail),
        S::EmailRegistered => Problem::NewUserEmailTaken(Field::Email),
        S::FirstName(N::Empty) => Problem::UserFirstNameEmpty(Field::FirstName),
        S::FirstName(N::TooLong) => Problem::NameTooLong(Field::FirstName),
        S::FirstName(N::ControlCharacters) => Problem::NameControl(Field::FirstName),
        S::LastName(N::Empty) => Problem::UserLastNameEmpty(Field::LastName),
        S::LastName(N::TooLong) => Problem::NameTooLong(Field::LastName),
        S::LastName(N::ControlCharacters) => Problem::NameControl(Field::LastName),
        S::PhoneEmpty => Problem::PhoneEmpty(Field::Phone),
        S::PhoneInvalid => Problem::PhoneInvalid(Field::Phone),
        S::MobileInvalid => Problem::PhoneInvalid(Field::Mobile),
        S::NoOrganisation => Problem::AddOrganisation(Field::Organisation),
        S::OrganisationNotOffered => Problem::OrganisationNotOffered(Field::Organisation),
        S::NoRole => Problem::NoRoleTicked(Field::Role),
        S::RoleNotOffered => Problem::RoleNotOffered(Field::Role),
        S::PaymentTypeNotAllowed => Problem::PaymentTypeNotAllowed(Field::Role),
        S::ClusterNotOffered => Problem::ClusterNotOffered(Field::Role),
        S::RoleConflict => Problem::RolesConflict(Field::Role),
        S::RoleHeld => Problem::AlreadyInvited(Field::Role),
        S::AccountDisabled => Problem::InviteeDisabled(Field::Organisation),
        S::AccessEnd(p) => crate::ssr::access_end::problem(*p),
        S::NotFound | S::Store(_) => return None,
    })
}

#[cfg(feature = "ssr")]
fn staff_error(
    problems: Vec<domain::features::add_user::StaffProblem>,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::add_user::StaffProblem as S;
    if problems.iter().any(|p| matches!(p, S::NotFound)) {
        return crate::ssr::request::not_found();
    }
    if let Some(S::Store(cause)) = problems.iter().find(|p| matches!(p, S::Store(_))) {
        return crate::ssr::request::failed(&format!("add new user: storage failed: {cause}"));
    }
    let mut list: Vec<Problem> = problems.iter().filter_map(problem).collect();
    list.dedup();
    AppError::invalid(list, echo)
}

#[cfg(feature = "ssr")]
fn administrator() -> Result<domain::Actor, AppError> {
    let (_, actor) = crate::ssr::require_actor()?;
    if !domain::features::add_user::may_add(&actor) {
        return Err(crate::ssr::request::not_found());
    }
    Ok(actor)
}

#[cfg(feature = "ssr")]
fn codes(list: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in list {
        let c = c.trim().to_uppercase();
        if !c.is_empty() && c.len() <= 12 && !out.contains(&c) && out.len() < 50 {
            out.push(c);
        }
    }
    out
}

/// The draft's name: the new user's email address, names and telephone numbers between steps.
#[cfg(feature = "ssr")]
const DRAFT: &str = "add_new_user";

/// What Add New User keeps between its steps (never in the address).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewUserDraft {
    pub email: String,
    pub confirm_email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub mobile: String,
}

/// A step's Continue, Search or Submit: the answers it sent are kept (a field the step does not
/// show keeps its earlier answer), and the browser goes to the page for `step`, which checks
/// them. Organisation checkboxes arrive as `organisations[i]`, each box with a name of its own.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "new_user_step")]
pub async fn new_user_step(
    email: Option<String>,
    confirm_email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    #[server(default)] organisations: Vec<String>,
    #[server(default)] q: String,
    #[server(default)] step: String,
) -> Result<(), AppError> {
    administrator()?;
    let mut draft = crate::ssr::drafts::load::<NewUserDraft>(DRAFT)
        .await?
        .unwrap_or_default();
    let cut = |s: String, n: usize| s.chars().take(n).collect::<String>();
    let keep = |field: &mut String, typed: Option<String>, n: usize| {
        if let Some(t) = typed {
            *field = cut(t, n);
        }
    };
    keep(&mut draft.email, email, 300);
    keep(&mut draft.confirm_email, confirm_email, 300);
    keep(&mut draft.first_name, first_name, 200);
    keep(&mut draft.last_name, last_name, 200);
    keep(&mut draft.phone, phone, 40);
    keep(&mut draft.mobile, mobile, 40);
    crate::ssr::drafts::save(DRAFT, &draft).await?;
    leptos_axum::redirect(&step_url(&step, &codes(organisations), &cut(q, 100)));
    Ok(())
}

/// `/users/new?step=&organisations=&q=`: what the page for a step needs besides the draft.
pub fn step_url(step: &str, organisations: &[String], q: &str) -> String {
    use crate::url::enc;
    let step = match step {
        "details" | "roles" => step,
        _ => "email",
    };
    let mut url = format!("/users/new?step={step}");
    for o in organisations {
        url.push_str(&format!("&organisations={}", enc(o)));
    }
    if !q.is_empty() {
        url.push_str(&format!("&q={}", enc(q)));
    }
    url
}

/// The page's state. `step` is the step asked for: "details" checks the email, "roles" checks
/// the user information and the organisations; a problem keeps the earlier step.
#[server(endpoint = "new_user_form")]
pub async fn new_user_form(
    #[server(default)] organisations: Vec<String>,
    #[server(default)] q: String,
    #[server(default)] step: String,
) -> Result<NewUserView, AppError> {
    use domain::features::add_user;
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let ctx = st.services();
    let NewUserDraft {
        email,
        confirm_email,
        first_name,
        last_name,
        phone,
        mobile,
    } = crate::ssr::drafts::load(DRAFT).await?.unwrap_or_default();
    let q: String = q.chars().take(100).collect();
    let organisations = codes(organisations);
    let mut view = NewUserView {
        step: "email".into(),
        email,
        confirm_email,
        first_name,
        last_name,
        phone,
        mobile,
        q,
        results: Vec::new(),
        chosen: Vec::new(),
        offers: Vec::new(),
        payment_types: payment_type_names(&st.catalogue),
        max_temporary_days: st.max_temporary_days,
        error: None,
    };
    let echo = |v: &NewUserView| {
        vec![
            (Field::Email, v.email.clone()),
            (Field::ConfirmEmail, v.confirm_email.clone()),
            (Field::FirstName, v.first_name.clone()),
            (Field::LastName, v.last_name.clone()),
            (Field::Phone, v.phone.clone()),
            (Field::Mobile, v.mobile.clone()),
        ]
    };
    if step.is_empty() || step == "email" {
        return Ok(view);
    }
    if let Err(p) =
        add_user::check_email(&st.services(), &actor, &view.email, &view.confirm_email).await
    {
        view.error = Some(staff_error(p, echo(&view)));
        return Ok(view);
    }
    view.step = "details".into();
    let chosen = add_user::offers(&ctx, &actor, &organisations)
        .await
        .map_err(|p| staff_error(vec![p], Vec::new()))?;
    view.chosen = chosen_of(&chosen);
    view.results = search_results(&st, &actor, &view.q, &organisations).await?;
    if step != "roles" {
        return Ok(view);
    }
    let mut problems = Vec::new();
    if let Err(p) =
        add_user::check_details(&view.first_name, &view.last_name, &view.phone, &view.mobile)
    {
        problems.extend(p);
    }
    if chosen.is_empty() {
        problems.push(add_user::StaffProblem::NoOrganisation);
    }
    if !problems.is_empty() {
        view.error = Some(staff_error(problems, echo(&view)));
        return Ok(view);
    }
    view.step = "roles".into();
    view.offers = org_offers(chosen);
    Ok(view)
}

/// The catalogue's payment types as (code, name), in its order.
#[cfg(feature = "ssr")]
fn payment_type_names(catalogue: &domain::model::role::Catalogue) -> Vec<(String, String)> {
    catalogue
        .payment_types
        .iter()
        .map(|p| (p.code.clone(), p.name.clone()))
        .collect()
}

/// The offers as the roles step shows them: starred names for roles payment types restrict.
#[cfg(feature = "ssr")]
fn org_offers(offers: Vec<domain::features::add_user::Offer>) -> Vec<OrgOffer> {
    offers
        .into_iter()
        .map(|o| OrgOffer {
            code: o.organisation.code.as_str().to_owned(),
            roles: o
                .roles
                .iter()
                .map(|r| RoleOffer {
                    id: r.id.0,
                    name: starred_name(r),
                    description: r
                        .description_at(o.organisation.kind)
                        .unwrap_or_default()
                        .to_owned(),
                    starred: r.payment_restrictable,
                })
                .collect(),
            clusters: o
                .clusters
                .into_iter()
                .map(|c| (c.short_name, c.name))
                .collect(),
            name: o.organisation.name,
        })
        .collect()
}

/// Search By: open organisations in the administrator's scope, less those already chosen.
#[cfg(feature = "ssr")]
async fn search_results(
    st: &crate::ssr::AppState,
    actor: &domain::Actor,
    q: &str,
    chosen: &[String],
) -> Result<Vec<OrgChoice>, AppError> {
    Ok(
        domain::features::add_user::organisations(&st.services(), actor, q)
            .await
            .map_err(|p| staff_error(vec![p], Vec::new()))?
            .into_iter()
            .filter(|(o, _)| !chosen.contains(&o.code.as_str().to_owned()))
            .map(|(o, parent)| OrgChoice {
                code: o.code.as_str().to_owned(),
                name: o.name,
                parent,
            })
            .collect(),
    )
}

#[cfg(feature = "ssr")]
fn chosen_of(offers: &[domain::features::add_user::Offer]) -> Vec<OrgChoice> {
    offers
        .iter()
        .map(|o| OrgChoice {
            code: o.organisation.code.as_str().to_owned(),
            name: o.organisation.name.clone(),
            parent: String::new(),
        })
        .collect()
}

/// "ORG:ROLE" → the parts, or `None` for anything else.
#[cfg(feature = "ssr")]
fn split2(s: &str) -> Option<(String, String)> {
    let (a, b) = s.split_once(':')?;
    Some((a.trim().to_uppercase(), b.trim().to_owned()))
}

/// The final Submit. Ticks arrive as `grants[i]=ORG:ROLE`, `payments[i]=ORG:ROLE:TYPE`
/// and `clusters[i]=ORG:SHORT`, each box with a name of its own.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "add_new_user")]
pub async fn add_new_user(
    email: String,
    confirm_email: String,
    first_name: String,
    last_name: String,
    phone: String,
    #[server(default)] mobile: String,
    organisations: String,
    #[server(default)] grants: Vec<String>,
    #[server(default)] payments: Vec<String>,
    #[server(default)] clusters: Vec<String>,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    use domain::features::add_user::{self, StaffForm};
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let ctx = st.services();
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![
        (Field::Email, email.chars().take(300).collect()),
        (Field::FirstName, first_name.chars().take(200).collect()),
        (Field::LastName, last_name.chars().take(200).collect()),
        typed.echo.clone(),
    ];
    let ends_at = typed
        .end
        .map_err(|p| invalid_at_fields(AppError::invalid(vec![p], echo.clone())))?;
    let choices = parse_choices(&grants, &payments, &clusters)?;
    let form = StaffForm {
        email,
        confirm_email,
        first_name,
        last_name,
        phone,
        mobile,
        organisations: codes(organisations.split(',').map(str::to_owned)),
        choices,
        ends_at,
    };
    let id = add_user::add(
        &ctx,
        &actor,
        &form,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|p| invalid_at_fields(staff_error(p, echo)))?;
    if let Some(end) = ends_at {
        st.expiry.expect(end);
    }
    crate::ssr::drafts::forget(DRAFT).await?;
    leptos_axum::redirect(&format!("/users/{}?done=added", id.0));
    Ok(())
}

/// A role's name as the forms show it: starred when payment types can restrict it.
#[cfg(feature = "ssr")]
fn starred_name(r: &domain::model::role::Role) -> String {
    if r.payment_restrictable {
        format!("{}*", r.name)
    } else {
        r.name.clone()
    }
}
