//! In-app notifications. They always show; the user's "send me notifications" setting
//! (Notification Settings) governs only whether an email goes too.

use serde::{Deserialize, Serialize};

use crate::model::assignment::AssignmentId;
use crate::values::clock::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub body: String,
    /// The registration or request it is about, for a Review link.
    pub regarding: Option<AssignmentId>,
    /// When it is about an access request: whose (the review lives on that user's page).
    pub request_of: Option<crate::model::user::UserId>,
    pub created_at: Timestamp,
    pub read: bool,
}
