//! Business hours: whether a widget's team is open at a given instant, in its time zone
//! (daylight-saving changes included, since local time is computed per instant).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

use super::widget::{BusinessHours, parse_hhmm};

/// Whether `hours` are open at `now`. Disabled hours are always open; an unknown time zone
/// (never stored: validation refuses it) counts as closed.
pub fn is_open(hours: &BusinessHours, now: DateTime<Utc>) -> bool {
    if !hours.enabled {
        return true;
    }
    let Ok(tz) = hours.time_zone.parse::<chrono_tz::Tz>() else { return false };
    let local = now.with_timezone(&tz);
    let day = &hours.days[local.weekday().num_days_from_monday() as usize];
    if !day.enabled {
        return false;
    }
    let minute = local.hour() * 60 + local.minute();
    match (parse_hhmm(&day.start), parse_hhmm(&day.end)) {
        (Some(start), Some(end)) => start <= minute && minute < end,
        _ => false,
    }
}

/// Milliseconds of `[from_ms, to_ms)` during which `hours` are open (all of it when they
/// are disabled; none with an unknown time zone, as [`is_open`]). Each local day's
/// window is placed on the clock of that day, so a day the clocks change has a window an
/// hour shorter or longer, as [`is_open`] sees it.
pub fn open_ms(hours: &BusinessHours, from_ms: i64, to_ms: i64) -> i64 {
    if to_ms <= from_ms {
        return 0;
    }
    if !hours.enabled {
        return to_ms - from_ms;
    }
    let Ok(tz) = hours.time_zone.parse::<chrono_tz::Tz>() else { return 0 };
    let (Some(from), Some(to)) = (DateTime::from_timestamp_millis(from_ms), DateTime::from_timestamp_millis(to_ms))
    else {
        return 0;
    };
    // From the day before (a window may end after midnight UTC) to the last local day.
    let mut day = from.with_timezone(&tz).date_naive() - Duration::days(1);
    let last = to.with_timezone(&tz).date_naive();
    let mut total = 0;
    while day <= last {
        let rule = &hours.days[day.weekday().num_days_from_monday() as usize];
        if rule.enabled
            && let (Some(start), Some(end)) = (parse_hhmm(&rule.start), parse_hhmm(&rule.end))
            && start < end
        {
            let open = instant(&tz, day, start, true);
            let close = instant(&tz, day, end, false);
            let (a, b) = (open.max(from_ms), close.min(to_ms));
            if b > a {
                total += b - a;
            }
        }
        day += Duration::days(1);
    }
    total
}

/// The instant of local `minute` (0..=1440) on `day`: for a time the clocks skip, the
/// first instant after the gap; for one they repeat, the first (`earliest`, an opening)
/// or the second (a closing) occurrence.
fn instant(tz: &chrono_tz::Tz, day: NaiveDate, minute: u32, earliest: bool) -> i64 {
    let local: NaiveDateTime = day.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(i64::from(minute));
    let mut probe = local;
    // A gap is at most a few hours; step to its end.
    for _ in 0..8 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.timestamp_millis(),
            LocalResult::Ambiguous(first, second) => {
                return if earliest { first.timestamp_millis() } else { second.timestamp_millis() };
            }
            LocalResult::None => probe += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&local).timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::widget::DayHours;
    use chrono::TimeZone;

    fn hours(tz: &str) -> BusinessHours {
        let mut h = BusinessHours { enabled: true, time_zone: tz.into(), ..BusinessHours::default() };
        h.days[6] = DayHours { enabled: true, start: "00:00".into(), end: "24:00".into() };
        h
    }

    fn utc(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, hh, mm, 0).single().unwrap()
    }

    fn ms(t: DateTime<Utc>) -> i64 {
        t.timestamp_millis()
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn open_time_between_two_instants() {
        // Berlin, default weekdays 09:00–17:00 (08:00–16:00 UTC in winter), Sunday all day.
        let h = hours("Europe/Berlin");
        // Monday 07:00 to 10:00 UTC: open from 08:00, two hours.
        assert_eq!(open_ms(&h, ms(utc(2026, 11, 23, 7, 0)), ms(utc(2026, 11, 23, 10, 0))), 2 * HOUR);
        // Friday 15:00 UTC to Monday 09:00 UTC: Friday 1 h, Saturday closed, Sunday 24 h,
        // Monday 1 h.
        assert_eq!(open_ms(&h, ms(utc(2026, 11, 27, 15, 0)), ms(utc(2026, 11, 30, 9, 0))), 26 * HOUR);
        // Disabled hours: all of it; reversed: nothing.
        let always = BusinessHours::default();
        assert_eq!(open_ms(&always, 0, 5 * HOUR), 5 * HOUR);
        assert_eq!(open_ms(&h, 5 * HOUR, 0), 0);
    }

    #[test]
    fn open_time_on_the_days_the_clocks_change() {
        let h = hours("Europe/Berlin");
        // Sunday 2026-03-29 open 00:00–24:00 local: 23 hours; 2026-10-25: 25 hours (from
        // Saturday noon, closed, to Monday 08:00 local, before opening).
        let spring = open_ms(&h, ms(utc(2026, 3, 28, 12, 0)), ms(utc(2026, 3, 30, 6, 0)));
        assert_eq!(spring, 23 * HOUR);
        let autumn = open_ms(&h, ms(utc(2026, 10, 24, 12, 0)), ms(utc(2026, 10, 26, 7, 0)));
        assert_eq!(autumn, 25 * HOUR);
        // Whatever the instants, open time never exceeds the time between them.
        let week = open_ms(&h, ms(utc(2026, 3, 23, 0, 0)), ms(utc(2026, 3, 30, 0, 0)));
        assert_eq!(week, 5 * 8 * HOUR + 23 * HOUR);
    }

    #[test]
    fn weekday_windows_in_the_zone() {
        let h = hours("Europe/Berlin");
        // Monday 2026-11-23, 09:00 Berlin = 08:00 UTC (winter, UTC+1).
        assert!(!is_open(&h, utc(2026, 11, 23, 7, 59)));
        assert!(is_open(&h, utc(2026, 11, 23, 8, 0)));
        assert!(is_open(&h, utc(2026, 11, 23, 15, 59)));
        assert!(!is_open(&h, utc(2026, 11, 23, 16, 0)), "closes at 17:00 local");
        // Saturday is closed by default; Sunday is open all day until midnight.
        assert!(!is_open(&h, utc(2026, 11, 28, 12, 0)));
        assert!(is_open(&h, utc(2026, 11, 29, 22, 59)), "23:59 Sunday local");
        assert!(!is_open(&h, utc(2026, 11, 29, 23, 0)), "Monday 00:00 local is before 09:00");
    }

    #[test]
    fn daylight_saving_shifts_the_utc_window() {
        let h = hours("America/New_York");
        // Friday 2026-03-06 (EST, UTC-5): 09:00 local = 14:00 UTC.
        assert!(is_open(&h, utc(2026, 3, 6, 14, 0)));
        assert!(!is_open(&h, utc(2026, 3, 6, 13, 0)));
        // Monday 2026-03-09 (EDT after 8 March, UTC-4): 09:00 local = 13:00 UTC.
        assert!(is_open(&h, utc(2026, 3, 9, 13, 0)));
        assert!(!is_open(&h, utc(2026, 3, 9, 12, 59)));
    }

    #[test]
    fn on_the_days_the_clocks_change() {
        let h = hours("Europe/Berlin");
        // Sunday 2026-03-29: 02:00 local jumps to 03:00 (UTC+1 → UTC+2). Open 00:00–24:00
        // local that day = 23:00 Saturday to 22:00 Sunday UTC: 23 hours.
        assert!(!is_open(&h, utc(2026, 3, 28, 22, 59)), "Saturday 23:59 local is closed");
        assert!(is_open(&h, utc(2026, 3, 28, 23, 0)), "Sunday 00:00 local");
        assert!(is_open(&h, utc(2026, 3, 29, 1, 0)), "03:00 local, right after the jump");
        assert!(is_open(&h, utc(2026, 3, 29, 21, 59)));
        assert!(!is_open(&h, utc(2026, 3, 29, 22, 0)), "Monday 00:00 local (summer time)");
        // Sunday 2026-10-25: 03:00 local falls back to 02:00 (UTC+2 → UTC+1): 25 hours.
        assert!(is_open(&h, utc(2026, 10, 24, 22, 0)), "Sunday 00:00 local (summer time)");
        assert!(is_open(&h, utc(2026, 10, 25, 0, 30)), "02:30 local, first time");
        assert!(is_open(&h, utc(2026, 10, 25, 1, 30)), "02:30 local, second time");
        assert!(is_open(&h, utc(2026, 10, 25, 22, 59)));
        assert!(!is_open(&h, utc(2026, 10, 25, 23, 0)), "Monday 00:00 local (winter time)");
        // A weekday window on the Monday after the spring change: 09:00 CEST = 07:00 UTC.
        assert!(!is_open(&h, utc(2026, 3, 30, 6, 59)));
        assert!(is_open(&h, utc(2026, 3, 30, 7, 0)));
    }

    #[test]
    fn local_day_differs_from_the_utc_day() {
        // Auckland is UTC+13 in December: Monday 09:00 local is Sunday 20:00 UTC.
        let h = hours("Pacific/Auckland");
        assert!(is_open(&h, utc(2026, 12, 6, 20, 0)), "Monday 09:00 local");
        assert!(!is_open(&h, utc(2026, 12, 6, 19, 59)), "Monday 08:59 local");
        // Sunday is open all day in this fixture: Saturday 11:00 UTC is Sunday 00:00 local.
        assert!(is_open(&h, utc(2026, 12, 5, 11, 0)));
        assert!(!is_open(&h, utc(2026, 12, 5, 10, 59)), "Saturday 23:59 local");
    }

    #[test]
    fn disabled_hours_are_always_open() {
        let mut h = hours("UTC");
        h.enabled = false;
        assert!(is_open(&h, utc(2026, 11, 28, 3, 0)));
    }
}
