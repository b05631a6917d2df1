use serde::{Deserialize, Serialize};

/// A first or last name: trimmed, 1 to 100 characters, no control characters and no invisible
/// ones (zero-width spaces and joiners, direction overrides), which can make one name look like
/// another or turn the text around it backwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

pub const MAX_NAME_LEN: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    #[error("Enter a name")]
    Empty,
    #[error("Name must be 100 characters or fewer")]
    TooLong,
    #[error("Name must not contain control or invisible characters (such as zero-width spaces or text-direction controls)")]
    ControlCharacters,
}

/// Characters that show nothing but change how text around them reads: the soft hyphen,
/// zero-width spaces and joiners, line and paragraph separators, the word joiner and its kin,
/// the Hangul filler, variation selectors, the byte-order mark, tag characters, and every
/// direction mark, embedding, override and isolate. (The zero-width joiner and non-joiner
/// belong to some scripts' spelling, Persian among them; the rule is the same for everyone, and
/// the message says what is refused.)
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, PersonNameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if trimmed.chars().count() > MAX_NAME_LEN {
            return Err(PersonNameError::TooLong);
        }
        if trimmed.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(PersonNameError::ControlCharacters);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_keep_their_case_and_accents() {
        assert_eq!(
            PersonName::parse("  Zoë O'Brien ").expect("valid").as_str(),
            "Zoë O'Brien"
        );
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert_eq!(PersonName::parse(" "), Err(PersonNameError::Empty));
        assert_eq!(
            PersonName::parse(&"a".repeat(101)),
            Err(PersonNameError::TooLong)
        );
        assert!(PersonName::parse(&"a".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("Jo\u{0}hn"),
            Err(PersonNameError::ControlCharacters)
        );
    }

    #[test]
    fn direction_overrides_and_zero_width_characters_are_refused() {
        for name in [
            "Ann\u{202E}rehcrA",
            "A\u{200B}nn",
            "\u{2066}Ann\u{2069}",
            "Ann\u{FEFF}",
            "Ann\u{200D}",
        ] {
            assert_eq!(
                PersonName::parse(name),
                Err(PersonNameError::ControlCharacters),
                "{name:?}"
            );
        }
        assert!(PersonName::parse("Siân Ní Bhriain-Łukasz").is_ok());
    }
}
