//! When a role's access may end: a rule every flow that gives a role shares (Invite, Add New
//! User, Add Organisation, approving a registration or an access request, the requester's
//! proposal, and the end-date page). An end is an instant: the start of the UK day after the
//! last day of access, which the app works out from the date typed.

use crate::values::clock::Timestamp;

const DAY: i64 = 24 * 60 * 60;

/// How far ahead an end may be set when the service sets no limit of its own, in days.
pub const MAX_DAYS: i64 = 366;

/// Why an end cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EndProblem {
    /// At or before now: the role would not start.
    #[error("the end is in the past")]
    InThePast,
    /// Further ahead than the service allows (`max_days`).
    #[error("the end is too far ahead")]
    TooFar,
    /// Later than the end the requester proposed: a reviewer may shorten a proposal, not
    /// lengthen it.
    #[error("the end is later than the one proposed")]
    AfterProposal,
}

/// A proposed end checked against the clock and the service's limit: after `now`, and at most
/// `max_days` ahead.
pub fn check(ends_at: Timestamp, now: Timestamp, max_days: i64) -> Result<(), EndProblem> {
    if ends_at.0 <= now.0 {
        return Err(EndProblem::InThePast);
    }
    if ends_at.0 > now.0 + max_days * DAY {
        return Err(EndProblem::TooFar);
    }
    Ok(())
}

/// An optional end checked as [`check`] does; no end is always allowed.
pub fn check_optional(
    ends_at: Option<Timestamp>,
    now: Timestamp,
    max_days: i64,
) -> Result<(), EndProblem> {
    ends_at.map_or(Ok(()), |e| check(e, now, max_days))
}

/// The end a reviewer gives when approving a request: theirs, checked, and no later than what
/// the requester proposed; with none of their own, the proposal (which may have passed while the
/// request waited: then it is in the past).
pub fn on_approval(
    chosen: Option<Timestamp>,
    proposed: Option<Timestamp>,
    now: Timestamp,
    max_days: i64,
) -> Result<Option<Timestamp>, EndProblem> {
    let end = chosen.or(proposed);
    if let (Some(c), Some(p)) = (chosen, proposed) {
        if c.0 > p.0 {
            return Err(EndProblem::AfterProposal);
        }
    }
    check_optional(end, now, max_days)?;
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_000_000);

    #[test]
    fn an_end_must_be_after_now_and_within_the_limit() {
        assert_eq!(check(NOW, NOW, 366), Err(EndProblem::InThePast));
        assert_eq!(
            check(Timestamp(NOW.0 - 1), NOW, 366),
            Err(EndProblem::InThePast)
        );
        assert_eq!(check(Timestamp(NOW.0 + 1), NOW, 366), Ok(()));
        assert_eq!(check(Timestamp(NOW.0 + 2 * DAY), NOW, 2), Ok(()));
        assert_eq!(
            check(Timestamp(NOW.0 + 2 * DAY + 1), NOW, 2),
            Err(EndProblem::TooFar)
        );
        assert_eq!(check_optional(None, NOW, 0), Ok(()));
    }

    #[test]
    fn a_reviewer_may_shorten_a_proposal_but_not_lengthen_it() {
        let proposed = Some(Timestamp(NOW.0 + 10 * DAY));
        let shorter = Some(Timestamp(NOW.0 + 5 * DAY));
        let longer = Some(Timestamp(NOW.0 + 11 * DAY));
        assert_eq!(on_approval(shorter, proposed, NOW, 366), Ok(shorter));
        assert_eq!(on_approval(None, proposed, NOW, 366), Ok(proposed));
        assert_eq!(
            on_approval(longer, proposed, NOW, 366),
            Err(EndProblem::AfterProposal)
        );
        assert_eq!(on_approval(longer, None, NOW, 366), Ok(longer));
        assert_eq!(on_approval(None, None, NOW, 366), Ok(None));
        // A proposal that passed while the request waited is not given silently.
        let passed = Some(Timestamp(NOW.0 - 1));
        assert_eq!(
            on_approval(None, passed, NOW, 366),
            Err(EndProblem::InThePast)
        );
    }
}
