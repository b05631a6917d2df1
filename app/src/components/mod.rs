pub mod form;
pub mod guard;
pub mod layout;
pub mod list;
pub mod live;
pub mod tiles;
pub mod timeout;
