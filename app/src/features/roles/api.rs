//! The role catalogue, for administrators deciding which role to give.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleEntry {
    pub name: String,
    pub payment_restrictable: bool,
    pub approver_tier: bool,
    /// (kind of organisation, description there)
    pub held_at: Vec<(String, String)>,
    /// Who may give the role (by approval, invitation or on a user's page).
    #[serde(default)]
    pub given_by: String,
}

/// Open to roles that manage users: they are the ones who choose roles for others.
#[server(endpoint = "role_catalogue")]
pub async fn role_catalogue() -> Result<Vec<RoleEntry>, AppError> {
    use crate::ssr::{request::state, require_actor};
    use domain::Capability;
    let (_, actor) = require_actor()?;
    if actor.permit(Capability::ManageUsers).is_err() {
        return Err(crate::ssr::request::not_found());
    }
    let st = state()?;
    Ok(st
        .catalogue
        .roles
        .iter()
        .map(|r| RoleEntry {
            name: r.name.clone(),
            payment_restrictable: r.payment_restrictable,
            approver_tier: r.approver_tier,
            held_at: r
                .holdings
                .iter()
                .map(|h| (kind_label(h.kind).to_owned(), h.description.clone()))
                .collect(),
            given_by: domain::rules::review::given_by(r).to_owned(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn kind_label(kind: domain::OrgKind) -> &'static str {
    match kind {
        domain::OrgKind::Platform => "Service Desk",
        domain::OrgKind::Commissioning => "Commissioning Organisation",
        domain::OrgKind::Provider => "Service Provider (GP practice)",
    }
}
