use serde::{Deserialize, Serialize};

/// An email address as Gatehouse keeps it: trimmed, lower-case, structurally plausible.
/// It is also the user name, so it must compare case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter your email address")]
    Empty,
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
    #[error("Enter an email address in the correct format, like name@example.nhs.uk")]
    Malformed,
}

pub const MAX_EMAIL_LEN: usize = 254;

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        let (local, domain) = lower.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(lower))
        } else {
            Err(EmailError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let e = EmailAddress::parse("  Jane.Smith@NHS.net ").expect("valid");
        assert_eq!(e.as_str(), "jane.smith@nhs.net");
        assert_eq!(e.local_part(), "jane.smith");
    }

    #[test]
    fn an_empty_address_is_refused_as_empty() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn addresses_without_an_at_or_a_dotted_domain_are_malformed() {
        for bad in [
            "jane",
            "jane@",
            "@nhs.net",
            "jane@nhs",
            "jane@@nhs.net",
            "ja ne@nhs.net",
            "jane@nhs..net",
            ".jane@nhs.net",
            "jane@-nhs.net",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_over_long_address_is_refused() {
        let long = format!("{}@nhs.net", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn html_and_sql_metacharacters_are_malformed() {
        assert_eq!(
            EmailAddress::parse("<script>@x.com"),
            Err(EmailError::Malformed)
        );
        assert_eq!(
            EmailAddress::parse("a@x.com' or 1=1--"),
            Err(EmailError::Malformed)
        );
    }
}
