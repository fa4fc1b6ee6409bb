//! Histograms of durations in whole seconds: what report rollups keep instead of every
//! duration, so percentiles of a year need no sort of a year's conversations.
//!
//! Buckets are exact up to 20 s; above, each bucket is at most 5% wider than the one
//! before, so a percentile read as its bucket's upper bound is never below the true value
//! and at most 5% above it. About 370 buckets cover 136 years.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Seconds up to which every second has its own bucket.
const EXACT_UP_TO: u64 = 20;

/// Upper bounds (inclusive) of the buckets, ascending; bucket `k` holds
/// `(bound[k-1], bound[k]]`.
fn bounds() -> &'static [u64] {
    static BOUNDS: OnceLock<Vec<u64>> = OnceLock::new();
    BOUNDS.get_or_init(|| {
        let mut all: Vec<u64> = (0..=EXACT_UP_TO).collect();
        let mut last = EXACT_UP_TO;
        while last < u64::from(u32::MAX) {
            last += (last / 20).max(1);
            all.push(last);
        }
        all
    })
}

/// The bucket holding `secs` (negative durations count as 0, absurd ones in the last).
pub fn bucket_of(secs: i64) -> u16 {
    let secs = u64::try_from(secs).unwrap_or(0);
    let all = bounds();
    let k = all.partition_point(|&bound| bound < secs).min(all.len() - 1);
    // At most ~400 buckets: fits.
    u16::try_from(k).unwrap_or(u16::MAX)
}

/// The largest value bucket `k` holds.
pub fn upper_bound(k: u16) -> i64 {
    let all = bounds();
    let bound = all.get(usize::from(k)).copied().unwrap_or(all[all.len() - 1]);
    i64::try_from(bound).unwrap_or(i64::MAX)
}

/// Counts per bucket (sparse). Counts may be negative in a delta (a change taken back);
/// stored sums never are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram(BTreeMap<u16, i64>);

impl Histogram {
    /// One duration.
    pub fn of(secs: i64) -> Self {
        let mut h = Self::default();
        h.add_value(secs, 1);
        h
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `count` durations of `secs` (negative `count` takes them back).
    pub fn add_value(&mut self, secs: i64, count: i64) {
        self.add_bucket(bucket_of(secs), count);
    }

    fn add_bucket(&mut self, k: u16, count: i64) {
        let entry = self.0.entry(k).or_insert(0);
        *entry += count;
        if *entry == 0 {
            self.0.remove(&k);
        }
    }

    /// Adds every count of `other` (`sign` -1 subtracts).
    pub fn merge(&mut self, other: &Histogram, sign: i64) {
        for (&k, &count) in &other.0 {
            self.add_bucket(k, count * sign);
        }
    }

    /// How many durations it holds.
    pub fn count(&self) -> i64 {
        self.0.values().sum()
    }

    /// Nearest-rank percentile (`p` in 0..=100) as its bucket's upper bound; `None` when
    /// empty.
    pub fn percentile(&self, p: u32) -> Option<i64> {
        let n = self.count();
        if n <= 0 {
            return None;
        }
        // Nearest rank: the smallest value with at least p% of the values at or below it.
        let rank = (i128::from(n) * i128::from(p.clamp(1, 100)) + 99) / 100;
        let mut seen: i128 = 0;
        for (&k, &count) in &self.0 {
            seen += i128::from(count);
            if seen >= rank {
                return Some(upper_bound(k));
            }
        }
        self.0.keys().next_back().map(|&k| upper_bound(k))
    }

    /// The stored form: `bucket:count` pairs, ascending, comma-separated ("" when empty).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (k, count) in &self.0 {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(&format!("{k}:{count}"));
        }
        out
    }

    /// Reads [`Self::to_text`]'s form; a malformed pair (never written) is skipped.
    pub fn from_text(text: &str) -> Self {
        let mut h = Self::default();
        for pair in text.split(',').filter(|p| !p.is_empty()) {
            if let Some((k, count)) = pair.split_once(':')
                && let (Ok(k), Ok(count)) = (k.parse::<u16>(), count.parse::<i64>())
            {
                h.add_bucket(k, count);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_up_to_twenty_seconds_then_within_five_percent() {
        for secs in 0..=20 {
            assert_eq!(upper_bound(bucket_of(secs)), secs);
        }
        for secs in [21_i64, 59, 60, 61, 599, 3_600, 86_399, 86_400, 31_536_000] {
            let reported = upper_bound(bucket_of(secs));
            assert!(reported >= secs, "{secs} reported as {reported}");
            assert!(reported * 100 <= secs * 105, "{secs} reported as {reported}: over 5%");
        }
        assert_eq!(bucket_of(-5), 0);
        assert!(bounds().len() < 450, "{} buckets", bounds().len());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut h = Histogram::default();
        for secs in [5, 1, 3, 2, 4, 10, 9, 8, 7, 6] {
            h.add_value(secs, 1);
        }
        assert_eq!(h.percentile(50), Some(5));
        assert_eq!(h.percentile(90), Some(9));
        assert_eq!(h.percentile(100), Some(10));
        assert_eq!(Histogram::default().percentile(50), None);
        // One value: every percentile is it.
        assert_eq!(Histogram::of(7).percentile(90), Some(7));
    }

    #[test]
    fn text_round_trip_and_taking_back() {
        let mut h = Histogram::of(30);
        h.add_value(3_600, 2);
        let text = h.to_text();
        assert_eq!(Histogram::from_text(&text), h);
        h.merge(&Histogram::of(30), -1);
        assert_eq!(h.count(), 2);
        h.add_value(3_600, -2);
        assert!(h.is_empty());
        assert_eq!(h.to_text(), "");
        assert_eq!(Histogram::from_text("x,3:1,:,4:"), Histogram::of(3));
    }
}
