//! Organisation administration, and importing the ODS extracts.

pub mod api;
pub mod import_api;
pub mod import_ods;
pub mod pages;
