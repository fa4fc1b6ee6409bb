//! The loop of a background task that follows the event log (webhook dispatch, member
//! notifications): a pass over what is new, then a pause until this process logs events,
//! another replica's events are due a look, or the server shuts down.

use std::future::Future;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use crate::metrics::{LogFollower, Metrics};
use crate::store::StoreError;

/// The longest wait without a look at the log (events written by other replicas).
const POLL: Duration = Duration::from_secs(2);
/// The shortest time between passes, so a burst of events costs one pass, not one each.
const COALESCE: Duration = Duration::from_millis(50);

/// Runs `pass` until shutdown. A pass returns whether it did something (then the next one
/// follows at once: there may be more); `what` names the task in the log when a pass fails.
/// A pass that found nothing to do marks `follower` caught up as of its start
/// (`porthole_event_log_lag_seconds`).
pub async fn follow<F, Fut>(
    what: &str,
    wake: &Notify,
    mut shutdown: watch::Receiver<bool>,
    (metrics, follower): (&Metrics, &LogFollower),
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, StoreError>>,
{
    loop {
        let started = metrics.pass_started();
        let progress = match pass().await {
            Ok(false) => {
                metrics.caught_up(follower, started);
                false
            }
            Ok(true) => true,
            Err(error) => {
                tracing::warn!(%error, "{what} failed; trying again shortly");
                false
            }
        };
        if !progress {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
        tokio::time::sleep(COALESCE).await;
    }
}
