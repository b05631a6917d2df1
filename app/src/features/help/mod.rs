//! Help and the pages a public service must have: Contact us, the accessibility statement, the
//! privacy notice and the cookies page, linked from every page's footer. Open to everyone.

pub mod pages;
