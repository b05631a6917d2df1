//! The email outbox (SPEC §5): every email is a row written in the transaction of the change that
//! causes it; a worker claims due rows, sends them, and marks them sent or retries with back-off.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::email::EmailAddress;

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
    fn back_off_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(8), 3600);
        assert_eq!(backoff_seconds(50), 3600);
        assert_eq!(backoff_seconds(0), 30);
    }
}
