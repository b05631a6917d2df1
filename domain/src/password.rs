//! Passwords: the policy of SPEC §6 for new ones, and an opaque wrapper for typed ones.
//! Neither type is `Serialize`, and `Debug` never prints the secret.

use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

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

/// One rule of the password policy (seed 004 §6, SPEC §6). The page lists them before typing and
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
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 7] = [
        PasswordRule::AtLeast8,
        PasswordRule::AtMost128,
        PasswordRule::UpperCase,
        PasswordRule::LowerCase,
        PasswordRule::Digit,
        PasswordRule::Special,
        PasswordRule::NotCommon,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            PasswordRule::AtLeast8 => "at least 8 characters",
            PasswordRule::AtMost128 => "no more than 128 characters",
            PasswordRule::UpperCase => "an upper case letter (A-Z)",
            PasswordRule::LowerCase => "a lower case letter (a-z)",
            PasswordRule::Digit => "a number (0-9)",
            PasswordRule::Special => "a special character (for example ! @ # $ % ^ & *)",
            PasswordRule::NotCommon => "not a commonly used password",
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
    /// Every unmet rule is returned, so the user can fix them all at once.
    pub fn parse(raw: &str) -> Result<Self, Vec<PasswordRule>> {
        let len = raw.chars().count();
        let mut unmet = Vec::new();
        if len < MIN_LEN {
            unmet.push(PasswordRule::AtLeast8);
        }
        if len > MAX_LEN {
            unmet.push(PasswordRule::AtMost128);
        }
        if !raw.chars().any(|c| c.is_uppercase()) {
            unmet.push(PasswordRule::UpperCase);
        }
        if !raw.chars().any(|c| c.is_lowercase()) {
            unmet.push(PasswordRule::LowerCase);
        }
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            unmet.push(PasswordRule::Digit);
        }
        if !raw
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
        {
            unmet.push(PasswordRule::Special);
        }
        if is_common(raw) {
            unmet.push(PasswordRule::NotCommon);
        }
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
    fn debug_never_prints_the_secret() {
        let p = Password::parse("Secret-123").expect("valid");
        assert!(!format!("{p:?}").contains("Secret"));
        let n = NewPassword::parse("Kettle-Harbour-7").expect("valid");
        assert!(!format!("{n:?}").contains("Kettle"));
    }
}
