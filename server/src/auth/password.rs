//! argon2id password hashes, computed off the async threads (they take tens of ms on purpose).

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Argon2, PasswordHash};

use crate::error::Error;

/// Hashes a password into a PHC string (argon2id, default OWASP parameters, random salt).
pub async fn hash(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(Error::internal)?
        .map_err(Error::internal)
}

/// Whether `password` matches the stored PHC hash; a malformed hash never matches.
pub async fn verify(password: String, stored: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(Error::internal)
}

/// A hash of a random password, verified against when an e-mail is unknown so that a
/// login takes as long for unknown accounts as for known ones.
pub const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$mUE4ksUvt/6Lc4Tz1XgA7Em4OZjLrTNBvX2RZvClmjo";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let hashed = hash("correct horse".to_owned()).await.unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify("correct horse".to_owned(), hashed.clone()).await.unwrap());
        assert!(!verify("wrong".to_owned(), hashed).await.unwrap());
        assert!(!verify("x".to_owned(), "not a hash".to_owned()).await.unwrap());
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
    }
}
