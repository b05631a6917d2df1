//! Providers: the organisations below one's own, and their approval level.

pub mod api;
pub mod pages;
