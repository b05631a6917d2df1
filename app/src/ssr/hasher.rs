//! argon2id (m = 19 MiB, t = 2, p = 1) on tokio's blocking pool, with a semaphore so that
//! a burst of sign-ins cannot queue unbounded memory-hard work.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use domain::model::user::PasswordHash;
use domain::model::user::{HashError, Hashing, PasswordHasher};
use domain::values::password::{NewPassword, Password};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Argon2Hasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, checked when the account does not exist, so that an
    /// unknown email takes as long as a wrong password.
    dummy: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

fn verify_blocking(phc: &str, password: &str) -> bool {
    match argon2::PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl Argon2Hasher {
    /// `concurrency` hashes at most at once (the number of cores is a good value).
    pub fn new(concurrency: usize) -> Result<Self, HashError> {
        let dummy = hash_blocking("gatehouse-dummy-password-never-matches")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::new(dummy),
        })
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let _permit = self.permits.acquire().await.ok()?;
        tokio::task::spawn_blocking(f).await.ok()
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash<'a>(
        &'a self,
        password: &'a NewPassword,
    ) -> Hashing<'a, Result<PasswordHash, HashError>> {
        let p = password.expose().to_owned();
        Box::pin(async move {
            self.run(move || hash_blocking(&p))
                .await
                .unwrap_or_else(|| Err(HashError("hashing task failed".into())))
                .map(PasswordHash::from_phc)
        })
    }

    fn verify<'a>(
        &'a self,
        hash: Option<&'a PasswordHash>,
        password: &'a Password,
    ) -> Hashing<'a, bool> {
        let (phc, real) = match hash {
            Some(h) => (h.as_phc().to_owned(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let p = password.expose().to_owned();
        Box::pin(async move {
            let ok = self
                .run(move || verify_blocking(&phc, &p))
                .await
                .unwrap_or(false);
            ok && real
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = Argon2Hasher::new(2).expect("hasher");
        let pw = NewPassword::parse("Kettle-Harbour-7").expect("valid");
        let hash = h.hash(&pw).await.expect("hash");
        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            h.verify(
                Some(&hash),
                &Password::parse("Kettle-Harbour-7").expect("p")
            )
            .await
        );
        assert!(
            !h.verify(
                Some(&hash),
                &Password::parse("Kettle-Harbour-8").expect("p")
            )
            .await
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies_even_with_the_dummy_password() {
        let h = Argon2Hasher::new(1).expect("hasher");
        let p = Password::parse("gatehouse-dummy-password-never-matches").expect("p");
        assert!(!h.verify(None, &p).await);
    }
}
