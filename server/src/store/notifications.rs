//! Members' notification settings, their browsers' push subscriptions, which dashboards are
//! open, and the notifier's place in each workspace's event log (see `notifications`).

use crate::domain::id::{ConversationId, PushSubscriptionId, UserId, WorkspaceId};
use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::queries::Writes as _;
use super::schema::{conversations, messages, notification_settings, open_dashboards, push_subscriptions, workspaces};
use super::{Store, StoreError, read, write};
use crate::domain::notification::{DASHBOARD_SEEN_WITHIN_MS, MAX_PUSH_SUBSCRIPTIONS, Settings};
use crate::jobs::NewJob;

/// The `user_id` of a workspace's default settings.
const WORKSPACE_DEFAULT: &str = "*";

/// A browser subscribed to a member's pushes.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = push_subscriptions)]
pub struct PushSubscriptionRow {
    pub id: PushSubscriptionId,
    pub workspace_id: WorkspaceId,
    pub user_id: UserId,
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (uncompressed point).
    pub p256dh: String,
    /// The browser's 16-byte auth secret, base64url.
    pub auth: String,
    pub label: String,
    pub created_at: i64,
}

/// A workspace's settings: its default and each member's own.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceSettings {
    pub defaults: Settings,
    pub members: HashMap<UserId, Settings>,
}

impl WorkspaceSettings {
    /// What applies to a member.
    pub fn of(&self, user_id: &UserId) -> &Settings {
        self.members.get(user_id).unwrap_or(&self.defaults)
    }
}

impl Store {
    /// The workspace's default and every member's own settings.
    pub async fn notification_settings(&self, workspace_id: &WorkspaceId) -> Result<WorkspaceSettings, StoreError> {
        let rows: Vec<(String, String)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                notification_settings::table
                    .filter(notification_settings::workspace_id.eq(workspace_id))
                    .select((notification_settings::user_id, notification_settings::settings))
                    .load(conn)
                    .await?,
            )
        })?;
        let mut settings = WorkspaceSettings::default();
        for (user_id, json) in rows {
            if user_id == WORKSPACE_DEFAULT {
                settings.defaults = Settings::from_json(&json);
            } else {
                settings.members.insert(UserId::from_stored(user_id), Settings::from_json(&json));
            }
        }
        Ok(settings)
    }

    /// Sets a member's own settings, or with `None` makes them follow the workspace's.
    pub async fn set_member_notifications(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        settings: Option<&Settings>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.put_settings(workspace_id, user_id, settings, now).await
    }

    /// Sets the workspace's default settings.
    pub async fn set_workspace_notifications(
        &self,
        workspace_id: &WorkspaceId,
        settings: &Settings,
        now: i64,
    ) -> Result<(), StoreError> {
        self.put_settings(workspace_id, WORKSPACE_DEFAULT, Some(settings), now).await
    }

    async fn put_settings(
        &self,
        workspace_id: &WorkspaceId,
        // A member's id, or `WORKSPACE_DEFAULT`.
        user_id: &str,
        settings: Option<&Settings>,
        now: i64,
    ) -> Result<(), StoreError> {
        let json = settings.map(Settings::to_json);
        write!(self, |conn| {
            diesel::delete(notification_settings::table.find((workspace_id, user_id))).execute(conn).await?;
            if let Some(json) = &json {
                diesel::insert_into(notification_settings::table)
                    .values((
                        notification_settings::workspace_id.eq(workspace_id),
                        notification_settings::user_id.eq(user_id),
                        notification_settings::settings.eq(json),
                        notification_settings::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
    }

    /// Adds (or, for an endpoint already known, hands over to this member) a browser's
    /// subscription; `None` when the member already has [`MAX_PUSH_SUBSCRIPTIONS`].
    pub async fn add_push_subscription(
        &self,
        row: PushSubscriptionRow,
    ) -> Result<Option<PushSubscriptionRow>, StoreError> {
        write!(self, |conn| {
            // The same browser signed in as someone else: the endpoint now belongs here.
            diesel::delete(push_subscriptions::table.filter(push_subscriptions::endpoint.eq(&row.endpoint)))
                .execute(conn)
                .await?;
            let count: i64 = push_subscriptions::table
                .filter(push_subscriptions::workspace_id.eq(&row.workspace_id))
                .filter(push_subscriptions::user_id.eq(&row.user_id))
                .count()
                .get_result(conn)
                .await?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_PUSH_SUBSCRIPTIONS {
                return Ok(None);
            }
            diesel::insert_into(push_subscriptions::table).values(&row).execute(conn).await?;
            Ok(Some(row))
        })
    }

    /// A member's subscriptions, oldest first.
    pub async fn push_subscriptions_of(
        &self,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
    ) -> Result<Vec<PushSubscriptionRow>, StoreError> {
        read!(self, |conn| {
            Ok(push_subscriptions::table
                .filter(push_subscriptions::workspace_id.eq(workspace_id))
                .filter(push_subscriptions::user_id.eq(user_id))
                .order((push_subscriptions::created_at, push_subscriptions::id))
                .select(PushSubscriptionRow::as_select())
                .load(conn)
                .await?)
        })
    }

    /// A subscription by id (a push job's target).
    pub async fn push_subscription(&self, id: &str) -> Result<Option<PushSubscriptionRow>, StoreError> {
        read!(self, |conn| {
            Ok(push_subscriptions::table
                .find(id)
                .select(PushSubscriptionRow::as_select())
                .get_result(conn)
                .await
                .optional()?)
        })
    }

    /// Deletes a member's subscription (`Some` member) or, when the push service says the
    /// browser is gone, any (`None`); `false` when there was none.
    pub async fn delete_push_subscription(&self, member: Option<(&str, &str)>, id: &str) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = match member {
                Some((workspace_id, user_id)) => {
                    diesel::delete(
                        push_subscriptions::table
                            .filter(push_subscriptions::id.eq(id))
                            .filter(push_subscriptions::workspace_id.eq(workspace_id))
                            .filter(push_subscriptions::user_id.eq(user_id)),
                    )
                    .execute(conn)
                    .await?
                }
                None => diesel::delete(push_subscriptions::table.find(id)).execute(conn).await?,
            };
            Ok(deleted == 1)
        })
    }

    /// Every subscription of the workspace's members, by member.
    pub async fn push_subscriptions_by_member(
        &self,
        workspace_id: &WorkspaceId,
    ) -> Result<HashMap<UserId, Vec<PushSubscriptionId>>, StoreError> {
        let rows: Vec<(UserId, PushSubscriptionId)> = read!(self, |conn| {
            Ok::<_, StoreError>(
                push_subscriptions::table
                    .filter(push_subscriptions::workspace_id.eq(workspace_id))
                    .select((push_subscriptions::user_id, push_subscriptions::id))
                    .load(conn)
                    .await?,
            )
        })?;
        let mut by_member: HashMap<UserId, Vec<PushSubscriptionId>> = HashMap::new();
        for (user_id, id) in rows {
            by_member.entry(user_id).or_default().push(id);
        }
        Ok(by_member)
    }

    /// Records that dashboard `id` (a member's workspace feed) is open now.
    pub async fn dashboard_seen(
        &self,
        id: &str,
        workspace_id: &WorkspaceId,
        user_id: &UserId,
        now: i64,
    ) -> Result<(), StoreError> {
        write!(self, |conn| {
            let updated = diesel::update(open_dashboards::table.find(id))
                .set(open_dashboards::seen_at.eq(now))
                .execute(conn)
                .await?;
            if updated == 0 {
                diesel::insert_into(open_dashboards::table)
                    .values((
                        open_dashboards::id.eq(id),
                        open_dashboards::workspace_id.eq(workspace_id),
                        open_dashboards::user_id.eq(user_id),
                        open_dashboards::seen_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
            // Rows of processes that died are of no use after a while.
            diesel::delete(
                open_dashboards::table.filter(open_dashboards::seen_at.lt(now - 10 * DASHBOARD_SEEN_WITHIN_MS)),
            )
            .execute(conn)
            .await?;
            Ok(())
        })
    }

    /// Records that dashboard `id` closed.
    pub async fn dashboard_closed(&self, id: &str) -> Result<(), StoreError> {
        write!(self, |conn| {
            diesel::delete(open_dashboards::table.find(id)).execute(conn).await?;
            Ok(())
        })
    }

    /// Members of the workspace with a dashboard open now.
    pub async fn members_looking(&self, workspace_id: &WorkspaceId, now: i64) -> Result<HashSet<UserId>, StoreError> {
        let users: Vec<UserId> = read!(self, |conn| {
            Ok::<_, StoreError>(
                open_dashboards::table
                    .filter(open_dashboards::workspace_id.eq(workspace_id))
                    .filter(open_dashboards::seen_at.ge(now - DASHBOARD_SEEN_WITHIN_MS))
                    .select(open_dashboards::user_id)
                    .distinct()
                    .load(conn)
                    .await?,
            )
        })?;
        Ok(users.into_iter().collect())
    }

    /// The assignee and first visible message of each of the workspace's conversations
    /// `ids` (absent: not found).
    pub async fn assignees(
        &self,
        workspace_id: &WorkspaceId,
        ids: &[ConversationId],
    ) -> Result<HashMap<ConversationId, Assignee>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        type Rows = (Vec<(ConversationId, Option<UserId>)>, Vec<(ConversationId, Option<i64>)>);
        let (rows, firsts): Rows = read!(self, |conn| {
            let rows = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq_any(ids))
                .select((conversations::id, conversations::assignee_user_id))
                .load(conn)
                .await?;
            // Not `seq == 1`: the transcript's lines and notes come before it at times.
            let firsts = messages::table
                .filter(messages::workspace_id.eq(workspace_id))
                .filter(messages::conversation_id.eq_any(ids))
                .filter(messages::internal.eq(false))
                .group_by(messages::conversation_id)
                .select((messages::conversation_id, diesel::dsl::min(messages::seq)))
                .load(conn)
                .await?;
            Ok::<_, StoreError>((rows, firsts))
        })?;
        let firsts: HashMap<ConversationId, i64> =
            firsts.into_iter().filter_map(|(id, seq)| Some((id, seq?))).collect();
        Ok(rows
            .into_iter()
            .map(|(id, user_id)| {
                let first_message_seq = firsts.get(&id).copied();
                (id, Assignee { user_id, first_message_seq })
            })
            .collect())
    }

    /// Workspaces with events the notifier has not looked at: `(id, notified_seq)`.
    pub async fn workspaces_to_notify(&self) -> Result<Vec<(WorkspaceId, i64)>, StoreError> {
        read!(self, |conn| {
            Ok(workspaces::table
                .filter(workspaces::notified_seq.lt(workspaces::event_seq))
                .select((workspaces::id, workspaces::notified_seq))
                .load(conn)
                .await?)
        })
    }

    /// Writes `jobs` and moves the workspace's notifier cursor from `from` to `to`, in one
    /// transaction; `false`, writing nothing, when another process moved it first.
    pub async fn notified(
        &self,
        workspace_id: &WorkspaceId,
        from: i64,
        to: i64,
        jobs: &[NewJob],
        now: i64,
    ) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let claimed =
                diesel::update(workspaces::table.find(workspace_id).filter(workspaces::notified_seq.eq(from)))
                    .set(workspaces::notified_seq.eq(to))
                    .execute(conn)
                    .await?;
            if claimed != 1 {
                return Ok(false);
            }
            for job in jobs {
                conn.enqueue_job(job, now).await?;
            }
            Ok(true)
        })
    }
}

/// A conversation's assignee, and the seq of its first message the visitor can see (the
/// message that starts it, for the notifier).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignee {
    pub user_id: Option<UserId>,
    pub first_message_seq: Option<i64>,
}
