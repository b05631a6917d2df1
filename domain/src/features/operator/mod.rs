//! What the operator does from the command line, outside any session: making the first Service
//! Desk account of a new database (and any later one), so that nobody has to write SQL to sign in
//! to a production service. The operator never sees or types a password: the command gives a
//! single-use link (7 days, only its hash kept) with which the person sets their own.

use crate::model::assignment::AssignmentStatus;
use crate::model::audit::{AuditAction, NewAudit};
use crate::model::organisation::Organisation;
use crate::model::outbox::{quoted, NewEmail};
use crate::model::role::{Capability, Role};
use crate::model::user::{AccountStatus, NewUser, UserId};
use crate::rules::review::ACTIVATION_TTL_SECONDS;
use crate::services::Services;
use crate::storage::{AddedGrant, AddedUser, Gone, GrantedRoles, Storage, StoreError};
use crate::values::clock::{SecretToken, Timestamp};
use crate::values::email::{EmailAddress, EmailError};
use crate::values::person_name::{PersonName, PersonNameError};

/// Who the audit trail names for what the command line does.
pub const OPERATOR: &str = "operator (command line)";

/// What `create_service_desk` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceDeskMade {
    /// A new account holding the Service Desk role, waiting for its password: `link` sets it.
    Created { user: UserId, link: String },
    /// An existing account now holds the Service Desk role too. `link` is a fresh set-password
    /// link when the account never had a password (it was still waiting for one).
    RoleAdded { user: UserId, link: Option<String> },
    /// The account held the role already: nothing changed, except that an account still waiting
    /// for its password gets a fresh link (the one before no longer works).
    AlreadyHeld { user: UserId, link: Option<String> },
}

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("--email: {0}")]
    Email(EmailError),
    #[error("--first-name: {0}")]
    FirstName(PersonNameError),
    #[error("--last-name: {0}")]
    LastName(PersonNameError),
    #[error(
        "{0} has a disabled account: enable it first (a Service Desk user does that on the \
         user's page), then run this again"
    )]
    Disabled(EmailAddress),
    #[error(
        "the role catalogue has no Service Desk role at the platform organisation (were the \
         migrations changed?)"
    )]
    NoServiceDeskRole,
    #[error("the database refused the change: {0}")]
    Store(#[from] StoreError),
}

/// The role of the catalogue that holds the Service Desk capability at the platform root.
fn service_desk_role<'c>(
    roles: &'c [Role],
    platform: &Organisation,
) -> Result<&'c Role, OperatorError> {
    roles
        .iter()
        .find(|r| {
            r.may_be_held_at(platform.kind)
                && r.grants_at(platform.kind)
                    .any(|g| g.capability == Capability::ServiceDesk)
        })
        .ok_or(OperatorError::NoServiceDeskRole)
}

/// The audit event of an ODS import from the command line.
pub fn import_audit(at: Timestamp) -> NewAudit {
    operator_audit(AuditAction::OrganisationsImported, at)
}

fn operator_audit(action: AuditAction, at: Timestamp) -> NewAudit {
    let mut audit = NewAudit::anonymous(action, at, None);
    audit.acting_as = Some(OPERATOR.into());
    audit
}

/// The set-password link for `token`: printed for the operator and written in the email.
fn activation_link(base: &str, token: &str) -> String {
    format!("{base}/activate?token={token}")
}

/// The email the new Service Desk user receives (or the operator passes on): the link to set
/// their password.
fn welcome_email(to: &EmailAddress, base: &str, first_name: &str, token: Option<&str>) -> NewEmail {
    let first_name = quoted(first_name);
    let then = match token {
        Some(token) => format!(
            "Set your password with this secure link. It works once and expires in 7 days:\n\
             {}\n\nThen sign in with your email address as your user \
             name.",
            activation_link(base, token)
        ),
        None => format!("Sign in at {base}/sign-in as usual."),
    };
    NewEmail {
        to: to.clone(),
        subject: "Gatehouse: you are a Service Desk user".into(),
        body: format!(
            "Dear {first_name},\n\nThe operator of this Gatehouse service has given you the Service \
             Desk role: you administer every organisation and every user.\n\n{then}\n"
        ),
    }
}

/// Makes `email` a Service Desk user at the platform organisation: a new account waiting for its
/// password, or the role added to an existing one (active at once). Audited as the operator's.
/// Never takes a password: the answer carries the single-use link that sets it.
pub async fn create_service_desk<S: Storage>(
    ctx: &Services<'_, S>,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<ServiceDeskMade, OperatorError> {
    let email = EmailAddress::parse(email).map_err(OperatorError::Email)?;
    let store = ctx.store;
    let platform = store.platform_root().await?;
    let role = service_desk_role(&ctx.catalogue.roles, &platform)?;
    let grant = AddedGrant {
        organisation: platform.id,
        role: role.id,
        payment_types: Vec::new(),
        clusters: Vec::new(),
    };
    let now = ctx.clock.now();
    let expires_at = now.plus_seconds(ACTIVATION_TTL_SECONDS);
    let what = format!(
        "{} at {} ({})",
        role.name,
        platform.name,
        platform.code.as_str()
    );

    let Some(existing) = store.credentials(&email).await? else {
        let first = PersonName::parse(first_name).map_err(OperatorError::FirstName)?;
        let last = PersonName::parse(last_name).map_err(OperatorError::LastName)?;
        let token = SecretToken::generate(ctx.tokens);
        let mut audit = operator_audit(AuditAction::UserAdded, now).at_organisation(platform.id);
        audit.reason = Some(what);
        let added = AddedUser {
            user: NewUser {
                email: email.clone(),
                first_name: first.clone(),
                last_name: last,
                status: AccountStatus::Pending,
                password_hash: None,
                created_at: now,
            },
            phone: String::new(),
            mobile: None,
            grants: vec![grant],
            ends_at: None,
            token: token.hash(),
            expires_at,
            email: welcome_email(&email, ctx.base_url, first.as_str(), Some(token.expose())),
            audit,
        };
        let user = store.add_user(&added).await?;
        return Ok(ServiceDeskMade::Created {
            user,
            link: activation_link(ctx.base_url, token.expose()),
        });
    };

    let user = existing.user;
    if existing.status == AccountStatus::Disabled {
        return Err(OperatorError::Disabled(email));
    }
    let account = store
        .user(user)
        .await?
        .ok_or(OperatorError::Store(StoreError::Missing(Gone::User)))?;
    let waiting = existing.password_hash.is_none();
    let held = store.assignments_of(user).await?.iter().any(|a| {
        a.role == role.id
            && a.organisation.id == platform.id
            && a.status == AssignmentStatus::Active
    });
    if !held {
        let mut audit = operator_audit(AuditAction::RolesAdded, now)
            .target(user)
            .at_organisation(platform.id);
        audit.reason = Some(what);
        store
            .grant_roles(&GrantedRoles {
                user,
                grants: vec![grant],
                ends_at: None,
                at: now,
                email: welcome_email(&email, ctx.base_url, &account.first_name, None),
                audits: vec![audit],
            })
            .await?;
    }
    // An account still waiting for its password gets a new link, which replaces any other.
    let link = if waiting {
        let token = SecretToken::generate(ctx.tokens);
        let mail = welcome_email(
            &email,
            ctx.base_url,
            &account.first_name,
            Some(token.expose()),
        );
        store
            .replace_activation(user, &token.hash(), now, expires_at, &mail, None)
            .await?;
        Some(activation_link(ctx.base_url, token.expose()))
    } else {
        None
    };
    Ok(if held {
        ServiceDeskMade::AlreadyHeld { user, link }
    } else {
        ServiceDeskMade::RoleAdded { user, link }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::organisation::{OrgId, OrgKind, OrgPath};
    use crate::model::role::{Grant, Holding, Reach, RoleId};
    use crate::values::ods_code::OdsCode;

    fn platform() -> Organisation {
        Organisation {
            id: OrgId(1),
            code: OdsCode::parse("GATEHOUSE").expect("code"),
            name: "Gatehouse".into(),
            kind: OrgKind::Platform,
            type_label: "Platform".into(),
            parent: None,
            path: OrgPath::root(OrgId(1)),
            start_date: "2024-01-01".into(),
            end_date: None,
            contract_type: None,
            multi_level_approval: false,
        }
    }

    fn role(id: i64, name: &str, held_at: OrgKind, capability: Capability) -> Role {
        Role {
            id: RoleId(id),
            name: name.into(),
            approver_tier: false,
            payment_restrictable: false,
            holdings: vec![Holding {
                kind: held_at,
                description: String::new(),
            }],
            grants: vec![Grant {
                capability,
                reach: Reach::Subtree,
                only_at: None,
            }],
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn the_first_administrator_gets_the_role_that_holds_service_desk_at_the_platform() {
        let roles = vec![
            role(
                2,
                "Account Administrator",
                OrgKind::Commissioning,
                Capability::ManageUsers,
            ),
            role(
                1,
                "Service Desk",
                OrgKind::Platform,
                Capability::ServiceDesk,
            ),
        ];
        let found = service_desk_role(&roles, &platform()).expect("found");
        assert_eq!(found.name, "Service Desk");
    }

    #[test]
    fn a_catalogue_without_a_service_desk_role_at_the_platform_is_refused_not_guessed() {
        // Service Desk held elsewhere is not the platform's: nothing is given.
        let roles = vec![role(
            1,
            "Service Desk",
            OrgKind::Commissioning,
            Capability::ServiceDesk,
        )];
        assert!(matches!(
            service_desk_role(&roles, &platform()),
            Err(OperatorError::NoServiceDeskRole)
        ));
    }

    #[test]
    fn the_welcome_email_carries_the_link_only_when_a_password_is_still_to_be_set() {
        let to = EmailAddress::parse("desk@example.nhs.uk").expect("email");
        let with = welcome_email(&to, "https://gatehouse.example", "Dana", Some("tok"));
        assert!(with
            .body
            .contains("https://gatehouse.example/activate?token=tok"));
        let without = welcome_email(&to, "https://gatehouse.example", "Dana", None);
        assert!(!without.body.contains("token="));
        assert!(without.body.contains("https://gatehouse.example/sign-in"));
    }
}
