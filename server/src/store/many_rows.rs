//! What a batch of sends reads and writes for several rows at once, per backend.
//!
//! The two backends want opposite shapes. On PostgreSQL every statement is a round trip
//! under the workspace lock, so a batch uses one statement for all its rows (`= ANY`,
//! `UPDATE … FROM (VALUES …)`, multi-row inserts). On SQLite a statement costs no round
//! trip, but one whose text varies with the batch (an `IN` list, a `VALUES` list) is
//! compiled anew every time (diesel caches only statements it can key, and never raw SQL:
//! measured, compiling was 27 % of the server's time at 2,400 msg/s), so there it is a
//! cached key lookup or update per row.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::StoreError;
use super::models::{ConversationRow, EventRow, MessageRow};
use super::schema::{conversations, events, messages, visitors};
use super::sends::{Newest, Numbered, PlainRow};
use crate::domain::id::{ConversationId, VisitorId, WorkspaceId};

/// Statements over several rows; see the module documentation.
pub(crate) trait ManyRows {
    /// The conversations `ids` (those that exist) with their visitor's name.
    async fn conversations_with_names(
        &mut self,
        ids: &[&ConversationId],
    ) -> Result<Vec<(ConversationRow, Option<String>)>, StoreError>;
    /// The messages stored under these (conversation, idempotency key) pairs.
    async fn messages_by_key(&mut self, keys: &[(&ConversationId, &str)]) -> Result<Vec<MessageRow>, StoreError>;
    /// Updates the conversation rows of plain sends ([`super::sends::Plan::is_plain`]), each
    /// conversation once; their new `last_seq`s.
    async fn update_plain(&mut self, rows: &[PlainRow<'_>]) -> Result<Vec<Numbered>, StoreError>;
    /// Each visitor's newest event they may see in the workspace's log (`None`: none yet).
    async fn newest_visible(
        &mut self,
        workspace_id: &WorkspaceId,
        visitors: &[&VisitorId],
    ) -> Result<Vec<Newest>, StoreError>;
    async fn insert_messages(&mut self, rows: &[MessageRow]) -> Result<(), StoreError>;
    async fn insert_events(&mut self, rows: &[EventRow]) -> Result<(), StoreError>;
}

impl ManyRows for super::SqliteWriter {
    async fn conversations_with_names(
        &mut self,
        ids: &[&ConversationId],
    ) -> Result<Vec<(ConversationRow, Option<String>)>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let row = conversations::table
                .left_join(visitors::table)
                .filter(conversations::id.eq(*id))
                .select((ConversationRow::as_select(), visitors::name.nullable()))
                .get_result(self)
                .await
                .optional()?;
            found.extend(row);
        }
        Ok(found)
    }

    async fn messages_by_key(&mut self, keys: &[(&ConversationId, &str)]) -> Result<Vec<MessageRow>, StoreError> {
        let mut found = Vec::new();
        for (conversation_id, key) in keys {
            let row = messages::table
                .filter(messages::conversation_id.eq(*conversation_id))
                .filter(messages::client_key.eq(*key))
                .select(MessageRow::as_select())
                .get_result(self)
                .await
                .optional()?;
            found.extend(row);
        }
        Ok(found)
    }

    async fn update_plain(&mut self, rows: &[PlainRow<'_>]) -> Result<Vec<Numbered>, StoreError> {
        let mut numbered = Vec::with_capacity(rows.len());
        for row in rows {
            // As the one-send path's `UPDATE` (`last_seq + 1` on the right reads the old value).
            let last_seq: i64 = diesel::update(conversations::table.find(row.conversation_id))
                .set((
                    conversations::last_seq.eq(conversations::last_seq + 1),
                    conversations::updated_at.eq(row.now),
                    row.visible.then(|| {
                        (
                            conversations::visitor_last_seq.eq(conversations::last_seq + 1),
                            conversations::last_message_at.eq(row.now),
                            conversations::last_message_preview.eq(&row.preview),
                        )
                    }),
                    row.by_visitor.then(|| {
                        (
                            conversations::agent_unread.eq(conversations::agent_unread + 1),
                            conversations::visitor_read_seq.eq(conversations::last_seq + 1),
                        )
                    }),
                ))
                .returning(conversations::last_seq)
                .get_result(self)
                .await?;
            numbered.push(Numbered { id: row.conversation_id.as_str().to_owned(), last_seq });
        }
        Ok(numbered)
    }

    async fn newest_visible(
        &mut self,
        workspace_id: &WorkspaceId,
        visitors: &[&VisitorId],
    ) -> Result<Vec<Newest>, StoreError> {
        let mut newest = Vec::with_capacity(visitors.len());
        for visitor_id in visitors {
            // A single max(): SQLite walks the (visitor_id, seq) index back from the newest.
            let seq: Option<i64> = events::table
                .filter(events::workspace_id.eq(workspace_id))
                .filter(events::visitor_id.eq(*visitor_id))
                .filter(events::visitor_visible.eq(true))
                .select(diesel::dsl::max(events::seq))
                .get_result(self)
                .await?;
            newest.push(Newest { visitor_id: visitor_id.as_str().to_owned(), newest: seq });
        }
        Ok(newest)
    }

    async fn insert_messages(&mut self, rows: &[MessageRow]) -> Result<(), StoreError> {
        // diesel-async has no multi-row insert for SQLite (diesel's goes through its sync API).
        for row in rows {
            diesel::insert_into(messages::table).values(row).execute(self).await?;
        }
        Ok(())
    }

    async fn insert_events(&mut self, rows: &[EventRow]) -> Result<(), StoreError> {
        for row in rows {
            diesel::insert_into(events::table).values(row).execute(self).await?;
        }
        Ok(())
    }
}

impl ManyRows for diesel_async::AsyncPgConnection {
    async fn conversations_with_names(
        &mut self,
        ids: &[&ConversationId],
    ) -> Result<Vec<(ConversationRow, Option<String>)>, StoreError> {
        Ok(conversations::table
            .left_join(visitors::table)
            .filter(conversations::id.eq_any(ids.to_vec()))
            .select((ConversationRow::as_select(), visitors::name.nullable()))
            .load(self)
            .await?)
    }

    async fn messages_by_key(&mut self, keys: &[(&ConversationId, &str)]) -> Result<Vec<MessageRow>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // Each pair a key lookup (`IN … AND IN …` would probe every conversation × key).
        let mut query = messages::table.select(MessageRow::as_select()).into_boxed();
        for (conversation_id, key) in keys {
            query = query.or_filter(messages::conversation_id.eq(*conversation_id).and(messages::client_key.eq(*key)));
        }
        Ok(query.load(self).await?)
    }

    async fn update_plain(&mut self, rows: &[PlainRow<'_>]) -> Result<Vec<Numbered>, StoreError> {
        use diesel::sql_types::{BigInt, Integer, Text};
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let sql = super::sends::plain_update_sql(rows.len(), |n| format!("${n}"));
        let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
        for row in rows {
            query = query
                .bind::<Text, _>(row.conversation_id.as_str())
                .bind::<BigInt, _>(row.now)
                .bind::<Integer, _>(i32::from(row.visible))
                .bind::<Integer, _>(i32::from(row.by_visitor))
                .bind::<Text, _>(row.preview.as_str());
        }
        Ok(query.load(self).await?)
    }

    async fn newest_visible(
        &mut self,
        workspace_id: &WorkspaceId,
        visitors: &[&VisitorId],
    ) -> Result<Vec<Newest>, StoreError> {
        use diesel::sql_types::Text;
        if visitors.is_empty() {
            return Ok(Vec::new());
        }
        // The workspace is implied: visitor ids are unique across workspaces.
        let _ = workspace_id;
        let sql = super::sends::newest_visible_sql(visitors.len(), |n| format!("${n}"));
        let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
        for visitor_id in visitors {
            query = query.bind::<Text, _>(visitor_id.as_str());
        }
        Ok(query.load(self).await?)
    }

    async fn insert_messages(&mut self, rows: &[MessageRow]) -> Result<(), StoreError> {
        if !rows.is_empty() {
            diesel::insert_into(messages::table).values(rows).execute(self).await?;
        }
        Ok(())
    }

    async fn insert_events(&mut self, rows: &[EventRow]) -> Result<(), StoreError> {
        if !rows.is_empty() {
            diesel::insert_into(events::table).values(rows).execute(self).await?;
        }
        Ok(())
    }
}
