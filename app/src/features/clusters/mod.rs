//! Clusters: named groups of organisations that restrict a role.

pub mod api;
pub mod pages;
