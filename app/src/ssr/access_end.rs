//! "Access ends on" as the forms send it: the NHS.UK date input's day, month and year, which
//! every form that gives a role shares. The last day typed becomes the instant access ends: the
//! start of the next UK day, so the role works through the whole of the day typed.

use domain::rules::access_end::EndProblem;
use domain::values::clock::Timestamp;

use crate::error::{Field, Problem};

/// What was typed, joined (for the form to show again), and the end it means: `None` when the
/// three boxes are empty, a problem at the field when they do not make a real date.
pub struct Typed {
    pub echo: (Field, String),
    pub end: Result<Option<Timestamp>, Problem>,
}

pub fn typed(day: &str, month: &str, year: &str) -> Typed {
    let joined = crate::dates::join(day, month, year);
    let end = if joined.is_empty() {
        Ok(None)
    } else {
        crate::ssr::uk_time::day_bounds(&joined)
            .map(|(_, next_day)| Some(next_day))
            .ok_or(Problem::DateInvalid(Field::AccessEnds))
    };
    Typed {
        echo: (Field::AccessEnds, joined),
        end,
    }
}

/// The problem at the "Access ends on" field for a date the domain refused.
pub fn problem(p: EndProblem) -> Problem {
    match p {
        EndProblem::InThePast => Problem::AccessEndInThePast(Field::AccessEnds),
        EndProblem::TooFar => Problem::AccessEndTooFar(Field::AccessEnds),
        EndProblem::AfterProposal => Problem::AccessEndAfterProposal(Field::AccessEnds),
    }
}
