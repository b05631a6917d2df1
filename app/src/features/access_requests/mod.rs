//! Asking for another role from My Profile, and deciding such a request.

pub mod api;
pub mod pages;
