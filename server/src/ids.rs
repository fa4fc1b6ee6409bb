//! Random names and secrets, and the hash under which secrets are stored. Ids of stored
//! things are typed and made by `domain::id`.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::Digest as _;

/// A unique name for what is not an id of ours (an idempotency key the server makes up, a
/// scratch directory): `prefix_` and 96 random bits in hex.
pub fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// A new secret of `bytes` random bytes, URL-safe base64 without padding.
pub fn new_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A widget's public token: 32 lowercase hex characters.
pub fn new_public_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a secret token as hex: what the database keeps instead of the token.
/// Tokens are 256-bit random values, so a fast hash is enough (no password stretching).
pub fn token_hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_prefixed_and_unique() {
        let a = unique("offline");
        assert!(a.starts_with("offline_") && a.len() == 32);
        assert_ne!(a, unique("offline"));
        assert_eq!(new_public_token().len(), 32);
        assert_eq!(new_secret(32).len(), 43);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
