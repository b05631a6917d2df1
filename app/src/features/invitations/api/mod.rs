//! Invitations: Users → Invite → email → names → organisation → role
//! → preview → Send; the link's page for the invitee; Resend and Withdraw on the user's page.
//! Each step posts to the server, which checks everything so far and sends the browser on with
//! the answers in the next page's URL, so the flow works the same without JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// The invitee as the names step shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteeView {
    pub email: String,
    /// Set for an existing user: their names, shown locked.
    pub existing: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOrg {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewView {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub org_name: String,
    pub role_name: String,
}

/// What an invitation link offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LinkOffer {
    /// A new person: names (pre-filled) and a password.
    New {
        email: String,
        first_name: String,
        last_name: String,
        org_name: String,
        role_name: String,
    },
    /// An existing user: sign in to accept.
    Existing {
        email: String,
        org_name: String,
        role_name: String,
    },
    NotValid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub organisation: String,
    pub role_name: String,
    pub sent: String,
    pub expires: String,
}

#[cfg(feature = "ssr")]
use crate::ssr::request::{invalid, short};

mod on_user_page;
pub use on_user_page::*;

mod accept;
pub use accept::*;

#[cfg(feature = "ssr")]
fn invite_error(
    e: domain::features::invitations::InviteError,
    echo: Vec<(Field, String)>,
) -> AppError {
    use domain::features::invitations::InviteError as E;
    let problem = match e {
        E::NotFound => return crate::ssr::request::not_found(),
        E::Store(e) => return crate::ssr::request::internal(&e),
        E::Hash(e) => return crate::ssr::request::internal(&e),
        E::AccountDisabled => Problem::InviteeDisabled(Field::Email),
        E::OwnAccount => Problem::InviteSelf(Field::Email),
        E::OrganisationNotFound => Problem::InviteOrganisationNotFound(Field::Organisation),
        E::RoleNotOffered => Problem::RoleNotOffered(Field::Role),
        E::AlreadyHolds => Problem::AlreadyInvited(Field::Role),
        E::LinkNotValid => Problem::LinkNotValid(Field::Link),
        E::NotRecognised => Problem::NotRecognised(Field::Password),
    };
    invalid(vec![problem], echo)
}

#[cfg(feature = "ssr")]
fn parse_email(email: &str) -> Result<domain::EmailAddress, AppError> {
    domain::EmailAddress::parse(email).map_err(|e| {
        invalid(
            vec![Problem::from_their_email(Field::Email, e)],
            vec![(Field::Email, short(email))],
        )
    })
}

/// `/users/invite/…?email=&first=&last=&org=&role=` with what is known so far.
pub fn step_url(
    step: &str,
    email: &str,
    first: &str,
    last: &str,
    org: &str,
    role: Option<i64>,
) -> String {
    use crate::url::enc;
    let mut url = format!(
        "/users/invite/{step}?email={}&first={}&last={}",
        enc(email),
        enc(first),
        enc(last)
    );
    if !org.is_empty() {
        url.push_str(&format!("&org={}", enc(org)));
    }
    if let Some(r) = role {
        url.push_str(&format!("&role={r}"));
    }
    url
}

/// Step 1: the email address → the names step.
#[server(endpoint = "invite_email")]
pub async fn invite_email(email: String) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let parsed = parse_email(&email)?;
    let st = state()?;
    let who = domain::features::invitations::invitee(&st.services(), &actor, &parsed)
        .await
        .map_err(|e| invite_error(e, vec![(Field::Email, short(&email))]))?;
    let (first, last) = who
        .existing
        .map(|u| (u.first_name, u.last_name))
        .unwrap_or_default();
    leptos_axum::redirect(&step_url(
        "details",
        parsed.as_str(),
        &first,
        &last,
        "",
        None,
    ));
    Ok(())
}

/// Whether the address belongs to an existing user (whose names are then locked).
#[server(endpoint = "invitee")]
pub async fn invitee(email: String) -> Result<InviteeView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let parsed = parse_email(&email)?;
    let st = state()?;
    let who = domain::features::invitations::invitee(&st.services(), &actor, &parsed)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    Ok(InviteeView {
        email: who.email.as_str().to_owned(),
        existing: who.existing.map(|u| (u.first_name, u.last_name)),
    })
}

/// Step 2: first and last name → the organisation step.
#[server(endpoint = "invite_names")]
pub async fn invite_names(
    email: String,
    first_name: String,
    last_name: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let parsed = parse_email(&email)?;
    let st = state()?;
    let who = domain::features::invitations::invitee(&st.services(), &actor, &parsed)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    let (first, last) = match who.existing {
        Some(u) => (u.first_name, u.last_name),
        None => {
            let echo = vec![
                (Field::FirstName, short(&first_name)),
                (Field::LastName, short(&last_name)),
            ];
            let mut problems = Vec::new();
            let f = domain::PersonName::parse(&first_name)
                .map_err(|e| problems.push(Problem::from_name(Field::FirstName, e)))
                .ok();
            let l = domain::PersonName::parse(&last_name)
                .map_err(|e| problems.push(Problem::from_name(Field::LastName, e)))
                .ok();
            match (f, l) {
                (Some(f), Some(l)) => (f.as_str().to_owned(), l.as_str().to_owned()),
                _ => return Err(invalid(problems, echo)),
            }
        }
    };
    leptos_axum::redirect(&step_url(
        "organisation",
        parsed.as_str(),
        &first,
        &last,
        "",
        None,
    ));
    Ok(())
}

/// Organisations in the inviter's scope matching what was typed.
#[server(endpoint = "invite_organisations")]
pub async fn invite_organisations(query: String) -> Result<Vec<InviteOrg>, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let found = domain::features::invitations::organisations_for(&st.services(), &actor, &query)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    Ok(found
        .into_iter()
        .map(|o| InviteOrg {
            code: o.code.as_str().to_owned(),
            name: o.name,
        })
        .collect())
}

/// Step 3: the organisation (an ODS code, or a name to choose from) → the role step.
#[server(endpoint = "invite_organisation")]
pub async fn invite_organisation(
    email: String,
    first: String,
    last: String,
    organisation: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let echo = vec![(Field::Organisation, short(&organisation))];
    let text = organisation.trim();
    if text.is_empty() {
        return Err(invalid(
            vec![Problem::OrganisationEmpty(Field::Organisation)],
            echo,
        ));
    }
    let st = state()?;
    let ctx = st.services();
    if let Ok(o) = domain::features::invitations::organisation(&ctx, &actor, text).await {
        leptos_axum::redirect(&step_url(
            "role",
            &email,
            &first,
            &last,
            o.code.as_str(),
            None,
        ));
        return Ok(());
    }
    let found = domain::features::invitations::organisations_for(&ctx, &actor, text)
        .await
        .map_err(|e| invite_error(e, echo.clone()))?;
    match found.as_slice() {
        [] => Err(invalid(
            vec![Problem::InviteOrganisationNotFound(Field::Organisation)],
            echo,
        )),
        [only] => {
            leptos_axum::redirect(&step_url(
                "role",
                &email,
                &first,
                &last,
                only.code.as_str(),
                None,
            ));
            Ok(())
        }
        _ => {
            leptos_axum::redirect(&format!(
                "{}&q={}#matches",
                step_url("organisation", &email, &first, &last, "", None),
                crate::url::enc(text)
            ));
            Ok(())
        }
    }
}

/// The roles the inviter may invite to at the organisation, with its name.
#[server(endpoint = "invite_roles")]
pub async fn invite_roles(org: String) -> Result<(InviteOrg, Vec<RoleOption>), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let o = domain::features::invitations::organisation(&st.services(), &actor, &org)
        .await
        .map_err(|_| crate::ssr::request::not_found())?;
    let roles = domain::rules::review::roles_for(&st.catalogue, &actor, &o)
        .into_iter()
        .map(|r| RoleOption {
            id: r.id.0,
            name: r.name.clone(),
            description: r.description_at(o.kind).unwrap_or_default().to_owned(),
        })
        .collect();
    Ok((
        InviteOrg {
            code: o.code.as_str().to_owned(),
            name: o.name,
        },
        roles,
    ))
}

#[cfg(feature = "ssr")]
fn form(
    email: &str,
    first: &str,
    last: &str,
    org: &str,
    role: Option<&str>,
) -> Result<domain::features::invitations::InviteForm, AppError> {
    let role = match role.map(str::trim) {
        None | Some("") => {
            return Err(invalid(vec![Problem::RoleMissing(Field::Role)], vec![]));
        }
        Some(r) => r
            .parse::<i64>()
            .map_err(|_| invalid(vec![Problem::RoleNotOffered(Field::Role)], vec![]))?,
    };
    let name = |s: &str, f: Field| {
        domain::PersonName::parse(s).map_err(|e| invalid(vec![Problem::from_name(f, e)], vec![]))
    };
    Ok(domain::features::invitations::InviteForm {
        email: parse_email(email)?,
        first_name: name(first, Field::FirstName)?,
        last_name: name(last, Field::LastName)?,
        organisation: org.to_owned(),
        role: domain::RoleId(role),
    })
}

#[cfg(feature = "ssr")]
fn inviter_name(ctx: &domain::access::actor::RequestContext) -> String {
    format!("{} {}", ctx.user.first_name, ctx.user.last_name)
}

/// Step 4: the role → the preview.
#[server(endpoint = "invite_role")]
pub async fn invite_role(
    email: String,
    first: String,
    last: String,
    org: String,
    role: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let f = form(&email, &first, &last, &org, role.as_deref())?;
    let st = state()?;
    domain::features::invitations::check(&st.services(), &actor, &f)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    leptos_axum::redirect(&step_url(
        "preview",
        &email,
        &first,
        &last,
        &org,
        Some(f.role.0),
    ));
    Ok(())
}

/// The email as it will be sent (the link itself is made at Send).
#[server(endpoint = "invite_preview")]
pub async fn invite_preview(
    email: String,
    first: String,
    last: String,
    org: String,
    role: String,
) -> Result<PreviewView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (ctx, actor) = require_actor()?;
    let f = form(&email, &first, &last, &org, Some(&role))?;
    let st = state()?;
    let c = domain::features::invitations::check(&st.services(), &actor, &f)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    let mail = domain::features::invitations::email(
        &c,
        &inviter_name(&ctx),
        "[a secure link, made when you press Send]",
    );
    Ok(PreviewView {
        to: mail.to.as_str().to_owned(),
        subject: mail.subject,
        body: mail.body,
        org_name: format!("{} ({})", c.organisation.name, c.organisation.code.as_str()),
        role_name: c.role.name,
    })
}

/// Send → "invite successfully sent".
#[server(endpoint = "send_invite")]
pub async fn send_invite(
    email: String,
    first: String,
    last: String,
    org: String,
    role: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (ctx, actor) = require_actor()?;
    let f = form(&email, &first, &last, &org, Some(&role))?;
    let st = state()?;
    domain::features::invitations::send(
        &st.services(),
        &actor,
        &inviter_name(&ctx),
        &f,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| invite_error(e, vec![]))?;
    // A Commissioning Approver may invite but has no Users page to come back to.
    if actor.has(domain::Capability::ManageUsers) {
        leptos_axum::redirect("/users?done=invited");
    } else {
        leptos_axum::redirect("/users/invite?sent=1");
    }
    Ok(())
}
