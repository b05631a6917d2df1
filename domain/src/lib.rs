//! Gatehouse's domain: the rules of who may act for which organisations.
//!
//! Floors, each standing only on those below it (`floor_plan.rs` checks it):
//! - [`values`]: self-checking values (email address, ODS code, names, passwords, the clock);
//! - [`model`]: what Gatehouse keeps (organisations, roles, users, assignments, sessions, audit);
//! - [`access`]: who is acting and what they reach (actor, scope);
//! - [`storage`], the traits this crate owns and the `store` crate implements, and [`services`],
//!   the one context every use case takes;
//! - [`rules`]: what several features share;
//! - [`features`]: one folder per feature with its use cases, rules and errors. No feature uses
//!   another.
//!
//! docs/architecture.md draws the whole house.

pub mod access;
pub mod features;
pub mod model;
pub mod rules;
pub mod services;
pub mod storage;
pub mod values;

pub use access::actor::{Actor, Denied, Permit};
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
