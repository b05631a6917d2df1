//! Registering for an account, activating it, and the reviewers' Pending Actions.

pub mod activate;
pub mod api;
pub mod pending_actions;
pub mod register;
