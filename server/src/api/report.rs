//! ReportService: a range's figures, a range's conversations for an export, and the live
//! figures as a stream. Owners and admins read reports; any member watches the live
//! figures (the access table in `auth::policy`). What counts is `domain::report`; the
//! sums come from `store::reports`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use porthole_proto::v1 as pb;
use porthole_proto::v1::report_service_server::ReportService;
use tokio::sync::mpsc;
use tonic::{Request, Response, Status};

use super::convert::timestamp;
use crate::AppState;
use crate::auth;
use crate::domain::Violations;
use crate::domain::calendar::{self, DayRange, EARLIEST, Interval, MAX_HOURLY_DAYS, MAX_RANGE_DAYS};
use crate::domain::id::{TeamId, UserId, WidgetId};
use crate::domain::page;
use crate::domain::report::{Dim, Durations, Tally};
use crate::error::Error;
use crate::limits::Limit;
use crate::store::now_ms;
use crate::store::reports::{ExportRow, ReportAsk, ReportData};

/// Live figures are sent at most this often, and at least this often (the queue's
/// waiting time and presence change without an event).
const LIVE_AT_MOST_EVERY: Duration = Duration::from_secs(1);
const LIVE_AT_LEAST_EVERY: Duration = Duration::from_secs(30);
/// Live-figure streams one member may have open.
const MAX_LIVE_PER_MEMBER: usize = 5;

/// The ReportService implementation.
pub struct ReportApi {
    state: Arc<AppState>,
}

impl ReportApi {
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// The filter's scope, checked to be the workspace's.
    async fn scope(
        &self,
        workspace_id: &crate::domain::id::WorkspaceId,
        filter: Option<pb::ReportFilter>,
    ) -> Result<Dim, Error> {
        use pb::report_filter::Scope;
        let dim = match filter.and_then(|f| f.scope) {
            None => Dim::Workspace,
            Some(Scope::WidgetId(id)) => Dim::Widget(WidgetId::parse(id.trim())?.to_string()),
            Some(Scope::TeamId(id)) => Dim::Team(TeamId::parse(id.trim())?.to_string()),
            Some(Scope::AgentUserId(id)) => Dim::Agent(UserId::parse(id.trim())?.to_string()),
        };
        let what = match &dim {
            Dim::Workspace => return Ok(dim),
            Dim::Widget(_) => "widget",
            Dim::Team(_) => "team",
            Dim::Agent(_) => "member",
        };
        if !self.state.store.report_scope_exists(workspace_id, &dim).await? {
            return Err(Error::NotFound(what));
        }
        Ok(dim)
    }
}

/// Parses a request's `from_date`/`to_date` (every bad field reported at once).
fn days(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), Error> {
    let mut v = Violations::default();
    let parse = |field: &str, value: &str, v: &mut Violations| {
        let day = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        match day {
            None => v.add(field, "must be a date as YYYY-MM-DD"),
            Some(d) if d < EARLIEST => v.add(field, "must be 2000-01-01 or later"),
            Some(_) => {}
        }
        day
    };
    let first = parse("from_date", from, &mut v);
    let last = parse("to_date", to, &mut v);
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            v.add("to_date", "must not be before from_date");
        } else if (last - first).num_days() + 1 > MAX_RANGE_DAYS {
            v.add("to_date", format!("a report covers at most {MAX_RANGE_DAYS} days"));
        }
    }
    v.into_result(())?;
    Ok((first.unwrap_or(EARLIEST), last.unwrap_or(EARLIEST)))
}

fn duration(secs: i64) -> prost_types::Duration {
    prost_types::Duration { seconds: secs, nanos: 0 }
}

fn durations(d: Durations) -> pb::DurationSummary {
    pb::DurationSummary {
        count: d.count,
        median: d.median.map(duration),
        p90: d.p90.map(duration),
        mean: d.mean.map(duration),
    }
}

fn satisfaction(t: &Tally) -> pb::Satisfaction {
    pb::Satisfaction {
        rated: t.rated(),
        average: t.average_rating(),
        distribution: t.stars.to_vec(),
        response_rate: t.response_rate(),
    }
}

fn figures(t: &Tally, business: bool) -> pb::ReportFigures {
    pb::ReportFigures {
        started: t.started,
        open: t.still_open,
        resolved: t.resolved,
        missed: t.missed,
        first_response: Some(durations(t.first_response(business))),
        resolution: Some(durations(t.resolution(business))),
        satisfaction: Some(satisfaction(t)),
        bot: Some(pb::BotFigures { answered: t.bot_answered, resolved: t.bot_resolved, handed_off: t.handed_off }),
    }
}

fn interval_from_proto(value: i32) -> Option<Option<Interval>> {
    match pb::ReportInterval::try_from(value).ok()? {
        pb::ReportInterval::Unspecified => Some(None),
        pb::ReportInterval::Hour => Some(Some(Interval::Hour)),
        pb::ReportInterval::Day => Some(Some(Interval::Day)),
        pb::ReportInterval::Week => Some(Some(Interval::Week)),
    }
}

fn interval_to_proto(interval: Interval) -> pb::ReportInterval {
    match interval {
        Interval::Hour => pb::ReportInterval::Hour,
        Interval::Day => pb::ReportInterval::Day,
        Interval::Week => pb::ReportInterval::Week,
    }
}

/// The response for `data`: the series cut into the range's intervals, the busiest-hours
/// grid, and the per-scope lists.
fn report(tz: Tz, range: &DayRange, interval: Interval, business: bool, data: ReportData) -> pb::GetReportResponse {
    let starts = calendar::interval_starts(tz, range, interval);
    let mut volume: Vec<pb::VolumePoint> =
        starts.iter().map(|&at| pb::VolumePoint { start_time: Some(timestamp(at)), ..Default::default() }).collect();
    let mut grid = [[0_i64; 24]; 7];
    for &(at, started, resolved, missed) in &data.series {
        // The interval holding the slot: the last start at or before it.
        let index = starts.partition_point(|&start| start <= at).saturating_sub(1);
        if let Some(point) = volume.get_mut(index) {
            point.started += started;
            point.resolved += resolved;
            point.missed += missed;
        }
        let (weekday, hour) = calendar::weekday_hour(tz, at);
        if let Some(cell) = grid.get_mut(weekday as usize - 1).and_then(|row| row.get_mut(hour as usize)) {
            *cell += started;
        }
    }
    let busiest_hours = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .map(|(d, h)| pb::HourCell { weekday: d as i32 + 1, hour: h as i32, started: grid[d][h] })
        .collect();
    let names = |list: &[(String, String)]| list.iter().cloned().collect::<BTreeMap<String, String>>();
    let (widget_names, team_names, member_names) =
        (names(&data.widget_names), names(&data.team_names), names(&data.member_names));
    let empty = Tally::default();
    let scope_list = |all: &BTreeMap<String, String>, dim: fn(String) -> Dim| {
        let mut list: Vec<pb::ScopeReport> = all
            .iter()
            .map(|(id, name)| pb::ScopeReport {
                id: id.clone(),
                name: name.clone(),
                figures: Some(figures(data.scopes.get(&dim(id.clone())).unwrap_or(&empty), business)),
            })
            .collect();
        list.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
        list
    };
    let widgets = scope_list(&widget_names, Dim::Widget);
    let teams = scope_list(&team_names, Dim::Team);
    let mut agents: Vec<pb::AgentReport> = data
        .scopes
        .iter()
        .filter_map(|(dim, t)| match dim {
            Dim::Agent(id) if member_names.contains_key(id) => Some((id, t)),
            _ => None,
        })
        .map(|(id, t)| pb::AgentReport {
            user_id: id.clone(),
            display_name: member_names.get(id).cloned().unwrap_or_default(),
            handled: t.resolved,
            first_response: Some(durations(t.first_response(business))),
            resolution: Some(durations(t.resolution(business))),
            satisfaction: Some(satisfaction(t)),
            online: Some(duration(t.online_secs)),
            busy: Some(duration(t.busy_secs)),
            away: Some(duration(t.away_secs)),
        })
        .collect();
    agents.sort_by(|a, b| {
        a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()).then(a.user_id.cmp(&b.user_id))
    });
    pb::GetReportResponse {
        time_zone: tz.name().to_owned(),
        start_time: Some(timestamp(range.start_ms)),
        end_time: Some(timestamp(range.end_ms)),
        current: Some(figures(&data.current, business)),
        previous: Some(figures(&data.previous, business)),
        interval: interval_to_proto(interval).into(),
        volume,
        busiest_hours,
        agents,
        widgets,
        teams,
        recent_comments: data
            .comments
            .into_iter()
            .map(|c| pb::RatingComment {
                conversation_id: c.conversation_id.to_string(),
                rating: c.stars,
                comment: c.comment,
                rate_time: Some(timestamp(c.at)),
                agent_user_id: c.agent.unwrap_or_default(),
            })
            .collect(),
    }
}

fn export_row(row: ExportRow) -> pb::ConversationFigures {
    let counted = row.counted.unwrap_or_default();
    let response = counted.first_response.as_ref();
    let end = counted.end.as_ref();
    pb::ConversationFigures {
        conversation_id: row.id.to_string(),
        start_time: Some(timestamp(row.created_at)),
        widget_id: row.widget_id,
        team_id: row.team_id.unwrap_or_default(),
        assignee_user_id: row.assignee.unwrap_or_default(),
        status: row.status.as_str().to_owned(),
        first_response_time: response.map(|r| timestamp(r.at)),
        first_responder: response.map(|r| r.by.clone()).unwrap_or_default(),
        first_response_seconds: response.map(|r| r.secs),
        resolve_time: end.map(|e| timestamp(e.at)),
        resolution_seconds: end.map(|e| e.secs),
        missed: end.is_some() && response.is_none(),
        rating: row.rating,
        rating_comment: row.rating_comment,
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
    }
}

type LiveStream =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::WatchLiveFiguresResponse, Status>> + Send>>;

#[tonic::async_trait]
impl ReportService for ReportApi {
    async fn get_report(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::GetReportResponse>, Status> {
        let agent = auth::agent(&request)?;
        self.state.limits.check(Limit::ReportsPerMember, agent.user_id.as_str()).await?;
        let req = request.into_inner();
        let (first, last) = days(&req.from_date, &req.to_date)?;
        let Some(asked) = interval_from_proto(req.interval) else {
            return Err(Error::invalid("interval", "is not a report interval").into());
        };
        let count = (last - first).num_days() + 1;
        if asked == Some(Interval::Hour) && count > MAX_HOURLY_DAYS {
            return Err(
                Error::invalid("interval", format!("hours only for ranges of up to {MAX_HOURLY_DAYS} days")).into()
            );
        }
        let interval = asked.unwrap_or_else(|| Interval::automatic(count));
        let dim = self.scope(&agent.workspace_id, req.filter).await?;
        let tz = time_zone(&self.state, &agent.workspace_id).await?;
        let range = DayRange::new(tz, first, last);
        let previous = range.previous(tz);
        let ask = ReportAsk {
            workspace_id: agent.workspace_id.clone(),
            dim,
            start_ms: range.start_ms,
            end_ms: range.end_ms,
            previous_start_ms: previous.start_ms,
            previous_end_ms: previous.end_ms,
            now: now_ms(),
        };
        let data = self.state.store.report(&ask).await.map_err(Error::from)?;
        Ok(Response::new(report(tz, &range, interval, req.business_hours, data)))
    }

    async fn export_conversations(
        &self,
        request: Request<pb::ExportConversationsRequest>,
    ) -> Result<Response<pb::ExportConversationsResponse>, Status> {
        let agent = auth::agent(&request)?;
        let req = request.into_inner();
        let (first, last) = days(&req.from_date, &req.to_date)?;
        let mut v = Violations::default();
        let limit = page::EXPORT.parse("page_size", req.page_size, &mut v);
        let after = page::after::<String>("page_token", &req.page_token, &mut v);
        v.into_result(())?;
        let dim = self.scope(&agent.workspace_id, req.filter).await?;
        let tz = time_zone(&self.state, &agent.workspace_id).await?;
        let range = DayRange::new(tz, first, last);
        let rows = self
            .state
            .store
            .export_conversations(&agent.workspace_id, &dim, (range.start_ms, range.end_ms), after, limit)
            .await
            .map_err(Error::from)?;
        let next_page_token = match rows.last() {
            Some(last) if rows.len() as i64 == limit => page::token(last.created_at, &last.id),
            _ => String::new(),
        };
        Ok(Response::new(pb::ExportConversationsResponse {
            conversations: rows.into_iter().map(export_row).collect(),
            next_page_token,
        }))
    }

    type WatchLiveFiguresStream = LiveStream;

    async fn watch_live_figures(
        &self,
        request: Request<pb::WatchLiveFiguresRequest>,
    ) -> Result<Response<Self::WatchLiveFiguresStream>, Status> {
        let agent = auth::agent(&request)?;
        let source = self.state.feed_source();
        let Some(slot) = source.open.claim(format!("l:{}", agent.user_id), MAX_LIVE_PER_MEMBER) else {
            return Err(Error::exhausted(
                format!("this member already watches the live figures {MAX_LIVE_PER_MEMBER} times; close another tab"),
                Duration::from_secs(10),
            )
            .into());
        };
        // Subscribe before the first read, so no change after it is missed.
        let mut changes = source.bus.subscribe(&agent.workspace_id);
        let mut shutdown = source.shutdown.clone();
        let state = self.state.clone();
        let (tx, rx) = mpsc::channel::<Result<pb::WatchLiveFiguresResponse, Status>>(2);
        tokio::spawn(async move {
            let _slot = slot;
            loop {
                // Access ends the stream the moment it is revoked (checked before each send).
                match state.store.live_session_role(&agent.workspace_id, &agent.user_id, &agent.session_id).await {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        let ended = Error::unauthenticated(
                            "this session has ended (signed out, password changed, or removed from the workspace); sign in again",
                        );
                        let _ = tx.send(Err(ended.into())).await;
                        return;
                    }
                    Err(error) => tracing::warn!(%error, "could not re-check a live-figures stream's access"),
                }
                let figures = match live(&state, &agent.workspace_id).await {
                    Ok(figures) => figures,
                    Err(error) => {
                        let _ = tx.send(Err(error.into())).await;
                        return;
                    }
                };
                if tx.send(Ok(pb::WatchLiveFiguresResponse { figures: Some(figures) })).await.is_err() {
                    return;
                }
                tokio::select! {
                    _ = changes.recv() => {}
                    _ = tokio::time::sleep(LIVE_AT_LEAST_EVERY) => {}
                    _ = shutdown.changed() => return,
                    _ = tx.closed() => return,
                }
                tokio::time::sleep(LIVE_AT_MOST_EVERY).await;
                // Whatever else happened meanwhile is in the next read.
                while !matches!(
                    changes.try_recv(),
                    Err(tokio::sync::broadcast::error::TryRecvError::Empty
                        | tokio::sync::broadcast::error::TryRecvError::Closed)
                ) {}
            }
        });
        Ok(Response::new(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))))
    }
}

/// The workspace's report time zone (UTC if the stored name is unknown: never stored).
async fn time_zone(state: &AppState, workspace_id: &crate::domain::id::WorkspaceId) -> Result<Tz, Error> {
    let name = state.store.report_time_zone(workspace_id).await?.unwrap_or_default();
    Ok(name.parse().unwrap_or(chrono_tz::UTC))
}

/// The live figures of a workspace now.
async fn live(state: &AppState, workspace_id: &crate::domain::id::WorkspaceId) -> Result<pb::LiveFigures, Error> {
    let now = now_ms();
    let tz = time_zone(state, workspace_id).await?;
    let today = calendar::local_date(tz, now);
    let range = DayRange::new(tz, today, today);
    let live = state.store.live_figures(workspace_id, (range.start_ms, range.end_ms), now).await?;
    Ok(pb::LiveFigures {
        open: live.open,
        pending: live.pending,
        queued: live.queued,
        oldest_queued_time: live.oldest_queued_at.map(timestamp),
        agents_online: live.agents_online,
        agents_away: live.agents_away,
        started_today: live.today.started,
        resolved_today: live.today.resolved,
        first_response_today: Some(durations(live.today.first_response(false))),
        as_of: Some(timestamp(now)),
    })
}
