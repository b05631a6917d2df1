//! Add Organisation and Change on a user's page: roles given to someone who has an account
//! already, and the clusters and payment types a role is limited to.

use super::*;

/// Add Organisation on an existing user's page, as the URL describes it: Search By and the
/// ticked organisations ("organisations"), then each one's roles not yet held ("roles").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddOrganisationView {
    pub user: i64,
    pub name: String,
    pub email: String,
    /// "organisations" or "roles".
    pub step: String,
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

#[server(endpoint = "user_organisations_form")]
pub async fn user_organisations_form(
    user: i64,
    #[server(default)] organisations: Vec<String>,
    #[server(default)] q: String,
    #[server(default)] step: String,
) -> Result<AddOrganisationView, AppError> {
    use domain::features::add_user;
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let ctx = st.services();
    let detail = add_user::grantee(&ctx, &actor, domain::UserId(user))
        .await
        .map_err(|p| staff_error(vec![p], Vec::new()))?;
    let organisations = codes(organisations);
    let q: String = q.chars().take(100).collect();
    let chosen = add_user::offers(&ctx, &actor, &organisations)
        .await
        .map_err(|p| staff_error(vec![p], Vec::new()))?;
    let mut view = AddOrganisationView {
        user,
        name: format!("{} {}", detail.user.first_name, detail.user.last_name),
        email: detail.user.email.to_string(),
        step: "organisations".into(),
        results: search_results(&st, &actor, &q, &organisations).await?,
        q,
        chosen: chosen_of(&chosen),
        offers: Vec::new(),
        payment_types: payment_type_names(&st.catalogue),
        max_temporary_days: st.max_temporary_days,
        error: None,
    };
    if detail.user.status == domain::AccountStatus::Disabled {
        view.error = Some(staff_error(
            vec![add_user::StaffProblem::AccountDisabled],
            Vec::new(),
        ));
        return Ok(view);
    }
    if step != "roles" {
        return Ok(view);
    }
    if chosen.is_empty() {
        view.error = Some(staff_error(
            vec![add_user::StaffProblem::NoOrganisation],
            Vec::new(),
        ));
        return Ok(view);
    }
    view.step = "roles".into();
    view.offers = org_offers(add_user::unheld(&st.catalogue, chosen, &detail.assignments));
    Ok(view)
}

/// Submit on Add Organisation: the ticks arrive as on Add New User, and "Access ends on" as its
/// three boxes.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "add_user_roles")]
pub async fn add_user_roles(
    user: i64,
    organisations: String,
    #[server(default)] grants: Vec<String>,
    #[server(default)] payments: Vec<String>,
    #[server(default)] clusters: Vec<String>,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![typed.echo];
    let ends_at = typed
        .end
        .map_err(|p| invalid_at_fields(AppError::invalid(vec![p], echo.clone())))?;
    let choices = parse_choices(&grants, &payments, &clusters)?;
    domain::features::add_user::grant(
        &st.services(),
        &actor,
        domain::UserId(user),
        &codes(organisations.split(',').map(str::to_owned)),
        &choices,
        ends_at,
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|p| invalid_at_fields(staff_error(p, echo)))?;
    if let Some(end) = ends_at {
        st.expiry.expect(end);
    }
    leptos_axum::redirect(&format!("/users/{user}?done=roles-added"));
    Ok(())
}

/// One active role of a user as its change page shows it: each payment type and cluster with
/// whether it is ticked now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestrictionsView {
    pub user: i64,
    pub assignment: i64,
    pub role_name: String,
    pub org_name: String,
    pub org_code: String,
    pub starred: bool,
    /// The roles it may change to, its own first: (id, name with * when payment types restrict
    /// it, description there).
    pub roles: Vec<(i64, String, String)>,
    pub role: i64,
    /// (code, name, ticked)
    pub payment_types: Vec<(String, String, bool)>,
    /// (short name, name, ticked)
    pub clusters: Vec<(String, String, bool)>,
}

#[server(endpoint = "assignment_restrictions")]
pub async fn assignment_restrictions(
    user: i64,
    assignment: i64,
) -> Result<RestrictionsView, AppError> {
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let r = domain::features::add_user::restrictable(
        &st.services(),
        &actor,
        domain::UserId(user),
        domain::AssignmentId(assignment),
    )
    .await
    .map_err(|p| staff_error(vec![p], Vec::new()))?;
    let a = &r.assignment;
    let Some(role) = r.offer.roles.first() else {
        return Err(crate::ssr::request::not_found());
    };
    let kind = r.offer.organisation.kind;
    Ok(RestrictionsView {
        user,
        assignment,
        role_name: role.name.clone(),
        org_name: a.organisation.name.clone(),
        org_code: a.organisation.code.clone(),
        starred: r.offer.roles.iter().any(|r| r.payment_restrictable),
        roles: r
            .offer
            .roles
            .iter()
            .map(|r| {
                (
                    r.id.0,
                    starred_name(r),
                    r.description_at(kind).unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        role: role.id.0,
        payment_types: st
            .catalogue
            .payment_types
            .iter()
            .map(|p| {
                (
                    p.code.clone(),
                    p.name.clone(),
                    a.payment_types.contains(&p.code),
                )
            })
            .collect(),
        clusters: r
            .offer
            .clusters
            .iter()
            .map(|c| {
                let ticked = a.clusters.iter().any(|(short, _)| *short == c.short_name);
                (c.short_name.clone(), c.name.clone(), ticked)
            })
            .collect(),
    })
}

/// Save on the change page: the role chosen (absent: unchanged), the ticked payment types
/// (`payments[i]=CODE`) and clusters (`clusters[i]=SHORT`); none ticked means all payment types
/// and the whole organisation.
#[server(endpoint = "restrict_assignment")]
pub async fn restrict_assignment(
    user: i64,
    assignment: i64,
    #[server(default)] role: Option<i64>,
    #[server(default)] payments: Vec<String>,
    #[server(default)] clusters: Vec<String>,
) -> Result<(), AppError> {
    let actor = administrator()?;
    let st = crate::ssr::request::state()?;
    let tidy = |v: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = v
            .into_iter()
            .take(50)
            .map(|s| s.trim().to_owned())
            .collect();
        out.sort();
        out.dedup();
        out
    };
    domain::features::add_user::restrict(
        &st.services(),
        &actor,
        domain::UserId(user),
        domain::AssignmentId(assignment),
        role.map(domain::RoleId),
        &tidy(payments),
        &tidy(clusters),
        crate::ssr::request::client_address().as_deref(),
    )
    .await
    .map_err(|p| {
        // The role chosen stays chosen on the page that shows the problem.
        let echo = role
            .map(|r| vec![(Field::Role, r.to_string())])
            .unwrap_or_default();
        invalid_at_fields(staff_error(p, echo))
    })?;
    leptos_axum::redirect(&format!("/users/{user}?done=restricted"));
    Ok(())
}

/// A problem at a field is a 400; "not found" and failures keep their own status.
#[cfg(feature = "ssr")]
pub(super) fn invalid_at_fields(e: AppError) -> AppError {
    if matches!(e, AppError::Invalid { .. }) {
        crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
    }
    e
}

/// The ticks of a roles step: `grants[i]=ORG:ROLE`, `payments[i]=ORG:ROLE:TYPE` and
/// `clusters[i]=ORG:SHORT`; any not of that shape makes the request a 400.
#[cfg(feature = "ssr")]
pub(super) fn parse_choices(
    grants: &[String],
    payments: &[String],
    clusters: &[String],
) -> Result<Vec<domain::features::add_user::Choice>, AppError> {
    use domain::features::add_user::Choice;
    let mut choices: Vec<Choice> = Vec::new();
    let mut bad = false;
    for g in grants.iter().take(200) {
        match split2(g).and_then(|(org, role)| Some((org, role.parse::<i64>().ok()?))) {
            Some((organisation, role)) => choices.push(Choice {
                organisation,
                role: domain::RoleId(role),
                payment_types: Vec::new(),
                clusters: Vec::new(),
            }),
            None => bad = true,
        }
    }
    for p in payments.iter().take(1000) {
        let parts: Vec<&str> = p.split(':').collect();
        let [org, role, code] = parts[..] else {
            bad = true;
            continue;
        };
        let role = role.parse::<i64>().ok();
        // A payment type of an unticked role restricts nothing: it is dropped.
        if let Some(c) = choices
            .iter_mut()
            .find(|c| c.organisation == org.to_uppercase() && Some(c.role.0) == role)
        {
            c.payment_types.push(code.to_owned());
        }
    }
    for k in clusters.iter().take(1000) {
        match split2(k) {
            Some((org, short)) => {
                for c in choices.iter_mut().filter(|c| c.organisation == org) {
                    c.clusters.push(short.clone());
                }
            }
            None => bad = true,
        }
    }
    if bad {
        crate::ssr::request::set_status(axum::http::StatusCode::BAD_REQUEST);
        return Err(AppError::BadRequest);
    }
    Ok(choices)
}
