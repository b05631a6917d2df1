//! Add New User and Add Organisation: giving roles to a person directly.

pub mod api;
pub mod pages;
