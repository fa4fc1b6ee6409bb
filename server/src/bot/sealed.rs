//! Secrets at rest: a workspace's model API key is stored sealed with AES-256-GCM under a
//! key derived from the server's secret (SHA-256 of a fixed label and the secret, which is
//! high-entropy), so a copy of the database alone does not reveal it (when the operator
//! sets `PORTHOLE_JWT_SECRET`; otherwise the secret lives in the database too). Sealed
//! text is `base64(nonce ‖ ciphertext)`.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

const NONCE_BYTES: usize = 12;
const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// Seals and opens secrets with the key derived from the server's secret.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The sealer of a server whose secret is `secret`.
    pub fn new(secret: &[u8]) -> Self {
        let key = Sha256::new().chain_update(b"porthole: workspace model keys v1\n").chain_update(secret).finalize();
        Self { cipher: Aes256Gcm::new(&key) }
    }

    /// `plain` sealed under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption into a Vec fails only past the cipher's length limit (64 GiB).
        let sealed = self.cipher.encrypt(&Nonce::from(nonce), plain.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        ENGINE.encode(out)
    }

    /// The secret sealed in `text`; `None` when it was sealed under another key (the
    /// server's secret changed) or altered.
    pub fn open(&self, text: &str) -> Option<String> {
        let bytes = ENGINE.decode(text).ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), sealed).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_under_the_same_key() {
        let sealer = Sealer::new(b"server secret");
        let sealed = sealer.seal("sk-test-123");
        assert!(!sealed.contains("sk-test"));
        assert_ne!(sealed, sealer.seal("sk-test-123"), "a fresh nonce each time");
        assert_eq!(sealer.open(&sealed).as_deref(), Some("sk-test-123"));
        assert_eq!(Sealer::new(b"another secret").open(&sealed), None);
        let mut altered = sealed.clone();
        altered.replace_range(20..21, if &sealed[20..21] == "A" { "B" } else { "A" });
        assert_eq!(sealer.open(&altered), None);
        assert_eq!(sealer.open("not base64!"), None);
        assert_eq!(sealer.open(""), None);
    }
}
