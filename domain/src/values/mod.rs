//! The ground floor: values that check themselves. Each enters through a `parse` function on a
//! type with private fields, so a value of the type is valid wherever it is found. Nothing here
//! knows about people, organisations or storage.

pub mod clock;
pub mod email;
pub mod ods_code;
pub mod password;
pub mod person_name;
pub mod spreadsheet;
