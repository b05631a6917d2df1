use super::*;
use crate::model::organisation::OrgPath;
use crate::model::role::{Catalogue, Holding, PaymentType};
use crate::values::clock::Timestamp;

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
    let refuse = |c: Choice| check_choices(&catalogue(), &[offer()], &[c]).expect_err("refused");
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
        organisation: crate::model::organisation::OrgRef {
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
        ends_at: None,
        expired: false,
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
