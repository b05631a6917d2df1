//! National user administration, Add New User: an administrator with
//! `manage_users` makes an account (email twice, then the user information, all mandatory but
//! the mobile phone), links it to organisations in their scope with roles there, each starred
//! role with optional payment types ("none ticked = all payment types") and the organisation's
//! clusters; the new user gets an email with a link to set their password.

use crate::actor::Actor;
use crate::assignment::{AssignmentId, AssignmentStatus, AssignmentView};
use crate::audit::{AuditAction, NewAudit};
use crate::clock::SecretToken;
use crate::clusters::{Cluster, ClusterId};
use crate::email::{EmailAddress, EmailError};
use crate::invitations::roles_for;
use crate::ods_code::OdsCode;
use crate::org::{OrgId, OrgKind, Organisation};
use crate::outbox::NewEmail;
use crate::person_name::{PersonName, PersonNameError};
use crate::registration::ACTIVATION_TTL_SECONDS;
use crate::role::{Capability, Role, RoleId};
use crate::signup::Ctx;
use crate::storage::{AddedGrant, AddedUser, GrantedRoles, Storage, StoreError};
use crate::user::{AccountStatus, NewUser, UserId};

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
    #[error("storage failed")]
    Store(String),
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
pub fn may_change(catalogue: &crate::role::Catalogue, actor: &Actor, a: &AssignmentView) -> bool {
    a.user != actor.user
        && a.status == AssignmentStatus::Active
        && actor
            .scope_for(Capability::ManageUsers)
            .is_ok_and(|s| s.contains(a.organisation.id, &a.organisation.path))
        && catalogue.role(a.role).is_some_and(|r| {
            crate::registration::may_review(actor, r, a.organisation.id, &a.organisation.path)
        })
}

/// Step 1: the address, typed twice, not yet anyone's.
pub async fn check_email<S: Storage>(
    store: &S,
    actor: &Actor,
    email: &str,
    confirm: &str,
) -> Result<EmailAddress, Vec<StaffProblem>> {
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

/// Open organisations in the administrator's `manage_users` scope matching `text` (Search By).
pub async fn organisations<S: Storage>(
    store: &S,
    actor: &Actor,
    text: &str,
) -> Result<Vec<(Organisation, String)>, StaffProblem> {
    let scope = actor
        .scope_for(Capability::ManageUsers)
        .map_err(|_| StaffProblem::NotFound)?;
    let text: String = text.trim().chars().take(100).collect();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let (found, _) = store.organisations_in(&scope, None, &text, 0, 25).await?;
    Ok(found
        .into_iter()
        .filter(|(o, _)| o.end_date.is_none() && o.kind != OrgKind::Platform)
        .collect())
}

/// The offers of the organisations with these codes, in the order given. An organisation the
/// administrator may not give roles at is `OrganisationNotOffered`.
pub async fn offers<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    codes: &[String],
) -> Result<Vec<Offer>, StaffProblem> {
    let scope = actor
        .scope_for(Capability::ManageUsers)
        .map_err(|_| StaffProblem::NotFound)?;
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
    catalogue: &crate::role::Catalogue,
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
    let (first_name, by) = (crate::outbox::quoted(first_name), crate::outbox::quoted(by));
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
}

/// The final Submit: the account, its roles, payment types and clusters, the link and
/// the audit event, all in one transaction.
pub async fn add<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    form: &StaffForm,
    origin: Option<&str>,
) -> Result<UserId, Vec<StaffProblem>> {
    let mut problems = Vec::new();
    let email = check_email(ctx.store, actor, &form.email, &form.confirm_email)
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
    let (Some(email), Some(details), Some(grants)) = (email, details, grants) else {
        return Err(problems);
    };
    let now = ctx.clock.now();
    let token = SecretToken::generate(ctx.tokens);
    let mail = added_email(
        &email,
        ctx.base_url,
        details.first_name.as_str(),
        &actor.role_name,
        token.expose(),
    );
    let mut audit = NewAudit::by(actor, AuditAction::UserAdded, now, origin);
    audit.reason = Some(format!("{} role(s)", grants.len()));
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
        token: token.hash(),
        expires_at: now.plus_seconds(ACTIVATION_TTL_SECONDS),
        email: mail,
        audit,
    };
    ctx.store.add_user(&added).await.map_err(|e| vec![e.into()])
}

/// Add Organisation for an existing user (on the user's page): the user as the
/// administrator sees them (anyone else is "not found"), and the roles they hold or wait for.
pub async fn grantee<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    user: UserId,
) -> Result<crate::users::UserDetail, StaffProblem> {
    if !may_grant_to(actor, user) {
        return Err(StaffProblem::NotFound);
    }
    let users = crate::users::Ctx {
        store: ctx.store,
        catalogue: ctx.catalogue,
        clock: ctx.clock,
    };
    crate::users::view(&users, actor, user)
        .await
        .map_err(|e| match e {
            crate::users::UsersError::Store(e) => StaffProblem::Store(e.to_string()),
            _ => StaffProblem::NotFound,
        })
}

/// The offers for an existing user: each organisation's roles less those the user already holds
/// or waits for there, and those that may not sit beside a role they hold there.
pub fn unheld(
    catalogue: &crate::role::Catalogue,
    offers: Vec<Offer>,
    held: &[AssignmentView],
) -> Vec<Offer> {
    offers
        .into_iter()
        .map(|mut o| {
            let org = o.organisation.id;
            o.roles.retain(|r| fits(catalogue, held, org, r.id));
            o
        })
        .collect()
}

/// Whether `role` could be added at `org` beside what the user holds (see `check_held`).
fn fits(
    catalogue: &crate::role::Catalogue,
    held: &[AssignmentView],
    org: OrgId,
    role: RoleId,
) -> bool {
    let grant = AddedGrant {
        organisation: org,
        role,
        payment_types: Vec::new(),
        clusters: Vec::new(),
    };
    check_held(catalogue, held, &[grant]).is_ok()
}

/// The ticked roles checked against what the user holds: a role held or waited for there is
/// `RoleHeld`, one that may not be held beside an active role there is `RoleConflict`.
pub fn check_held(
    catalogue: &crate::role::Catalogue,
    held: &[AssignmentView],
    grants: &[AddedGrant],
) -> Result<(), Vec<StaffProblem>> {
    let mut problems = Vec::new();
    for g in grants {
        for a in held.iter().filter(|a| a.organisation.id == g.organisation) {
            let live = matches!(
                a.status,
                AssignmentStatus::Active | AssignmentStatus::Pending
            );
            if live && a.role == g.role {
                problems.push(StaffProblem::RoleHeld);
            } else if a.status == AssignmentStatus::Active
                && catalogue
                    .role(g.role)
                    .is_some_and(|r| r.conflicts_with(a.role))
            {
                problems.push(StaffProblem::RoleConflict);
            }
        }
    }
    problems.dedup();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The email an existing user receives when roles are added to their account. An account still
/// waiting for its password is pointed at the link it was sent first.
pub fn granted_email(
    to: &EmailAddress,
    base: &str,
    first_name: &str,
    by: &str,
    what: &[String],
    waiting_for_password: bool,
) -> NewEmail {
    let then = if waiting_for_password {
        "Set your password first with the link in the email that made your account; then sign in \
         with your email address and choose the role."
            .to_owned()
    } else {
        format!(
            "Sign in at {base}/sign-in and choose the role from Switch Role or when you next sign in."
        )
    };
    let list: Vec<String> = what.iter().map(|w| format!("- {w}")).collect();
    let (first_name, by) = (crate::outbox::quoted(first_name), crate::outbox::quoted(by));
    NewEmail {
        to: to.clone(),
        subject: "Gatehouse: you have been given new access".into(),
        body: format!(
            "Dear {first_name},\n\n{by} has given you access in Gatehouse:\n{}\n\n{then}\n",
            list.join("\n")
        ),
    }
}

/// Submit on Add Organisation: active roles at the organisations chosen, with their payment
/// types and clusters; the user is emailed; all in one transaction. Returns how many roles.
pub async fn grant<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    user: UserId,
    organisations: &[String],
    choices: &[Choice],
    origin: Option<&str>,
) -> Result<usize, Vec<StaffProblem>> {
    let detail = grantee(ctx, actor, user).await.map_err(|p| vec![p])?;
    if detail.user.status == AccountStatus::Disabled {
        return Err(vec![StaffProblem::AccountDisabled]);
    }
    let offered = offers(ctx, actor, organisations)
        .await
        .map_err(|p| vec![p])?;
    let grants = check_choices(ctx.catalogue, &offered, choices)?;
    check_held(ctx.catalogue, &detail.assignments, &grants)?;
    let now = ctx.clock.now();
    let mut what: Vec<String> = Vec::new();
    // One event per organisation, placed there, so each area's administrators see their own.
    let mut audits: Vec<NewAudit> = Vec::new();
    for o in &offered {
        let here: Vec<String> = grants
            .iter()
            .filter(|g| g.organisation == o.organisation.id)
            .filter_map(|g| o.roles.iter().find(|r| r.id == g.role))
            .map(|r| {
                format!(
                    "{} at {} ({})",
                    r.name,
                    o.organisation.name,
                    o.organisation.code.as_str()
                )
            })
            .collect();
        if here.is_empty() {
            continue;
        }
        let mut audit = NewAudit::by(actor, AuditAction::RolesAdded, now, origin)
            .target(user)
            .at_organisation(o.organisation.id);
        audit.reason = Some(here.join("; "));
        audits.push(audit);
        what.extend(here);
    }
    let email = granted_email(
        &detail.user.email,
        ctx.base_url,
        detail.user.first_name.as_str(),
        &actor.role_name,
        &what,
        detail.user.status == AccountStatus::Pending,
    );
    ctx.store
        .grant_roles(&GrantedRoles {
            user,
            grants: grants.clone(),
            at: now,
            email,
            audits,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => vec![StaffProblem::RoleHeld],
            StoreError::Missing(what) if what == "cluster" => vec![StaffProblem::ClusterNotOffered],
            other => vec![StaffProblem::Store(other.to_string())],
        })?;
    Ok(grants.len())
}

/// An active role of a user, as an administrator may restrict it (Change, on the user's page):
/// the role, and the live clusters of its organisation.
#[derive(Debug, Clone)]
pub struct Restrictable {
    pub assignment: AssignmentView,
    /// What the assignment's organisation offers this role: the role itself and its clusters.
    pub offer: Offer,
}

/// The active role `assignment` of `user`, if it lies in the administrator's `manage_users`
/// scope; anything else is "not found".
pub async fn restrictable<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    user: UserId,
    assignment: AssignmentId,
) -> Result<Restrictable, StaffProblem> {
    let all = ctx.store.assignments_of(user).await?;
    let held = all
        .iter()
        .find(|a| a.id == assignment)
        .filter(|a| may_change(ctx.catalogue, actor, a))
        .cloned()
        .ok_or(StaffProblem::NotFound)?;
    let organisation = ctx
        .store
        .organisation(held.organisation.id)
        .await?
        .ok_or(StaffProblem::NotFound)?;
    let offered: Vec<Role> = roles_for(ctx.catalogue, actor, &organisation)
        .into_iter()
        .cloned()
        .collect();
    let roles = changeable_to(ctx.catalogue, offered, &all, &held);
    let clusters = ctx
        .store
        .clusters_of(organisation.id, "")
        .await?
        .into_iter()
        .filter(|c| c.retired_at.is_none())
        .collect();
    Ok(Restrictable {
        assignment: held,
        offer: Offer {
            organisation,
            roles,
            clusters,
        },
    })
}

/// The roles an active assignment may be changed to: its own first, then those offered that the
/// user neither holds nor waits for there by another assignment, nor that may not sit beside
/// another active role there.
pub fn changeable_to(
    catalogue: &crate::role::Catalogue,
    offered: Vec<Role>,
    held: &[AssignmentView],
    current: &AssignmentView,
) -> Vec<Role> {
    let others: Vec<AssignmentView> = held
        .iter()
        .filter(|a| a.id != current.id)
        .cloned()
        .collect();
    let mut roles: Vec<Role> = catalogue.role(current.role).cloned().into_iter().collect();
    roles.extend(offered.into_iter().filter(|r| {
        r.id != current.role && fits(catalogue, &others, current.organisation.id, r.id)
    }));
    roles
}

/// Changes an active role (to another the administrator may give there; `None` keeps it), its
/// payment types and its clusters; all take effect on the user's next request.
#[allow(clippy::too_many_arguments)]
pub async fn restrict<S: Storage>(
    ctx: &Ctx<'_, S>,
    actor: &Actor,
    user: UserId,
    assignment: AssignmentId,
    role: Option<RoleId>,
    payment_types: &[String],
    clusters: &[String],
    origin: Option<&str>,
) -> Result<(), Vec<StaffProblem>> {
    let r = restrictable(ctx, actor, user, assignment)
        .await
        .map_err(|p| vec![p])?;
    let role = role.unwrap_or(r.assignment.role);
    let choice = Choice {
        organisation: r.offer.organisation.code.as_str().to_owned(),
        role,
        payment_types: payment_types.to_vec(),
        clusters: clusters.to_vec(),
    };
    let grant = check_choices(ctx.catalogue, std::slice::from_ref(&r.offer), &[choice])?
        .pop()
        .ok_or_else(|| vec![StaffProblem::NotFound])?;
    let mut audit = NewAudit::by(
        actor,
        AuditAction::AssignmentClustersChanged,
        ctx.clock.now(),
        origin,
    )
    .target(user)
    .at_organisation(r.assignment.organisation.id);
    let name = |id: RoleId| {
        ctx.catalogue
            .role(id)
            .map_or_else(|| id.0.to_string(), |r| r.name.clone())
    };
    let role_text = if role == r.assignment.role {
        r.assignment.role_name.clone()
    } else {
        format!("{} changed to {}", r.assignment.role_name, name(role))
    };
    audit.reason = Some(format!(
        "{}: payment types {}; clusters {}",
        role_text,
        if grant.payment_types.is_empty() {
            "all".to_owned()
        } else {
            grant.payment_types.join(", ")
        },
        if clusters.is_empty() {
            "none".to_owned()
        } else {
            clusters.join(", ")
        },
    ));
    ctx.store
        .restrict_assignment(
            assignment,
            role,
            &grant.payment_types,
            &grant.clusters,
            &audit,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => vec![StaffProblem::RoleHeld],
            StoreError::Missing(what) if what == "cluster" => vec![StaffProblem::ClusterNotOffered],
            StoreError::Missing(_) => vec![StaffProblem::NotFound],
            other => vec![other.into()],
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::org::OrgPath;
    use crate::role::{Catalogue, Holding, PaymentType};

    #[test]
    fn telephone_numbers_are_digits_with_the_usual_punctuation() {
        assert_eq!(parse_phone(" 0191 123 4567 "), Some("0191 123 4567".into()));
        assert!(parse_phone("+44 (0)191 123-4567").is_some());
        assert!(parse_phone("0191 123").is_none(), "too short");
        assert!(parse_phone("0191 123 4567 ext 2").is_none());
        assert!(
            parse_phone("44+191 123 4567").is_none(),
            "a plus only first"
        );
    }

    #[test]
    fn the_user_information_is_mandatory_but_the_mobile() {
        assert!(check_details("Nia", "New", "0191 123 4567", "").is_ok());
        let problems = check_details(" ", "", "", "12").expect_err("bad");
        assert_eq!(
            problems,
            vec![
                StaffProblem::FirstName(PersonNameError::Empty),
                StaffProblem::LastName(PersonNameError::Empty),
                StaffProblem::PhoneEmpty,
                StaffProblem::MobileInvalid,
            ]
        );
    }

    fn role(id: i64, starred: bool, conflicts: Vec<RoleId>) -> Role {
        Role {
            id: RoleId(id),
            name: format!("Role {id}"),
            approver_tier: false,
            payment_restrictable: starred,
            holdings: vec![Holding {
                kind: OrgKind::Commissioning,
                description: String::new(),
            }],
            grants: vec![],
            conflicts,
        }
    }

    fn offer() -> Offer {
        let path = OrgPath::root(OrgId(1)).child(OrgId(2));
        Offer {
            organisation: Organisation {
                id: OrgId(2),
                code: OdsCode::parse("QHM").expect("code"),
                name: "ICB".into(),
                kind: OrgKind::Commissioning,
                type_label: "ICB".into(),
                parent: Some(OrgId(1)),
                path,
                start_date: "2022-07-01".into(),
                end_date: None,
                contract_type: None,
                multi_level_approval: false,
            },
            roles: vec![
                role(3, true, vec![]),
                role(4, false, vec![RoleId(5)]),
                role(5, false, vec![RoleId(4)]),
            ],
            clusters: vec![Cluster {
                id: ClusterId(9),
                owner: OrgId(2),
                short_name: "C61A6DB801".into(),
                name: "East".into(),
                description: "d".into(),
                members: 2,
                created_at: Timestamp(1),
                retired_at: None,
            }],
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue {
            roles: vec![],
            payment_types: vec![PaymentType {
                code: "QOF".into(),
                name: "Quality and Outcomes Framework".into(),
            }],
        }
    }

    fn choice(role: i64, payment: &[&str], clusters: &[&str]) -> Choice {
        Choice {
            organisation: "QHM".into(),
            role: RoleId(role),
            payment_types: payment.iter().map(|s| s.to_string()).collect(),
            clusters: clusters.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn payment_types_restrict_starred_roles_and_clusters_come_from_the_organisation() {
        let grants = check_choices(
            &catalogue(),
            &[offer()],
            &[choice(3, &["QOF"], &["C61A6DB801"]), choice(4, &[], &[])],
        )
        .expect("fine");
        assert_eq!(grants[0].payment_types, ["QOF"]);
        assert_eq!(grants[0].clusters, [ClusterId(9)]);
        assert!(grants[1].payment_types.is_empty(), "none ticked = all");
        let refuse =
            |c: Choice| check_choices(&catalogue(), &[offer()], &[c]).expect_err("refused");
        assert_eq!(
            refuse(choice(4, &["QOF"], &[])),
            [StaffProblem::PaymentTypeNotAllowed]
        );
        assert_eq!(
            refuse(choice(3, &["XYZ"], &[])),
            [StaffProblem::PaymentTypeNotAllowed]
        );
        assert_eq!(
            refuse(choice(3, &[], &["FFFFFFFFFF"])),
            [StaffProblem::ClusterNotOffered]
        );
        assert_eq!(refuse(choice(99, &[], &[])), [StaffProblem::RoleNotOffered]);
    }

    fn held(role: i64, status: AssignmentStatus) -> AssignmentView {
        let o = offer().organisation;
        AssignmentView {
            id: AssignmentId(100 + role),
            user: UserId(7),
            organisation: crate::actor::OrgRef {
                id: o.id,
                code: o.code.as_str().to_owned(),
                name: o.name,
                kind: o.kind,
                path: o.path,
            },
            role: RoleId(role),
            role_name: format!("Role {role}"),
            status,
            payment_types: vec![],
            clusters: vec![],
        }
    }

    fn grant_of(role: i64) -> AddedGrant {
        AddedGrant {
            organisation: OrgId(2),
            role: RoleId(role),
            payment_types: vec![],
            clusters: vec![],
        }
    }

    #[test]
    fn add_organisation_offers_only_roles_the_user_does_not_hold_or_wait_for() {
        let mut cat = catalogue();
        cat.roles = offer().roles;
        let offered = unheld(
            &cat,
            vec![offer()],
            &[
                held(3, AssignmentStatus::Active),
                held(4, AssignmentStatus::Pending),
                held(5, AssignmentStatus::Revoked),
            ],
        );
        let ids: Vec<i64> = offered[0].roles.iter().map(|r| r.id.0).collect();
        assert_eq!(ids, [5], "a revoked role may be given again");
        // Role 5 may not sit beside an active role 4: it is not offered then.
        let offered = unheld(&cat, vec![offer()], &[held(4, AssignmentStatus::Active)]);
        let ids: Vec<i64> = offered[0].roles.iter().map(|r| r.id.0).collect();
        assert_eq!(ids, [3]);
    }

    #[test]
    fn add_organisation_refuses_a_held_role_and_one_that_conflicts_with_a_held_role() {
        let mut cat = catalogue();
        cat.roles = offer().roles;
        let active4 = [held(4, AssignmentStatus::Active)];
        assert_eq!(
            check_held(&cat, &active4, &[grant_of(4)]),
            Err(vec![StaffProblem::RoleHeld])
        );
        assert_eq!(
            check_held(&cat, &active4, &[grant_of(5)]),
            Err(vec![StaffProblem::RoleConflict]),
            "tier 1 beside tier 2 at one organisation"
        );
        assert_eq!(check_held(&cat, &active4, &[grant_of(3)]), Ok(()));
        assert_eq!(
            check_held(&cat, &[held(4, AssignmentStatus::Pending)], &[grant_of(4)]),
            Err(vec![StaffProblem::RoleHeld]),
            "waiting for it counts"
        );
        assert_eq!(
            check_held(
                &cat,
                &[held(4, AssignmentStatus::Revoked)],
                &[grant_of(4), grant_of(5)]
            ),
            Ok(()),
            "a revoked role neither blocks nor conflicts"
        );
    }

    #[test]
    fn a_role_changes_only_to_one_not_held_there_and_not_in_conflict() {
        let mut cat = catalogue();
        cat.roles = offer().roles;
        // Holding role 3 (being changed) and role 4 actively, role 5 conflicts with role 4.
        let current = held(3, AssignmentStatus::Active);
        let mut other = held(4, AssignmentStatus::Active);
        other.id = AssignmentId(200);
        let to: Vec<i64> = changeable_to(&cat, offer().roles, &[current.clone(), other], &current)
            .iter()
            .map(|r| r.id.0)
            .collect();
        assert_eq!(to, [3], "4 is held, 5 conflicts with it");
        let alone: Vec<i64> = changeable_to(
            &cat,
            offer().roles,
            std::slice::from_ref(&current),
            &current,
        )
        .iter()
        .map(|r| r.id.0)
        .collect();
        assert_eq!(alone, [3, 4, 5], "its own first, then the others offered");
    }

    #[test]
    fn conflicting_roles_at_one_organisation_and_empty_choices_are_refused() {
        let both = check_choices(
            &catalogue(),
            &[offer()],
            &[choice(4, &[], &[]), choice(5, &[], &[])],
        );
        assert_eq!(both.expect_err("conflict"), [StaffProblem::RoleConflict]);
        assert_eq!(
            check_choices(&catalogue(), &[offer()], &[]).expect_err("none"),
            [StaffProblem::NoRole]
        );
        assert_eq!(
            check_choices(&catalogue(), &[], &[]).expect_err("none"),
            [StaffProblem::NoOrganisation]
        );
    }
}
