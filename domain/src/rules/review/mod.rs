//! Who may ask for, review and give which role where: the rules that registration, access
//! requests, invitations, Add New User and the Users section share. Who may register for what,
//! who reviews it, what a decision needs, and the warning for generic mailboxes.
//! See docs/requirements.md#registration-and-pending-actions.

use serde::{Deserialize, Serialize};

use crate::access::actor::{Actor, Permit};
use crate::model::organisation::{OrgId, OrgKind, OrgPath, Organisation};
use crate::model::outbox::NewEmail;
use crate::model::role::{Capability, Catalogue, Role, RoleId};
use crate::model::user::UserId;
use crate::storage::{ReviewArm, Storage, StoreError};
use crate::values::email::EmailAddress;

/// The "Role Reason" that Pending Actions shows for every self-registration.
pub const SELF_REGISTRATION_REASON: &str = "New account and role by self registration";

/// Activation links live 7 days.
pub const ACTIVATION_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// A rejection reason is at most this long, the same limit as a disabling reason's free text.
pub const REASON_MAX: usize = 250;

/// Why a role cannot be asked for at an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleRefused {
    /// The Service Desk's own organisation, or a role no one may register for there.
    NotOffered,
    /// The organisation has closed (it has an end date).
    Closed,
}

/// The roles a person may register for at `org`: those the catalogue lets be held at its kind.
/// Nobody registers at the platform itself; closed organisations take no registrations.
pub fn roles_offered<'c>(catalogue: &'c Catalogue, org: &Organisation) -> Vec<&'c Role> {
    if org.kind == OrgKind::Platform || org.end_date.is_some() {
        return Vec::new();
    }
    catalogue.holdable_at(org.kind).collect()
}

/// The role asked for, if it may be asked for at `org`.
pub fn check_role<'c>(
    catalogue: &'c Catalogue,
    role: RoleId,
    org: &Organisation,
) -> Result<&'c Role, RoleRefused> {
    if org.end_date.is_some() {
        return Err(RoleRefused::Closed);
    }
    roles_offered(catalogue, org)
        .into_iter()
        .find(|r| r.id == role)
        .ok_or(RoleRefused::NotOffered)
}

/// A role that administers people or the organisation tree (it manages users, organisations or
/// Service Provider Clusters, or is the Service Desk) is given only by the Service Desk: by
/// approving a registration or access request, by invitation, or on a user's page. The
/// administrators of an area give every other role (in the service Gatehouse re-creates, too, the
/// Service Desk approved account administrators). So a Commissioning Account Administrator
/// can no longer make someone Organisation Administrator, who could then redraw the tree and the
/// clusters that limit other administrators.
pub fn reviewed_by_service_desk(role: &Role) -> bool {
    role.grants.iter().any(|g| {
        matches!(
            g.capability,
            Capability::ManageUsers
                | Capability::ServiceDesk
                | Capability::ManageOrganisations
                | Capability::ManageClusters
        )
    })
}

/// Who gives `role`, in words: the Roles page says it beside each role.
pub fn given_by(role: &Role) -> &'static str {
    match needed_to_review(role) {
        Capability::ServiceDesk => {
            "The Service Desk only (the role administers people or organisations)"
        }
        Capability::GrantApproverRoles => "A Commissioning Approver (an approver-tier role)",
        _ => "The user administrators of the organisation or above it",
    }
}

/// The capability a reviewer needs for a registration for `role`: the Service Desk for roles that
/// administer users; `grant_approver_roles` for approver-tier roles (only a Commissioning Approver
/// invites to, or approves requests for, an approver role); `manage_users` for the rest.
pub fn needed_to_review(role: &Role) -> Capability {
    if reviewed_by_service_desk(role) {
        Capability::ServiceDesk
    } else if role.approver_tier {
        Capability::GrantApproverRoles
    } else {
        Capability::ManageUsers
    }
}

/// Whether `actor` may review a registration for `role` at `org`: the needed capability with the
/// organisation in its scope.
pub fn may_review(actor: &Actor, role: &Role, org: OrgId, path: &OrgPath) -> bool {
    actor
        .permit(needed_to_review(role))
        .is_ok_and(|scope| scope.reaches(org, path))
}

/// What an actor reviews, as storage can filter it: for each capability the actor holds, its
/// scope and the roles that capability reviews. Empty: the actor reviews nothing.
pub fn review_arms(actor: &Actor, catalogue: &Catalogue) -> Vec<ReviewArm> {
    let mut arms: Vec<ReviewArm> = Vec::new();
    for capability in [
        Capability::ServiceDesk,
        Capability::GrantApproverRoles,
        Capability::ManageUsers,
    ] {
        let Ok(scope) = actor.permit(capability).map(Permit::into_scope) else {
            continue;
        };
        let roles: Vec<RoleId> = catalogue
            .roles
            .iter()
            .filter(|r| needed_to_review(r) == capability)
            .map(|r| r.id)
            .collect();
        if roles.is_empty() {
            continue;
        }
        // Capabilities of one scope (an administrator's two, from one role) make one arm, so
        // that storage filters by one area and can find it in an index.
        match arms.iter_mut().find(|arm| arm.scope == scope) {
            Some(arm) => arm.roles.extend(roles),
            None => arms.push(ReviewArm { scope, roles }),
        }
    }
    arms
}

/// A reviewer's decision on a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject(RejectReason),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectReason(String);

impl RejectReason {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("Select Approve or Reject")]
    NoChoice,
    #[error("Enter the reason for rejecting the request")]
    ReasonEmpty,
    #[error("Reason must be 250 characters or fewer")]
    ReasonTooLong,
}

impl Decision {
    /// `choice` is the radio's value ("approve" or "reject"); a reason is needed only to reject.
    pub fn parse(choice: &str, reason: &str) -> Result<Self, DecisionError> {
        match choice {
            "approve" => Ok(Decision::Approve),
            "reject" => {
                let reason = reason.trim();
                if reason.is_empty() {
                    Err(DecisionError::ReasonEmpty)
                } else if reason.chars().count() > REASON_MAX {
                    Err(DecisionError::ReasonTooLong)
                } else {
                    Ok(Decision::Reject(RejectReason(reason.to_owned())))
                }
            }
            _ => Err(DecisionError::NoChoice),
        }
    }
}

/// What makes a request look like a shared mailbox rather than a person. Such requests must be
/// rejected: a generic address, and a name that identifies no individual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GenericSign {
    /// The address's local part names a function, not a person (`reception`, `admin`, ...).
    MailboxWord(String),
    /// The address holds an ODS code, as in `reception.team-L81065@nhs.net`.
    OdsCodeInAddress(String),
    /// A first or last name that is not a person's (`Reception`, `Staff`, ...).
    GenericName(String),
}

impl GenericSign {
    pub fn describe(&self) -> String {
        match self {
            GenericSign::MailboxWord(w) => {
                format!("The email address contains \u{201c}{w}\u{201d}, which names a shared mailbox, not a person.")
            }
            GenericSign::OdsCodeInAddress(c) => {
                format!("The email address contains the organisation code {c}.")
            }
            GenericSign::GenericName(n) => {
                format!("The name \u{201c}{n}\u{201d} does not identify an individual.")
            }
        }
    }
}

const MAILBOX_WORDS: &[&str] = &[
    "reception",
    "receptionist",
    "admin",
    "administration",
    "administrator",
    "team",
    "practice",
    "enquiries",
    "enquiry",
    "office",
    "info",
    "surgery",
    "general",
    "staff",
    "mailbox",
    "contact",
    "secretary",
    "secretaries",
    "accounts",
    "noreply",
];

const GENERIC_NAMES: &[&str] = &[
    "reception",
    "receptionist",
    "staff",
    "admin",
    "administrator",
    "team",
    "practice",
    "surgery",
    "office",
    "enquiries",
    "secretary",
    "manager",
    "user",
    "general",
    "nhs",
    "test",
    "unknown",
];

/// Looks like an ODS code of a GP practice (`L81065`) or an organisation (`Y63`, `15N`, `QHM`):
/// letters and digits mixed, 3 to 6 characters. Plain words never qualify.
fn looks_like_ods_code(token: &str) -> bool {
    let has_digit = token.chars().any(|c| c.is_ascii_digit());
    let has_alpha = token.chars().any(|c| c.is_ascii_alphabetic());
    (3..=6).contains(&token.len()) && has_digit && has_alpha && token.is_ascii()
}

/// Every sign that the request names no individual; empty when it looks like a person.
pub fn generic_signs(
    email: &EmailAddress,
    first_name: &str,
    last_name: &str,
    org_code: &str,
) -> Vec<GenericSign> {
    let mut signs = Vec::new();
    let local = email.local_part().to_lowercase();
    let tokens: Vec<&str> = local
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    for word in MAILBOX_WORDS {
        // "receptionteam" counts as well as "reception.team".
        let found = tokens.iter().any(|t| t == word) || (word.len() >= 5 && local.contains(word));
        if found {
            signs.push(GenericSign::MailboxWord((*word).to_owned()));
        }
    }
    let own_code = org_code.to_lowercase();
    for t in &tokens {
        if *t == own_code || looks_like_ods_code(t) {
            signs.push(GenericSign::OdsCodeInAddress(t.to_uppercase()));
        }
    }
    for name in [first_name, last_name] {
        let lower = name.trim().to_lowercase();
        if GENERIC_NAMES.iter().any(|g| *g == lower) {
            signs.push(GenericSign::GenericName(name.trim().to_owned()));
        }
    }
    signs.dedup();
    signs
}

/// The emails of the flow. `base` is the service's public URL without a trailing slash.
/// Who reviews a request for `role` at `org` (a registration or an access request): in-app, and
/// by email those who allow it. The Service Desk reviews administrators' roles and is told of
/// those only; the administrators of the area are told of the rest. `asker`, when they hold a
/// role already, is never their own reviewer.
pub async fn reviewers<S: Storage>(
    store: &S,
    catalogue: &Catalogue,
    org: &Organisation,
    role: &Role,
    asker: Option<UserId>,
) -> Result<(Vec<UserId>, Vec<EmailAddress>), StoreError> {
    let for_desk = reviewed_by_service_desk(role);
    let mut notify: Vec<UserId> = Vec::new();
    let mut mail_to: Vec<EmailAddress> = Vec::new();
    for h in store.holders_above(&org.path).await? {
        // A holder restricted to clusters hears only of the organisations they reach.
        let Some(actor) = h.actor(catalogue) else {
            continue;
        };
        if notify.contains(&h.user)
            || Some(h.user) == asker
            || actor.has(Capability::ServiceDesk) != for_desk
            || !may_review(&actor, role, org.id, &org.path)
        {
            continue;
        }
        notify.push(h.user);
        if h.notify_by_email {
            mail_to.push(h.email.clone());
        }
    }
    Ok((notify, mail_to))
}

/// Roles the actor may invite to at `org`: those held there, and only those whose review the
/// actor could do (approver-tier roles need `grant_approver_roles`; roles that administer users
/// need the Service Desk), so an invitation never bypasses the registration rules.
pub fn roles_for<'c>(catalogue: &'c Catalogue, actor: &Actor, org: &Organisation) -> Vec<&'c Role> {
    roles_offered(catalogue, org)
        .into_iter()
        .filter(|r| may_review(actor, r, org.id, &org.path))
        .collect()
}

pub mod emails {
    use super::*;

    /// To the owner of an address someone tried to register with: the page said "under
    /// review", as for anyone, so only the owner learns that the address is taken.
    pub fn already_registered(to: &EmailAddress, base: &str) -> NewEmail {
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: someone tried to register with your email address".into(),
            body: format!(
                "Someone tried to register for Gatehouse with this email address, which already \
                 has an account or a registration under way.\n\n\
                 If it was you, you do not need to register again: sign in at {base}/sign-in, \
                 use \u{201c}Forgotten your password?\u{201d} there if you need to, or wait for \
                 your registration to be reviewed. To work at another organisation, use Request \
                 Access on My Profile after signing in.\n\n\
                 If it was not you, you can ignore this email.\n"
            ),
        }
    }

    pub fn new_registration(
        to: &EmailAddress,
        base: &str,
        who: &str,
        role: &str,
        org: &str,
    ) -> NewEmail {
        let who = crate::model::outbox::quoted(who);
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: a registration is waiting for your review".into(),
            body: format!(
                "{who} has asked to register as {role} at {org}.\n\n\
                 Review the request in Pending Actions:\n{base}/pending-actions\n\n\
                 You receive this email because \u{201c}Send me notifications\u{201d} is ticked in \
                 your Notification Settings.\n"
            ),
        }
    }

    pub fn approved(to: &EmailAddress, base: &str, first_name: &str, token: &str) -> NewEmail {
        let first_name = crate::model::outbox::quoted(first_name);
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: your registration has been approved".into(),
            body: format!(
                "Dear {first_name},\n\nThank you for registering for Gatehouse. Your request has \
                 been approved.\n\nSet your password with this secure link. It works once and \
                 expires in 7 days:\n{base}/activate?token={token}\n\nThen sign in with your \
                 email address as your user name.\n"
            ),
        }
    }

    pub fn rejected(to: &EmailAddress, first_name: &str, reason: &str) -> NewEmail {
        let (first_name, reason) = (
            crate::model::outbox::quoted(first_name),
            crate::model::outbox::quoted(reason),
        );
        NewEmail {
            to: to.clone(),
            subject: "Gatehouse: your registration has been rejected".into(),
            body: format!(
                "Dear {first_name},\n\nYour request to register for Gatehouse has been rejected \
                 for this reason:\n\n{reason}\n\nIf you think this is wrong, contact your \
                 commissioning account administrator.\n"
            ),
        }
    }
}

#[cfg(test)]
mod tests;
