//! Rules that several features share, one floor below the features so that no feature imports
//! another: when a role's access may end, how a password is checked and counted, who may ask for, review and give which role,
//! and who an administrator can see.

pub mod access_end;
pub mod credentials;
pub mod review;
pub mod second_factor;
pub mod totp;
pub mod visibility;
