//! Every storage test in one binary, each run on SQLite and on PostgreSQL.

#[macro_use]
mod harness;

mod access_reviews;
mod clusters;
mod conformance;
mod drafts;
mod import;
mod outbox;
mod registrations;
mod requests;
mod second_factors;
mod security;
mod service_grants;
mod temporary_access;
mod user_area;
mod user_list;
mod users;
