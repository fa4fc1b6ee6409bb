//! What reports count, defined once (`report.proto` documents the same rules).
//!
//! A conversation's part in the reports is a [`Counted`]: when it started, its first
//! response, its end, its rating and its hand-off, with the scopes (widget, team, agent)
//! they count for. The store keeps each conversation's `Counted` next to it and, whenever
//! the conversation changes, computes the new one and applies the difference
//! ([`difference`]) to the rollups in the same transaction — so a reopened conversation
//! takes its resolution back, a changed rating replaces the old one, and nothing is ever
//! counted twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::calendar::{DAY_MS, SLOT_MS, span_start};
use super::histogram::Histogram;
use super::widget::BusinessHours;

/// `first_response_by` of a first response the AI bot sent.
pub const BOT: &str = "bot";

/// The rollup spans every figure is kept in.
pub const SPANS: [i64; 2] = [SLOT_MS, DAY_MS];

/// A scope figures are kept for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Workspace,
    Widget(String),
    Team(String),
    Agent(String),
}

impl Dim {
    /// Its stored form (`report_figures.dim`).
    pub fn key(&self) -> String {
        match self {
            Dim::Workspace => String::new(),
            Dim::Widget(id) => format!("w:{id}"),
            Dim::Team(id) => format!("t:{id}"),
            Dim::Agent(id) => format!("a:{id}"),
        }
    }

    /// Reads [`Self::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        if key.is_empty() {
            return Some(Dim::Workspace);
        }
        let (kind, id) = key.split_once(':')?;
        match kind {
            "w" => Some(Dim::Widget(id.to_owned())),
            "t" => Some(Dim::Team(id.to_owned())),
            "a" => Some(Dim::Agent(id.to_owned())),
            _ => None,
        }
    }
}

/// Sums of one scope over some time: a rollup row, a delta to one, or a report's total.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub started: i64,
    pub still_open: i64,
    pub resolved: i64,
    pub missed: i64,
    pub first_responses: i64,
    pub first_response_secs: i64,
    pub first_response_business_secs: i64,
    pub resolution_secs: i64,
    pub resolution_business_secs: i64,
    /// One star first.
    pub stars: [i64; 5],
    pub bot_answered: i64,
    pub bot_resolved: i64,
    pub handed_off: i64,
    pub online_secs: i64,
    pub busy_secs: i64,
    pub away_secs: i64,
    pub first_response_hist: Histogram,
    pub first_response_business_hist: Histogram,
    pub resolution_hist: Histogram,
    pub resolution_business_hist: Histogram,
}

impl Tally {
    /// Adds `other` (`sign` -1 subtracts).
    pub fn merge(&mut self, other: &Tally, sign: i64) {
        self.started += sign * other.started;
        self.still_open += sign * other.still_open;
        self.resolved += sign * other.resolved;
        self.missed += sign * other.missed;
        self.first_responses += sign * other.first_responses;
        self.first_response_secs += sign * other.first_response_secs;
        self.first_response_business_secs += sign * other.first_response_business_secs;
        self.resolution_secs += sign * other.resolution_secs;
        self.resolution_business_secs += sign * other.resolution_business_secs;
        for (mine, theirs) in self.stars.iter_mut().zip(other.stars) {
            *mine += sign * theirs;
        }
        self.bot_answered += sign * other.bot_answered;
        self.bot_resolved += sign * other.bot_resolved;
        self.handed_off += sign * other.handed_off;
        self.online_secs += sign * other.online_secs;
        self.busy_secs += sign * other.busy_secs;
        self.away_secs += sign * other.away_secs;
        self.first_response_hist.merge(&other.first_response_hist, sign);
        self.first_response_business_hist.merge(&other.first_response_business_hist, sign);
        self.resolution_hist.merge(&other.resolution_hist, sign);
        self.resolution_business_hist.merge(&other.resolution_business_hist, sign);
    }

    /// Whether it changes nothing.
    pub fn is_zero(&self) -> bool {
        *self == Tally::default()
    }

    /// Whether a histogram changes (the store then has to read the row first).
    pub fn touches_histograms(&self) -> bool {
        !(self.first_response_hist.is_empty()
            && self.first_response_business_hist.is_empty()
            && self.resolution_hist.is_empty()
            && self.resolution_business_hist.is_empty())
    }

    /// Ratings given.
    pub fn rated(&self) -> i64 {
        self.stars.iter().sum()
    }

    /// First-response durations, around the clock or in business hours.
    pub fn first_response(&self, business: bool) -> Durations {
        if business {
            Durations::of(self.first_responses, self.first_response_business_secs, &self.first_response_business_hist)
        } else {
            Durations::of(self.first_responses, self.first_response_secs, &self.first_response_hist)
        }
    }

    /// Resolution durations.
    pub fn resolution(&self, business: bool) -> Durations {
        if business {
            Durations::of(self.resolved, self.resolution_business_secs, &self.resolution_business_hist)
        } else {
            Durations::of(self.resolved, self.resolution_secs, &self.resolution_hist)
        }
    }

    /// Mean rating (0 when none).
    pub fn average_rating(&self) -> f64 {
        let rated = self.rated();
        if rated == 0 {
            return 0.0;
        }
        let sum: i64 = self.stars.iter().enumerate().map(|(i, n)| (i as i64 + 1) * n).sum();
        sum as f64 / rated as f64
    }

    /// Ratings ÷ resolved (0 when none resolved).
    pub fn response_rate(&self) -> f64 {
        if self.resolved == 0 { 0.0 } else { self.rated() as f64 / self.resolved as f64 }
    }
}

/// Median, p90 and mean of some durations, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    pub count: i64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub mean: Option<i64>,
}

impl Durations {
    fn of(count: i64, sum: i64, hist: &Histogram) -> Self {
        if count <= 0 {
            return Self::default();
        }
        Self {
            count,
            median: hist.percentile(50),
            p90: hist.percentile(90),
            // Rounded to the nearest second.
            mean: Some((sum + count / 2).div_euclid(count)),
        }
    }
}

/// A conversation's first response as counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub at: i64,
    /// A user id, [`BOT`], or "" (unknown: answered before reports existed).
    pub by: String,
    pub secs: i64,
    pub business_secs: i64,
}

/// A conversation's end (resolved or closed) as counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    pub at: i64,
    pub secs: i64,
    pub business_secs: i64,
    /// The bot or a guided flow still had it.
    pub by_bot: bool,
}

/// A rating as counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub at: i64,
    pub stars: i32,
}

/// What one conversation adds to the rollups (stored as JSON with it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub started_at: i64,
    pub widget_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response: Option<Response>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<End>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_off_at: Option<i64>,
    /// The bot or a flow had it when last counted (not a figure: how a hand-off is seen).
    #[serde(default)]
    pub with_bot: bool,
}

/// A conversation's report-relevant state as stored now (what [`Counted`] is made from).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub created_at: i64,
    pub widget_id: String,
    pub team_id: Option<String>,
    pub assignee: Option<String>,
    pub first_response_at: Option<i64>,
    /// `resolved_at`, or `closed_at` when it was closed without being resolved.
    pub ended_at: Option<i64>,
    /// The bot or a flow has it now.
    pub with_bot: bool,
    pub rating: i32,
    /// The moment of the change being counted (for a conversation counted long after,
    /// its last update): when a new rating or a hand-off happened.
    pub changed_at: i64,
}

/// What [`Counted::of`] needs from elsewhere for a new first response or end.
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// The widget's business hours; `None` (or disabled hours) counts every second.
    pub hours: Option<BusinessHours>,
    /// Who sent the first response: a user id, [`BOT`], or "" (unknown).
    pub first_responder: String,
}

impl Counted {
    /// Whether [`Counted::of`] needs [`Lookups`]: a first response or an end not counted
    /// before.
    pub fn needs_lookups(facts: &Facts, before: Option<&Counted>) -> bool {
        let new_response = facts.first_response_at.is_some()
            && before.and_then(|b| b.first_response.as_ref()).map(|r| r.at) != facts.first_response_at;
        let new_end = facts.ended_at.is_some() && before.and_then(|b| b.end.as_ref()).map(|e| e.at) != facts.ended_at;
        new_response || new_end
    }

    /// What `facts` count for. What `before` worked out for the same moments is kept
    /// (business time, who answered, whether the bot had it: fixed when they happen).
    pub fn of(facts: &Facts, before: Option<&Counted>, lookups: &Lookups) -> Counted {
        let started = facts.created_at;
        let open_ms = |from: i64, to: i64| match &lookups.hours {
            Some(hours) => super::hours::open_ms(hours, from, to),
            None => (to - from).max(0),
        };
        let first_response = facts.first_response_at.map(|at| match before.and_then(|b| b.first_response.as_ref()) {
            Some(known) if known.at == at => known.clone(),
            _ => Response {
                at,
                by: lookups.first_responder.clone(),
                secs: seconds(at - started),
                business_secs: seconds(open_ms(started, at)),
            },
        });
        let end = facts.ended_at.map(|at| match before.and_then(|b| b.end.as_ref()) {
            Some(known) if known.at == at => known.clone(),
            _ => End {
                at,
                secs: seconds(at - started),
                business_secs: seconds(open_ms(started, at)),
                by_bot: facts.with_bot,
            },
        });
        let rating = match facts.rating {
            stars @ 1..=5 => Some(match before.and_then(|b| b.rating.as_ref()) {
                Some(known) if known.stars == stars => known.clone(),
                _ => Rating { at: facts.changed_at, stars },
            }),
            _ => None,
        };
        // Handed over: the bot had it when last counted and no longer has it (an end is
        // not a hand-off). Counted once.
        let handed_off_at = before.and_then(|b| b.handed_off_at).or_else(|| {
            before
                .is_some_and(|b| b.with_bot && !facts.with_bot && facts.ended_at.is_none())
                .then_some(facts.changed_at)
        });
        Counted {
            started_at: started,
            widget_id: facts.widget_id.clone(),
            team_id: facts.team_id.clone(),
            assignee: facts.assignee.clone(),
            first_response,
            end,
            rating,
            handed_off_at,
            with_bot: facts.with_bot,
        }
    }

    /// Every (moment, scope, figures) this conversation adds.
    pub fn contributions(&self) -> Vec<(i64, Dim, Tally)> {
        let mut shared = vec![Dim::Workspace, Dim::Widget(self.widget_id.clone())];
        if let Some(team) = &self.team_id {
            shared.push(Dim::Team(team.clone()));
        }
        let with_agent = |agent: Option<&String>| {
            let mut dims = shared.clone();
            if let Some(agent) = agent.filter(|a| !a.is_empty()) {
                dims.push(Dim::Agent(agent.clone()));
            }
            dims
        };
        let mut out = Vec::new();
        let mut add = |at: i64, dims: &[Dim], tally: Tally| {
            for dim in dims {
                out.push((at, dim.clone(), tally.clone()));
            }
        };

        let open = i64::from(self.end.is_none());
        add(
            self.started_at,
            &with_agent(self.assignee.as_ref()),
            Tally { started: 1, still_open: open, ..Tally::default() },
        );
        if let Some(r) = &self.first_response {
            let tally = Tally {
                first_responses: 1,
                first_response_secs: r.secs,
                first_response_business_secs: r.business_secs,
                first_response_hist: Histogram::of(r.secs),
                first_response_business_hist: Histogram::of(r.business_secs),
                bot_answered: i64::from(r.by == BOT),
                ..Tally::default()
            };
            let human = (r.by != BOT).then_some(&r.by);
            add(r.at, &with_agent(human), tally);
        }
        if let Some(end) = &self.end {
            let tally = Tally {
                resolved: 1,
                missed: i64::from(self.first_response.is_none()),
                resolution_secs: end.secs,
                resolution_business_secs: end.business_secs,
                resolution_hist: Histogram::of(end.secs),
                resolution_business_hist: Histogram::of(end.business_secs),
                bot_resolved: i64::from(end.by_bot),
                ..Tally::default()
            };
            add(end.at, &with_agent(self.assignee.as_ref()), tally);
        }
        if let Some(rating) = &self.rating {
            let mut tally = Tally::default();
            if let Some(slot) = usize::try_from(rating.stars - 1).ok().and_then(|i| tally.stars.get_mut(i)) {
                *slot = 1;
            }
            add(rating.at, &with_agent(self.assignee.as_ref()), tally);
        }
        if let Some(at) = self.handed_off_at {
            add(at, &shared, Tally { handed_off: 1, ..Tally::default() });
        }
        out
    }
}

/// Where a delta goes: (span length, scope, span start).
pub type Key = (i64, Dim, i64);

/// The changes to the rollups that turn `before`'s contributions into `after`'s (in both
/// spans); keys whose changes cancel out are left out.
pub fn difference(before: Option<&Counted>, after: Option<&Counted>) -> BTreeMap<Key, Tally> {
    let mut out: BTreeMap<Key, Tally> = BTreeMap::new();
    for (counted, sign) in [(before, -1), (after, 1)] {
        let Some(counted) = counted else { continue };
        for (at, dim, tally) in counted.contributions() {
            for span in SPANS {
                out.entry((span, dim.clone(), span_start(at, span))).or_default().merge(&tally, sign);
            }
        }
    }
    out.retain(|_, tally| !tally.is_zero());
    out
}

/// Presence time counted for a member: which figure `state` adds to.
pub fn presence_tally(state: &str, ms: i64) -> Option<Tally> {
    let secs = ms / 1000;
    match state {
        "online" => Some(Tally { online_secs: secs, ..Tally::default() }),
        "busy" => Some(Tally { busy_secs: secs, ..Tally::default() }),
        "away" => Some(Tally { away_secs: secs, ..Tally::default() }),
        _ => None,
    }
}

/// Whole seconds of a non-negative span of milliseconds (rounded down).
pub fn seconds(ms: i64) -> i64 {
    ms.max(0) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts { created_at: 1_000_000, widget_id: "wgt_1".into(), changed_at: 1_000_000, ..Facts::default() }
    }

    fn by(who: &str) -> Lookups {
        Lookups { hours: None, first_responder: who.into() }
    }

    fn total(diff: &BTreeMap<Key, Tally>, span: i64, dim: &Dim) -> Tally {
        let mut sum = Tally::default();
        for ((s, d, _), t) in diff {
            if *s == span && d == dim {
                sum.merge(t, 1);
            }
        }
        sum
    }

    #[test]
    fn a_new_conversation_counts_as_started_and_open() {
        assert!(!Counted::needs_lookups(&facts(), None));
        let c = Counted::of(&facts(), None, &Lookups::default());
        let diff = difference(None, Some(&c));
        let all = total(&diff, SLOT_MS, &Dim::Workspace);
        assert_eq!((all.started, all.still_open), (1, 1));
        assert_eq!(total(&diff, DAY_MS, &Dim::Widget("wgt_1".into())).started, 1);
        // Workspace and widget, in both spans.
        assert_eq!(diff.len(), 4);
    }

    #[test]
    fn resolving_counts_once_and_reopening_takes_it_back() {
        let open = Counted::of(&facts(), None, &Lookups::default());
        let mut f = facts();
        f.first_response_at = Some(1_030_000);
        f.assignee = Some("usr_a".into());
        f.ended_at = Some(1_090_000);
        assert!(Counted::needs_lookups(&f, Some(&open)));
        let mut hours = BusinessHours { enabled: true, time_zone: "UTC".into(), ..BusinessHours::default() };
        // Closed all week: no business time at all.
        for day in &mut hours.days {
            day.enabled = false;
        }
        let resolved = Counted::of(&f, Some(&open), &Lookups { hours: Some(hours), first_responder: "usr_a".into() });
        assert_eq!(resolved.first_response.as_ref().map(|r| (r.secs, r.business_secs)), Some((30, 0)));
        let diff = difference(Some(&open), Some(&resolved));
        let all = total(&diff, SLOT_MS, &Dim::Workspace);
        assert_eq!((all.started, all.still_open, all.resolved, all.missed), (0, -1, 1, 0));
        assert_eq!((all.first_responses, all.resolution_secs), (1, 90));
        let agent = total(&diff, DAY_MS, &Dim::Agent("usr_a".into()));
        // The agent's part moves to them with the assignment: started comes along.
        assert_eq!((agent.started, agent.resolved, agent.first_responses), (1, 1, 1));

        // Reopened: the end is taken back; resolved again later, counted again once.
        f.ended_at = None;
        let reopened = Counted::of(&f, Some(&resolved), &Lookups::default());
        assert_eq!(reopened.first_response, resolved.first_response, "kept as first worked out");
        let back = total(&difference(Some(&resolved), Some(&reopened)), SLOT_MS, &Dim::Workspace);
        assert_eq!((back.resolved, back.still_open, back.resolution_secs), (-1, 1, -90));
        f.ended_at = Some(2_000_000);
        let again = Counted::of(&f, Some(&reopened), &Lookups::default());
        let net = total(&difference(Some(&open), Some(&again)), SLOT_MS, &Dim::Workspace);
        assert_eq!((net.resolved, net.resolution_secs), (1, 1_000));
    }

    #[test]
    fn missed_bot_hand_offs_and_ratings() {
        let mut f = facts();
        f.with_bot = true;
        let with_bot = Counted::of(&f, None, &Lookups::default());
        f.with_bot = false;
        f.changed_at = 1_100_000;
        let handed = Counted::of(&f, Some(&with_bot), &Lookups::default());
        assert_eq!(handed.handed_off_at, Some(1_100_000));
        let all = total(&difference(Some(&with_bot), Some(&handed)), DAY_MS, &Dim::Workspace);
        assert_eq!(all.handed_off, 1);

        let mut f = facts();
        f.with_bot = true;
        let start = Counted::of(&f, None, &Lookups::default());
        f.ended_at = Some(1_500_000);
        f.rating = 2;
        f.changed_at = 1_600_000;
        let c = Counted::of(&f, Some(&start), &Lookups::default());
        assert_eq!(c.handed_off_at, None, "the bot ended it: no hand-off");
        let all = total(&difference(None, Some(&c)), DAY_MS, &Dim::Workspace);
        assert_eq!((all.missed, all.bot_resolved, all.handed_off, all.stars[1]), (1, 1, 0, 1));
        // A changed rating replaces the old one, at the time it changed.
        f.rating = 5;
        f.changed_at = 1_700_000;
        let rerated = Counted::of(&f, Some(&c), &Lookups::default());
        assert_eq!(rerated.rating, Some(Rating { at: 1_700_000, stars: 5 }));
        let change = total(&difference(Some(&c), Some(&rerated)), DAY_MS, &Dim::Workspace);
        assert_eq!(change.stars, [0, -1, 0, 0, 1]);
        // Nothing changed: nothing to write.
        assert!(difference(Some(&rerated), Some(&rerated.clone())).is_empty());
    }

    #[test]
    fn the_bot_answers_count_for_no_agent() {
        let mut f = facts();
        f.first_response_at = Some(1_005_000);
        let c = Counted::of(&f, None, &by(BOT));
        let diff = difference(None, Some(&c));
        assert_eq!(total(&diff, SLOT_MS, &Dim::Workspace).bot_answered, 1);
        assert!(!diff.keys().any(|(_, d, _)| matches!(d, Dim::Agent(_))));
    }

    /// `conversation_counts.counted` as stored: what is already written must keep reading
    /// the same (absent fields are their defaults, as rows from before they existed).
    #[test]
    fn the_stored_form_is_stable() {
        let counted = Counted {
            started_at: 1_000_000,
            widget_id: "wgt_1".into(),
            team_id: Some("team_1".into()),
            assignee: Some("usr_a".into()),
            first_response: Some(Response { at: 1_030_000, by: "usr_a".into(), secs: 30, business_secs: 0 }),
            end: Some(End { at: 1_090_000, secs: 90, business_secs: 0, by_bot: false }),
            rating: Some(Rating { at: 1_100_000, stars: 4 }),
            handed_off_at: None,
            with_bot: false,
        };
        let golden = concat!(
            r#"{"started_at":1000000,"widget_id":"wgt_1","team_id":"team_1","assignee":"usr_a","#,
            r#""first_response":{"at":1030000,"by":"usr_a","secs":30,"business_secs":0},"#,
            r#""end":{"at":1090000,"secs":90,"business_secs":0,"by_bot":false},"#,
            r#""rating":{"at":1100000,"stars":4},"with_bot":false}"#
        );
        assert_eq!(serde_json::to_string(&counted).unwrap(), golden);
        assert_eq!(serde_json::from_str::<Counted>(golden).unwrap(), counted);
        let minimal: Counted = serde_json::from_str(r#"{"started_at":5,"widget_id":"wgt_2"}"#).unwrap();
        assert_eq!(minimal, Counted { started_at: 5, widget_id: "wgt_2".into(), ..Counted::default() });
    }

    #[test]
    fn summaries() {
        let mut t = Tally::default();
        for secs in [10, 20, 30, 40, 1_000] {
            t.first_responses += 1;
            t.first_response_secs += secs;
            t.first_response_hist.add_value(secs, 1);
        }
        let d = t.first_response(false);
        assert_eq!((d.count, d.median, d.mean), (5, Some(30), Some(220)));
        assert!(d.p90.is_some_and(|p| (1_000..=1_050).contains(&p)));
        t.stars = [1, 0, 0, 0, 3];
        t.resolved = 8;
        assert_eq!(t.average_rating(), 4.0);
        assert_eq!(t.response_rate(), 0.5);
        assert_eq!(Dim::from_key(&Dim::Agent("usr_x".into()).key()), Some(Dim::Agent("usr_x".into())));
        assert_eq!(Dim::from_key(""), Some(Dim::Workspace));
    }
}
