//! The keys that sign tokens: P-256 (ES256) pairs made with ring, kept in the database with the
//! private half sealed by AES-256-GCM under the operator's key, and published as a JWK set. Each
//! instance reads them again every minute, so a key made by `gatehouse rotate-signing-key` (or by
//! another instance) is published everywhere long before it signs.

use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use domain::model::connected_service::{
    SigningKey, ACCESS_TOKEN_SECONDS, KEY_PUBLISHED_AHEAD_SECONDS,
};
use domain::storage::{ConnectedServices, StoreError};
use domain::values::clock::Timestamp;
use jsonwebtoken::{DecodingKey, EncodingKey};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use sha2::{Digest, Sha256};

/// The demo's key for the signing keys: public, so for demo data only.
pub const DEMO_KEY_ENCRYPTION_KEY: [u8; 32] = *b"gatehouse-demo-key-not-a-secret!";

/// 32 bytes from 64 hexadecimal digits or base64 (standard or URL-safe, padded or not).
pub fn parse_key(raw: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    let raw = raw.trim();
    let bytes = if raw.len() == 64 && raw.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&raw[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        let unpadded = raw.trim_end_matches('=');
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(unpadded)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
            .ok()?
    };
    bytes.try_into().ok()
}

/// `GATEHOUSE_KEY_ENCRYPTION_KEY` read: the key, the demo's own in demo mode when unset, or none.
pub fn from_setting(
    raw: Option<String>,
    demo: bool,
) -> Result<Option<[u8; 32]>, crate::config::ConfigError> {
    match raw {
        Some(raw) => parse_key(&raw)
            .map(Some)
            .ok_or_else(|| crate::config::ConfigError::Invalid {
                name: "GATEHOUSE_KEY_ENCRYPTION_KEY",
                reason: "must be 32 bytes, as 64 hexadecimal digits or in base64 \
                         (openssl rand -hex 32 makes one)"
                    .into(),
            }),
        None if demo => Ok(Some(DEMO_KEY_ENCRYPTION_KEY)),
        None => Ok(None),
    }
}

/// How long a loaded set of keys is used before it is read again.
const RELOAD_SECONDS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not make a signing key")]
    Make,
    /// The key in configuration is not the one the keys were sealed with.
    #[error(
        "could not open signing key {0}: GATEHOUSE_KEY_ENCRYPTION_KEY is not the key it was sealed with"
    )]
    Open(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The keys as one instance uses them.
pub struct Loaded {
    /// The key that signs now: its id and the key.
    pub signer: (String, EncodingKey),
    /// Every published key by id, to check tokens with.
    pub verifiers: Vec<(String, DecodingKey)>,
    /// The published set, as `/oidc/jwks` answers it.
    pub jwks: serde_json::Value,
    loaded_at: i64,
}

pub struct Keys {
    kek: [u8; 32],
    loaded: RwLock<Option<Arc<Loaded>>>,
}

fn sealing_key(kek: &[u8; 32]) -> Result<LessSafeKey, KeyError> {
    Ok(LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, kek).map_err(|_| KeyError::Make)?,
    ))
}

/// Seals `secret` for key `kid` (the id is bound in as associated data, so a sealed key cannot be
/// passed off as another): base64 of nonce, ciphertext and tag.
fn seal(kek: &[u8; 32], kid: &str, secret: &[u8]) -> Result<String, KeyError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| KeyError::Make)?;
    let mut data = secret.to_vec();
    sealing_key(kek)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(kid.as_bytes()),
            &mut data,
        )
        .map_err(|_| KeyError::Make)?;
    let mut out = nonce.to_vec();
    out.extend(data);
    Ok(STANDARD.encode(out))
}

fn open(kek: &[u8; 32], kid: &str, sealed: &str) -> Result<Vec<u8>, KeyError> {
    let bad = || KeyError::Open(kid.to_owned());
    let bytes = STANDARD.decode(sealed).map_err(|_| bad())?;
    if bytes.len() < NONCE_LEN {
        return Err(bad());
    }
    let (nonce, data) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad())?;
    let mut data = data.to_vec();
    let plain = sealing_key(kek)?
        .open_in_place(nonce, Aad::from(kid.as_bytes()), &mut data)
        .map_err(|_| bad())?;
    Ok(plain.to_vec())
}

/// A new key pair, sealed, signing from `signs_from`.
pub fn make(kek: &[u8; 32], now: Timestamp, signs_from: Timestamp) -> Result<SigningKey, KeyError> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| KeyError::Make)?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| KeyError::Make)?;
    // An uncompressed point: 0x04, then x and y of 32 bytes each.
    let point = pair.public_key().as_ref();
    if point.len() != 65 {
        return Err(KeyError::Make);
    }
    let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(point)[..12]);
    let jwk = serde_json::json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        "use": "sig",
        "alg": "ES256",
        "kid": kid,
    });
    Ok(SigningKey {
        private_key: seal(kek, &kid, pkcs8.as_ref())?,
        kid,
        public_jwk: jwk.to_string(),
        created_at: now,
        signs_from,
        retired_at: None,
    })
}

/// Makes a new key that is published now and signs after the publishing lead; the keys before
/// it stay published until every token they signed has expired.
pub async fn rotate<S: ConnectedServices>(
    store: &S,
    kek: &[u8; 32],
    now: Timestamp,
) -> Result<SigningKey, KeyError> {
    let signs_from = Timestamp(now.0 + KEY_PUBLISHED_AHEAD_SECONDS);
    let key = make(kek, now, signs_from)?;
    store
        .add_signing_key(&key, Timestamp(signs_from.0 + ACCESS_TOKEN_SECONDS))
        .await?;
    Ok(key)
}

fn decoding_key(jwk: &str) -> Option<DecodingKey> {
    let v: serde_json::Value = serde_json::from_str(jwk).ok()?;
    DecodingKey::from_ec_components(v["x"].as_str()?, v["y"].as_str()?).ok()
}

impl Keys {
    pub fn new(kek: [u8; 32]) -> Self {
        Self {
            kek,
            loaded: RwLock::new(None),
        }
    }

    /// The keys in force at `now`, read again when a minute old. With none that may sign yet (a
    /// new database), the first is made and signs at once: no service can have cached anything.
    pub async fn at<S: ConnectedServices>(
        &self,
        store: &S,
        now: Timestamp,
    ) -> Result<Arc<Loaded>, KeyError> {
        if let Some(l) = self.loaded.read().ok().and_then(|g| g.clone()) {
            if now.0 - l.loaded_at < RELOAD_SECONDS && now.0 >= l.loaded_at {
                return Ok(l);
            }
        }
        let mut keys = store.signing_keys().await?;
        let may_sign =
            |k: &SigningKey| k.signs_from.0 <= now.0 && k.retired_at.is_none_or(|r| r.0 > now.0);
        if !keys.iter().any(may_sign) {
            let key = make(&self.kek, now, now)?;
            store.add_signing_key(&key, now).await?;
            keys = store.signing_keys().await?;
        }
        let published: Vec<&SigningKey> = keys
            .iter()
            .filter(|k| k.retired_at.is_none_or(|r| r.0 > now.0))
            .collect();
        let signing = published
            .iter()
            .rev()
            .find(|k| may_sign(k))
            .ok_or(KeyError::Make)?;
        let der = open(&self.kek, &signing.kid, &signing.private_key)?;
        let loaded = Arc::new(Loaded {
            signer: (signing.kid.clone(), EncodingKey::from_ec_der(&der)),
            verifiers: published
                .iter()
                .filter_map(|k| decoding_key(&k.public_jwk).map(|d| (k.kid.clone(), d)))
                .collect(),
            jwks: serde_json::json!({
                "keys": published
                    .iter()
                    .filter_map(|k| serde_json::from_str::<serde_json::Value>(&k.public_jwk).ok())
                    .collect::<Vec<_>>()
            }),
            loaded_at: now.0,
        });
        if let Ok(mut slot) = self.loaded.write() {
            *slot = Some(loaded.clone());
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_key_encryption_key_stops_the_service_and_demo_mode_has_its_own() {
        use crate::config::{Config, Source};
        let with = |name: &'static str, value: &'static str| {
            let flags = move |n: &str| (n == name).then(|| value.to_owned());
            Config::from_source(&Source::new(&flags)).map(|c| c.key_encryption_key)
        };
        let e = with("GATEHOUSE_KEY_ENCRYPTION_KEY", "too-short").expect_err("refused");
        assert!(
            e.to_string().contains("GATEHOUSE_KEY_ENCRYPTION_KEY"),
            "{e}"
        );
        assert_eq!(
            with("GATEHOUSE_MFA", "admins").ok(),
            Some(None),
            "no provider without a key"
        );
        assert_eq!(
            with("GATEHOUSE_DEMO", "1").ok(),
            Some(Some(DEMO_KEY_ENCRYPTION_KEY))
        );
    }

    #[test]
    fn the_key_encryption_key_is_32_bytes_in_hex_or_base64() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let key = parse_key(hex).expect("hex");
        assert_eq!(key[1], 0x11);
        assert_eq!(
            parse_key("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8="),
            Some(key)
        );
        assert_eq!(
            parse_key("ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJmqu8zd7v8"),
            Some(key)
        );
        assert_eq!(parse_key("too-short"), None);
        assert_eq!(parse_key(&hex[2..]), None, "31 bytes");
    }

    #[test]
    fn a_sealed_key_opens_only_with_its_key_and_its_id() {
        let kek = [7u8; 32];
        let sealed = seal(&kek, "kid-1", b"private").expect("sealed");
        assert_eq!(open(&kek, "kid-1", &sealed).expect("opens"), b"private");
        assert!(open(&[8u8; 32], "kid-1", &sealed).is_err(), "another key");
        assert!(open(&kek, "kid-2", &sealed).is_err(), "another id");
        assert!(!sealed.contains("private"));
    }

    #[test]
    fn a_made_key_signs_what_its_published_half_checks() {
        let key = make(&[1u8; 32], Timestamp(0), Timestamp(0)).expect("made");
        let der = open(&[1u8; 32], &key.kid, &key.private_key).expect("opens");
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(key.kid.clone());
        let token = jsonwebtoken::encode(
            &header,
            &serde_json::json!({"sub": "1", "exp": 4_000_000_000u64}),
            &EncodingKey::from_ec_der(&der),
        )
        .expect("signed");
        let check = decoding_key(&key.public_jwk).expect("a key");
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        v.validate_aud = false;
        let data = jsonwebtoken::decode::<serde_json::Value>(&token, &check, &v).expect("checks");
        assert_eq!(data.claims["sub"], "1");
        let other = make(&[1u8; 32], Timestamp(0), Timestamp(0)).expect("made");
        let wrong = decoding_key(&other.public_jwk).expect("a key");
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &wrong, &v).is_err());
    }
}
