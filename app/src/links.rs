//! Emailed links, as the pages they open see them. Shared by registration and account security.

use serde::{Deserialize, Serialize};

/// What a single-use emailed link (activation, password reset) is worth, for the page it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkView {
    Valid,
    Used,
    Expired,
    Unknown,
}

impl LinkView {
    #[cfg(feature = "ssr")]
    pub fn of(state: domain::storage::TokenState) -> Self {
        use domain::storage::TokenState;
        match state {
            TokenState::Valid { .. } => LinkView::Valid,
            TokenState::Used => LinkView::Used,
            TokenState::Expired { .. } => LinkView::Expired,
            TokenState::Unknown => LinkView::Unknown,
        }
    }
}
