//! Server-only glue for server functions: the shared state, password hashing off the executor,
//! and the request's session. Compiled with the `ssr` feature only.

pub mod access_end;
pub mod download;
pub mod drafts;
pub mod hasher;
pub mod imports;
pub mod refusals;
pub mod request;
pub mod state;
pub mod uk_time;

pub use request::{
    clear_session_cookie, current, require_actor, require_user, session_cookie_name,
    set_session_cookie, SESSION_COOKIE,
};
pub use state::AppState;
