//! Routing in the store: assigning queued conversations to agents inside the writing
//! transaction, agent presence and status, and the workload view.
//!
//! **Invariant:** every assignment decision of a workspace runs under that workspace's row
//! lock, which its transaction took first (`Writes::lock_workspace`), so concurrent conversations on
//! several replicas are assigned one at a time: no agent goes over capacity and no
//! conversation is assigned twice. On SQLite the single writer gives the same.

use crate::domain::id::{TeamId, UserId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::events::NewEvent;
use super::models::{MembershipRow, UserRow};
use super::queries::{Counts as _, Reads as _, Writes as _};
use super::schema::{conversations, memberships, team_members, users, workspaces};
use super::{Store, StoreError, read, write};
use crate::domain::conversation::Status;
use crate::domain::routing::{AgentStatus, Mode, presence};
use crate::realtime::event::{Event, EventBody};
use crate::realtime::payload::MemberView;

/// A member as dashboards show it, from their rows and load.
pub(super) fn view_of(membership: MembershipRow, user: UserRow, load: i64, now: i64, grace_ms: i64) -> MemberView {
    MemberView {
        presence: presence(membership.status, membership.last_active_at, now, grace_ms),
        status: membership.status,
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: membership.role,
        joined_at: membership.created_at,
        max_chats: i64::from(membership.max_chats),
        load,
    }
}

fn member_event(member: MemberView) -> NewEvent {
    NewEvent {
        conversation_id: None,
        visitor_id: None,
        visitor_visible: false,
        body: EventBody::MemberUpdated { member },
    }
}

/// The queue of a workspace at a glance.
#[derive(Debug, Default)]
pub struct Workload {
    pub members: Vec<MemberView>,
    pub queue_length: i64,
    pub oldest_queued_at: Option<i64>,
}

impl Store {
    /// Records that a member's dashboard is connected now. When that makes them present
    /// (first touch, or back after the grace period), announces it and gives them
    /// waiting conversations.
    pub async fn touch_member(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            let Some(was_present) = memberships::table
                .find((workspace_id, user_id))
                .select(memberships::present)
                .first::<bool>(conn)
                .await
                .optional()?
            else {
                return Ok(Vec::new());
            };
            diesel::update(memberships::table.find((workspace_id, user_id)))
                .set((memberships::last_active_at.eq(now), memberships::present.eq(true)))
                .execute(conn)
                .await?;
            if was_present {
                return Ok(Vec::new());
            }
            conn.count_presence(workspace_id, user_id, now).await?;
            let mut new = Vec::new();
            if let Some(member) = conn.member_view(workspace_id, user_id, now, grace).await? {
                new.push(member_event(member));
            }
            new.extend(conn.route_queue(workspace_id, now, grace).await?);
            conn.append_events(workspace_id, now, new).await
        })
    }

    /// Sets a member's chosen status; online pulls waiting conversations, offline may hand
    /// theirs back to the queue (workspace setting). `None` when not a member.
    pub async fn set_member_status(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        status: AgentStatus,
        now: i64,
    ) -> Result<Option<(MemberView, Vec<Event>)>, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            let changed = diesel::update(memberships::table.find((workspace_id, user_id)))
                .set(memberships::status.eq(status))
                .execute(conn)
                .await?;
            if changed == 0 {
                return Ok(None);
            }
            conn.count_presence(workspace_id, user_id, now).await?;
            let mut new = Vec::new();
            if status == AgentStatus::Offline {
                new.extend(conn.unassign_if_configured(workspace_id, user_id, now).await?);
            }
            new.extend(conn.route_queue(workspace_id, now, grace).await?);
            let Some(member) = conn.member_view(workspace_id, user_id, now, grace).await? else { return Ok(None) };
            new.push(member_event(member.clone()));
            Ok(Some((member, conn.append_events(workspace_id, now, new).await?)))
        })
    }

    /// Changes a member's capacity; more room pulls waiting conversations.
    pub async fn set_member_capacity(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        max_chats: i32,
        now: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            diesel::update(memberships::table.find((workspace_id, user_id)))
                .set(memberships::max_chats.eq(max_chats))
                .execute(conn)
                .await?;
            let mut new = conn.route_queue(workspace_id, now, grace).await?;
            if let Some(member) = conn.member_view(workspace_id, user_id, now, grace).await? {
                new.push(member_event(member));
            }
            conn.append_events(workspace_id, now, new).await
        })
    }

    /// Changes the workspace's routing settings and routes the queue under the new rule.
    pub async fn set_routing(
        &self,
        workspace_id: &WorkspaceId,
        mode: Option<Mode>,
        unassign_on_offline: Option<bool>,
        now: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let grace = self.agent_grace_ms();
        write!(self, workspace = workspace_id, |conn| {
            if let Some(mode) = mode {
                diesel::update(workspaces::table.find(workspace_id))
                    .set(workspaces::routing_mode.eq(mode))
                    .execute(conn)
                    .await?;
            }
            if let Some(flag) = unassign_on_offline {
                diesel::update(workspaces::table.find(workspace_id))
                    .set(workspaces::unassign_on_offline.eq(flag))
                    .execute(conn)
                    .await?;
            }
            let new = conn.route_queue(workspace_id, now, grace).await?;
            conn.append_events(workspace_id, now, new).await
        })
    }

    /// Whether an agent of the workspace (of `team`, when given) is online with a connected
    /// dashboard.
    pub async fn any_agent_available(
        &self,
        workspace_id: &WorkspaceId,
        team: Option<&TeamId>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let grace = self.agent_grace_ms();
        read!(self, |conn| {
            let mut online = memberships::table
                .filter(memberships::workspace_id.eq(workspace_id))
                .filter(memberships::status.eq(AgentStatus::Online))
                .filter(memberships::last_active_at.ge(now - grace))
                .into_boxed();
            if let Some(team) = team {
                online =
                    online.filter(memberships::user_id.eq_any(
                        team_members::table.filter(team_members::team_id.eq(team)).select(team_members::user_id),
                    ));
            }
            let count: i64 = online.count().get_result(conn).await?;
            Ok(count > 0)
        })
    }

    /// Members with presence and load, oldest first, and the queue.
    pub async fn workload(&self, workspace_id: &WorkspaceId, now: i64) -> Result<Workload, StoreError> {
        let grace = self.agent_grace_ms();
        read!(self, |conn| {
            let rows: Vec<(MembershipRow, UserRow)> = memberships::table
                .inner_join(users::table)
                .filter(memberships::workspace_id.eq(workspace_id))
                .order((memberships::created_at.asc(), memberships::user_id.asc()))
                .select((MembershipRow::as_select(), UserRow::as_select()))
                .load(conn)
                .await?;
            let loads = conn.agent_loads(workspace_id).await?;
            let queued = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::queued_at.is_not_null())
                .filter(conversations::assignee_user_id.is_null())
                .filter(conversations::status.eq_any(Status::OPEN));
            let queue_length: i64 = queued.clone().count().get_result(conn).await?;
            let oldest_queued_at: Option<i64> =
                queued.select(diesel::dsl::min(conversations::queued_at)).first(conn).await?;
            let members = rows
                .into_iter()
                .map(|(membership, user)| {
                    let load = loads.iter().find(|(u, _)| *u == user.id).map_or(0, |(_, n)| *n);
                    view_of(membership, user, load, now, grace)
                })
                .collect();
            Ok(Workload { members, queue_length, oldest_queued_at })
        })
    }

    /// Marks members whose dashboards have been gone for the grace period as away from
    /// their desks: announces it, hands their conversations back if the workspace says so,
    /// and routes the queue. Safe on several replicas (conditional update).
    pub async fn expire_agent_presence(&self, now: i64) -> Result<Vec<Event>, StoreError> {
        let grace = self.agent_grace_ms();
        let stale: Vec<(WorkspaceId, UserId)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                memberships::table
                    .filter(memberships::present.eq(true))
                    .filter(memberships::last_active_at.lt(now - grace))
                    .select((memberships::workspace_id, memberships::user_id))
                    .limit(500)
                    .load(conn)
                    .await?,
            )
        })?;
        let mut all = Vec::new();
        for (workspace_id, user_id) in stale {
            let events = write!(self, workspace = &workspace_id, |conn| {
                let gone = diesel::update(
                    memberships::table
                        .filter(memberships::workspace_id.eq(&workspace_id))
                        .filter(memberships::user_id.eq(&user_id))
                        .filter(memberships::present.eq(true))
                        .filter(memberships::last_active_at.lt(now - grace)),
                )
                .set(memberships::present.eq(false))
                .execute(conn)
                .await?;
                if gone == 0 {
                    return Ok::<_, StoreError>(Vec::new());
                }
                conn.count_presence(&workspace_id, &user_id, now).await?;
                let mut new = conn.unassign_if_configured(&workspace_id, &user_id, now).await?;
                new.extend(conn.route_queue(&workspace_id, now, grace).await?);
                if let Some(member) = conn.member_view(&workspace_id, &user_id, now, grace).await? {
                    new.push(member_event(member));
                }
                conn.append_events(&workspace_id, now, new).await
            })?;
            all.extend(events);
        }
        Ok(all)
    }
}
