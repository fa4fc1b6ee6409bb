//! Local days in a time zone as instants: report ranges, the previous period, the volume
//! series' intervals and the rollup pieces a range is read from.
//!
//! Every instant here is milliseconds since the Unix epoch. Since 1970 every zone's
//! offset is a whole number of quarter hours, so each local midnight and hour starts a
//! 15-minute UTC slot ([`SLOT_MS`]), which is what lets rollups kept per UTC slot and
//! per UTC day answer for any zone.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// A rollup slot: 15 minutes.
pub const SLOT_MS: i64 = 900_000;
/// A rollup day: 24 hours, UTC.
pub const DAY_MS: i64 = 86_400_000;

/// Most days one report covers.
pub const MAX_RANGE_DAYS: i64 = 366;
/// Most days a report with an hourly series covers.
pub const MAX_HOURLY_DAYS: i64 = 31;
/// The earliest day a range may start on.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The length of one point of a volume series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    Hour,
    Day,
    Week,
}

impl Interval {
    /// The interval used when none is asked for: hours for up to 2 days, days for up to
    /// 92, weeks beyond.
    pub fn automatic(days: i64) -> Self {
        match days {
            ..=2 => Interval::Hour,
            3..=92 => Interval::Day,
            _ => Interval::Week,
        }
    }
}

/// Whole local days `[first, last]` as the instants `[start_ms, end_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl DayRange {
    /// The range of local days `first..=last` in `tz`.
    pub fn new(tz: Tz, first: NaiveDate, last: NaiveDate) -> Self {
        let end = last.succ_opt().unwrap_or(last);
        Self { first, last, start_ms: midnight(tz, first), end_ms: midnight(tz, end) }
    }

    /// How many days it has.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The same number of days just before.
    pub fn previous(&self, tz: Tz) -> Self {
        let last = self.first.pred_opt().unwrap_or(self.first);
        let first = last - Duration::days(self.days() - 1);
        Self::new(tz, first, last)
    }
}

/// The first instant of local day `day` in `tz` (the first after a skipped midnight).
pub fn midnight(tz: Tz, day: NaiveDate) -> i64 {
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut probe = local;
    for _ in 0..8 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.timestamp_millis(),
            LocalResult::None => probe += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&local).timestamp_millis()
}

/// A stretch of time read from one rollup span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The span's length: [`SLOT_MS`] or [`DAY_MS`].
    pub span_ms: i64,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// How to read `[start_ms, end_ms)` (slot-aligned) from the rollups: the whole UTC days
/// inside it from the day rows, the rest (under a day at each end) from the slot rows.
pub fn pieces(start_ms: i64, end_ms: i64) -> Vec<Piece> {
    let first_day = start_ms.div_euclid(DAY_MS) * DAY_MS + if start_ms.rem_euclid(DAY_MS) == 0 { 0 } else { DAY_MS };
    let last_day = end_ms.div_euclid(DAY_MS) * DAY_MS;
    if first_day >= last_day {
        return vec![Piece { span_ms: SLOT_MS, from_ms: start_ms, to_ms: end_ms }];
    }
    let mut all = Vec::with_capacity(3);
    if start_ms < first_day {
        all.push(Piece { span_ms: SLOT_MS, from_ms: start_ms, to_ms: first_day });
    }
    all.push(Piece { span_ms: DAY_MS, from_ms: first_day, to_ms: last_day });
    if last_day < end_ms {
        all.push(Piece { span_ms: SLOT_MS, from_ms: last_day, to_ms: end_ms });
    }
    all
}

/// The start of the `span_ms` rollup row holding instant `at_ms`.
pub fn span_start(at_ms: i64, span_ms: i64) -> i64 {
    at_ms.div_euclid(span_ms) * span_ms
}

/// `[from_ms, to_ms)` cut at `span_ms` boundaries: each row's start and the milliseconds
/// of the stretch inside it.
pub fn split(from_ms: i64, to_ms: i64, span_ms: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut at = from_ms;
    while at < to_ms {
        let start = span_start(at, span_ms);
        let end = (start + span_ms).min(to_ms);
        out.push((start, end - at));
        at = end;
    }
    out
}

/// The local starts of the intervals of `range`, in order; the first is the range's start
/// (for weeks, possibly mid-week).
pub fn interval_starts(tz: Tz, range: &DayRange, interval: Interval) -> Vec<i64> {
    match interval {
        Interval::Hour => {
            // Local hours are UTC hours shifted by a quarter-hour multiple: step an hour of
            // real time, which gives the 23 or 25 hours of a day the clocks change.
            let mut out = Vec::new();
            let mut at = range.start_ms;
            while at < range.end_ms {
                out.push(at);
                at += 3_600_000;
            }
            out
        }
        Interval::Day | Interval::Week => {
            let mut out = Vec::new();
            let mut day = range.first;
            while day <= range.last {
                if interval == Interval::Day || day == range.first || day.weekday() == chrono::Weekday::Mon {
                    out.push(midnight(tz, day));
                }
                day = match day.succ_opt() {
                    Some(next) => next,
                    None => break,
                };
            }
            out
        }
    }
}

/// The ISO weekday (1 = Monday) and local hour of an instant.
pub fn weekday_hour(tz: Tz, at_ms: i64) -> (u32, u32) {
    let local = DateTime::from_timestamp_millis(at_ms).unwrap_or_default().with_timezone(&tz);
    (local.weekday().number_from_monday(), local.hour())
}

/// Today's local date in `tz` at `now_ms`.
pub fn local_date(tz: Tz, now_ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(now_ms).unwrap_or_default().with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc_ms(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp_millis()
    }

    #[test]
    fn local_days_as_instants() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // The spring-forward day has 23 hours.
        let r = DayRange::new(berlin, date(2026, 3, 29), date(2026, 3, 29));
        assert_eq!(r.start_ms, utc_ms(2026, 3, 28, 23, 0));
        assert_eq!(r.end_ms, utc_ms(2026, 3, 29, 22, 0));
        assert_eq!(interval_starts(berlin, &r, Interval::Hour).len(), 23);
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        let r = DayRange::new(kolkata, date(2026, 12, 1), date(2026, 12, 7));
        assert_eq!(r.start_ms, utc_ms(2026, 11, 30, 18, 30));
        assert_eq!(r.start_ms % SLOT_MS, 0);
        assert_eq!(r.days(), 7);
        let before = r.previous(kolkata);
        assert_eq!((before.first, before.last), (date(2026, 11, 24), date(2026, 11, 30)));
        assert_eq!(before.end_ms, r.start_ms);
        let kathmandu: Tz = "Asia/Kathmandu".parse().unwrap();
        assert_eq!(midnight(kathmandu, date(2026, 6, 1)) % SLOT_MS, 0);
    }

    #[test]
    fn a_range_reads_whole_utc_days_and_slots_at_its_ends() {
        let start = utc_ms(2026, 11, 30, 18, 30);
        let end = utc_ms(2026, 12, 7, 18, 30);
        assert_eq!(
            pieces(start, end),
            vec![
                Piece { span_ms: SLOT_MS, from_ms: start, to_ms: utc_ms(2026, 12, 1, 0, 0) },
                Piece { span_ms: DAY_MS, from_ms: utc_ms(2026, 12, 1, 0, 0), to_ms: utc_ms(2026, 12, 7, 0, 0) },
                Piece { span_ms: SLOT_MS, from_ms: utc_ms(2026, 12, 7, 0, 0), to_ms: end },
            ]
        );
        // Under two days: slots only. Exactly UTC days: days only.
        let short = pieces(start, start + DAY_MS);
        assert_eq!(short, vec![Piece { span_ms: SLOT_MS, from_ms: start, to_ms: start + DAY_MS }]);
        let utc_days = pieces(utc_ms(2026, 12, 1, 0, 0), utc_ms(2026, 12, 3, 0, 0));
        assert_eq!(utc_days.len(), 1);
        assert_eq!(utc_days[0].span_ms, DAY_MS);
    }

    #[test]
    fn weeks_start_on_monday_and_time_splits_at_slots() {
        let utc: Tz = "UTC".parse().unwrap();
        // Thursday 2026-12-03 to Wednesday 2026-12-16: Thu, Mon 7th, Mon 14th.
        let r = DayRange::new(utc, date(2026, 12, 3), date(2026, 12, 16));
        let starts = interval_starts(utc, &r, Interval::Week);
        assert_eq!(starts, vec![utc_ms(2026, 12, 3, 0, 0), utc_ms(2026, 12, 7, 0, 0), utc_ms(2026, 12, 14, 0, 0)]);
        assert_eq!(interval_starts(utc, &r, Interval::Day).len(), 14);
        let at = utc_ms(2026, 12, 3, 10, 10);
        assert_eq!(split(at, at + 20 * 60_000, SLOT_MS), vec![(at - 600_000, 5 * 60_000), (at + 300_000, 15 * 60_000)]);
        assert_eq!(weekday_hour(utc, at), (4, 10));
        assert_eq!(Interval::automatic(1), Interval::Hour);
        assert_eq!(Interval::automatic(30), Interval::Day);
        assert_eq!(Interval::automatic(365), Interval::Week);
    }
}
