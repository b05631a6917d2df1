use serde::{Deserialize, Serialize};

/// An Organisation Data Service code (e.g. `A81001`, `16C`, `QHM`, `Y63`). Unique across the
/// tree and case-insensitive, so it is kept upper-case. Whether a code exists is a question for
/// the loaded data, not for its shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OdsCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OdsCodeError {
    #[error("Enter an ODS code")]
    Empty,
    #[error("ODS code must be 3 to 12 letters and numbers")]
    Malformed,
}

impl OdsCode {
    pub fn parse(raw: &str) -> Result<Self, OdsCodeError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(OdsCodeError::Empty);
        }
        let ok =
            (3..=12).contains(&trimmed.len()) && trimmed.chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(trimmed.to_ascii_uppercase()))
        } else {
            Err(OdsCodeError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OdsCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_case_insensitively() {
        assert_eq!(OdsCode::parse("ccg04"), OdsCode::parse("CCG04"));
        assert_eq!(
            OdsCode::parse(" a81001 ").expect("valid").as_str(),
            "A81001"
        );
    }

    #[test]
    fn short_long_and_punctuated_codes_are_refused() {
        assert_eq!(OdsCode::parse(""), Err(OdsCodeError::Empty));
        for bad in ["AB", "A81-001", "A81 001", "ABCDEFGHIJKLM", "Q'1"] {
            assert_eq!(OdsCode::parse(bad), Err(OdsCodeError::Malformed), "{bad}");
        }
    }
}
