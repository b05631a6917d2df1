//! Gatehouse's domain: the rules of who may act for which organisations.
//!
//! Four floors, each standing only on those below it:
//! - [`values`]: self-checking values (email address, ODS code, names, passwords, the clock);
//! - [`model`]: what Gatehouse keeps (organisations, roles, users, assignments, sessions, audit);
//! - [`access`]: who is acting and what they reach (actor, scope);
//! - [`features`]: one folder per feature with its use cases, rules and errors.
//!
//! Storage is a set of traits this crate owns ([`storage`]); the `store` crate implements them.
//! docs/architecture.md draws the whole house.

pub mod access;
pub mod features;
pub mod model;
pub mod rules;
pub mod services;
pub mod storage;
pub mod values;

pub use access::actor::{Actor, Denied};
pub use access::scope::Scope;
pub use model::assignment::{AssignmentId, AssignmentStatus};
pub use model::organisation::{OrgId, OrgKind, OrgPath};
pub use model::role::{Capability, Reach, RoleId};
pub use model::user::{AccountStatus, UserId};
pub use values::clock::{Clock, Timestamp, TokenSource};
pub use values::email::EmailAddress;
pub use values::ods_code::OdsCode;
pub use values::password::{NewPassword, Password, PasswordPolicy, PasswordRule};
pub use values::person_name::PersonName;

#[cfg(test)]
mod floor_plan;
