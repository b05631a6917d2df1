//! Connected services: the Service Desk registers the services that sign people in through
//! Gatehouse with OpenID Connect (the protocol's endpoints are the server's).

pub mod api;
pub mod pages;
