pub mod home;
pub mod my_account;
pub mod my_profile;
pub mod roles;
pub mod select_account;
pub mod sign_in;
