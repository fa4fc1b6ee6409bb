//! Background job rules: the states a job goes through and when a failed attempt is retried.

use std::time::Duration;

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for its `run_at` (first attempt or a retry).
    Queued,
    /// Claimed by a worker until its lease ends (then claimable again: the worker died).
    Running,
    /// Done; kept a while for owners to see, then pruned.
    Done,
    /// Gave up after its last attempt; kept for owners to see and retry.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => return None,
        })
    }
}

/// First retry after about this long; each further one waits twice as long.
pub const FIRST_RETRY: Duration = Duration::from_secs(10);
/// No retry waits longer than this.
const LONGEST_RETRY: Duration = Duration::from_secs(3600);

/// How long to wait before the next attempt after `attempts` failed ones (1, 2, …):
/// exponential from `first` ([`FIRST_RETRY`] but in tests), at most an hour, scaled by
/// `jitter` in [0, 1) to between 80 % and 120 %, so that jobs failing together (a mail
/// server down) do not all retry together.
pub fn retry_delay(attempts: u32, jitter: f64, first: Duration) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let base = first.saturating_mul(1 << doublings).min(LONGEST_RETRY);
    base.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let secs = |attempts| retry_delay(attempts, 0.5, FIRST_RETRY).as_secs();
        assert_eq!([secs(1), secs(2), secs(3), secs(4)], [10, 20, 40, 80]);
        assert_eq!(secs(9), 2560);
        assert_eq!(secs(10), 3600);
        assert_eq!(secs(1000), 3600, "no overflow");
        assert_eq!(retry_delay(1, 0.0, FIRST_RETRY), Duration::from_secs(8));
        assert_eq!(retry_delay(1, 0.999_999, FIRST_RETRY).as_secs(), 11);
    }

    #[test]
    fn state_names_round_trip() {
        for state in [JobState::Queued, JobState::Running, JobState::Done, JobState::Failed] {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("lost"), None);
    }
}
