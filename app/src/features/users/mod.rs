//! The Users table, a user's page, and revoking, disabling and enabling.

pub mod api;
pub mod disable_own;
#[cfg(feature = "ssr")]
pub mod download;
pub mod pages;
