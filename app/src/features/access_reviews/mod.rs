//! Access reviews: the list of an administrator's reviews and Start a review; a review's page,
//! with its filters, Keep and End access for a row or the ticked rows, and Complete review; and
//! its download.

pub mod api;
#[cfg(feature = "ssr")]
pub mod download;
pub mod pages;
pub mod review;
