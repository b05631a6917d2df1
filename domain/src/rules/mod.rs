//! Rules that several features share, one floor below the features so that no feature imports
//! another: how a password is checked and counted, who may ask for, review and give which role,
//! and who an administrator can see.

pub mod credentials;
pub mod review;
pub mod visibility;
