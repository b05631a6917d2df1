//! Sessions live in the database, so any instance serves any request: a hashed id, the user, the
//! one assignment the session acts as, and the times that drive the idle and absolute time-outs.

use crate::model::assignment::AssignmentId;
use crate::model::user::UserId;
use crate::values::clock::{Timestamp, TokenHash};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle_seconds: i64,
    pub absolute_seconds: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_seconds: 30 * 60,
            absolute_seconds: 12 * 60 * 60,
        }
    }
}

/// How often `last_seen_at` is written: not on every request, to spare the database.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: TokenHash,
    pub user: UserId,
    pub assignment: Option<AssignmentId>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub proof: SessionProof,
}

/// When a session started at `created` and last seen at `seen` ends if nothing more happens: the
/// idle time-out, or the absolute one when that comes first.
pub fn session_end(created: Timestamp, seen: Timestamp, p: SessionPolicy) -> Timestamp {
    Timestamp((seen.0 + p.idle_seconds).min(created.0 + p.absolute_seconds))
}

/// Neither idle too long nor started too long ago.
fn live(created_at: Timestamp, last_seen_at: Timestamp, now: Timestamp, p: SessionPolicy) -> bool {
    now.0 - last_seen_at.0 < p.idle_seconds && now.0 - created_at.0 < p.absolute_seconds
}

impl SessionRecord {
    pub fn is_live(&self, now: Timestamp, policy: SessionPolicy) -> bool {
        live(self.created_at, self.last_seen_at, now, policy)
    }

    pub fn needs_touch(&self, now: Timestamp) -> bool {
        now.0 - self.last_seen_at.0 >= TOUCH_EVERY_SECONDS
    }

    /// Whether an ended session ended for want of activity (not because it grew too old): what
    /// Sign in tells the person ("You were signed out because you were inactive").
    pub fn ended_idle(&self, now: Timestamp, policy: SessionPolicy) -> bool {
        now.0 - self.last_seen_at.0 >= policy.idle_seconds
            && now.0 - self.created_at.0 < policy.absolute_seconds
    }

    /// When a live session ends if nothing more happens, having been seen at `seen`: the idle
    /// time-out, or the absolute one when that comes first.
    pub fn ends_at(&self, seen: Timestamp, policy: SessionPolicy) -> Timestamp {
        Timestamp((seen.0 + policy.idle_seconds).min(self.created_at.0 + policy.absolute_seconds))
    }
}

/// The longest return path Sign in keeps.
pub const RETURN_PATH_MAX: usize = 1000;

/// The page to go back to after signing in, when `asked` is a path of this service: it starts
/// with one `/`, names no other host (`//host`, `/\host`), and holds no control character or
/// backslash. Anything else (a full URL, an empty text) is ignored, so Sign in is never an open
/// redirect. Sign in itself and the server functions are not pages to return to.
pub fn return_path(asked: &str) -> Option<&str> {
    let ok = asked.len() <= RETURN_PATH_MAX
        && asked.starts_with('/')
        && !asked.starts_with("//")
        && !asked.contains('\\')
        && !asked.chars().any(char::is_control)
        && !asked.starts_with("/sign-in")
        && !asked.starts_with("/api/");
    ok.then_some(asked)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id_hash: TokenHash,
    pub user: UserId,
    pub assignment: Option<AssignmentId>,
    pub now: Timestamp,
    /// The client's address and browser (User-Agent, at most [`AGENT_MAX`] characters), shown to
    /// the owner on My Profile → Sessions.
    pub client: Option<String>,
    pub agent: Option<String>,
    pub proof: SessionProof,
}

/// How a session's person proved who they are: the `amr` values (RFC 8176: `pwd`, then `otp`
/// for an app's code), when a second factor was last used on it, and when they signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionProof {
    pub amr: String,
    pub second_factor_at: Option<Timestamp>,
    /// When the sign-in this session carries on began; `None` for a sign-in happening now. A role
    /// switch replaces the session but not the sign-in, so the absolute time-out (and a connected
    /// service's `auth_time`) still counts from it.
    pub signed_in_at: Option<Timestamp>,
}

impl Default for SessionProof {
    /// A password alone, now.
    fn default() -> Self {
        Self {
            amr: "pwd".into(),
            second_factor_at: None,
            signed_in_at: None,
        }
    }
}

impl SessionProof {
    /// A password, then the second factor `method` at `now`: the sign-in completes now.
    pub fn with_second_factor(method: &str, now: Timestamp) -> Self {
        Self {
            amr: format!("pwd {method}"),
            second_factor_at: Some(now),
            signed_in_at: None,
        }
    }
}

/// How much of a User-Agent header is kept.
pub const AGENT_MAX: usize = 200;

/// One of a user's sessions as My Profile → Sessions lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub id_hash: TokenHash,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub client: Option<String>,
    pub agent: Option<String>,
}

impl SessionSummary {
    pub fn is_live(&self, now: Timestamp, policy: SessionPolicy) -> bool {
        live(self.created_at, self.last_seen_at, now, policy)
    }
}

/// Where a user goes after sign-in or when their acting role is gone: Home with one active role,
/// Select your account with several, My Profile with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Landing {
    Home,
    SelectAccount,
    MyProfile,
}

impl Landing {
    pub fn for_active_count(active: usize) -> Self {
        match active {
            0 => Landing::MyProfile,
            1 => Landing::Home,
            _ => Landing::SelectAccount,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Landing::Home => "/",
            Landing::SelectAccount => "/select-account",
            Landing::MyProfile => "/my-profile",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(created: i64, seen: i64) -> SessionRecord {
        SessionRecord {
            id_hash: TokenHash::from_stored("h".into()),
            user: UserId(1),
            assignment: None,
            created_at: Timestamp(created),
            last_seen_at: Timestamp(seen),
            proof: SessionProof::default(),
        }
    }

    #[test]
    fn a_session_idle_for_thirty_minutes_has_ended() {
        let p = SessionPolicy::default();
        assert!(record(0, 0).is_live(Timestamp(29 * 60), p));
        assert!(!record(0, 0).is_live(Timestamp(30 * 60), p));
    }

    #[test]
    fn a_busy_session_still_ends_after_twelve_hours() {
        let p = SessionPolicy::default();
        let twelve_hours = 12 * 3600;
        assert!(record(0, twelve_hours - 10).is_live(Timestamp(twelve_hours - 1), p));
        assert!(!record(0, twelve_hours - 10).is_live(Timestamp(twelve_hours), p));
    }

    #[test]
    fn a_session_ends_thirty_minutes_after_it_was_last_seen_or_at_twelve_hours() {
        let p = SessionPolicy::default();
        assert_eq!(
            record(0, 0).ends_at(Timestamp(600), p),
            Timestamp(600 + 30 * 60)
        );
        let late = 12 * 3600 - 60;
        assert_eq!(
            record(0, late).ends_at(Timestamp(late), p),
            Timestamp(12 * 3600)
        );
    }

    #[test]
    fn only_an_idle_ending_counts_as_inactive() {
        let p = SessionPolicy::default();
        assert!(record(0, 0).ended_idle(Timestamp(30 * 60), p));
        assert!(!record(0, 0).ended_idle(Timestamp(29 * 60), p));
        // Busy to the end of its twelve hours: ended for its age, not for inactivity.
        let twelve_hours = 12 * 3600;
        assert!(!record(0, twelve_hours - 10).ended_idle(Timestamp(twelve_hours), p));
    }

    #[test]
    fn sign_in_returns_only_to_a_page_of_this_service() {
        assert_eq!(return_path("/pending-actions"), Some("/pending-actions"));
        assert_eq!(return_path("/users?q=staff"), Some("/users?q=staff"));
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "evil.example",
            "javascript:alert(1)",
            "/users\nSet-Cookie: x=1",
            "/sign-in?next=/",
            "/api/sign_out",
        ] {
            assert_eq!(return_path(bad), None, "{bad:?}");
        }
        assert_eq!(
            return_path(&format!("/{}", "a".repeat(RETURN_PATH_MAX))),
            None
        );
    }

    #[test]
    fn last_seen_is_written_at_most_once_a_minute() {
        assert!(!record(0, 100).needs_touch(Timestamp(159)));
        assert!(record(0, 100).needs_touch(Timestamp(160)));
    }

    #[test]
    fn one_role_goes_home_several_choose_none_reach_my_profile() {
        assert_eq!(Landing::for_active_count(0), Landing::MyProfile);
        assert_eq!(Landing::for_active_count(1), Landing::Home);
        assert_eq!(Landing::for_active_count(2), Landing::SelectAccount);
    }
}
