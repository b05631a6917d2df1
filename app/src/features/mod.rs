//! One folder per feature, named as in the domain: `api` holds its server functions (each gets its
//! context, parses, calls one domain use case and maps the error; their URLs are stable,
//! `/api/<endpoint>`, so plain forms and HTTP tests can reach them), the other modules its pages.

pub mod access_requests;
pub mod access_reviews;
pub mod account_security;
pub mod add_user;
pub mod audit_trail;
pub mod clusters;
pub mod connected_services;
pub mod help;
pub mod invitations;
pub mod notifications;
pub mod organisations;
pub mod providers;
pub mod registration;
pub mod roles;
pub mod sign_in;
pub mod temporary_access;
pub mod two_factor;
pub mod users;
