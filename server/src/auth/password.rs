//! argon2id password hashes, computed off the async threads (they take tens of ms on purpose).
//!
//! Each hash takes ≈ 19 MiB for its duration, so at most [`concurrent_hashes`] run at once:
//! the others queue for up to [`QUEUE_DEADLINE`] and then get UNAVAILABLE with a
//! `retry-after`. Unbounded, 256 concurrent wrong passwords took the server to 12 GB.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Argon2, PasswordHash};
use tokio::sync::Semaphore;

use crate::error::Error;

/// How long a request waits for a hashing slot before it is told to come back.
pub const QUEUE_DEADLINE: Duration = Duration::from_secs(5);

/// Hashes running now, and the most that ever ran at once (for tests and logs).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MOST_RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One slot per core: more would only queue in the blocking pool while holding memory.
pub fn concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from).clamp(1, 16)
}

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(concurrent_hashes()))
}

/// The most hashes that ran at the same time since the process started.
pub fn most_running() -> usize {
    MOST_RUNNING.load(Ordering::Relaxed)
}

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn with_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    let permit = tokio::time::timeout(QUEUE_DEADLINE, slots().acquire())
        .await
        .map_err(|_| Error::Unavailable {
            message: "the server is busy checking passwords".to_owned(),
            retry_after: Duration::from_secs(2),
        })?
        .map_err(Error::internal)?;
    let running = RUNNING.fetch_add(1, Ordering::Relaxed) + 1;
    MOST_RUNNING.fetch_max(running, Ordering::Relaxed);
    let result = tokio::task::spawn_blocking(work).await.map_err(Error::internal);
    RUNNING.fetch_sub(1, Ordering::Relaxed);
    drop(permit);
    result
}

/// Hashes a password into a PHC string (argon2id, default OWASP parameters, random salt).
pub async fn hash(password: String) -> Result<String, Error> {
    with_slot(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await?
        .map_err(Error::internal)
}

/// Whether `password` matches the stored PHC hash; a malformed hash never matches.
pub async fn verify(password: String, stored: String) -> Result<bool, Error> {
    with_slot(move || {
        PasswordHash::new(&stored)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
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

    /// However many arrive at once, no more than one hash per core runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_hashes_are_capped() {
        let checks: Vec<_> = (0..24).map(|_| tokio::spawn(verify("wrong".to_owned(), DECOY_HASH.to_owned()))).collect();
        for check in checks {
            // Within the deadline every one is answered (none is needed to give up here).
            assert!(!check.await.unwrap().unwrap());
        }
        assert!(most_running() <= concurrent_hashes(), "{} ran at once", most_running());
        assert!(most_running() >= 1);
    }
}
