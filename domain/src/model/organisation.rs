//! The organisation tree. Each organisation carries its materialised path, so that "is X below Y"
//! is a prefix test and never a walk up the tree.
//! See docs/requirements.md#organisations-roles-and-scope.

use serde::{Deserialize, Serialize};

use crate::values::ods_code::OdsCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrgId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    Platform,
    Commissioning,
    Provider,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Platform => "platform",
            OrgKind::Commissioning => "commissioning",
            OrgKind::Provider => "provider",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "platform" => Some(OrgKind::Platform),
            "commissioning" => Some(OrgKind::Commissioning),
            "provider" => Some(OrgKind::Provider),
            _ => None,
        }
    }

    /// Which kinds may sit directly under this one: providers are leaves, the platform is the root.
    pub fn may_parent(self, child: OrgKind) -> bool {
        match (self, child) {
            (_, OrgKind::Platform) => false,
            (OrgKind::Provider, _) => false,
            (OrgKind::Platform | OrgKind::Commissioning, _) => true,
        }
    }
}

/// `/1/7/42/`: the ids from the root down to and including the organisation itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: OrgId) -> Self {
        Self(format!("/{}/", id.0))
    }

    pub fn child(&self, id: OrgId) -> Self {
        Self(format!("{}{}/", self.0, id.0))
    }

    /// Paths come from storage, which only ever writes paths built by `root` and `child`.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the organisation itself and every descendant.
    pub fn covers(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }

    /// The organisation the path ends at (`42` of `/1/7/42/`).
    pub fn last_id(&self) -> Option<OrgId> {
        self.0
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .map(OrgId)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractType {
    Gms,
    Pms,
    Apms,
}

impl ContractType {
    pub fn as_str(self) -> &'static str {
        match self {
            ContractType::Gms => "GMS",
            ContractType::Pms => "PMS",
            ContractType::Apms => "APMS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "GMS" => Some(ContractType::Gms),
            "PMS" => Some(ContractType::Pms),
            "APMS" => Some(ContractType::Apms),
            _ => None,
        }
    }
}

/// An organisation as the rest of the domain sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub code: OdsCode,
    pub name: String,
    pub kind: OrgKind,
    pub type_label: String,
    pub parent: Option<OrgId>,
    pub path: OrgPath,
    /// ISO dates (YYYY-MM-DD).
    pub start_date: String,
    pub end_date: Option<String>,
    pub contract_type: Option<ContractType>,
    pub multi_level_approval: bool,
}

/// An organisation to be added under a parent named by code (the way ODS extracts link them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub code: OdsCode,
    pub name: String,
    pub kind: OrgKind,
    pub type_label: String,
    pub parent_code: Option<OdsCode>,
    pub start_date: String,
    pub end_date: Option<String>,
    pub contract_type: Option<ContractType>,
}

/// The organisation an assignment is held at, as far as authorisation needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRef {
    pub id: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub path: OrgPath,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    /// Organisations that gained an end date: they leave the pickers and keep their history.
    pub closed: usize,
    /// Organisations that moved to another parent (scope follows at once).
    pub moved: usize,
    pub unchanged: usize,
    /// Organisations refused by the tree itself (a parent missing or of the wrong kind).
    pub refused: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_covers_itself_and_its_descendants_only() {
        let root = OrgPath::root(OrgId(1));
        let icb = root.child(OrgId(7));
        let practice = icb.child(OrgId(42));
        let other_icb = root.child(OrgId(70));
        assert!(icb.covers(&icb));
        assert!(icb.covers(&practice));
        assert!(root.covers(&practice));
        assert!(!practice.covers(&icb));
        assert!(!icb.covers(&other_icb));
        // `/1/7/` must not cover `/1/70/`: the trailing slash is what makes that hold.
        assert!(!icb.covers(&other_icb.child(OrgId(3))));
        assert_eq!(practice.depth(), 3);
    }

    #[test]
    fn providers_are_leaves_and_the_platform_is_only_the_root() {
        assert!(OrgKind::Commissioning.may_parent(OrgKind::Provider));
        assert!(OrgKind::Commissioning.may_parent(OrgKind::Commissioning));
        assert!(!OrgKind::Provider.may_parent(OrgKind::Provider));
        assert!(!OrgKind::Commissioning.may_parent(OrgKind::Platform));
    }
}
