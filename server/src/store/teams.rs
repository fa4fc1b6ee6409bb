//! Teams and their members. Every query is scoped by workspace id, so a foreign team id
//! simply is not found. Changes that alter who a waiting conversation may go to (members
//! replaced, a team deleted) route the queue again in the same transaction.

use crate::domain::id::{TeamId, UserId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::TeamRow;
use super::queries::Writes as _;
use super::schema::{conversations, memberships, team_members, teams};
use super::{Store, StoreError, is_unique_violation, read, write};
use crate::domain::team::MAX_TEAMS;
use crate::realtime::event::Event;

/// A team with its members, in the order they joined the workspace.
#[derive(Clone, Debug)]
pub struct TeamView {
    pub team: TeamRow,
    pub members: Vec<UserId>,
}

/// What a team write came to.
#[derive(Debug)]
pub enum TeamOutcome {
    /// Stored; the team now, and what routing did because of it.
    Saved(TeamView, Vec<Event>),
    /// Another team of the workspace has this name; nothing was written.
    NameTaken,
    /// The member at this position of the request is not a member of the workspace.
    NotAMember(usize),
    /// The workspace has [`MAX_TEAMS`] already.
    TooMany,
    NotFound,
}

fn name_taken_or(result: Result<TeamOutcome, StoreError>) -> Result<TeamOutcome, StoreError> {
    match result {
        Err(StoreError::Query(e)) if is_unique_violation(&e) => Ok(TeamOutcome::NameTaken),
        other => other,
    }
}

/// The first of `wanted` (by position) that is not a member of the workspace.
fn first_stranger(wanted: &[UserId], members: &[UserId]) -> Option<usize> {
    wanted.iter().position(|w| !members.contains(w))
}

impl Store {
    /// The workspace's teams by name, each with its members.
    pub async fn teams(&self, workspace_id: &WorkspaceId) -> Result<Vec<TeamView>, StoreError> {
        read!(self, |conn| {
            let rows: Vec<TeamRow> = teams::table
                .filter(teams::workspace_id.eq(workspace_id))
                .order((teams::name.asc(), teams::id.asc()))
                .select(TeamRow::as_select())
                .load(conn)
                .await?;
            let members: Vec<(TeamId, UserId)> = team_members::table
                .inner_join(
                    memberships::table.on(memberships::user_id
                        .eq(team_members::user_id)
                        .and(memberships::workspace_id.eq(team_members::workspace_id))),
                )
                .filter(team_members::workspace_id.eq(workspace_id))
                .order((memberships::created_at.asc(), memberships::user_id.asc()))
                .select((team_members::team_id, team_members::user_id))
                .load(conn)
                .await?;
            Ok(rows
                .into_iter()
                .map(|team| {
                    let members = members.iter().filter(|(t, _)| *t == team.id).map(|(_, u)| u.clone()).collect();
                    TeamView { team, members }
                })
                .collect())
        })
    }

    /// Whether the workspace has this team.
    pub async fn team_exists(&self, workspace_id: &WorkspaceId, team_id: &TeamId) -> Result<bool, StoreError> {
        read!(self, |conn| {
            let n: i64 = teams::table
                .filter(teams::id.eq(team_id))
                .filter(teams::workspace_id.eq(workspace_id))
                .count()
                .get_result(conn)
                .await?;
            Ok(n > 0)
        })
    }

    /// Creates a team with its members (each must be a member of the workspace).
    pub async fn create_team(&self, row: TeamRow, members: Vec<UserId>) -> Result<TeamOutcome, StoreError> {
        name_taken_or(write!(self, workspace = &row.workspace_id, |conn| {
            let count: i64 =
                teams::table.filter(teams::workspace_id.eq(&row.workspace_id)).count().get_result(conn).await?;
            if count >= MAX_TEAMS {
                return Ok(TeamOutcome::TooMany);
            }
            let known: Vec<UserId> = memberships::table
                .filter(memberships::workspace_id.eq(&row.workspace_id))
                .filter(memberships::user_id.eq_any(&members))
                .select(memberships::user_id)
                .load(conn)
                .await?;
            if let Some(i) = first_stranger(&members, &known) {
                return Ok(TeamOutcome::NotAMember(i));
            }
            diesel::insert_into(teams::table).values(&row).execute(conn).await?;
            // One statement per member (at most 200): SQLite has no batch insert of tuples.
            for user in &members {
                diesel::insert_into(team_members::table)
                    .values((
                        team_members::team_id.eq(&row.id),
                        team_members::user_id.eq(user),
                        team_members::workspace_id.eq(&row.workspace_id),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(TeamOutcome::Saved(TeamView { team: row, members }, Vec::new()))
        }))
    }

    /// Renames a team and/or replaces its members; conversations waiting for it are then
    /// offered to the new members.
    pub async fn update_team(
        &self,
        workspace_id: &WorkspaceId,
        team_id: &TeamId,
        name: Option<String>,
        members: Option<Vec<UserId>>,
        now: i64,
    ) -> Result<TeamOutcome, StoreError> {
        let grace = self.agent_grace_ms();
        name_taken_or(write!(self, workspace = workspace_id, |conn| {
            let found: Option<TeamRow> = teams::table
                .filter(teams::id.eq(team_id))
                .filter(teams::workspace_id.eq(workspace_id))
                .select(TeamRow::as_select())
                .get_result(conn)
                .await
                .optional()?;
            let Some(mut team) = found else { return Ok(TeamOutcome::NotFound) };
            if let Some(name) = name {
                diesel::update(teams::table.find(team_id)).set(teams::name.eq(&name)).execute(conn).await?;
                team.name = name;
            }
            let mut events = Vec::new();
            if let Some(members) = &members {
                let known: Vec<UserId> = memberships::table
                    .filter(memberships::workspace_id.eq(workspace_id))
                    .filter(memberships::user_id.eq_any(members))
                    .select(memberships::user_id)
                    .load(conn)
                    .await?;
                if let Some(i) = first_stranger(members, &known) {
                    return Ok(TeamOutcome::NotAMember(i));
                }
                diesel::delete(team_members::table.filter(team_members::team_id.eq(team_id))).execute(conn).await?;
                for user in members {
                    diesel::insert_into(team_members::table)
                        .values((
                            team_members::team_id.eq(team_id),
                            team_members::user_id.eq(user),
                            team_members::workspace_id.eq(workspace_id),
                        ))
                        .execute(conn)
                        .await?;
                }
                let new = conn.route_queue(workspace_id, now, grace).await?;
                events = conn.append_events(workspace_id, now, new).await?;
            }
            let members: Vec<UserId> = team_members::table
                .inner_join(
                    memberships::table.on(memberships::user_id
                        .eq(team_members::user_id)
                        .and(memberships::workspace_id.eq(team_members::workspace_id))),
                )
                .filter(team_members::team_id.eq(team_id))
                .order((memberships::created_at.asc(), memberships::user_id.asc()))
                .select(team_members::user_id)
                .load(conn)
                .await?;
            Ok(TeamOutcome::Saved(TeamView { team, members }, events))
        }))
    }

    /// Deletes a team; its conversations go back to the workspace's line and are routed.
    /// `None` when the workspace has no such team.
    pub async fn delete_team(
        &self,
        workspace_id: &WorkspaceId,
        team_id: &TeamId,
        now: i64,
    ) -> Result<Option<Vec<Event>>, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            let exists: i64 = teams::table
                .filter(teams::id.eq(team_id))
                .filter(teams::workspace_id.eq(workspace_id))
                .count()
                .get_result(conn)
                .await?;
            if exists == 0 {
                return Ok(None);
            }
            // Explicitly, rather than by the foreign key: the same on both databases.
            diesel::update(conversations::table.filter(conversations::team_id.eq(team_id)))
                .set(conversations::team_id.eq(None::<TeamId>))
                .execute(conn)
                .await?;
            diesel::delete(team_members::table.filter(team_members::team_id.eq(team_id))).execute(conn).await?;
            diesel::delete(teams::table.find(team_id)).execute(conn).await?;
            let new = conn.route_queue(workspace_id, now, grace).await?;
            Ok(Some(conn.append_events(workspace_id, now, new).await?))
        })
    }
}
