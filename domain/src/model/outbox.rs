//! The email outbox: every email is a row written in the transaction of the change that
//! causes it; a worker claims due rows, sends them, and marks them sent or retries with back-off.

use serde::{Deserialize, Serialize};

use crate::values::clock::Timestamp;
use crate::values::email::EmailAddress;

/// An email to be written to the outbox with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub to: EmailAddress,
    pub subject: String,
    pub body: String,
}

/// One outbox row, as the worker and the operator's page see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
    pub attempts: i64,
    pub sent_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// Text that a person typed (a name, a reason), as an email shows it: in quotation marks when it
/// looks like a link or an address, so that nobody reads it as one the service sent. Mail
/// clients turn such text into links; the quotes at least set it apart as what someone typed.
pub fn quoted(text: &str) -> String {
    if looks_like_link(text) {
        format!("\u{201c}{text}\u{201d}")
    } else {
        text.to_owned()
    }
}

/// Whether text could be taken for a web or email address: a scheme, `www.`, an `@`, or a word
/// with a dot between letters (`example.com`).
fn looks_like_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || lower.contains('@') {
        return true;
    }
    lower.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        let mut parts = word.split('.');
        let first = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        !first.is_empty()
            && !rest.is_empty()
            && rest
                .iter()
                .all(|p| p.len() >= 2 && p.chars().any(|c| c.is_alphabetic()))
    })
}

/// How long a claimed row stays claimed: long enough for one SMTP conversation, short enough
/// that a crashed worker's rows are picked up again soon.
pub const CLAIM_LEASE_SECONDS: i64 = 120;

/// Seconds to wait before the next attempt after `attempts` failures: 30 s doubling, at most an
/// hour, so an SMTP outage of a day costs a few dozen attempts per email.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 8) - 1;
    (30_i64 << exp).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_looks_like_a_link_is_quoted_and_plain_names_are_not() {
        for link in [
            "https://evil.example/reset",
            "www.evil.example",
            "evil.com",
            "Click evil.co.uk now",
            "someone@evil.example",
        ] {
            assert!(looks_like_link(link), "{link}");
            assert_eq!(quoted(link), format!("\u{201c}{link}\u{201d}"));
        }
        for name in [
            "Ann",
            "O'Brien-Smith",
            "St. John",
            "J. R. Hartley",
            "Reason: left 3.5 weeks ago",
        ] {
            assert!(!looks_like_link(name), "{name}");
            assert_eq!(quoted(name), name);
        }
    }

    #[test]
    fn back_off_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(8), 3600);
        assert_eq!(backoff_seconds(50), 3600);
        assert_eq!(backoff_seconds(0), 30);
    }
}
