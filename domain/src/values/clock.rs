//! Time and randomness come from outside, so expiry and lock-out are tested without sleeping.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The UTC date and time, ISO 8601: `2026-11-23T14:05:09Z`.
    pub fn iso_utc(self) -> String {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    /// Midnight UTC at the start of a `YYYY-MM-DD` date; `None` unless it is a real date.
    pub fn from_iso_date(s: &str) -> Option<Self> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d < 1 {
            return None;
        }
        let days = days_from_civil(y, m, d);
        // Reject 31 April and the like: the day must survive the round trip.
        (civil_from_days(days) == (y, m, d)).then_some(Timestamp(days * 86_400))
    }

    pub fn plus_seconds(self, s: i64) -> Self {
        Timestamp(self.0.saturating_add(s))
    }
}

/// Howard Hinnant's civil_from_days: (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Its inverse, days_from_civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub trait TokenSource: Send + Sync {
    /// 256 bits from a cryptographically secure generator.
    fn random_bytes(&self) -> [u8; 32];
}

/// A bearer token as handed to the browser (cookie) or put in a link. Never stored: only its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

impl SecretToken {
    pub fn generate(source: &dyn TokenSource) -> Self {
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(source.random_bytes()))
    }

    /// A token as it came back from a browser; anything that is not one of ours simply won't match.
    pub fn from_presented(s: &str) -> Option<Self> {
        let ok = s.len() == 43
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        ok.then(|| Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(hex(&Sha256::digest(self.0.as_bytes())))
    }
}

/// SHA-256 of a token, hex: what storage keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    pub struct CountingTokens(pub AtomicU8);

    impl TokenSource for CountingTokens {
        fn random_bytes(&self) -> [u8; 32] {
            [self.0.fetch_add(1, Ordering::SeqCst); 32]
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::Timestamp;

    #[test]
    fn iso_dates_round_trip_and_impossible_ones_are_refused() {
        let t = Timestamp::from_iso_date("2026-11-23").expect("a real date");
        assert_eq!(t, Timestamp(1_795_392_000));
        assert_eq!(t.plus_seconds(3_723).iso_utc(), "2026-11-23T01:02:03Z");
        assert_eq!(
            Timestamp::from_iso_date("2000-02-29").map(|t| t.iso_utc()),
            Some("2000-02-29T00:00:00Z".into())
        );
        for bad in [
            "2026-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "26-11-23",
            "2026/11/23",
            "",
        ] {
            assert_eq!(Timestamp::from_iso_date(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::CountingTokens;
    use super::*;
    use std::sync::atomic::AtomicU8;

    #[test]
    fn a_token_is_43_url_safe_characters_and_round_trips() {
        let t = SecretToken::generate(&CountingTokens(AtomicU8::new(7)));
        assert_eq!(t.expose().len(), 43);
        assert_eq!(SecretToken::from_presented(t.expose()), Some(t.clone()));
        assert_eq!(t.hash().as_str().len(), 64);
    }

    #[test]
    fn different_tokens_have_different_hashes_and_hashes_are_not_the_token() {
        let src = CountingTokens(AtomicU8::new(0));
        let a = SecretToken::generate(&src);
        let b = SecretToken::generate(&src);
        assert_ne!(a.hash(), b.hash());
        assert_ne!(a.hash().as_str(), a.expose());
    }

    #[test]
    fn presented_garbage_is_not_a_token() {
        assert_eq!(SecretToken::from_presented("abc"), None);
        assert_eq!(SecretToken::from_presented(&"'".repeat(43)), None);
    }
}
