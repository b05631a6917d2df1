//! How a problem travels: as numbers, `[problem, field, rule]`, not as names. The islands read
//! the problems a server function sends back, so the WebAssembly carries this decoding. Decoding
//! the variants' names was its largest part: numbers took the WebAssembly from 338 to 313 KB
//! (109 to 106 KB with brotli).
//!
//! A problem's number is its place in the one list that [`problems!`] declares, so the enum, its
//! field and its number cannot drift apart. Numbers never leave Gatehouse for long: a draft's
//! problems live for seconds, and a server function's answer is read by the page that asked.

use serde::{Deserialize, Serialize};

use super::{Field, Problem};

/// Declares `Problem` from the list of its variants, each pointing at one field, and adds
/// `PasswordRule`, which names the rule as well; with each problem's field and number.
macro_rules! problems {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// What is wrong with one field, as a code with a fixed message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(into = "wire::Coded", try_from = "wire::Coded")]
        pub enum Problem {
            $($(#[$doc])* $name(Field),)*
            /// A new password breaks one of the password policy's rules.
            PasswordRule(Field, domain::PasswordRule),
        }

        /// Each problem's number: its place in the list.
        #[derive(Clone, Copy)]
        enum Code {
            $($name,)*
            PasswordRule,
        }

        impl Problem {
            /// The field the problem points at.
            pub fn field(self) -> Field {
                match self {
                    $(Problem::$name(f))|* | Problem::PasswordRule(f, _) => f,
                }
            }

            fn code(self) -> u8 {
                let code = match self {
                    $(Problem::$name(_) => Code::$name,)*
                    Problem::PasswordRule(..) => Code::PasswordRule,
                };
                code as u8
            }

            /// The problem numbered `code` at `field`; `None` for a number not in the list, and
            /// for a rule given to any problem but `PasswordRule` or missing from it.
            fn decode(code: u8, field: Field, rule: Option<domain::PasswordRule>) -> Option<Self> {
                match rule {
                    Some(rule) => {
                        (code == Code::PasswordRule as u8).then_some(Problem::PasswordRule(field, rule))
                    }
                    None => {
                        $(if code == Code::$name as u8 {
                            return Some(Problem::$name(field));
                        })*
                        None
                    }
                }
            }

            /// How many problems there are (their numbers are 0 to this less one).
            #[cfg(test)]
            pub(super) const COUNT: u8 = Code::PasswordRule as u8 + 1;
        }
    };
}

/// A problem as it travels.
#[derive(Serialize, Deserialize)]
pub(super) struct Coded(u8, Field, Option<domain::PasswordRule>);

impl From<Problem> for Coded {
    fn from(p: Problem) -> Self {
        let rule = match p {
            Problem::PasswordRule(_, rule) => Some(rule),
            _ => None,
        };
        Coded(p.code(), p.field(), rule)
    }
}

impl TryFrom<Coded> for Problem {
    type Error = &'static str;

    fn try_from(Coded(code, field, rule): Coded) -> Result<Self, Self::Error> {
        Problem::decode(code, field, rule).ok_or("not a problem of Gatehouse")
    }
}
