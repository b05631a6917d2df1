//! The audit trail: who did what, when, as which role, and its CSV download.

pub mod api;
pub mod pages;
