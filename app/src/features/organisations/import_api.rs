//! The Service Desk's ODS upload: the files go to `POST /organisations/import/upload` (a plain
//! multipart form, served by the server crate); these server functions show the page and the
//! import's progress.

use crate::error::AppError;
use crate::import_status::ImportProgress;
use leptos::prelude::*;

/// Where the upload form posts; and the body limit it is served with.
pub const UPLOAD_PATH: &str = "/organisations/import/upload";
pub const UPLOAD_LIMIT_BYTES: usize = 32 * 1024 * 1024;

/// The Service Desk only; anyone else is told the page does not exist.
#[cfg(feature = "ssr")]
pub fn require_service_desk() -> Result<domain::access::actor::Actor, AppError> {
    let (_, actor) = crate::ssr::require_actor()?;
    if actor.permit(domain::Capability::ServiceDesk).is_ok() {
        Ok(actor)
    } else {
        Err(crate::ssr::request::not_found())
    }
}

/// May the viewer upload ODS extracts? (Only to decide what the upload page shows.)
#[server(endpoint = "import_allowed")]
pub async fn import_allowed() -> Result<(), AppError> {
    require_service_desk().map(|_| ())
}

/// The progress of an import the viewer started.
#[server(endpoint = "import_status")]
pub async fn import_status(job: String) -> Result<ImportProgress, AppError> {
    use crate::ssr::request::{not_found, state};
    let actor = require_service_desk()?;
    let st = state()?;
    st.imports
        .get(&job, actor.user)
        .map(|j| j.status())
        .ok_or_else(not_found)
}
