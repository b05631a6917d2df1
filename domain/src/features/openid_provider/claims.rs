//! What the tokens say: who the person is (`sub`, never the email, which can change), how they
//! proved it, and `gatehouse_role`, the one role they act as at the service: the organisation,
//! the role, its capabilities, its payment types (none listed: all), its clusters with the ODS
//! codes they reach, and a practice's approval level. `gatehouse_roles` lists every active role,
//! as NHS CIS2's `nationalrbacaccess` does.

use serde::Serialize;

use super::acting_actor;
use crate::access::actor::Actor;
use crate::model::organisation::{OrgKind, OrgRef};
use crate::model::role::Catalogue;
use crate::model::user::UserId;
use crate::services::Services;
use crate::storage::{LiveGrant, Storage, StoreError};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrgClaim {
    pub ods_code: String,
    pub name: String,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RoleNameClaim {
    pub name: String,
    /// The role's name in lower case with underscores: stable, for code to compare.
    pub code: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClusterClaim {
    pub name: String,
    /// The organisations the cluster reaches (given only for the acting role).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ods_codes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RoleClaim {
    /// The assignment's own id: what a service remembers to know it is the same role.
    pub id: String,
    pub organisation: OrgClaim,
    pub role: RoleNameClaim,
    pub capabilities: Vec<&'static str>,
    /// The payment types the role may act on; empty means all of them.
    pub payment_types: Vec<String>,
    /// The clusters the role is restricted to; absent when it is restricted to none (the whole
    /// organisation and everything below). Present and empty: it reaches nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<ClusterClaim>>,
    /// At a practice: `single` or `multi` (two-stage) approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_level: Option<&'static str>,
    /// When the role ends by itself (seconds since 1970), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<i64>,
}

/// The person's claims.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PersonClaims {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub given_name: String,
    pub family_name: String,
}

/// The `sub` of a person: stable for the life of the account.
pub fn subject(user: UserId) -> String {
    user.0.to_string()
}

pub fn role_code(name: &str) -> String {
    let mut code = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_lowercase());
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
    }
    code.trim_end_matches('_').to_owned()
}

/// The `amr` values of a session (`pwd`, `otp`, `hwk`, `rec`).
pub fn amr_list(amr: &str) -> Vec<String> {
    amr.split_whitespace().map(str::to_owned).collect()
}

/// The assurance of a sign-in: `aal2` with a second factor, `aal1` with a password alone.
pub fn acr_of(amr: &str) -> &'static str {
    if amr.split_whitespace().any(|m| m != "pwd") {
        "aal2"
    } else {
        "aal1"
    }
}

pub fn person_claims(live: &LiveGrant) -> PersonClaims {
    PersonClaims {
        sub: subject(live.user.id),
        email: live.user.email.as_str().to_owned(),
        email_verified: true,
        name: format!("{} {}", live.user.first_name, live.user.last_name),
        given_name: live.user.first_name.clone(),
        family_name: live.user.last_name.clone(),
    }
}

fn capabilities(actor: &Actor) -> Vec<&'static str> {
    actor
        .capabilities()
        .into_iter()
        .map(|c| c.as_str())
        .collect()
}

fn organisation(o: &OrgRef) -> OrgClaim {
    OrgClaim {
        ods_code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind.as_str(),
    }
}

/// The acting role of a live grant; `None` when the catalogue no longer knows its role, which
/// then reaches nothing (the caller answers as if the grant had ended).
pub fn role_claim(live: &LiveGrant, catalogue: &Catalogue) -> Option<RoleClaim> {
    let actor = acting_actor(live, catalogue)?;
    let acting = &live.acting;
    Some(RoleClaim {
        id: acting.assignment.0.to_string(),
        organisation: organisation(&acting.organisation),
        role: RoleNameClaim {
            name: actor.role_name.clone(),
            code: role_code(&actor.role_name),
        },
        capabilities: capabilities(&actor),
        payment_types: acting.payment_types.clone(),
        clusters: acting.clusters.as_ref().map(|_| {
            live.clusters
                .iter()
                .map(|c| ClusterClaim {
                    name: c.name.clone(),
                    ods_codes: Some(c.ods_codes.clone()),
                })
                .collect()
        }),
        approval_level: (acting.organisation.kind == OrgKind::Provider).then_some(
            if live.multi_level_approval {
                "multi"
            } else {
                "single"
            },
        ),
        ends_at: acting.ends_at.map(|t| t.0),
    })
}

/// Every role the person may act as now, for the scope `all_roles`.
pub async fn all_roles<S: Storage>(
    env: &Services<'_, S>,
    user: UserId,
) -> Result<Vec<RoleClaim>, StoreError> {
    let now = env.clock.now();
    let mut out = Vec::new();
    for a in env.store.assignments_of(user).await? {
        if !a.in_force(now) {
            continue;
        }
        let Some(role) = env.catalogue.role(a.role) else {
            continue;
        };
        let actor = Actor::new(user, a.id, a.organisation.clone(), role, None);
        out.push(RoleClaim {
            id: a.id.0.to_string(),
            organisation: organisation(&a.organisation),
            role: RoleNameClaim {
                name: a.role_name.clone(),
                code: role_code(&a.role_name),
            },
            capabilities: capabilities(&actor),
            payment_types: a.payment_types.clone(),
            clusters: (!a.clusters.is_empty()).then(|| {
                a.clusters
                    .iter()
                    .map(|(_, name)| ClusterClaim {
                        name: name.clone(),
                        ods_codes: None,
                    })
                    .collect()
            }),
            approval_level: None,
            ends_at: a.ends_at.map(|t| t.0),
        });
    }
    Ok(out)
}
