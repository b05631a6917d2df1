use super::*;
use crate::model::assignment::AssignmentId;
use crate::model::organisation::{OrgId, OrgPath};
use crate::model::role::{Grant, Holding, Reach};
use crate::model::user::UserId;

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
    assert!(generic_signs(&email("john.martin@nhs.net"), "John", "Martin", "L81065").is_empty());
    // Names that merely contain a mailbox word are people too.
    assert!(generic_signs(&email("teamsworth.j@nhs.net"), "Jo", "Teamsworth", "L81065").is_empty());
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
            // Two capabilities of different reach: two scopes, so two arms.
            approver(role(
                10,
                &[OrgKind::Commissioning],
                vec![
                    grant(Capability::GrantApproverRoles, Reach::Subtree),
                    grant(Capability::ManageUsers, Reach::Organisation),
                ],
            )),
        ],
        payment_types: Vec::new(),
    }
}

fn actor(role_id: i64, at: &Organisation) -> Actor {
    let cat = catalogue();
    let r = cat.role(RoleId(role_id)).expect("role");
    let org = crate::model::organisation::OrgRef {
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
    // The desk's three capabilities share one scope: one arm, which storage can find by area.
    assert_eq!(arms(&actor(1, &desk_org)), vec![vec![1, 2, 9, 10, 4, 7, 6]]);
    // Capabilities of different reach keep their own arms.
    assert_eq!(arms(&actor(10, &ccg)), vec![vec![4, 7], vec![6]]);
    assert!(arms(&actor(6, &practice)).is_empty());
}
