//! Passwords (change, forgotten, reset), the forgotten user name and locked accounts.

pub mod api;
pub mod pages;
