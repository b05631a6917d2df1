//! "Access ends on": a role that ends by itself on a date, set, moved or removed from the user's
//! page by an administrator who may revoke it; and, for the Service Desk, keeping an account
//! from the rule that disables accounts nobody uses.

pub mod api;
pub mod dormancy;
pub mod pages;
