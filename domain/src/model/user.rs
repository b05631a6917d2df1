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
