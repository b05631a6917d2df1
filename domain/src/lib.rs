//! Gatehouse's domain: the rules of who may act for which organisations.
//!
//! Values enter through `parse` functions on types with private fields; storage is a set of
//! traits this crate owns (see [`storage`]); use cases in [`auth`] tie them together.

pub mod actor;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod clusters;
pub mod email;
pub mod invitations;
pub mod notification;
pub mod ods;
pub mod ods_code;
pub mod org;
pub mod organisations;
pub mod outbox;
pub mod password;
pub mod person_name;
pub mod providers;
pub mod registration;
pub mod requests;
pub mod role;
pub mod scope;
pub mod security;
pub mod session;
pub mod signup;
pub mod staff;
pub mod storage;
pub mod user;
pub mod users;

pub use actor::{Actor, Denied};
pub use assignment::{AssignmentId, AssignmentStatus};
pub use clock::{Clock, Timestamp, TokenSource};
pub use email::EmailAddress;
pub use ods_code::OdsCode;
pub use org::{OrgId, OrgKind, OrgPath};
pub use password::{NewPassword, Password, PasswordPolicy, PasswordRule};
pub use person_name::PersonName;
pub use role::{Capability, Reach, RoleId};
pub use scope::Scope;
pub use user::{AccountStatus, UserId};
