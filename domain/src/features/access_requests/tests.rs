use super::*;
use crate::model::organisation::OrgRef;
use crate::model::organisation::{OrgId, OrgKind, OrgPath};
use crate::model::role::Holding;
use crate::model::user::UserId;

fn role(id: i64, conflicts: &[i64]) -> Role {
    Role {
        id: RoleId(id),
        name: format!("role {id}"),
        approver_tier: false,
        payment_restrictable: false,
        holdings: vec![Holding {
            kind: OrgKind::Commissioning,
            description: String::new(),
        }],
        grants: Vec::new(),
        conflicts: conflicts.iter().copied().map(RoleId).collect(),
    }
}

fn org(id: i64) -> Organisation {
    Organisation {
        id: OrgId(id),
        code: OdsCode::parse(&format!("X{id:02}")).expect("code"),
        name: format!("Org {id}"),
        kind: OrgKind::Commissioning,
        type_label: "ICB".into(),
        parent: None,
        path: OrgPath::root(OrgId(id)),
        start_date: "2020-04-01".into(),
        end_date: None,
        contract_type: None,
        multi_level_approval: false,
    }
}

fn held(org_id: i64, role: i64, status: AssignmentStatus) -> AssignmentView {
    AssignmentView {
        id: AssignmentId(role * 100 + org_id),
        user: UserId(1),
        organisation: OrgRef {
            id: OrgId(org_id),
            code: format!("X{org_id:02}"),
            name: format!("Org {org_id}"),
            kind: OrgKind::Commissioning,
            path: OrgPath::root(OrgId(org_id)),
        },
        role: RoleId(role),
        role_name: format!("role {role}"),
        status,
        payment_types: vec![],
        clusters: vec![],
        ends_at: None,
        expired: false,
    }
}

fn catalogue() -> Catalogue {
    Catalogue {
        roles: vec![role(3, &[4]), role(4, &[3]), role(5, &[])],
        payment_types: Vec::new(),
    }
}

#[test]
fn a_reason_is_required_and_at_most_250_characters() {
    assert_eq!(RequestReason::parse("  "), Err(ReasonError::Empty));
    assert_eq!(
        RequestReason::parse(&"é".repeat(251)),
        Err(ReasonError::TooLong)
    );
    let ok = RequestReason::parse(&format!(" {} ", "é".repeat(250))).expect("250 is fine");
    assert_eq!(ok.as_str().chars().count(), 250);
}

#[test]
fn the_same_role_held_or_pending_there_is_refused_but_elsewhere_is_fine() {
    let c = catalogue();
    let tier1 = c.role(RoleId(3)).expect("role");
    let active = [held(1, 3, AssignmentStatus::Active)];
    assert!(matches!(
        refusal(&c, &active, &org(1), tier1),
        Some(RequestError::AlreadyHeld)
    ));
    let pending = [held(1, 3, AssignmentStatus::Pending)];
    assert!(matches!(
        refusal(&c, &pending, &org(1), tier1),
        Some(RequestError::AlreadyRequested)
    ));
    assert!(refusal(&c, &active, &org(2), tier1).is_none());
    // Rejected, withdrawn or revoked before: may ask again.
    for s in [
        AssignmentStatus::Rejected,
        AssignmentStatus::Withdrawn,
        AssignmentStatus::Revoked,
    ] {
        assert!(refusal(&c, &[held(1, 3, s)], &org(1), tier1).is_none());
    }
}

#[test]
fn tier_1_and_tier_2_are_never_held_together_at_one_organisation() {
    let c = catalogue();
    let tier2 = c.role(RoleId(4)).expect("role");
    let holds_tier1 = [held(1, 3, AssignmentStatus::Active)];
    match refusal(&c, &holds_tier1, &org(1), tier2) {
        Some(RequestError::Conflicts(name)) => assert_eq!(name, "role 3"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // At another organisation, or alongside an unrelated role, it is fine.
    assert!(refusal(&c, &holds_tier1, &org(2), tier2).is_none());
    let other = c.role(RoleId(5)).expect("role");
    assert!(refusal(&c, &holds_tier1, &org(1), other).is_none());
    // A pending tier 1 request does not block: approval checks again.
    let pending_tier1 = [held(1, 3, AssignmentStatus::Pending)];
    assert!(refusal(&c, &pending_tier1, &org(1), tier2).is_none());
}
