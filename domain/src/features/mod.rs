//! One folder per feature, each the same shape: the feature's use cases, its rules and its
//! errors. Features stand on [`crate::access`], [`crate::model`] and [`crate::values`].

pub mod access_requests;
pub mod access_reviews;
pub mod account_security;
pub mod add_user;
pub mod audit_trail;
pub mod clusters;
pub mod connected_services;
pub mod invitations;
pub mod notifications;
pub mod openid_provider;
pub mod operator;
pub mod organisations;
pub mod providers;
pub mod registration;
pub mod sign_in;
pub mod temporary_access;
pub mod two_factor;
pub mod users;
