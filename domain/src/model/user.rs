use serde::{Deserialize, Serialize};

use crate::values::email::EmailAddress;
use crate::values::password::{NewPassword, Password};
use crate::values::person_name::PersonName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountStatus {
    /// Registered or invited, no password set yet.
    Pending,
    Active,
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Pending => "pending",
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// Whether an account counts as dormant at `now`: an active account with no session started
    /// for `days` days (counted from when it was added, if it never signed in). Accounts waiting
    /// for their password, or disabled, are not: they say so already.
    pub fn dormant(
        self,
        added: crate::Timestamp,
        last_signed_in: Option<crate::Timestamp>,
        now: crate::Timestamp,
        days: i64,
    ) -> bool {
        let since = last_signed_in.unwrap_or(added);
        self == AccountStatus::Active && now.0 - since.0 >= days * 24 * 60 * 60
    }

    /// The words lists and downloads use.
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Pending => "Not yet activated",
            AccountStatus::Active => "Active",
            AccountStatus::Disabled => "Disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(AccountStatus::Pending),
            "active" => Some(AccountStatus::Active),
            "disabled" => Some(AccountStatus::Disabled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub status: AccountStatus,
}

/// An argon2 PHC string. Never serialised, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_phc(s: String) -> Self {
        Self(s)
    }

    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: UserId,
    pub status: AccountStatus,
    pub password_hash: Option<PasswordHash>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: EmailAddress,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub status: AccountStatus,
    pub password_hash: Option<PasswordHash>,
    pub created_at: crate::values::clock::Timestamp,
}

/// A future that a password hasher returns (boxed, so that the hasher can sit behind `dyn`).
pub type Hashing<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Password hashing is slow on purpose; the server runs it off the async executor.
pub trait PasswordHasher: Send + Sync {
    fn hash<'a>(
        &'a self,
        password: &'a NewPassword,
    ) -> Hashing<'a, Result<PasswordHash, HashError>>;
    /// With no hash (unknown account) it checks against a dummy so that the answer takes as long.
    fn verify<'a>(
        &'a self,
        hash: Option<&'a PasswordHash>,
        password: &'a Password,
    ) -> Hashing<'a, bool>;
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    const DAY: i64 = 86_400;

    #[test]
    fn an_active_account_is_dormant_after_its_days_without_a_session() {
        let added = Timestamp(0);
        let now = Timestamp(100 * DAY);
        let active = AccountStatus::Active;
        // Signed in 90 days ago exactly: dormant; a second later than that: not yet.
        assert!(active.dormant(added, Some(Timestamp(10 * DAY)), now, 90));
        assert!(!active.dormant(added, Some(Timestamp(10 * DAY + 1)), now, 90));
        // Never signed in: counted from when it was added.
        assert!(active.dormant(added, None, now, 90));
        assert!(!active.dormant(Timestamp(20 * DAY), None, now, 90));
        // Waiting for a password, or disabled: never "Dormant".
        assert!(!AccountStatus::Pending.dormant(added, None, now, 90));
        assert!(!AccountStatus::Disabled.dormant(added, None, now, 90));
    }
}
