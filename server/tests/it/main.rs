//! Every HTTP integration test of the server in one binary: the app is linked once, not once per
//! file (25 binaries of about 1.7 GB each were the slowest part of the suite).

mod support;

mod access_reviews;
mod authorisation;
mod bad_input;
mod binary;
mod clusters;
mod concurrency;
mod house;
mod import;
mod invitations;
mod openid;
mod operator;
mod organisations;
mod providers;
mod registration;
mod requests;
mod security;
mod sign_in;
mod smtp;
mod staff;
mod temporary_access;
mod temporary_access_flows;
mod two_factor;
mod two_instances;
mod upload;
mod users;
