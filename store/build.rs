//! The migrations are compiled into the binary (`sqlx::migrate!`), which cargo does not know to
//! watch: without this, a changed or added migration went unnoticed until some source of the
//! crate changed too, and a database migrated by the old binary was refused by the new one.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
