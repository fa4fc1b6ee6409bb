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
use super::sends::{PlainRow, plain_changes};
use crate::domain::id::{ConversationId, VisitorId};

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
    /// Each visitor's newest event they may see (`None`: none yet). The workspace is not
    /// asked for: a visitor id is unique across workspaces, and naming it cost PostgreSQL
    /// its plan (see [`newest_visible_sql`]).
    async fn newest_visible(&mut self, visitors: &[&VisitorId]) -> Result<Vec<Newest>, StoreError>;
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
            let last_seq: i64 = diesel::update(conversations::table.find(row.conversation_id))
                .set(plain_changes!(row))
                .returning(conversations::last_seq)
                .get_result(self)
                .await?;
            numbered.push(Numbered { id: row.conversation_id.as_str().to_owned(), last_seq });
        }
        Ok(numbered)
    }

    async fn newest_visible(&mut self, visitors: &[&VisitorId]) -> Result<Vec<Newest>, StoreError> {
        let mut newest = Vec::with_capacity(visitors.len());
        for visitor_id in visitors {
            // A single max(): SQLite walks the (visitor_id, seq) index back from the newest.
            let seq: Option<i64> = events::table
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
        let sql = plain_update_sql(rows.len(), |n| format!("${n}"));
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

    async fn newest_visible(&mut self, visitors: &[&VisitorId]) -> Result<Vec<Newest>, StoreError> {
        use diesel::sql_types::Text;
        if visitors.is_empty() {
            return Ok(Vec::new());
        }
        let sql = newest_visible_sql(visitors.len(), |n| format!("${n}"));
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

/// Columns of each `VALUES` row of [`plain_update_sql`].
const PLAIN_ROW_COLUMNS: usize = 5;

/// One `UPDATE` for the conversation rows of `rows` plain sends (each conversation once),
/// for PostgreSQL: the same changes as the one-send path's
/// `UPDATE` (`last_seq + 1` on the right of `SET` reads the old value), returning each
/// conversation's new `last_seq`. `VALUES` columns are `column1…` (as on SQLite);
/// `placeholder(n)` writes the n-th bind (from 1).
fn plain_update_sql(rows: usize, placeholder: impl Fn(usize) -> String) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let binds: Vec<String> =
                (1..=PLAIN_ROW_COLUMNS).map(|c| placeholder(row * PLAIN_ROW_COLUMNS + c)).collect();
            format!("({})", binds.join(", "))
        })
        .collect();
    format!(
        "UPDATE conversations SET \
           last_seq = conversations.last_seq + 1, \
           updated_at = v.column2, \
           visitor_last_seq = CASE WHEN v.column3 = 1 THEN conversations.last_seq + 1 ELSE conversations.visitor_last_seq END, \
           last_message_at = CASE WHEN v.column3 = 1 THEN v.column2 ELSE conversations.last_message_at END, \
           last_message_preview = CASE WHEN v.column3 = 1 THEN v.column5 ELSE conversations.last_message_preview END, \
           agent_unread = conversations.agent_unread + v.column4, \
           visitor_read_seq = CASE WHEN v.column4 = 1 THEN conversations.last_seq + 1 ELSE conversations.visitor_read_seq END \
         FROM (VALUES {}) AS v \
         WHERE conversations.id = v.column1 \
         RETURNING conversations.id, conversations.last_seq",
        values.join(", ")
    )
}

/// A conversation's new `last_seq`, as [`plain_update_sql`] returns it.
#[derive(diesel::QueryableByName)]
pub(crate) struct Numbered {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub last_seq: i64,
}

/// One statement for each of `visitors` visitors' newest event they may see: per visitor,
/// their events from the newest along `events_visitor_idx` (visitor, seq), the first visible
/// one. The workspace is not in the condition: a visitor id is unique across workspaces,
/// and with it the planner, working from statistics older than a fast-growing log, ANDed
/// the whole workspace's primary-key range into every lookup (14 ms for 31 visitors, seen
/// with auto_explain; a `GROUP BY` reads all their events). `placeholder(n)` writes the
/// n-th bind (from 1).
fn newest_visible_sql(visitors: usize, placeholder: impl Fn(usize) -> String) -> String {
    let values: Vec<String> = (0..visitors).map(|i| format!("({})", placeholder(i + 1))).collect();
    format!(
        "SELECT v.column1 AS visitor_id, \
           (SELECT e.seq FROM events e WHERE e.visitor_id = v.column1 AND e.visitor_visible \
             ORDER BY e.visitor_id DESC, e.seq DESC LIMIT 1) AS newest \
         FROM (VALUES {}) AS v",
        values.join(", ")
    )
}

/// A visitor's newest visible event, as [`newest_visible_sql`] returns it.
#[derive(diesel::QueryableByName)]
pub(crate) struct Newest {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub visitor_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    pub newest: Option<i64>,
}
