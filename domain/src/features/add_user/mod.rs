//! National user administration, Add New User: an administrator with
//! `manage_users` makes an account (email twice, then the user information, all mandatory but
//! the mobile phone), links it to organisations in their scope with roles there, each starred
//! role with optional payment types ("none ticked = all payment types") and the organisation's
//! clusters; the new user gets an email with a link to set their password.

use crate::access::actor::Actor;
use crate::model::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::cluster::{Cluster, ClusterId};
use crate::model::organisation::{OrgId, OrgKind, Organisation};
use crate::model::outbox::NewEmail;
use crate::model::role::{Capability, Role, RoleId};
use crate::model::user::{AccountStatus, NewUser, UserId};
use crate::rules::review::roles_for;
use crate::rules::review::ACTIVATION_TTL_SECONDS;
use crate::services::Services;
use crate::storage::{AddedGrant, AddedUser, Gone, GrantedRoles, Storage, StoreError};
use crate::values::clock::SecretToken;
use crate::values::email::{EmailAddress, EmailError};
use crate::values::ods_code::OdsCode;
use crate::values::person_name::{PersonName, PersonNameError};

mod grant;
pub use grant::*;

/// Every problem one form can have, each shown at its own field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffProblem {
    #[error("not found")]
    NotFound,
    #[error("email: {0}")]
    Email(EmailError),
    #[error("the two email addresses differ")]
    ConfirmMismatch,
    #[error("an account already uses this address")]
    EmailRegistered,
    #[error("first name: {0}")]
    FirstName(PersonNameError),
    #[error("last name: {0}")]
    LastName(PersonNameError),
    #[error("enter a telephone number")]
    PhoneEmpty,
    #[error("telephone number not valid")]
    PhoneInvalid,
    #[error("mobile number not valid")]
    MobileInvalid,
    #[error("no organisation chosen")]
    NoOrganisation,
    /// An organisation not open or not within the administrator's scope.
    #[error("organisation not offered")]
    OrganisationNotOffered,
    #[error("no role chosen")]
    NoRole,
    #[error("role not offered at that organisation")]
    RoleNotOffered,
    #[error("payment types only restrict starred roles, and must be known ones")]
    PaymentTypeNotAllowed,
    #[error("cluster not offered at that organisation")]
    ClusterNotOffered,
    #[error("two roles that one person may not hold at one organisation")]
    RoleConflict,
    /// Add Organisation: the user already holds or waits for this role there.
    #[error("the user already holds this role at that organisation")]
    RoleHeld,
    /// Add Organisation: the account is disabled; it is enabled first.
    #[error("the account is disabled")]
    AccountDisabled,
    /// "Access ends on": in the past, or too far ahead.
    #[error(transparent)]
    AccessEnd(#[from] crate::rules::access_end::EndProblem),
    #[error("storage failed")]
    Store(String),
}

impl From<crate::rules::visibility::Unseen> for StaffProblem {
    fn from(e: crate::rules::visibility::Unseen) -> Self {
        match e {
            crate::rules::visibility::Unseen::Store(e) => StaffProblem::Store(e.to_string()),
            crate::rules::visibility::Unseen::NotFound => StaffProblem::NotFound,
        }
    }
}

impl From<StoreError> for StaffProblem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => StaffProblem::EmailRegistered,
            other => StaffProblem::Store(other.to_string()),
        }
    }
}

pub fn may_add(actor: &Actor) -> bool {
    actor.has(Capability::ManageUsers)
}

/// Add Organisation: an administrator gives roles to others, never to themselves.
pub fn may_grant_to(actor: &Actor, user: UserId) -> bool {
    may_add(actor) && user != actor.user
}

/// Change: an active role of someone else, in the administrator's `manage_users` scope, that
/// they could have given there. Anything else is not theirs to change or widen.
pub fn may_change(
    catalogue: &crate::model::role::Catalogue,
    actor: &Actor,
    a: &AssignmentView,
) -> bool {
    a.user != actor.user
        && a.status == AssignmentStatus::Active
        && actor
            .permit(Capability::ManageUsers)
            .is_ok_and(|s| s.reaches(a.organisation.id, &a.organisation.path))
        && catalogue.role(a.role).is_some_and(|r| {
            crate::rules::review::may_review(actor, r, a.organisation.id, &a.organisation.path)
        })
}

/// Step 1: the address, typed twice, not yet anyone's.
pub async fn check_email<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    email: &str,
    confirm: &str,
) -> Result<EmailAddress, Vec<StaffProblem>> {
    let store = ctx.store;
    if !may_add(actor) {
        return Err(vec![StaffProblem::NotFound]);
    }
    let parsed = EmailAddress::parse(email).map_err(|e| vec![StaffProblem::Email(e)])?;
    if EmailAddress::parse(confirm).ok().as_ref() != Some(&parsed) {
        return Err(vec![StaffProblem::ConfirmMismatch]);
    }
    if store
        .credentials(&parsed)
        .await
        .map_err(|e| vec![e.into()])?
        .is_some()
    {
        return Err(vec![StaffProblem::EmailRegistered]);
    }
    Ok(parsed)
}

/// A telephone number as people type them: digits with spaces, brackets, dashes and a leading
/// plus; between 10 and 15 digits.
pub fn parse_phone(raw: &str) -> Option<String> {
    let t = raw.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " ()-".contains(c) || (c == '+' && i == 0));
    (allowed && (10..=15).contains(&digits)).then(|| t.to_owned())
}

/// The user information: all of it required but the mobile number.
#[derive(Debug, Clone)]
pub struct Details {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub phone: String,
    pub mobile: Option<String>,
}

pub fn check_details(
    first: &str,
    last: &str,
    phone: &str,
    mobile: &str,
) -> Result<Details, Vec<StaffProblem>> {
    let mut problems = Vec::new();
    let first_name = PersonName::parse(first)
        .map_err(|e| problems.push(StaffProblem::FirstName(e)))
        .ok();
    let last_name = PersonName::parse(last)
        .map_err(|e| problems.push(StaffProblem::LastName(e)))
        .ok();
    let phone = if phone.trim().is_empty() {
        problems.push(StaffProblem::PhoneEmpty);
        None
    } else {
        parse_phone(phone).or_else(|| {
            problems.push(StaffProblem::PhoneInvalid);
            None
        })
    };
    let mobile = if mobile.trim().is_empty() {
        Some(None)
    } else {
        match parse_phone(mobile) {
            Some(m) => Some(Some(m)),
            None => {
                problems.push(StaffProblem::MobileInvalid);
                None
            }
        }
    };
    match (first_name, last_name, phone, mobile) {
        (Some(first_name), Some(last_name), Some(phone), Some(mobile)) if problems.is_empty() => {
            Ok(Details {
                first_name,
                last_name,
                phone,
                mobile,
            })
        }
        _ => Err(problems),
    }
}

/// What one organisation offers: the roles the administrator may give
/// there, and its live clusters.
#[derive(Debug, Clone)]
pub struct Offer {
    pub organisation: Organisation,
    pub roles: Vec<Role>,
    pub clusters: Vec<Cluster>,
}

/// At most this many organisations are offered to add; one more is looked up, so that the page
/// can say the search was cut.
pub const ORGANISATIONS_SHOWN: usize = 25;

/// Open organisations in the administrator's `manage_users` scope matching `text` (Search By).
pub async fn organisations<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    text: &str,
) -> Result<Vec<(Organisation, String)>, StaffProblem> {
    let store = ctx.store;
    let scope = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| StaffProblem::NotFound)?
        .into_scope();
    let text: String = text.trim().chars().take(100).collect();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let (found, _) = store
        .organisations_in(&scope, None, &text, 0, ORGANISATIONS_SHOWN as i64 + 1)
        .await?;
    Ok(found
        .into_iter()
        .filter(|(o, _)| o.end_date.is_none() && o.kind != OrgKind::Platform)
        .collect())
}

/// The offers of the organisations with these codes, in the order given. An organisation the
/// administrator may not give roles at is `OrganisationNotOffered`.
pub async fn offers<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    codes: &[String],
) -> Result<Vec<Offer>, StaffProblem> {
    let scope = actor
        .permit(Capability::ManageUsers)
        .map_err(|_| StaffProblem::NotFound)?
        .into_scope();
    let mut parsed = Vec::new();
    for c in codes {
        let code = OdsCode::parse(c).map_err(|_| StaffProblem::OrganisationNotOffered)?;
        if !parsed.contains(&code) {
            parsed.push(code);
        }
    }
    let found = ctx.store.organisations_by_codes(&parsed).await?;
    let mut out = Vec::new();
    for code in &parsed {
        let Some((org, _)) = found.iter().find(|(o, _)| &o.code == code) else {
            return Err(StaffProblem::OrganisationNotOffered);
        };
        if org.end_date.is_some()
            || org.kind == OrgKind::Platform
            || !scope.contains(org.id, &org.path)
        {
            return Err(StaffProblem::OrganisationNotOffered);
        }
        let roles = roles_for(ctx.catalogue, actor, org)
            .into_iter()
            .cloned()
            .collect();
        let clusters = ctx
            .store
            .clusters_of(org.id, "")
            .await?
            .into_iter()
            .filter(|c| c.retired_at.is_none())
            .collect();
        out.push(Offer {
            organisation: org.clone(),
            roles,
            clusters,
        });
    }
    Ok(out)
}

/// One ticked role at one organisation, with what restricts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub organisation: String,
    pub role: RoleId,
    pub payment_types: Vec<String>,
    pub clusters: Vec<String>,
}

/// Checks every choice against the offers: roles offered there, payment types only on starred
/// roles and known, clusters of that organisation and live, no conflicting pair.
pub fn check_choices(
    catalogue: &crate::model::role::Catalogue,
    offers: &[Offer],
    choices: &[Choice],
) -> Result<Vec<AddedGrant>, Vec<StaffProblem>> {
    if offers.is_empty() {
        return Err(vec![StaffProblem::NoOrganisation]);
    }
    if choices.is_empty() {
        return Err(vec![StaffProblem::NoRole]);
    }
    let mut grants: Vec<(OrgId, &Role, AddedGrant)> = Vec::new();
    let mut problems = Vec::new();
    for c in choices {
        let Some(offer) = offers
            .iter()
            .find(|o| o.organisation.code.as_str() == c.organisation)
        else {
            problems.push(StaffProblem::OrganisationNotOffered);
            continue;
        };
        let Some(role) = offer.roles.iter().find(|r| r.id == c.role) else {
            problems.push(StaffProblem::RoleNotOffered);
            continue;
        };
        let known = c
            .payment_types
            .iter()
            .all(|p| catalogue.payment_type(p).is_some());
        if !known || (!c.payment_types.is_empty() && !role.payment_restrictable) {
            problems.push(StaffProblem::PaymentTypeNotAllowed);
            continue;
        }
        let mut clusters: Vec<ClusterId> = Vec::new();
        for short in &c.clusters {
            match offer.clusters.iter().find(|k| &k.short_name == short) {
                Some(k) if !clusters.contains(&k.id) => clusters.push(k.id),
                Some(_) => {}
                None => problems.push(StaffProblem::ClusterNotOffered),
            }
        }
        let org = offer.organisation.id;
        if grants.iter().any(|(o, r, _)| {
            *o == org && (r.id == role.id || r.conflicts_with(role.id) || role.conflicts_with(r.id))
        }) {
            problems.push(StaffProblem::RoleConflict);
            continue;
        }
        let mut payment_types = c.payment_types.clone();
        payment_types.sort();
        payment_types.dedup();
        grants.push((
            org,
            role,
            AddedGrant {
                organisation: org,
                role: role.id,
                payment_types,
                clusters,
            },
        ));
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(problems);
    }
    Ok(grants.into_iter().map(|(_, _, g)| g).collect())
}

/// The email the new user receives: who added them, and the link to set their password.
pub fn added_email(
    to: &EmailAddress,
    base: &str,
    first_name: &str,
    by: &str,
    token: &str,
) -> NewEmail {
    let (first_name, by) = (
        crate::model::outbox::quoted(first_name),
        crate::model::outbox::quoted(by),
    );
    NewEmail {
        to: to.clone(),
        subject: "Gatehouse: an account has been made for you".into(),
        body: format!(
            "Dear {first_name},\n\n{by} has made a Gatehouse account for you.\n\nSet your password \
             with this secure link. It works once and expires in 7 days:\n{base}/activate?token={token}\n\n\
             Then sign in with your email address as your user name.\n"
        ),
    }
}

/// Add New User as submitted: what was typed, the organisations added and the ticks.
#[derive(Debug, Clone, Default)]
pub struct StaffForm {
    pub email: String,
    pub confirm_email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub mobile: String,
    pub organisations: Vec<String>,
    pub choices: Vec<Choice>,
    /// "Access ends on": when the roles stop working by themselves, if they do.
    pub ends_at: Option<crate::values::clock::Timestamp>,
}

/// The final Submit: the account, its roles, payment types and clusters, the link and
/// the audit event, all in one transaction.
pub async fn add<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    form: &StaffForm,
    origin: Option<&str>,
) -> Result<UserId, Vec<StaffProblem>> {
    let mut problems = Vec::new();
    let email = check_email(ctx, actor, &form.email, &form.confirm_email)
        .await
        .map_err(|p| problems.extend(p))
        .ok();
    let details = check_details(&form.first_name, &form.last_name, &form.phone, &form.mobile)
        .map_err(|p| problems.extend(p))
        .ok();
    let offers = offers(ctx, actor, &form.organisations)
        .await
        .map_err(|p| problems.push(p))
        .ok();
    let grants = match &offers {
        Some(o) => check_choices(ctx.catalogue, o, &form.choices)
            .map_err(|p| problems.extend(p))
            .ok(),
        None => None,
    };
    if problems.contains(&StaffProblem::NotFound) {
        return Err(vec![StaffProblem::NotFound]);
    }
    let now = ctx.clock.now();
    if let Err(p) =
        crate::rules::access_end::check_optional(form.ends_at, now, ctx.max_temporary_days)
    {
        problems.push(p.into());
    }
    let (Some(email), Some(details), Some(grants)) = (email, details, grants) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let token = SecretToken::generate(ctx.tokens);
    let mail = added_email(
        &email,
        ctx.base_url,
        details.first_name.as_str(),
        &actor.role_name,
        token.expose(),
    );
    let mut audit = NewAudit::by(actor, AuditAction::UserAdded, now, origin);
    audit.reason = Some(match form.ends_at {
        Some(end) => format!("{} role(s), ending at {}", grants.len(), end.iso_utc()),
        None => format!("{} role(s)", grants.len()),
    });
    let added = AddedUser {
        user: NewUser {
            email,
            first_name: details.first_name,
            last_name: details.last_name,
            status: AccountStatus::Pending,
            password_hash: None,
            created_at: now,
        },
        phone: details.phone,
        mobile: details.mobile,
        grants,
        ends_at: form.ends_at,
        token: token.hash(),
        expires_at: now.plus_seconds(ACTIVATION_TTL_SECONDS),
        email: mail,
        audit,
    };
    ctx.store.add_user(&added).await.map_err(|e| vec![e.into()])
}

#[cfg(test)]
mod tests;
