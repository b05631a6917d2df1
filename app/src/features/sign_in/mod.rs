//! Signing in and out, choosing the role to act as, My Account and My Profile.

pub mod api;
pub mod my_account;
pub mod my_profile;
pub mod pages;
pub mod select_account;
