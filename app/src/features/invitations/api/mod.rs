//! Invitations: Users → Invite → email → names → organisation → role
//! → preview → Send; the link's page for the invitee; Resend and Withdraw on the user's page.
//! Each step posts to the server, which checks everything so far, keeps the answers as the
//! browser's draft and sends the browser on to the next page, so the flow works the same without
//! JavaScript and no answer travels in an address.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// The invitee as typed so far: kept on the server between steps (`crate::ssr::drafts`), never
/// in the address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteDraft {
    pub email: String,
    pub first: String,
    pub last: String,
    /// "Access ends on", as `YYYY-MM-DD`; empty for access without an end.
    #[serde(default)]
    pub ends: String,
}

/// The role step's "Access ends on": what was chosen before, and how far ahead it may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteEnd {
    pub ends: String,
    pub max_days: i64,
}

/// The invitee as the names step shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteeView {
    pub answers: InviteDraft,
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
    /// The last day of access in words, for a temporary role; empty otherwise.
    pub last_day: String,
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
        E::AccessEnd(p) => crate::ssr::access_end::problem(p),
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

/// `/users/invite/{step}?org=&role=`: only the organisation's code and the role's number travel in
/// the address; the invitee's email address and names stay in the draft.
pub fn step_url(step: &str, org: &str, role: Option<i64>) -> String {
    let mut url = format!("/users/invite/{step}");
    let mut sep = '?';
    if !org.is_empty() {
        url.push_str(&format!("{sep}org={}", crate::url::enc(org)));
        sep = '&';
    }
    if let Some(r) = role {
        url.push_str(&format!("{sep}role={r}"));
    }
    url
}

/// The draft's name: the invitee's email address and names, kept on the server between steps.
#[cfg(feature = "ssr")]
const DRAFT: &str = "invite";

/// The invitee's answers so far; without them (never started, or expired) the step is not found
/// and its page says to start again.
#[cfg(feature = "ssr")]
async fn kept() -> Result<InviteDraft, AppError> {
    crate::ssr::drafts::load::<InviteDraft>(DRAFT)
        .await?
        .ok_or_else(crate::ssr::request::not_found)
}

/// Keeps the invitee's address and names, and sends the browser to the next step.
#[cfg(feature = "ssr")]
async fn keep_and_go(
    email: &domain::EmailAddress,
    first: String,
    last: String,
    next: &str,
) -> Result<(), AppError> {
    // An end chosen earlier for the same person stays chosen.
    let ends = crate::ssr::drafts::load::<InviteDraft>(DRAFT)
        .await?
        .filter(|d| d.email == email.as_str())
        .map(|d| d.ends)
        .unwrap_or_default();
    let draft = InviteDraft {
        email: email.as_str().to_owned(),
        first,
        last,
        ends,
    };
    crate::ssr::drafts::save(DRAFT, &draft).await?;
    leptos_axum::redirect(&step_url(next, "", None));
    Ok(())
}

/// The answers so far, for a step's page; `None` before the first step (a question, not a
/// refusal: the first step's page asks it on every visit).
#[server(endpoint = "invite_answers")]
pub async fn invite_answers() -> Result<Option<InviteDraft>, AppError> {
    let (_, actor) = crate::ssr::require_actor()?;
    domain::features::invitations::may_invite(&actor).map_err(|e| invite_error(e, vec![]))?;
    crate::ssr::drafts::load::<InviteDraft>(DRAFT).await
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
    // Names typed for this address earlier are kept when the person comes back to this step.
    let earlier = crate::ssr::drafts::load::<InviteDraft>(DRAFT)
        .await?
        .filter(|a| a.email == parsed.as_str());
    let (first, last) = match (who.existing, earlier) {
        (Some(u), _) => (u.first_name, u.last_name),
        (None, Some(a)) => (a.first, a.last),
        (None, None) => Default::default(),
    };
    keep_and_go(&parsed, first, last, "details").await
}

/// Whether the draft's address belongs to an existing user (whose names are then locked).
#[server(endpoint = "invitee")]
pub async fn invitee() -> Result<InviteeView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let answers = kept().await?;
    let parsed = parse_email(&answers.email)?;
    let st = state()?;
    let who = domain::features::invitations::invitee(&st.services(), &actor, &parsed)
        .await
        .map_err(|e| invite_error(e, vec![]))?;
    Ok(InviteeView {
        existing: who.existing.map(|u| (u.first_name, u.last_name)),
        answers,
    })
}

/// Step 2: first and last name → the organisation step.
#[server(endpoint = "invite_names")]
pub async fn invite_names(first_name: String, last_name: String) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let answers = kept().await?;
    let parsed = parse_email(&answers.email)?;
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
    keep_and_go(&parsed, first, last, "organisation").await
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
pub async fn invite_organisation(organisation: String) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    kept().await?;
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
        leptos_axum::redirect(&step_url("role", o.code.as_str(), None));
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
            leptos_axum::redirect(&step_url("role", only.code.as_str(), None));
            Ok(())
        }
        _ => {
            leptos_axum::redirect(&format!(
                "{}?q={}#matches",
                step_url("organisation", "", None),
                crate::url::enc(text)
            ));
            Ok(())
        }
    }
}

/// The roles the inviter may invite to at the organisation, with its name.
#[server(endpoint = "invite_roles")]
pub async fn invite_roles(
    org: String,
) -> Result<(InviteOrg, Vec<RoleOption>, InviteEnd), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    // The end chosen earlier, if any: the roles are offered with or without a draft.
    let ends = crate::ssr::drafts::load::<InviteDraft>(DRAFT)
        .await?
        .map(|d| d.ends)
        .unwrap_or_default();
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
        InviteEnd {
            ends,
            max_days: st.max_temporary_days,
        },
    ))
}

#[cfg(feature = "ssr")]
fn form(
    answers: &InviteDraft,
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
    // Kept only once it made a real date; the domain checks it is ahead and within the limit.
    let ends = crate::ssr::uk_time::day_bounds(&answers.ends)
        .map(|(_, next_day)| (next_day, crate::ssr::uk_time::calendar(&answers.ends)));
    Ok(domain::features::invitations::InviteForm {
        email: parse_email(&answers.email)?,
        first_name: name(&answers.first, Field::FirstName)?,
        last_name: name(&answers.last, Field::LastName)?,
        organisation: org.to_owned(),
        role: domain::RoleId(role),
        ends,
    })
}

#[cfg(feature = "ssr")]
fn inviter_name(ctx: &domain::access::actor::RequestContext) -> String {
    format!("{} {}", ctx.user.first_name, ctx.user.last_name)
}

/// Step 4: the role, and "Access ends on" for temporary access → the preview.
#[server(endpoint = "invite_role")]
pub async fn invite_role(
    org: String,
    role: Option<String>,
    #[server(default)] access_ends_day: String,
    #[server(default)] access_ends_month: String,
    #[server(default)] access_ends_year: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let typed =
        crate::ssr::access_end::typed(&access_ends_day, &access_ends_month, &access_ends_year);
    let echo = vec![typed.echo.clone()];
    typed.end.map_err(|p| invalid(vec![p], echo.clone()))?;
    let mut answers = kept().await?;
    answers.ends = typed.echo.1;
    let f = form(&answers, &org, role.as_deref()).map_err(|e| e.with_echo(echo.clone()))?;
    let st = state()?;
    domain::features::invitations::check(&st.services(), &actor, &f)
        .await
        .map_err(|e| invite_error(e, echo))?;
    crate::ssr::drafts::save(DRAFT, &answers).await?;
    leptos_axum::redirect(&step_url("preview", &org, Some(f.role.0)));
    Ok(())
}

/// The email as it will be sent (the link itself is made at Send).
#[server(endpoint = "invite_preview")]
pub async fn invite_preview(org: String, role: String) -> Result<PreviewView, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (ctx, actor) = require_actor()?;
    let f = form(&kept().await?, &org, Some(&role))?;
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
        last_day: c.ends.map(|(_, day)| day).unwrap_or_default(),
    })
}

/// Send → "invite successfully sent".
#[server(endpoint = "send_invite")]
pub async fn send_invite(org: String, role: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (ctx, actor) = require_actor()?;
    let f = form(&kept().await?, &org, Some(&role))?;
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
    crate::ssr::drafts::forget(DRAFT).await?;
    // A Commissioning Approver may invite but has no Users page to come back to.
    if actor.has(domain::Capability::ManageUsers) {
        leptos_axum::redirect("/users?done=invited");
    } else {
        leptos_axum::redirect("/users/invite?sent=1");
    }
    Ok(())
}
