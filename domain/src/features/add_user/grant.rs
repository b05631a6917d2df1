//! Add Organisation and Change on a user's page: roles given to someone who has an account
//! already, and the clusters a role is limited to.

use super::*;
use crate::rules::visibility::UserDetail;

/// The offers for an existing user: each organisation's roles less those the user already holds
/// or waits for there, and those that may not sit beside a role they hold there.
pub fn unheld(
    catalogue: &crate::model::role::Catalogue,
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
    catalogue: &crate::model::role::Catalogue,
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
    catalogue: &crate::model::role::Catalogue,
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
    let (first_name, by) = (
        crate::model::outbox::quoted(first_name),
        crate::model::outbox::quoted(by),
    );
    NewEmail {
        to: to.clone(),
        subject: "Gatehouse: you have been given new access".into(),
        body: format!(
            "Dear {first_name},\n\n{by} has given you access in Gatehouse:\n{}\n\n{then}\n",
            list.join("\n")
        ),
    }
}

/// Add Organisation for an existing user (on the user's page): the user as the administrator
/// sees them, and the roles they hold or wait for; never the administrator themselves.
pub async fn grantee<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
) -> Result<UserDetail, StaffProblem> {
    Ok(crate::rules::visibility::grantee(ctx, actor, user).await?)
}

/// Submit on Add Organisation: active roles at the organisations chosen, with their payment
/// types and clusters, ending at `ends_at` if given; the user is emailed; all in one
/// transaction. Returns how many roles.
#[allow(clippy::too_many_arguments)]
pub async fn grant<S: Storage>(
    ctx: &Services<'_, S>,
    actor: &Actor,
    user: UserId,
    organisations: &[String],
    choices: &[Choice],
    ends_at: Option<crate::values::clock::Timestamp>,
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
    crate::rules::access_end::check_optional(ends_at, now, ctx.max_temporary_days)
        .map_err(|p| vec![p.into()])?;
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
        audit.reason = Some(match ends_at {
            Some(end) => format!("{}; ending at {}", here.join("; "), end.iso_utc()),
            None => here.join("; "),
        });
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
            ends_at,
            at: now,
            email,
            audits,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => vec![StaffProblem::RoleHeld],
            StoreError::Missing(Gone::Cluster) => vec![StaffProblem::ClusterNotOffered],
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
    ctx: &Services<'_, S>,
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
    catalogue: &crate::model::role::Catalogue,
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
    ctx: &Services<'_, S>,
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
            StoreError::Missing(Gone::Cluster) => vec![StaffProblem::ClusterNotOffered],
            StoreError::Missing(_) => vec![StaffProblem::NotFound],
            other => vec![other.into()],
        })
}
