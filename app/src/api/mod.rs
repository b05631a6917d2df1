//! Server functions: each gets its context, parses, calls one domain use case and maps the error.
//! Their URLs are stable (`/api/<endpoint>`) so plain forms and HTTP tests can reach them.

pub mod audit;
pub mod catalogue;
pub mod clusters;
pub mod imports;
pub mod invitations;
pub mod notifications;
pub mod organisations;
pub mod providers;
pub mod registration;
pub mod requests;
pub mod security;
pub mod session;
pub mod staff;
pub mod users;
