//! What a batch of sends (or of heartbeats' touches) reads and writes for several rows at
//! once, per backend.
//!
//! The two backends want opposite shapes. On PostgreSQL every statement is a round trip
//! under the workspace lock, so a batch uses one statement for all its rows (`= ANY`, and
//! `unnest` of one array per column, so the text is the same for any batch and stays
//! prepared: `store::prepared::pg`). On SQLite a statement costs no round
//! trip, but one whose text varies with the batch (an `IN` list, a `VALUES` list) is
//! compiled anew every time (diesel caches only statements it can key, and never raw SQL:
//! measured, compiling was 27 % of the server's time at 2,400 msg/s), so there it is a
//! cached key lookup or update per row.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::StoreError;
use super::models::{ConversationRow, EventRow, MessageRow};
use super::prepared::{LockWorkspace, NumberEvents, PlainUpdateOne, TouchVisitor, pg};
use super::schema::{conversations, events, messages, visitors};
use super::sends::PlainRow;
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
    /// conversation once, and checks that each reached the `last_seq` the batch numbered its
    /// message with (see [`SendRows::seqs`]).
    async fn update_plain(&mut self, rows: &[PlainRow<'_>], seqs: &[i64]) -> Result<(), StoreError>;
    /// Each visitor's newest event they may see (`None`: none yet). The workspace is not
    /// asked for: a visitor id is unique across workspaces, and naming it cost PostgreSQL
    /// its plan (see [`newest_visible_sql`]).
    async fn newest_visible(&mut self, visitors: &[&VisitorId]) -> Result<Vec<Newest>, StoreError>;
    async fn insert_messages(&mut self, rows: &[MessageRow]) -> Result<(), StoreError>;
    async fn insert_events(&mut self, rows: &[EventRow]) -> Result<(), StoreError>;
    /// Moves each visitor's `last_seen_at` forward to the time given (never back), and
    /// nothing else: no lock of their workspace and no event (see
    /// [`crate::realtime::presence::Touches`]).
    async fn touch_visitors(&mut self, seen: &[(VisitorId, i64)]) -> Result<(), StoreError>;

    /// [`Self::conversations_with_names`] and [`Self::messages_by_key`]; on PostgreSQL in
    /// one round trip (pipelined: both are reads, so their order does not matter).
    async fn read_batch(
        &mut self,
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<(Vec<(ConversationRow, Option<String>)>, Vec<MessageRow>), StoreError>;

    /// Takes the lock of each of `workspaces` (in the order given: callers sort them), saying
    /// whether each has rules, then [`Self::read_batch`] under those locks; on PostgreSQL in one
    /// round trip. PostgreSQL runs a connection's statements one after another in the order
    /// they were sent, and a pipeline sends them in the order its futures are first polled
    /// (`try_join!` polls its arguments in order, and diesel-async's statement cache is a
    /// first-come lock): the reads run once the locks are held.
    async fn lock_and_read(
        &mut self,
        workspaces: &[&WorkspaceId],
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<LockedRows, StoreError>;

    /// Stores `rows` (none is fine), numbers `count` new events of the workspace (the last
    /// one's number, under its row lock) and finds each of `visitors`' newest visible event;
    /// on PostgreSQL in one round trip (pipelined: none of the four reads what another
    /// writes, so their order does not matter).
    async fn insert_and_number(
        &mut self,
        rows: SendRows<'_>,
        workspace_id: &WorkspaceId,
        count: i64,
        visitors: &[&VisitorId],
    ) -> Result<(i64, Vec<Newest>), StoreError>;
}

/// What [`ManyRows::lock_and_read`] found: whether each workspace has rules (in the order
/// asked), the conversations with their visitor's name, and the messages already stored
/// under the batch's keys.
pub(crate) type LockedRows = (Vec<bool>, Vec<(ConversationRow, Option<String>)>, Vec<MessageRow>);

/// What a batch of sends stores with its first workspace's events.
#[derive(Clone, Copy, Default)]
pub(crate) struct SendRows<'a> {
    /// The conversation rows of its plain sends.
    pub plain: &'a [PlainRow<'a>],
    /// Each plain row's new `last_seq`: the one read under the workspace lock, plus one. Every
    /// write of a conversation takes its workspace's lock first, so the message can be
    /// numbered before the update runs (and the update is pipelined with the inserts);
    /// [`ManyRows::update_plain`] checks it.
    pub seqs: &'a [i64],
    /// Its messages.
    pub messages: &'a [MessageRow],
}

/// Fails the batch when a conversation row's new `last_seq` is not the one its message was
/// numbered with: something wrote the conversation without its workspace's lock.
fn check_numbered<'a>(
    rows: &[PlainRow<'_>],
    seqs: &[i64],
    numbered: impl IntoIterator<Item = (&'a str, i64)>,
) -> Result<(), StoreError> {
    let numbered: Vec<(&str, i64)> = numbered.into_iter().collect();
    for (row, seq) in rows.iter().zip(seqs) {
        let id = row.conversation_id.as_str();
        if !numbered.iter().any(|(n, last)| *n == id && last == seq) {
            return Err(StoreError::Batch(format!(
                "conversation {id} did not reach last_seq {seq} under its workspace's lock"
            )));
        }
    }
    Ok(())
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

    async fn update_plain(&mut self, rows: &[PlainRow<'_>], seqs: &[i64]) -> Result<(), StoreError> {
        for (row, seq) in rows.iter().zip(seqs) {
            let last_seq: i64 = PlainUpdateOne { row }.get_result(self).await?;
            check_numbered(std::slice::from_ref(row), &[*seq], [(row.conversation_id.as_str(), last_seq)])?;
        }
        Ok(())
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

    async fn touch_visitors(&mut self, seen: &[(VisitorId, i64)]) -> Result<(), StoreError> {
        for (visitor_id, at) in seen {
            TouchVisitor { visitor_id: visitor_id.as_str(), seen: *at }.execute(self).await?;
        }
        Ok(())
    }

    async fn read_batch(
        &mut self,
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<(Vec<(ConversationRow, Option<String>)>, Vec<MessageRow>), StoreError> {
        let rows = self.conversations_with_names(ids).await?;
        Ok((rows, self.messages_by_key(keys).await?))
    }

    async fn lock_and_read(
        &mut self,
        workspaces: &[&WorkspaceId],
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<LockedRows, StoreError> {
        let mut has_rules = Vec::with_capacity(workspaces.len());
        for id in workspaces {
            let has: Option<bool> = LockWorkspace { workspace_id: id.as_str() }.get_result(self).await.optional()?;
            has_rules.push(has.unwrap_or(false));
        }
        let (rows, originals) = self.read_batch(ids, keys).await?;
        Ok((has_rules, rows, originals))
    }

    async fn insert_and_number(
        &mut self,
        rows: SendRows<'_>,
        workspace_id: &WorkspaceId,
        count: i64,
        visitors: &[&VisitorId],
    ) -> Result<(i64, Vec<Newest>), StoreError> {
        self.update_plain(rows.plain, rows.seqs).await?;
        self.insert_messages(rows.messages).await?;
        let last: i64 = NumberEvents { workspace_id: workspace_id.as_str(), count }.get_result(self).await?;
        Ok((last, self.newest_visible(visitors).await?))
    }
}

impl ManyRows for diesel_async::AsyncPgConnection {
    async fn conversations_with_names(
        &mut self,
        ids: &[&ConversationId],
    ) -> Result<Vec<(ConversationRow, Option<String>)>, StoreError> {
        Ok(self.read_batch(ids, &[]).await?.0)
    }

    async fn messages_by_key(&mut self, keys: &[(&ConversationId, &str)]) -> Result<Vec<MessageRow>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        Ok(keyed_messages(keys).load(self).await?)
    }

    async fn update_plain(&mut self, rows: &[PlainRow<'_>], seqs: &[i64]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let numbered: Vec<(String, i64)> = pg::PlainUpdate::new(rows).load(self).await?;
        check_numbered(rows, seqs, numbered.iter().map(|(id, last)| (id.as_str(), *last)))
    }

    async fn newest_visible(&mut self, visitors: &[&VisitorId]) -> Result<Vec<Newest>, StoreError> {
        if visitors.is_empty() {
            return Ok(Vec::new());
        }
        Ok(newest_visible_query(visitors).load(self).await?)
    }

    async fn insert_messages(&mut self, rows: &[MessageRow]) -> Result<(), StoreError> {
        if !rows.is_empty() {
            pg::InsertMessages::new(rows).execute(self).await?;
        }
        Ok(())
    }

    async fn insert_events(&mut self, rows: &[EventRow]) -> Result<(), StoreError> {
        if !rows.is_empty() {
            pg::InsertEvents::new(rows).execute(self).await?;
        }
        Ok(())
    }

    async fn touch_visitors(&mut self, seen: &[(VisitorId, i64)]) -> Result<(), StoreError> {
        use diesel::sql_types::{Array, BigInt, Text};
        if seen.is_empty() {
            return Ok(());
        }
        let mut sorted: Vec<&(VisitorId, i64)> = seen.iter().collect();
        sorted.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let ids: Vec<&str> = sorted.iter().map(|(id, _)| id.as_str()).collect();
        let at: Vec<i64> = sorted.iter().map(|(_, at)| *at).collect();
        // Rows locked in id order first, in bytes (`COLLATE "C"`, as Rust's sort above):
        // another replica's touches of some of the same visitors then wait instead of
        // deadlocking, and so do a workspace's batched visitor updates, which lock their
        // visitors in that order too (`VisitorUpdate`'s `Batched::store`). Without the
        // order, a batch of page views and a flush of touches deadlocked under load (bench
        // `realistic`, 20,000 visitors: "deadlock detected" every 2 s).
        diesel::sql_query("SELECT id FROM visitors WHERE id = ANY($1) ORDER BY id COLLATE \"C\" FOR UPDATE")
            .bind::<Array<Text>, _>(&ids)
            .execute(self)
            .await?;
        diesel::sql_query(
            "UPDATE visitors SET last_seen_at = t.seen FROM unnest($1::text[], $2::bigint[]) AS t(id, seen) \
             WHERE visitors.id = t.id AND visitors.last_seen_at < t.seen",
        )
        .bind::<Array<Text>, _>(&ids)
        .bind::<Array<BigInt>, _>(&at)
        .execute(self)
        .await?;
        Ok(())
    }

    async fn read_batch(
        &mut self,
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<(Vec<(ConversationRow, Option<String>)>, Vec<MessageRow>), StoreError> {
        // No lock: just the two reads, side by side.
        let (_, rows, originals) = self.lock_and_read(&[], ids, keys).await?;
        Ok((rows, originals))
    }

    async fn lock_and_read(
        &mut self,
        workspaces: &[&WorkspaceId],
        ids: &[&ConversationId],
        keys: &[(&ConversationId, &str)],
    ) -> Result<LockedRows, StoreError> {
        let conn = &*self;
        // Created and first polled in this order, so sent in it (see the trait).
        let locks = futures_util::future::try_join_all(workspaces.iter().map(|id| async move {
            LockWorkspace { workspace_id: id.as_str() }.get_result::<bool>(&mut &*conn).await.optional()
        }));
        let rows = conversations::table
            .left_join(visitors::table)
            .filter(conversations::id.eq_any(ids.to_vec()))
            .select((ConversationRow::as_select(), visitors::name.nullable()))
            .load(&mut &*conn);
        let originals = (!keys.is_empty()).then(|| keyed_messages(keys).load(&mut &*conn));
        let (has_rules, rows, originals) = futures_util::try_join!(locks, rows, unless_left_out(originals))?;
        Ok((has_rules.into_iter().map(|has| has.unwrap_or(false)).collect(), rows, originals))
    }

    async fn insert_and_number(
        &mut self,
        send_rows: SendRows<'_>,
        workspace_id: &WorkspaceId,
        count: i64,
        visitors: &[&VisitorId],
    ) -> Result<(i64, Vec<Newest>), StoreError> {
        let conn = &*self;
        let messages = send_rows.messages;
        let update = (!send_rows.plain.is_empty())
            .then(|| pg::PlainUpdate::new(send_rows.plain).load::<(String, i64)>(&mut &*conn));
        let insert = (!messages.is_empty()).then(|| pg::InsertMessages::new(messages).execute(&mut &*conn));
        let number = NumberEvents { workspace_id: workspace_id.as_str(), count }.get_result::<i64>(&mut &*conn);
        let newest = (!visitors.is_empty()).then(|| newest_visible_query(visitors).load::<Newest>(&mut &*conn));
        let (numbered, _, last, newest) =
            futures_util::try_join!(unless_left_out(update), unless_left_out(insert), number, unless_left_out(newest))?;
        check_numbered(send_rows.plain, send_rows.seqs, numbered.iter().map(|(id, last)| (id.as_str(), *last)))?;
        Ok((last, newest))
    }
}

/// PostgreSQL's [`newest_visible_sql`] with its binds.
fn newest_visible_query<'a>(
    visitors: &[&'a VisitorId],
) -> diesel::query_builder::BoxedSqlQuery<'a, diesel::pg::Pg, diesel::query_builder::SqlQuery> {
    let mut query = diesel::sql_query(newest_visible_sql(visitors.len(), |n| format!("${n}"))).into_boxed();
    for visitor_id in visitors {
        query = query.bind::<diesel::sql_types::Text, _>(visitor_id.as_str());
    }
    query
}

/// A pipelined statement that may have been left out (nothing to send): its answer, or the
/// empty one.
async fn unless_left_out<T: Default>(
    query: Option<impl std::future::Future<Output = diesel::QueryResult<T>>>,
) -> diesel::QueryResult<T> {
    match query {
        Some(query) => query.await,
        None => Ok(T::default()),
    }
}

/// PostgreSQL's lookup of messages by (conversation, key): each pair a key lookup (`IN … AND
/// IN …` would probe every conversation × key).
fn keyed_messages<'a>(
    keys: &[(&'a ConversationId, &'a str)],
) -> messages::BoxedQuery<'a, diesel::pg::Pg, diesel::dsl::AsSelect<MessageRow, diesel::pg::Pg>> {
    let mut query = messages::table.select(MessageRow::as_select()).into_boxed();
    for (conversation_id, key) in keys {
        query = query.or_filter(messages::conversation_id.eq(*conversation_id).and(messages::client_key.eq(*key)));
    }
    query
}

/// One statement for each of `visitors` visitors' newest event they may see: per visitor,
/// their events from the newest along `events_visitor_idx` (visitor, seq), the first visible
/// one. The workspace is not in the condition: a visitor id is unique across workspaces,
/// and with it the planner, working from statistics older than a fast-growing log, ANDed
/// the whole workspace's primary-key range into every lookup (14 ms for 31 visitors, seen
/// with auto_explain; a `GROUP BY` reads all their events). `placeholder(n)` writes the
/// n-th bind (from 1).
///
/// Raw SQL with a bind per visitor, so PostgreSQL plans it for its values each time. The
/// same lookup with one array bind (`unnest`, prepared once, as the other batch statements
/// in `store::prepared::pg`) got a generic plan that, on statistics from when the log was
/// small, read all of each visitor's events by bitmap and sorted them: 4 ms per batch at
/// 30,000 events and growing with the log (auto_explain), against 0.03 ms.
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

/// A visitor's newest visible event, from [`ManyRows::newest_visible`].
#[derive(diesel::QueryableByName)]
pub(crate) struct Newest {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub visitor_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    pub newest: Option<i64>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn row(id: &ConversationId) -> PlainRow<'_> {
        PlainRow { conversation_id: id, now: 0, visible: true, by_visitor: true, preview: String::new() }
    }

    #[test]
    fn a_conversation_written_without_the_lock_fails_the_batch() {
        let (a, b) = (ConversationId::new(), ConversationId::new());
        let rows = [row(&a), row(&b)];
        // Answers come in any order.
        check_numbered(&rows, &[4, 9], [(b.as_str(), 9), (a.as_str(), 4)]).unwrap();
        // `b` moved on between the read under the lock and the update.
        let error = check_numbered(&rows, &[4, 9], [(a.as_str(), 4), (b.as_str(), 10)]).unwrap_err();
        assert!(matches!(error, StoreError::Batch(ref m) if m.contains(b.as_str())), "{error}");
        // A row the update did not find.
        assert!(check_numbered(&rows, &[4, 9], [(a.as_str(), 4)]).is_err());
    }
}
