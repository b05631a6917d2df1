//! "Access ends on": a role that ends by itself on a date, set, moved or removed from the user's
//! page by an administrator who may revoke it.

pub mod api;
pub mod pages;
