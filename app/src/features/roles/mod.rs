//! The role catalogue, for those who choose roles for others.

pub mod api;
pub mod pages;
