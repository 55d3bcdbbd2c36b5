//! Tokens: the random per-conversation access token (stored only as a SHA-256 hash) and
//! the host app's signed customer token (an HS256 JWT with `sub` = customer id and `exp`).

use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tandem_domain::CustomerId;
use time::OffsetDateTime;

/// A new random conversation token: 32 bytes from the OS generator, hex encoded.
pub fn new_conversation_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The SHA-256 hex digest under which a token is stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// A fresh random secret (used when the operator configured none, e.g. in demo mode).
    pub fn random() -> Self {
        Self(new_conversation_token())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(<empty>)"
        } else {
            "Secret(***)"
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CustomerTokenError {
    #[error("the customer token is malformed or its signature is wrong")]
    Invalid,
    #[error("the customer token has expired")]
    Expired,
    #[error("the customer token names no valid customer id")]
    BadSubject,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
}

/// Signs and verifies customer tokens with the shared HMAC secret.
pub struct CustomerTokenKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY_SECS: i64 = 30;

impl CustomerTokenKey {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // `exp` is checked against the injected clock below, not the wall clock.
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
        }
    }

    /// Mints a token as a host app would after its own login.
    pub fn mint(&self, customer: &CustomerId, now: OffsetDateTime, ttl: time::Duration) -> String {
        let claims = Claims {
            sub: customer.as_str().to_owned(),
            exp: (now + ttl).unix_timestamp(),
            iat: Some(now.unix_timestamp()),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    pub fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<CustomerId, CustomerTokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| CustomerTokenError::Invalid)?;
        if data.claims.exp + LEEWAY_SECS < now.unix_timestamp() {
            return Err(CustomerTokenError::Expired);
        }
        CustomerId::parse(&data.claims.sub).map_err(|_| CustomerTokenError::BadSubject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn tokens_hash_stably_and_differ() {
        let a = new_conversation_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_conversation_token());
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn customer_tokens() {
        let now = datetime!(2026-11-23 10:00 UTC);
        let key = CustomerTokenKey::new(&Secret::new("s3cret"));
        let anna = CustomerId::parse("cus_anna").unwrap();
        let token = key.mint(&anna, now, time::Duration::hours(1));
        assert_eq!(key.verify(&token, now), Ok(anna.clone()));
        assert_eq!(
            key.verify(&token, now + time::Duration::minutes(61)),
            Err(CustomerTokenError::Expired)
        );
        let other = CustomerTokenKey::new(&Secret::new("other"));
        assert_eq!(other.verify(&token, now), Err(CustomerTokenError::Invalid));
        assert_eq!(
            key.verify("not.a.jwt", now),
            Err(CustomerTokenError::Invalid)
        );
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert_eq!(key.verify(&tampered, now), Err(CustomerTokenError::Invalid));
    }

    #[test]
    fn secrets_do_not_leak_in_debug() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
