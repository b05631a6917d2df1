//! Who is acting and what they reach: the [`actor::Actor`] a request acts as (one active
//! assignment, its capabilities and its scope) and the [`scope::Scope`] of organisations it
//! reaches. Every authorisation decision of a use case goes through these two.

pub mod actor;
pub mod scope;
