//! Form drafts: what a person typed into a form, kept on the server for a short time so that none
//! of it travels in an address (browser history, a proxy's or a server's logs). A multi-step form
//! keeps its answers so far; a form that failed keeps its problems and what was typed, for the one
//! page that shows them.
//!
//! A draft belongs to one browser (a random token in a cookie, stored only as its hash) and to the
//! person signed in when it was written, or to nobody signed in. It is read back only by the same
//! browser with the same person (or again nobody), so a second person signing in on a shared
//! computer never sees the first one's answers, and it ends by itself.

use crate::model::user::UserId;
use crate::values::clock::{Timestamp, TokenHash};

/// How long a multi-step form's answers are kept after the last step written: as long as an idle
/// session lives, so a person who stops for a while finds their answers again.
pub const DRAFT_SECONDS: i64 = 30 * 60;

/// How long a failed form's problems wait for the page that shows them (that page is asked for at
/// once, by the redirect; a little slack for a slow network).
pub const PROBLEMS_SECONDS: i64 = 2 * 60;

/// The form name under which a failed form's problems are kept.
pub const PROBLEMS: &str = "problems";

/// The longest payload kept: a form's answers are a few hundred bytes; anything larger is refused
/// rather than stored.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDraft {
    /// The hash of the browser's draft token.
    pub browser: TokenHash,
    /// Which form: one draft per form per browser, replaced by the next write.
    pub form: String,
    /// The person signed in when it was written, if any.
    pub owner: Option<UserId>,
    pub payload: String,
    pub expires_at: Timestamp,
}

impl NewDraft {
    /// A draft written `now` that lives `seconds`; `None` when the payload is too large to keep.
    pub fn new(
        browser: TokenHash,
        form: &str,
        owner: Option<UserId>,
        payload: String,
        now: Timestamp,
        seconds: i64,
    ) -> Option<Self> {
        (payload.len() <= MAX_PAYLOAD_BYTES).then(|| Self {
            browser,
            form: form.to_owned(),
            owner,
            payload,
            expires_at: now.plus_seconds(seconds),
        })
    }
}

/// Which draft to read: this browser's draft of this form, for this person (or nobody), not
/// expired at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey<'a> {
    pub browser: &'a TokenHash,
    pub form: &'a str,
    pub owner: Option<UserId>,
    pub now: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash() -> TokenHash {
        TokenHash::from_stored("h".into())
    }

    #[test]
    fn a_draft_ends_its_lifetime_after_it_was_written() {
        let d = NewDraft::new(hash(), "invite", None, "{}".into(), Timestamp(1_000), 60)
            .expect("small");
        assert_eq!(d.expires_at, Timestamp(1_060));
        assert_eq!(d.form, "invite");
    }

    #[test]
    fn a_payload_larger_than_any_form_is_not_kept() {
        let big = "x".repeat(MAX_PAYLOAD_BYTES + 1);
        assert!(NewDraft::new(hash(), "invite", None, big, Timestamp(0), 60).is_none());
        let exact = "x".repeat(MAX_PAYLOAD_BYTES);
        assert!(NewDraft::new(hash(), "invite", None, exact, Timestamp(0), 60).is_some());
    }
}
