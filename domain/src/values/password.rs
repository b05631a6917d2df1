//! Passwords: the policy for new ones, and an opaque wrapper for typed ones. Neither type is
//! `Serialize`, and `Debug` never prints the secret.
//!
//! Two policies, chosen by the operator (`GATEHOUSE_PASSWORD_POLICY`):
//! - `seeds` (the default): at least 8 characters with an upper-case letter, a lower-case letter,
//!   a digit and a special character, the rule the original service trained its users on;
//! - `nist`: at least 15 characters and no composition rules, as NIST SP 800-63B and OWASP ASVS
//!   5.0 (6.2.5) advise, since such rules push people to predictable passwords: any printable
//!   characters, a 34-character passphrase of plain words included.
//!
//! Both refuse passwords on the shipped list of common ones, and more than 128 characters.

use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_LEN: usize = 8;
/// The shortest password under the `nist` policy.
pub const NIST_MIN_LEN: usize = 15;
pub const MAX_LEN: usize = 128;

/// Which rules new passwords must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordPolicy {
    #[default]
    Seeds,
    Nist,
}

impl PasswordPolicy {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "seeds" | "" => Some(PasswordPolicy::Seeds),
            "nist" => Some(PasswordPolicy::Nist),
            _ => None,
        }
    }

    /// The rules, in the order the pages list them.
    pub fn rules(self) -> &'static [PasswordRule] {
        match self {
            PasswordPolicy::Seeds => &PasswordRule::ALL,
            PasswordPolicy::Nist => &[
                PasswordRule::AtLeast15,
                PasswordRule::AtMost128,
                PasswordRule::Printable,
                PasswordRule::NotCommon,
            ],
        }
    }
}

/// A password as typed at sign-in: any non-empty text of at most `MAX_LEN` characters.
/// The policy is not applied here, so older passwords keep working.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Enter your password")]
    Empty,
    #[error("Password must be 128 characters or fewer")]
    TooLong,
}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        if raw.is_empty() {
            return Err(PasswordError::Empty);
        }
        if raw.chars().count() > MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// One rule of the password policy. The page lists them before typing and
/// names each unmet one after a failed submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PasswordRule {
    AtLeast8,
    AtMost128,
    UpperCase,
    LowerCase,
    Digit,
    Special,
    NotCommon,
    AtLeast15,
    Printable,
}

impl PasswordRule {
    /// The rules of the default (`seeds`) policy.
    pub const ALL: [PasswordRule; 7] = [
        PasswordRule::AtLeast8,
        PasswordRule::AtMost128,
        PasswordRule::UpperCase,
        PasswordRule::LowerCase,
        PasswordRule::Digit,
        PasswordRule::Special,
        PasswordRule::NotCommon,
    ];

    /// Whether `raw` meets this rule.
    fn met_by(self, raw: &str) -> bool {
        let len = raw.chars().count();
        match self {
            PasswordRule::AtLeast8 => len >= MIN_LEN,
            PasswordRule::AtLeast15 => len >= NIST_MIN_LEN,
            PasswordRule::AtMost128 => len <= MAX_LEN,
            PasswordRule::UpperCase => raw.chars().any(|c| c.is_uppercase()),
            PasswordRule::LowerCase => raw.chars().any(|c| c.is_lowercase()),
            PasswordRule::Digit => raw.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Special => raw
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
            PasswordRule::Printable => !raw.chars().any(char::is_control),
            PasswordRule::NotCommon => !is_common(raw),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PasswordRule::AtLeast8 => "at least 8 characters",
            PasswordRule::AtMost128 => "no more than 128 characters",
            PasswordRule::UpperCase => "an upper case letter (A-Z)",
            PasswordRule::LowerCase => "a lower case letter (a-z)",
            PasswordRule::Digit => "a number (0-9)",
            PasswordRule::Special => "a special character (for example ! @ # $ % ^ & *)",
            PasswordRule::NotCommon => "not a commonly used password",
            PasswordRule::AtLeast15 => {
                "at least 15 characters (any letters, numbers, spaces or symbols)"
            }
            PasswordRule::Printable => {
                "no control characters (any other letters, spaces and symbols are fine)"
            }
        }
    }
}

/// A password that meets the policy, ready to be hashed.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Under the default (`seeds`) policy. Every unmet rule is returned, so the user can fix them
    /// all at once.
    pub fn parse(raw: &str) -> Result<Self, Vec<PasswordRule>> {
        Self::parse_under(raw, PasswordPolicy::Seeds)
    }

    /// Under the operator's policy; every unmet rule is returned.
    pub fn parse_under(raw: &str, policy: PasswordPolicy) -> Result<Self, Vec<PasswordRule>> {
        let unmet: Vec<PasswordRule> = policy
            .rules()
            .iter()
            .copied()
            .filter(|r| !r.met_by(raw))
            .collect();
        if unmet.is_empty() {
            Ok(Self(raw.to_owned()))
        } else {
            Err(unmet)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The shipped list of common passwords, compared case-insensitively, whole and without the
/// digits and symbols at its ends.
fn is_common(raw: &str) -> bool {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    });
    let lower = raw.to_lowercase();
    // "Summer2024!" is "summer" with a year and a symbol: the usual way round the rules.
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    list.contains(&lower) || (core.chars().count() >= 4 && list.contains(core))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_meeting_every_rule_is_accepted() {
        assert!(NewPassword::parse("Kettle-Harbour-7").is_ok());
    }

    #[test]
    fn each_unmet_rule_is_named() {
        assert_eq!(
            NewPassword::parse("abc").err(),
            Some(vec![
                PasswordRule::AtLeast8,
                PasswordRule::UpperCase,
                PasswordRule::Digit,
                PasswordRule::Special
            ])
        );
        assert_eq!(
            NewPassword::parse("ABCDEFG1!").err(),
            Some(vec![PasswordRule::LowerCase])
        );
        assert_eq!(
            NewPassword::parse("Abcdefgh1").err(),
            Some(vec![PasswordRule::Special])
        );
    }

    #[test]
    fn over_long_passwords_are_refused() {
        let long = format!("Aa1!{}", "x".repeat(125));
        assert_eq!(
            NewPassword::parse(&long).err(),
            Some(vec![PasswordRule::AtMost128])
        );
        assert_eq!(Password::parse(&long).err(), Some(PasswordError::TooLong));
    }

    #[test]
    fn a_common_word_dressed_up_with_digits_and_symbols_is_still_common() {
        for p in ["Dragon2024!", "Sunshine#1", "2024!Football", "Qwerty123!"] {
            assert_eq!(
                NewPassword::parse(p).err(),
                Some(vec![PasswordRule::NotCommon]),
                "{p}"
            );
        }
        assert!(NewPassword::parse("Kettle-Harbour-7").is_ok());
    }

    #[test]
    fn the_shipped_list_has_at_least_ten_thousand_passwords() {
        let n = include_str!("common_passwords.txt")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert!(n >= 10_000, "{n}");
        assert!(is_common("iloveyou") && is_common("TRUSTNO1"));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(
            NewPassword::parse("Password1!").err(),
            Some(vec![PasswordRule::NotCommon])
        );
        assert_eq!(
            NewPassword::parse("pASSWORD1!").err(),
            Some(vec![PasswordRule::NotCommon])
        );
    }

    #[test]
    fn the_nist_policy_takes_a_long_passphrase_that_the_seeds_policy_refuses() {
        let passphrase = "correct horse battery staple lamp"; // 33 characters, no digit or capital
        assert!(NewPassword::parse(passphrase).is_err());
        assert!(NewPassword::parse_under(passphrase, PasswordPolicy::Nist).is_ok());
        assert!(
            NewPassword::parse_under("Zoë-ŁÓDŹ ünïcode passphrase ✓", PasswordPolicy::Nist).is_ok()
        );
    }

    #[test]
    fn the_nist_policy_asks_for_fifteen_characters_and_keeps_the_blocklist() {
        assert_eq!(
            NewPassword::parse_under("Kettle-Harb0ur", PasswordPolicy::Nist).err(),
            Some(vec![PasswordRule::AtLeast15]),
            "14 characters, whatever their kinds"
        );
        assert!(NewPassword::parse_under("kettleharbourxy", PasswordPolicy::Nist).is_ok());
        assert!(
            NewPassword::parse_under("Password1234567!", PasswordPolicy::Nist)
                .err()
                .is_some_and(|u| u.contains(&PasswordRule::NotCommon))
        );
        assert_eq!(
            NewPassword::parse_under("kettle\u{7}harbour-long", PasswordPolicy::Nist).err(),
            Some(vec![PasswordRule::Printable])
        );
        assert_eq!(
            NewPassword::parse_under(&"x".repeat(129), PasswordPolicy::Nist).err(),
            Some(vec![PasswordRule::AtMost128])
        );
    }

    #[test]
    fn policies_are_named_seeds_and_nist() {
        assert_eq!(PasswordPolicy::parse("NIST"), Some(PasswordPolicy::Nist));
        assert_eq!(PasswordPolicy::parse("seeds"), Some(PasswordPolicy::Seeds));
        assert_eq!(PasswordPolicy::parse("strong"), None);
        assert_eq!(PasswordPolicy::default().rules(), &PasswordRule::ALL);
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let p = Password::parse("Secret-123").expect("valid");
        assert!(!format!("{p:?}").contains("Secret"));
        let n = NewPassword::parse("Kettle-Harbour-7").expect("valid");
        assert!(!format!("{n:?}").contains("Kettle"));
    }
}
