//! Inviting a person to a role, and accepting an invitation.

pub mod api;
pub mod pages;
