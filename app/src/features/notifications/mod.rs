//! Home with its counts, in-app notifications and their settings, and the outbox of emails.

pub mod api;
pub mod home;
pub mod outbox;
pub mod pages;
