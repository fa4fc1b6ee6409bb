//! Reading reports: sums of `report_figures` (kept by `queries::Counts` in every writing
//! transaction) over the pieces of a range (`domain::calendar::pieces`), the 15-minute
//! series for charts, names, comments, the live figures, and the conversations of a
//! range for an export. Every query is scoped by workspace id.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::queries::{Counts as _, Reads as _};
use super::schema::{
    conversation_counts, conversations, memberships, report_figures, teams, users, widgets, workspaces,
};
use super::{Store, StoreError, read, write};
use crate::domain::calendar::{SLOT_MS, pieces};
use crate::domain::conversation::Status;
use crate::domain::id::{ConversationId, UserId, WorkspaceId};
use crate::domain::report::{Counted, Dim, Tally, presence_tally};
use crate::domain::routing::AgentStatus;

/// What a report is asked for, as instants.
#[derive(Clone, Debug)]
pub struct ReportAsk {
    pub workspace_id: WorkspaceId,
    /// The scope of `current`/`previous` and the series.
    pub dim: Dim,
    pub start_ms: i64,
    pub end_ms: i64,
    pub previous_start_ms: i64,
    pub previous_end_ms: i64,
    pub now: i64,
}

/// A rating comment.
#[derive(Clone, Debug)]
pub struct Comment {
    pub conversation_id: ConversationId,
    pub stars: i32,
    pub comment: String,
    pub at: i64,
    pub agent: Option<String>,
}

/// What a report is made of; the API shapes it.
#[derive(Debug, Default)]
pub struct ReportData {
    pub current: Tally,
    pub previous: Tally,
    /// The scope's 15-minute rows of the range that hold conversations: (start, started,
    /// resolved, missed).
    pub series: Vec<(i64, i64, i64, i64)>,
    /// Every scope of the workspace over the range, by key (`Dim`).
    pub scopes: BTreeMap<Dim, Tally>,
    /// Widget, team and member names now.
    pub widget_names: Vec<(String, String)>,
    pub team_names: Vec<(String, String)>,
    pub member_names: Vec<(String, String)>,
    pub comments: Vec<Comment>,
}

/// The figures of the workspace now.
#[derive(Debug, Default)]
pub struct Live {
    pub open: i64,
    pub pending: i64,
    pub queued: i64,
    pub oldest_queued_at: Option<i64>,
    pub agents_online: i64,
    pub agents_away: i64,
    pub today: Tally,
}

/// One conversation of an export.
#[derive(Debug)]
pub struct ExportRow {
    pub id: ConversationId,
    pub created_at: i64,
    pub widget_id: String,
    pub team_id: Option<String>,
    pub assignee: Option<String>,
    pub status: Status,
    pub rating: i32,
    pub rating_comment: String,
    pub tags: String,
    pub counted: Option<Counted>,
}

/// Most comments a report lists.
pub const MAX_COMMENTS: usize = 20;

impl Store {
    /// The workspace's report time zone; `None` when there is no such workspace.
    pub async fn report_time_zone(&self, workspace_id: &WorkspaceId) -> Result<Option<String>, StoreError> {
        read!(self, |conn| {
            Ok(workspaces::table.find(workspace_id).select(workspaces::time_zone).get_result(conn).await.optional()?)
        })
    }

    /// Sets the workspace's report time zone (already validated).
    pub async fn set_report_time_zone(&self, workspace_id: &WorkspaceId, time_zone: &str) -> Result<(), StoreError> {
        write!(self, workspace = workspace_id, |conn| {
            diesel::update(workspaces::table.find(workspace_id))
                .set(workspaces::time_zone.eq(time_zone))
                .execute(conn)
                .await?;
            Ok(())
        })
    }

    /// Everything a report shows (see [`ReportData`]).
    pub async fn report(&self, ask: &ReportAsk) -> Result<ReportData, StoreError> {
        let ws = &ask.workspace_id;
        let key = ask.dim.key();
        read!(self, |conn| {
            let mut data = ReportData::default();
            // Every scope's rows over the range (the chosen scope's total among them),
            // whole UTC days from the day rows and the ends from the slot rows.
            for piece in pieces(ask.start_ms, ask.end_ms) {
                for row in conn.figures_rows(ws, &piece, None).await? {
                    let Some(dim) = Dim::from_key(&row.dim) else { continue };
                    data.scopes.entry(dim).or_default().merge(&row.tally(), 1);
                }
            }
            data.current = data.scopes.get(&ask.dim).cloned().unwrap_or_default();
            for piece in pieces(ask.previous_start_ms, ask.previous_end_ms) {
                for row in conn.figures_rows(ws, &piece, Some(&key)).await? {
                    data.previous.merge(&row.tally(), 1);
                }
            }
            data.series = report_figures::table
                .filter(report_figures::workspace_id.eq(ws))
                .filter(report_figures::span.eq(span_secs(SLOT_MS)))
                .filter(report_figures::dim.eq(&key))
                .filter(report_figures::start_at.ge(ask.start_ms))
                .filter(report_figures::start_at.lt(ask.end_ms))
                .filter(
                    report_figures::started.ne(0).or(report_figures::resolved.ne(0)).or(report_figures::missed.ne(0)),
                )
                .select((
                    report_figures::start_at,
                    report_figures::started,
                    report_figures::resolved,
                    report_figures::missed,
                ))
                .load(conn)
                .await?;
            // Time online so far in stretches that have not ended yet.
            let ongoing: Vec<(UserId, String, Option<i64>)> = memberships::table
                .filter(memberships::workspace_id.eq(ws))
                .filter(memberships::presence_counted.ne(AgentStatus::Offline.as_str()))
                .select((memberships::user_id, memberships::presence_counted, memberships::presence_since))
                .load(conn)
                .await?;
            for (user, state, since) in ongoing {
                let Some(since) = since else { continue };
                let (from, to) = (since.max(ask.start_ms), ask.now.min(ask.end_ms));
                if let Some(tally) = presence_tally(&state, (to - from).max(0)) {
                    data.scopes.entry(Dim::Agent(user.to_string())).or_default().merge(&tally, 1);
                }
            }
            data.widget_names = widgets::table
                .filter(widgets::workspace_id.eq(ws))
                .select((widgets::id, widgets::name))
                .load::<(String, String)>(conn)
                .await?;
            data.team_names = teams::table
                .filter(teams::workspace_id.eq(ws))
                .select((teams::id, teams::name))
                .load::<(String, String)>(conn)
                .await?;
            data.member_names = memberships::table
                .inner_join(users::table)
                .filter(memberships::workspace_id.eq(ws))
                .select((users::id, users::display_name))
                .load::<(String, String)>(conn)
                .await?;
            // The latest ratings of the range first; those with a comment until there are
            // enough (a rating has a comment about one time in five).
            /// Id, stars, comment, assignee, rated at.
            type Commented = (ConversationId, i32, String, Option<String>, Option<i64>);
            let commented: Vec<Commented> = conversation_counts::table
                .inner_join(conversations::table)
                .filter(conversation_counts::workspace_id.eq(ws))
                .filter(conversation_counts::rated_at.ge(ask.start_ms))
                .filter(conversation_counts::rated_at.lt(ask.end_ms))
                .filter(conversations::rating_comment.ne(""))
                .order(conversation_counts::rated_at.desc())
                .limit(MAX_COMMENTS as i64)
                .select((
                    conversations::id,
                    conversations::rating,
                    conversations::rating_comment,
                    conversations::assignee_user_id,
                    conversation_counts::rated_at,
                ))
                .load(conn)
                .await?;
            for (id, stars, comment, agent, at) in commented {
                data.comments.push(Comment { conversation_id: id, stars, comment, at: at.unwrap_or_default(), agent });
            }
            data.comments.truncate(MAX_COMMENTS);
            Ok::<_, StoreError>(data)
        })
    }

    /// The live figures; `today` is the range of the local day now.
    pub async fn live_figures(
        &self,
        workspace_id: &WorkspaceId,
        today: (i64, i64),
        now: i64,
    ) -> Result<Live, StoreError> {
        let grace = self.agent_grace_ms();
        read!(self, |conn| {
            let mut live = Live::default();
            let open = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::status.eq_any(Status::OPEN));
            live.open = open.clone().count().get_result(conn).await?;
            live.pending = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::status.eq_any(Status::OPEN))
                .filter(conversations::first_response_at.is_null())
                .count()
                .get_result(conn)
                .await?;
            let queued = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::queued_at.is_not_null())
                .filter(conversations::assignee_user_id.is_null())
                .filter(conversations::status.eq_any(Status::OPEN));
            live.queued = queued.clone().count().get_result(conn).await?;
            live.oldest_queued_at = queued.select(diesel::dsl::min(conversations::queued_at)).first(conn).await?;
            let present: Vec<AgentStatus> = memberships::table
                .filter(memberships::workspace_id.eq(workspace_id))
                .filter(memberships::last_active_at.ge(now - grace))
                .select(memberships::status)
                .load(conn)
                .await?;
            live.agents_online = present.iter().filter(|s| **s == AgentStatus::Online).count() as i64;
            live.agents_away =
                present.iter().filter(|s| matches!(s, AgentStatus::Away | AgentStatus::Busy)).count() as i64;
            for piece in pieces(today.0, today.1) {
                for row in conn.figures_rows(workspace_id, &piece, Some(&Dim::Workspace.key())).await? {
                    live.today.merge(&row.tally(), 1);
                }
            }
            Ok::<_, StoreError>(live)
        })
    }

    /// Up to `limit` conversations started in `[start_ms, end_ms)` in `dim`, oldest first,
    /// after `after` (a previous page's last (start, id)).
    pub async fn export_conversations(
        &self,
        workspace_id: &WorkspaceId,
        dim: &Dim,
        (start_ms, end_ms): (i64, i64),
        after: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<ExportRow>, StoreError> {
        read!(self, |conn| {
            let mut query = conversations::table
                .left_join(conversation_counts::table)
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::created_at.ge(start_ms))
                .filter(conversations::created_at.lt(end_ms))
                .into_boxed();
            query = match dim {
                Dim::Workspace => query,
                Dim::Widget(id) => query.filter(conversations::widget_id.eq(id.clone())),
                Dim::Team(id) => query.filter(conversations::team_id.eq(id.clone())),
                Dim::Agent(id) => query.filter(conversations::assignee_user_id.eq(id.clone())),
            };
            if let Some((at, id)) = &after {
                query = query.filter(
                    conversations::created_at
                        .gt(*at)
                        .or(conversations::created_at.eq(*at).and(conversations::id.gt(id.clone()))),
                );
            }
            type Columns = (
                ConversationId,
                i64,
                String,
                Option<String>,
                Option<String>,
                Status,
                i32,
                String,
                String,
                Option<String>,
            );
            let rows: Vec<Columns> = query
                .order((conversations::created_at.asc(), conversations::id.asc()))
                .limit(limit)
                .select((
                    conversations::id,
                    conversations::created_at,
                    conversations::widget_id,
                    conversations::team_id,
                    conversations::assignee_user_id,
                    conversations::status,
                    conversations::rating,
                    conversations::rating_comment,
                    conversations::tags,
                    conversation_counts::counted.nullable(),
                ))
                .load(conn)
                .await?;
            Ok::<_, StoreError>(
                rows.into_iter()
                    .map(
                        |(
                            id,
                            created_at,
                            widget_id,
                            team_id,
                            assignee,
                            status,
                            rating,
                            rating_comment,
                            tags,
                            counted,
                        )| {
                            ExportRow {
                                id,
                                created_at,
                                widget_id,
                                team_id,
                                assignee,
                                status,
                                rating,
                                rating_comment,
                                tags,
                                counted: counted.and_then(|json| serde_json::from_str(&json).ok()),
                            }
                        },
                    )
                    .collect(),
            )
        })
    }

    /// Counts up to `limit` conversations from before reports existed (no counts yet);
    /// returns how many it counted (0: all are counted).
    pub async fn count_uncounted(&self, limit: i64, now: i64) -> Result<usize, StoreError> {
        let batch: Vec<(ConversationId, WorkspaceId, i64)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                conversations::table
                    .left_join(conversation_counts::table)
                    .filter(conversation_counts::conversation_id.nullable().is_null())
                    .select((conversations::id, conversations::workspace_id, conversations::updated_at))
                    .limit(limit)
                    .load(conn)
                    .await?,
            )
        })?;
        for (id, workspace_id, updated_at) in &batch {
            // Counted as of its last change, not of today.
            let at = (*updated_at).min(now);
            write!(self, workspace = workspace_id, |conn| { conn.recount(id, at).await })?;
        }
        Ok(batch.len())
    }
}

/// `report_figures.span` of a span length.
fn span_secs(span_ms: i64) -> i32 {
    i32::try_from(span_ms / 1000).unwrap_or(i32::MAX)
}

impl Store {
    /// Whether the widget, team or member a report is filtered by is the workspace's.
    pub async fn report_scope_exists(&self, workspace_id: &WorkspaceId, dim: &Dim) -> Result<bool, StoreError> {
        read!(self, |conn| {
            let found: i64 = match dim {
                Dim::Workspace => 1,
                Dim::Widget(id) => {
                    widgets::table
                        .filter(widgets::workspace_id.eq(workspace_id))
                        .filter(widgets::id.eq(id.clone()))
                        .count()
                        .get_result(conn)
                        .await?
                }
                Dim::Team(id) => {
                    teams::table
                        .filter(teams::workspace_id.eq(workspace_id))
                        .filter(teams::id.eq(id.clone()))
                        .count()
                        .get_result(conn)
                        .await?
                }
                Dim::Agent(id) => {
                    memberships::table
                        .filter(memberships::workspace_id.eq(workspace_id))
                        .filter(memberships::user_id.eq(id.clone()))
                        .count()
                        .get_result(conn)
                        .await?
                }
            };
            Ok::<_, StoreError>(found > 0)
        })
    }
}
