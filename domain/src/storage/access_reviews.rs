//! Access reviews: a snapshot of every active role of an area, a Keep or End for each, and the
//! completion that ends the roles marked to end.

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::access::scope::Scope;
use crate::model::assignment::AssignmentId;
use crate::model::audit::NewAudit;
use crate::model::organisation::{OrgId, OrgPath};
use crate::model::user::UserId;
use crate::values::clock::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReviewId(pub i64);

/// What a review does with the rows nobody reviewed when it is completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unreviewed {
    Keep,
    End,
}

impl Unreviewed {
    pub fn key(self) -> &'static str {
        match self {
            Unreviewed::Keep => "keep",
            Unreviewed::End => "end",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Unreviewed::Keep, Unreviewed::End]
            .into_iter()
            .find(|u| u.key() == s)
    }
}

/// A reviewer's mark on a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Keep,
    End,
}

impl Decision {
    pub fn key(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::End => "end",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Decision::Keep, Decision::End]
            .into_iter()
            .find(|d| d.key() == s)
    }
}

/// What became of a row when its review was completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Kept,
    Ended,
    /// Marked to end, but the role had ended already (revoked, expired) by the completion:
    /// nothing was done to it.
    AlreadyEnded,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::Ended => "ended",
            Outcome::AlreadyEnded => "already_ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Outcome::Kept, Outcome::Ended, Outcome::AlreadyEnded]
            .into_iter()
            .find(|o| o.key() == s)
    }
}

/// One part of a review's area: an organisation, with everything below it when `subtree`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRoot {
    pub organisation: OrgId,
    pub path: OrgPath,
    pub subtree: bool,
}

/// A review to start: its area, and the audit event of its start.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub title: String,
    pub roots: Vec<ReviewRoot>,
    pub started_by: UserId,
    pub started_at: Timestamp,
    pub due_at: Timestamp,
    pub unreviewed: Unreviewed,
    /// A scheduled review starts again this many days after it started.
    pub repeat_days: Option<i64>,
    pub audit: NewAudit,
}

/// A review as its list and its page show it. The counts are of the whole review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSummary {
    pub id: ReviewId,
    pub title: String,
    pub roots: Vec<ReviewRoot>,
    pub started_by: String,
    pub started_at: Timestamp,
    pub due_at: Timestamp,
    pub unreviewed: Unreviewed,
    pub repeat_days: Option<i64>,
    pub completed_at: Option<Timestamp>,
    pub completed_by: Option<String>,
    pub total: i64,
    pub kept: i64,
    pub to_end: i64,
}

/// Which rows of a review a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ItemState {
    #[default]
    All,
    NotReviewed,
    Kept,
    ToEnd,
}

impl ItemState {
    pub const ALL: [ItemState; 4] = [
        ItemState::All,
        ItemState::NotReviewed,
        ItemState::Kept,
        ItemState::ToEnd,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ItemState::All => "all",
            ItemState::NotReviewed => "not-reviewed",
            ItemState::Kept => "kept",
            ItemState::ToEnd => "to-end",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// A page of a review's rows: those in `scope` (the reviewer's), matching the filters.
#[derive(Debug, Clone)]
pub struct ItemQuery {
    pub review: ReviewId,
    pub scope: Scope,
    pub state: ItemState,
    /// Only the rows at the organisation with this ODS code.
    pub org_code: Option<String>,
    /// Only the rows of people whose account was last used (signed in to, or made if it never
    /// was) at or before this, at the start of the review.
    pub signed_in_before: Option<Timestamp>,
    pub offset: i64,
    pub limit: i64,
    /// The clock, for whether each row's role is still active now.
    pub now: Timestamp,
}

/// One row of a review: the role as it was when the review started, and what is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub assignment: AssignmentId,
    pub user: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub org_code: String,
    pub org_name: String,
    pub role_name: String,
    /// Payment type names, comma-separated; empty: all of them.
    pub payment_types: String,
    /// Cluster names, comma-separated; empty: not restricted.
    pub clusters: String,
    pub last_signed_in: Option<Timestamp>,
    /// Its last sign-in, or when the account was made if it never signed in: what "Dormant" is
    /// measured from.
    pub last_used: Timestamp,
    /// Who approved or gave the role, where the record says.
    pub granted_by: Option<String>,
    pub granted_at: Timestamp,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub outcome: Option<Outcome>,
    /// Whether the role is still active and usable now (it may have been revoked, or have
    /// expired, since the review started).
    pub active_now: bool,
}

/// Marks on rows of an open review, by a reviewer inside whose scope they lie.
#[derive(Debug, Clone)]
pub struct ItemMarks<'a> {
    pub review: ReviewId,
    pub scope: &'a Scope,
    pub items: &'a [AssignmentId],
    /// `None` takes a mark back.
    pub decision: Option<Decision>,
    pub reason: Option<&'a str>,
    pub by: UserId,
    pub at: Timestamp,
}

/// The completion of a review, with what it needs for the events it writes.
#[derive(Debug, Clone)]
pub struct Completion<'a> {
    pub review: ReviewId,
    pub scope: &'a Scope,
    pub by: UserId,
    pub acting_as: Option<String>,
    pub at: Timestamp,
    pub origin: Option<String>,
    /// The review's own audit event ("Access review completed").
    pub audit: NewAudit,
}

/// What a completion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompletionReport {
    pub kept: i64,
    pub ended: i64,
    pub already_ended: i64,
}

/// An open review past its due date whose reviewer has not been reminded today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueReview {
    pub id: ReviewId,
    pub title: String,
    pub started_by: UserId,
    pub unreviewed: i64,
}

/// A scheduled review whose time to start again has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatDue {
    pub id: ReviewId,
    pub title: String,
    pub roots: Vec<ReviewRoot>,
    pub started_by: UserId,
    /// How many days the review ran before it was due.
    pub due_days: i64,
    pub unreviewed: Unreviewed,
    pub repeat_days: i64,
}

pub trait AccessReviews: Send + Sync {
    /// Starts a review: the review, a snapshot of every active, unended role at an organisation
    /// in its area that also lies in `scope`, and the audit event, in one transaction. The
    /// review's id and how many rows it holds.
    fn start_review(
        &self,
        r: &NewReview,
        scope: &Scope,
    ) -> impl Future<Output = StoreResult<(ReviewId, i64)>> + Send;
    /// Reviews with a part of their area in `scope`, newest first, at most `limit`. The caller
    /// keeps those whose whole area it may see.
    fn reviews(
        &self,
        scope: &Scope,
        limit: i64,
    ) -> impl Future<Output = StoreResult<Vec<ReviewSummary>>> + Send;
    fn review(
        &self,
        id: ReviewId,
    ) -> impl Future<Output = StoreResult<Option<ReviewSummary>>> + Send;
    /// A page of the rows and how many match, by last name, first name, organisation and role.
    fn review_items(
        &self,
        q: &ItemQuery,
    ) -> impl Future<Output = StoreResult<(Vec<ReviewItem>, i64)>> + Send;
    /// Marks rows of an open review, except the marker's own roles, in scope; how many changed.
    /// Nothing when the review has been completed.
    fn mark_items(&self, m: &ItemMarks<'_>) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Completes an open review in one transaction: the unreviewed rows follow its setting (the
    /// completer's own roles are kept), each row marked to end that is still active is revoked,
    /// with an audit event and a notice to its holder (and an email, when they take email),
    /// and each row records what became of it. `None` when the review was already completed:
    /// two administrators completing at once end each role once.
    fn complete_review(
        &self,
        c: &Completion<'_>,
    ) -> impl Future<Output = StoreResult<Option<CompletionReport>>> + Send;
    /// Scheduled reviews that started at least their repeat's days before `now` and have not
    /// started again.
    fn due_repeats(
        &self,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<RepeatDue>>> + Send;
    /// Takes a scheduled review's repeat for this instance: true once, whoever else asks.
    fn claim_repeat(&self, id: ReviewId) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Records the review that followed a scheduled one.
    fn set_repeated_as(
        &self,
        id: ReviewId,
        next: ReviewId,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Open reviews due at or before `now` whose starter was not reminded since `since`.
    fn overdue_reviews(
        &self,
        now: Timestamp,
        since: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<OverdueReview>>> + Send;
    /// Records a reminder of an overdue review with its notice, unless one was recorded since
    /// `since` (by another instance): false then, and nothing is written.
    fn record_review_reminder(
        &self,
        id: ReviewId,
        user: UserId,
        notice: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
