//! Authenticator-app codes (RFC 6238 with the settings every app understands: SHA-1, 6 digits,
//! 30-second steps) and recovery codes. A code is accepted in its own step or one step either
//! side (a phone's clock a little out), and only in a step later than the last one accepted for
//! the same person, so a code seen over a shoulder cannot be used again.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::values::clock::{Timestamp, TokenSource};

/// Seconds in one time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// How many recovery codes a person is given at once.
pub const RECOVERY_CODES: usize = 10;
/// The issuer apps show beside the account.
pub const ISSUER: &str = "Gatehouse";

/// An authenticator app's shared secret, as base32 text (what people type into an app that
/// cannot scan, and what storage keeps).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// 160 random bits, the size RFC 4226 recommends.
    pub fn generate(source: &dyn TokenSource) -> Self {
        let bytes = source.random_bytes();
        Self(Secret::Raw(bytes[..20].to_vec()).to_encoded().to_string())
    }

    /// A secret as storage (or a test) gives it back; `None` when it is not base32 of at least
    /// 128 bits.
    pub fn from_stored(text: &str) -> Option<Self> {
        let bytes = Secret::Encoded(text.to_owned()).to_bytes().ok()?;
        (bytes.len() >= 16).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The secret in groups of four, as it is easiest to type.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self) -> Option<TOTP> {
        let bytes = Secret::Encoded(self.0.clone()).to_bytes().ok()?;
        TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS as u64, bytes).ok()
    }

    /// The code of the step `step` (for tests and the demo's help).
    pub fn code_at_step(&self, step: i64) -> Option<String> {
        let t = u64::try_from(step.checked_mul(STEP_SECONDS)?).ok()?;
        Some(self.totp()?.generate(t))
    }

    /// The `otpauth://` address a QR code carries for `account` (the email address).
    pub fn provisioning_uri(&self, account: &str) -> String {
        let label = format!("{ISSUER}:{account}");
        format!(
            "otpauth://totp/{}?secret={}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            percent(&label),
            self.0
        )
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for the QR code's label.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The time step `now` falls in.
pub fn step_of(now: Timestamp) -> i64 {
    now.0.div_euclid(STEP_SECONDS)
}

/// What a typed code is, once spaces are taken out: six digits, or nothing we accept.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// The step whose code `typed` is, when it is the code of the step of `now` or of one step
/// either side, and that step is later than `last_step` (the last one accepted). Otherwise
/// `None`: a wrong code, a code too old or too new, and a code used already look the same.
pub fn accepted_step(
    secret: &TotpSecret,
    typed: &str,
    now: Timestamp,
    last_step: i64,
) -> Option<i64> {
    let code = normalise_code(typed)?;
    let here = step_of(now);
    let mut found = None;
    // Every candidate is computed and compared in full, whichever matches, so the time taken
    // says nothing of which step it was.
    for step in [here - 1, here, here + 1] {
        let expected = secret.code_at_step(step)?;
        if same(expected.as_bytes(), code.as_bytes()) && step > last_step && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Compares in time that does not depend on where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
const RECOVERY_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Ten recovery codes of ten characters (49 bits each), as shown once: `ABCDE-FGHJK`. Bytes
/// at or above the largest multiple of the alphabet's size are skipped, so every character is
/// equally likely.
pub fn new_recovery_codes(source: &dyn TokenSource) -> Vec<String> {
    let n = RECOVERY_ALPHABET.len();
    let limit = 256 - 256 % n;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut chars = String::with_capacity(10);
            while chars.len() < 10 {
                for b in source.random_bytes() {
                    if usize::from(b) < limit && chars.len() < 10 {
                        chars.push(RECOVERY_ALPHABET[usize::from(b) % n] as char);
                    }
                }
            }
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// What storage keeps of a recovery code: the SHA-256 of it without spaces or dashes, in
/// capitals, so that "abcde fghjk" is the same code as "ABCDE-FGHJK".
pub fn recovery_code_hash(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() != 10 || !code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        return None;
    }
    Some(
        Sha256::digest(code.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's own SHA-1 test secret ("12345678901234567890"), whose codes the RFC lists.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_stored(
            &Secret::Raw(b"12345678901234567890".to_vec())
                .to_encoded()
                .to_string(),
        )
        .expect("secret")
    }

    #[test]
    fn codes_are_those_of_rfc_6238() {
        // RFC 6238, appendix B: at 59 s the 8-digit code is 94287082; at 1111111109 s, 07081804.
        let s = rfc_secret();
        assert_eq!(s.code_at_step(59 / 30).as_deref(), Some("287082"));
        assert_eq!(
            s.code_at_step(1_111_111_109 / 30).as_deref(),
            Some("081804")
        );
    }

    #[test]
    fn a_code_is_accepted_in_its_step_and_one_either_side_only() {
        let s = rfc_secret();
        let step = 1_000_000;
        let code = s.code_at_step(step).expect("code");
        let at = |st: i64| Timestamp(st * STEP_SECONDS + 7);
        assert_eq!(accepted_step(&s, &code, at(step), 0), Some(step));
        assert_eq!(accepted_step(&s, &code, at(step - 1), 0), Some(step));
        assert_eq!(accepted_step(&s, &code, at(step + 1), 0), Some(step));
        assert_eq!(accepted_step(&s, &code, at(step + 2), 0), None, "too old");
        assert_eq!(accepted_step(&s, &code, at(step - 2), 0), None, "too new");
        assert_eq!(
            accepted_step(&s, "000000", at(step), 0).is_some(),
            code == "000000"
        );
    }

    #[test]
    fn a_code_is_never_accepted_twice_nor_an_earlier_one_after_a_later() {
        let s = rfc_secret();
        let step = 2_000_000;
        let now = Timestamp(step * STEP_SECONDS);
        let code = s.code_at_step(step).expect("code");
        let used = accepted_step(&s, &code, now, 0).expect("first use");
        assert_eq!(accepted_step(&s, &code, now, used), None, "replay");
        let earlier = s.code_at_step(step - 1).expect("code");
        assert_eq!(
            accepted_step(&s, &earlier, now, used),
            None,
            "an older code after a newer"
        );
        let later = s.code_at_step(step + 1).expect("code");
        assert_eq!(accepted_step(&s, &later, now, used), Some(step + 1));
    }

    #[test]
    fn typed_codes_may_have_spaces_but_nothing_else() {
        assert_eq!(normalise_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise_code("12345"), None);
        assert_eq!(normalise_code("12345a"), None);
        assert_eq!(normalise_code("1234567"), None);
    }

    struct Counting(std::sync::atomic::AtomicU8);
    impl TokenSource for Counting {
        fn random_bytes(&self) -> [u8; 32] {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut b = [0u8; 32];
            for (i, x) in b.iter_mut().enumerate() {
                *x = n.wrapping_mul(13).wrapping_add(i as u8 * 7);
            }
            b
        }
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_match_however_typed() {
        let codes = new_recovery_codes(&Counting(Default::default()));
        assert_eq!(codes.len(), 10);
        let hashes: std::collections::HashSet<_> =
            codes.iter().map(|c| recovery_code_hash(c)).collect();
        assert_eq!(hashes.len(), 10);
        assert!(!hashes.contains(&None));
        let c = &codes[0];
        assert_eq!(
            recovery_code_hash(&c.to_lowercase().replace('-', " ")),
            recovery_code_hash(c)
        );
        assert_eq!(
            recovery_code_hash("ABCDE-FGHJ0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(recovery_code_hash("ABCDE"), None);
    }

    #[test]
    fn secrets_are_base32_of_160_bits_and_their_address_names_the_issuer() {
        let s = TotpSecret::generate(&Counting(Default::default()));
        assert_eq!(s.as_str().len(), 32);
        assert!(TotpSecret::from_stored(s.as_str()).is_some());
        assert!(TotpSecret::from_stored("not base32!").is_none());
        assert!(TotpSecret::from_stored("AAAA").is_none(), "too short");
        let uri = s.provisioning_uri("sam@example.nhs.uk");
        assert!(uri.starts_with("otpauth://totp/Gatehouse%3Asam%40example.nhs.uk?secret="));
        assert!(uri.contains("&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30"));
        assert_eq!(s.grouped().split(' ').count(), 8);
    }
}
