//! Self-registration and its review: who may register for what, who reviews it, what a decision
//! needs, and the warning for generic mailboxes.
//! See docs/requirements.md#registration-and-pending-actions.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::email::EmailAddress;
use crate::org::{OrgId, OrgKind, OrgPath, Organisation};
use crate::outbox::NewEmail;
use crate::role::{Capability, Catalogue, Role, RoleId};
use crate::storage::ReviewArm;

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
        .scope_for(needed_to_review(role))
        .is_ok_and(|scope| scope.contains(org, path))
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
        let Ok(scope) = actor.scope_for(capability) else {
            continue;
        };
        let roles: Vec<RoleId> = catalogue
            .roles
            .iter()
            .filter(|r| needed_to_review(r) == capability)
            .map(|r| r.id)
            .collect();
        if !roles.is_empty() {
            arms.push(ReviewArm { scope, roles });
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
        let who = crate::outbox::quoted(who);
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
        let first_name = crate::outbox::quoted(first_name);
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
            crate::outbox::quoted(first_name),
            crate::outbox::quoted(reason),
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
mod tests {
    use super::*;
    use crate::assignment::AssignmentId;
    use crate::org::{OrgId, OrgPath};
    use crate::role::{Grant, Holding, Reach};
    use crate::user::UserId;

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).expect("valid")
    }

    #[test]
    fn a_reception_team_mailbox_is_generic_on_every_count() {
        let signs = generic_signs(
            &email("reception.team-L81065@nhs.net"),
            "Reception",
            "Staff",
            "L81065",
        );
        assert!(signs.contains(&GenericSign::MailboxWord("reception".into())));
        assert!(signs.contains(&GenericSign::MailboxWord("team".into())));
        assert!(signs.contains(&GenericSign::OdsCodeInAddress("L81065".into())));
        assert!(signs.contains(&GenericSign::GenericName("Reception".into())));
        assert!(signs.contains(&GenericSign::GenericName("Staff".into())));
    }

    #[test]
    fn a_person_is_not_generic() {
        assert!(
            generic_signs(&email("john.martin@nhs.net"), "John", "Martin", "L81065").is_empty()
        );
        // Names that merely contain a mailbox word are people too.
        assert!(
            generic_signs(&email("teamsworth.j@nhs.net"), "Jo", "Teamsworth", "L81065").is_empty()
        );
        assert!(
            generic_signs(&email("adam.office2@nhs.net"), "Adam", "Smith", "L81065")
                .iter()
                .all(|s| matches!(s, GenericSign::MailboxWord(_)))
        );
    }

    #[test]
    fn each_sign_is_found_on_its_own() {
        assert_eq!(
            generic_signs(
                &email("enquiries@practice-example.nhs.uk"),
                "Jane",
                "Doe",
                "A81001"
            ),
            vec![GenericSign::MailboxWord("enquiries".into())]
        );
        assert_eq!(
            generic_signs(&email("jane.doe.a81001@nhs.net"), "Jane", "Doe", "A81001"),
            vec![GenericSign::OdsCodeInAddress("A81001".into())]
        );
        assert_eq!(
            generic_signs(&email("jane.doe@nhs.net"), "Practice", "Doe", "A81001"),
            vec![GenericSign::GenericName("Practice".into())]
        );
        assert_eq!(
            generic_signs(&email("receptionteam@nhs.net"), "Jane", "Doe", "A81001"),
            vec![GenericSign::MailboxWord("reception".into())]
        );
    }

    #[test]
    fn rejecting_needs_a_reason_of_at_most_250_characters() {
        assert_eq!(Decision::parse("approve", ""), Ok(Decision::Approve));
        assert_eq!(
            Decision::parse("reject", "  "),
            Err(DecisionError::ReasonEmpty)
        );
        assert_eq!(
            Decision::parse("reject", &"x".repeat(251)),
            Err(DecisionError::ReasonTooLong)
        );
        let ok = Decision::parse("reject", &"é".repeat(250)).expect("250 characters is allowed");
        assert!(matches!(ok, Decision::Reject(r) if r.as_str().chars().count() == 250));
        assert_eq!(Decision::parse("", "why"), Err(DecisionError::NoChoice));
        assert_eq!(
            Decision::parse("maybe", "why"),
            Err(DecisionError::NoChoice)
        );
    }

    fn org(id: i64, path: &str, kind: OrgKind, closed: bool) -> Organisation {
        Organisation {
            id: OrgId(id),
            code: crate::OdsCode::parse("A81001").expect("code"),
            name: "Practice".into(),
            kind,
            type_label: "GP practice".into(),
            parent: None,
            path: OrgPath::from_stored(path.into()),
            start_date: "2020-01-01".into(),
            end_date: closed.then(|| "2024-01-01".into()),
            contract_type: None,
            multi_level_approval: false,
        }
    }

    fn role(id: i64, kinds: &[OrgKind], grants: Vec<Grant>) -> Role {
        Role {
            id: RoleId(id),
            name: format!("role {id}"),
            approver_tier: false,
            payment_restrictable: false,
            holdings: kinds
                .iter()
                .map(|k| Holding {
                    kind: *k,
                    description: String::new(),
                })
                .collect(),
            grants,
            conflicts: Vec::new(),
        }
    }

    fn approver(mut r: Role) -> Role {
        r.approver_tier = true;
        r
    }

    fn grant(c: Capability, reach: Reach) -> Grant {
        Grant {
            capability: c,
            reach,
            only_at: None,
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue {
            roles: vec![
                role(
                    1,
                    &[OrgKind::Platform],
                    vec![grant(Capability::ServiceDesk, Reach::Subtree)],
                ),
                role(
                    2,
                    &[OrgKind::Commissioning],
                    vec![grant(Capability::ManageUsers, Reach::Subtree)],
                ),
                approver(role(
                    4,
                    &[OrgKind::Commissioning],
                    vec![grant(Capability::GrantApproverRoles, Reach::Subtree)],
                )),
                role(6, &[OrgKind::Provider], vec![]),
                approver(role(7, &[OrgKind::Provider], vec![])),
                role(
                    9,
                    &[OrgKind::Commissioning, OrgKind::Provider],
                    vec![grant(Capability::ManageUsers, Reach::Organisation)],
                ),
            ],
            payment_types: Vec::new(),
        }
    }

    fn actor(role_id: i64, at: &Organisation) -> Actor {
        let cat = catalogue();
        let r = cat.role(RoleId(role_id)).expect("role");
        let org = crate::actor::OrgRef {
            id: at.id,
            code: at.code.as_str().into(),
            name: at.name.clone(),
            kind: at.kind,
            path: at.path.clone(),
        };
        Actor::new(UserId(1), AssignmentId(1), org, r, None)
    }

    #[test]
    fn only_roles_held_at_the_organisations_kind_are_offered_and_closed_ones_offer_none() {
        let cat = catalogue();
        let practice = org(42, "/1/7/42/", OrgKind::Provider, false);
        let offered: Vec<i64> = roles_offered(&cat, &practice)
            .iter()
            .map(|r| r.id.0)
            .collect();
        assert_eq!(offered, vec![6, 7, 9]);
        assert_eq!(
            check_role(&cat, RoleId(2), &practice).err(),
            Some(RoleRefused::NotOffered)
        );
        let closed = org(43, "/1/7/43/", OrgKind::Provider, true);
        assert!(roles_offered(&cat, &closed).is_empty());
        assert_eq!(
            check_role(&cat, RoleId(6), &closed).err(),
            Some(RoleRefused::Closed)
        );
        let platform = org(1, "/1/", OrgKind::Platform, false);
        assert!(roles_offered(&cat, &platform).is_empty());
    }

    #[test]
    fn roles_that_administer_people_or_the_tree_are_given_by_the_service_desk_only() {
        for capability in [
            Capability::ManageUsers,
            Capability::ServiceDesk,
            Capability::ManageOrganisations,
            Capability::ManageClusters,
        ] {
            let r = role(
                19,
                &[OrgKind::Commissioning],
                vec![grant(capability, Reach::Subtree)],
            );
            assert!(reviewed_by_service_desk(&r), "{capability:?}");
            assert_eq!(needed_to_review(&r), Capability::ServiceDesk);
        }
        // The Commissioning Approver is approver-tier: another holder of grant_approver_roles.
        let approver_role = approver(role(
            4,
            &[OrgKind::Commissioning],
            vec![grant(Capability::GrantApproverRoles, Reach::Subtree)],
        ));
        assert_eq!(
            needed_to_review(&approver_role),
            Capability::GrantApproverRoles
        );
        assert_eq!(
            needed_to_review(&role(6, &[OrgKind::Provider], vec![])),
            Capability::ManageUsers
        );
    }

    #[test]
    fn administrators_review_their_area_and_the_service_desk_reviews_administrators() {
        let cat = catalogue();
        let desk_org = org(1, "/1/", OrgKind::Platform, false);
        let ccg = org(7, "/1/7/", OrgKind::Commissioning, false);
        let other_ccg = org(8, "/1/8/", OrgKind::Commissioning, false);
        let practice = org(42, "/1/7/42/", OrgKind::Provider, false);
        let provider_user = cat.role(RoleId(6)).expect("role");
        let caa = cat.role(RoleId(2)).expect("role");

        let admin = actor(2, &ccg);
        assert!(may_review(
            &admin,
            provider_user,
            practice.id,
            &practice.path
        ));
        assert!(!may_review(
            &admin,
            provider_user,
            org(50, "/1/8/50/", OrgKind::Provider, false).id,
            &org(50, "/1/8/50/", OrgKind::Provider, false).path
        ));
        // An administrator never approves another administrator.
        assert!(!may_review(&admin, caa, ccg.id, &ccg.path));
        assert!(!may_review(
            &actor(2, &other_ccg),
            provider_user,
            practice.id,
            &practice.path
        ));

        let desk = actor(1, &desk_org);
        assert!(may_review(&desk, caa, ccg.id, &ccg.path));
        assert!(may_review(
            &desk,
            provider_user,
            practice.id,
            &practice.path
        ));

        // A practice's User Administrator reviews its own practice only.
        let ua = actor(9, &practice);
        assert!(may_review(&ua, provider_user, practice.id, &practice.path));
        assert!(!may_review(
            &ua,
            provider_user,
            org(44, "/1/7/44/", OrgKind::Provider, false).id,
            &org(44, "/1/7/44/", OrgKind::Provider, false).path
        ));

        // No manage_users, no review.
        assert!(!may_review(
            &actor(6, &practice),
            provider_user,
            practice.id,
            &practice.path
        ));
    }

    #[test]
    fn approver_tier_requests_need_grant_approver_roles() {
        let cat = catalogue();
        let ccg = org(7, "/1/7/", OrgKind::Commissioning, false);
        let practice = org(42, "/1/7/42/", OrgKind::Provider, false);
        let desk_org = org(1, "/1/", OrgKind::Platform, false);
        let approver_role = cat.role(RoleId(7)).expect("role");
        let provider_user = cat.role(RoleId(6)).expect("role");
        assert_eq!(
            needed_to_review(approver_role),
            Capability::GrantApproverRoles
        );
        // The account administrator of the area may not; the Commissioning Approver may.
        assert!(!may_review(
            &actor(2, &ccg),
            approver_role,
            practice.id,
            &practice.path
        ));
        assert!(may_review(
            &actor(4, &ccg),
            approver_role,
            practice.id,
            &practice.path
        ));
        assert!(!may_review(
            &actor(4, &ccg),
            provider_user,
            practice.id,
            &practice.path
        ));
        assert!(may_review(
            &actor(1, &desk_org),
            approver_role,
            practice.id,
            &practice.path
        ));

        let arms = |a: &Actor| -> Vec<Vec<i64>> {
            review_arms(a, &cat)
                .into_iter()
                .map(|arm| arm.roles.iter().map(|r| r.0).collect())
                .collect()
        };
        assert_eq!(arms(&actor(2, &ccg)), vec![vec![6]]);
        assert_eq!(arms(&actor(4, &ccg)), vec![vec![4, 7]]);
        assert_eq!(
            arms(&actor(1, &desk_org)),
            vec![vec![1, 2, 9], vec![4, 7], vec![6]]
        );
        assert!(arms(&actor(6, &practice)).is_empty());
    }
}
