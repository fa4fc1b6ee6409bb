//! The hottest `UPDATE`s, written with fixed text so both backends keep them prepared.
//!
//! diesel caches no `UPDATE` (a changeset's text can vary with its `Option` fields), so each
//! one was parsed and planned anew: on PostgreSQL that is a round trip of its own (Parse and
//! Describe) before the one that runs it, and on SQLite a `sqlite3_prepare` on the writer.
//! Here: the two that run in every write of a workspace (the lock taken first, and the
//! event-log append), SQLite's per-row update of a send batch and of heartbeats' touches,
//! and PostgreSQL's batch
//! statements ([`pg`]; diesel caches no PostgreSQL `INSERT` either). Each type is its
//! statement's cache key (a static `QueryId`).

use diesel::QueryResult;

use crate::store::sends::PlainRow;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Text};

/// Implements `QueryId` (the type is the cache key) and `Query` (what a row is).
macro_rules! fixed {
    ($name:ident, $row:ty) => {
        impl QueryId for $name<'_> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }
        impl Query for $name<'_> {
            type SqlType = $row;
        }
    };
}

/// `UPDATE workspaces SET event_seq = event_seq WHERE id = $1 RETURNING has_rules`: takes the
/// workspace's row lock (see `queries::Writes::lock_workspace`), telling whether it has rules.
pub struct LockWorkspace<'a> {
    pub workspace_id: &'a str,
}

fixed!(LockWorkspace, Bool);

impl<DB> QueryFragment<DB> for LockWorkspace<'_>
where
    DB: Backend + HasSqlType<Text>,
    str: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE workspaces SET event_seq = event_seq WHERE id = ");
        out.push_bind_param::<Text, str>(self.workspace_id)?;
        out.push_sql(" RETURNING has_rules");
        Ok(())
    }
}

/// `UPDATE workspaces SET event_seq = event_seq + $1 WHERE id = $2 RETURNING event_seq`:
/// numbers `count` new events of the workspace; the last one's number.
pub struct NumberEvents<'a> {
    pub workspace_id: &'a str,
    pub count: i64,
}

fixed!(NumberEvents, BigInt);

impl<DB> QueryFragment<DB> for NumberEvents<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE workspaces SET event_seq = event_seq + ");
        out.push_bind_param::<BigInt, i64>(&self.count)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, str>(self.workspace_id)?;
        out.push_sql(" RETURNING event_seq");
        Ok(())
    }
}

/// One plain send's conversation row (`store::sends::PlainRow`), as SQLite's batch stores
/// them: the changes of `sends::plain_changes!` with the choices as binds, so it is one
/// statement for every kind of send. Its new `last_seq`.
pub struct PlainUpdateOne<'a> {
    pub row: &'a PlainRow<'a>,
}

fixed!(PlainUpdateOne, BigInt);

impl<DB> QueryFragment<DB> for PlainUpdateOne<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt> + HasSqlType<Bool>,
    str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
    bool: ToSql<Bool, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let row = self.row;
        out.push_sql("UPDATE conversations SET last_seq = last_seq + 1, updated_at = ");
        out.push_bind_param::<BigInt, i64>(&row.now)?;
        out.push_sql(", visitor_last_seq = CASE WHEN ");
        out.push_bind_param::<Bool, bool>(&row.visible)?;
        out.push_sql(" THEN last_seq + 1 ELSE visitor_last_seq END, last_message_at = CASE WHEN ");
        out.push_bind_param::<Bool, bool>(&row.visible)?;
        out.push_sql(" THEN ");
        out.push_bind_param::<BigInt, i64>(&row.now)?;
        out.push_sql(" ELSE last_message_at END, last_message_preview = CASE WHEN ");
        out.push_bind_param::<Bool, bool>(&row.visible)?;
        out.push_sql(" THEN ");
        out.push_bind_param::<Text, str>(&row.preview)?;
        out.push_sql(" ELSE last_message_preview END, agent_unread = agent_unread + CASE WHEN ");
        out.push_bind_param::<Bool, bool>(&row.by_visitor)?;
        out.push_sql(" THEN 1 ELSE 0 END, visitor_read_seq = CASE WHEN ");
        out.push_bind_param::<Bool, bool>(&row.by_visitor)?;
        out.push_sql(" THEN last_seq + 1 ELSE visitor_read_seq END WHERE id = ");
        out.push_bind_param::<Text, str>(row.conversation_id.as_str())?;
        out.push_sql(" RETURNING last_seq");
        Ok(())
    }
}

/// `UPDATE visitors SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1`: one
/// heartbeat's touch ([`crate::realtime::presence::Touches`]) as SQLite writes them, a
/// cached statement per row. Never moves `last_seen_at` back.
pub struct TouchVisitor<'a> {
    pub visitor_id: &'a str,
    pub seen: i64,
}

impl QueryId for TouchVisitor<'_> {
    type QueryId = TouchVisitor<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> QueryFragment<DB> for TouchVisitor<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE visitors SET last_seen_at = ");
        out.push_bind_param::<BigInt, i64>(&self.seen)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, str>(self.visitor_id)?;
        out.push_sql(" AND last_seen_at < ");
        out.push_bind_param::<BigInt, i64>(&self.seen)?;
        Ok(())
    }
}

/// PostgreSQL's batch statements of a group commit (`store::many_rows`), with one array
/// bind per column (`unnest`) instead of a bind per row and column: the text is the same for
/// any batch, so it is prepared once, where a `VALUES` list of each batch's size was parsed
/// and planned for every batch.
pub mod pg {
    use diesel::QueryResult;
    use diesel::pg::Pg;
    use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
    use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text};

    use crate::store::models::{EventRow, MessageRow};
    use crate::store::sends::PlainRow;

    /// The conversation rows of plain sends (each conversation once): the same changes as
    /// the one-send path's `UPDATE` (`last_seq + 1` on the right of `SET` reads the old
    /// value); each conversation's id and new `last_seq`.
    pub struct PlainUpdate<'a> {
        ids: Vec<&'a str>,
        now: Vec<i64>,
        visible: Vec<bool>,
        by_visitor: Vec<bool>,
        preview: Vec<&'a str>,
    }

    impl<'a> PlainUpdate<'a> {
        pub fn new(rows: &'a [PlainRow<'a>]) -> Self {
            Self {
                ids: rows.iter().map(|r| r.conversation_id.as_str()).collect(),
                now: rows.iter().map(|r| r.now).collect(),
                visible: rows.iter().map(|r| r.visible).collect(),
                by_visitor: rows.iter().map(|r| r.by_visitor).collect(),
                preview: rows.iter().map(|r| r.preview.as_str()).collect(),
            }
        }
    }

    fixed!(PlainUpdate, (Text, BigInt));

    impl QueryFragment<Pg> for PlainUpdate<'_> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql(
                "UPDATE conversations SET \
                   last_seq = conversations.last_seq + 1, \
                   updated_at = v.now, \
                   visitor_last_seq = CASE WHEN v.visible THEN conversations.last_seq + 1 ELSE conversations.visitor_last_seq END, \
                   last_message_at = CASE WHEN v.visible THEN v.now ELSE conversations.last_message_at END, \
                   last_message_preview = CASE WHEN v.visible THEN v.preview ELSE conversations.last_message_preview END, \
                   agent_unread = conversations.agent_unread + CASE WHEN v.by_visitor THEN 1 ELSE 0 END, \
                   visitor_read_seq = CASE WHEN v.by_visitor THEN conversations.last_seq + 1 ELSE conversations.visitor_read_seq END \
                 FROM unnest(",
            );
            out.push_bind_param::<Array<Text>, _>(&self.ids)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<BigInt>, _>(&self.now)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Bool>, _>(&self.visible)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Bool>, _>(&self.by_visitor)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(&self.preview)?;
            out.push_sql(
                ") AS v(id, now, visible, by_visitor, preview) \
                 WHERE conversations.id = v.id \
                 RETURNING conversations.id, conversations.last_seq",
            );
            Ok(())
        }
    }

    /// The messages of a batch, one array per column.
    pub struct InsertMessages<'a> {
        id: Vec<&'a str>,
        workspace_id: Vec<&'a str>,
        conversation_id: Vec<&'a str>,
        seq: Vec<i64>,
        sender_type: Vec<&'a str>,
        sender_id: Vec<&'a str>,
        sender_name: Vec<&'a str>,
        body: Vec<&'a str>,
        internal: Vec<bool>,
        attachments: Vec<&'a str>,
        client_key: Vec<&'a str>,
        created_at: Vec<i64>,
        citations: Vec<&'a str>,
        quick_replies: Vec<&'a str>,
    }

    impl<'a> InsertMessages<'a> {
        pub fn new(rows: &'a [MessageRow]) -> Self {
            Self {
                id: rows.iter().map(|r| r.id.as_str()).collect(),
                workspace_id: rows.iter().map(|r| r.workspace_id.as_str()).collect(),
                conversation_id: rows.iter().map(|r| r.conversation_id.as_str()).collect(),
                seq: rows.iter().map(|r| r.seq).collect(),
                sender_type: rows.iter().map(|r| r.sender_type.as_str()).collect(),
                sender_id: rows.iter().map(|r| r.sender_id.as_str()).collect(),
                sender_name: rows.iter().map(|r| r.sender_name.as_str()).collect(),
                body: rows.iter().map(|r| r.body.as_str()).collect(),
                internal: rows.iter().map(|r| r.internal).collect(),
                attachments: rows.iter().map(|r| r.attachments.as_str()).collect(),
                client_key: rows.iter().map(|r| r.client_key.as_str()).collect(),
                created_at: rows.iter().map(|r| r.created_at).collect(),
                citations: rows.iter().map(|r| r.citations.as_str()).collect(),
                quick_replies: rows.iter().map(|r| r.quick_replies.as_str()).collect(),
            }
        }
    }

    fixed!(InsertMessages, Integer);

    impl QueryFragment<Pg> for InsertMessages<'_> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql(
                "INSERT INTO messages (id, workspace_id, conversation_id, seq, sender_type, sender_id, \
                   sender_name, body, internal, attachments, client_key, created_at, citations, quick_replies) \
                 SELECT * FROM unnest(",
            );
            let texts = |out: &mut AstPass<'_, 'b, Pg>, columns: &[&'b Vec<&'b str>]| -> QueryResult<()> {
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_bind_param::<Array<Text>, _>(*column)?;
                }
                Ok(())
            };
            texts(&mut out, &[&self.id, &self.workspace_id, &self.conversation_id])?;
            out.push_sql(", ");
            out.push_bind_param::<Array<BigInt>, _>(&self.seq)?;
            out.push_sql(", ");
            texts(&mut out, &[&self.sender_type, &self.sender_id, &self.sender_name, &self.body])?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Bool>, _>(&self.internal)?;
            out.push_sql(", ");
            texts(&mut out, &[&self.attachments, &self.client_key])?;
            out.push_sql(", ");
            out.push_bind_param::<Array<BigInt>, _>(&self.created_at)?;
            out.push_sql(", ");
            texts(&mut out, &[&self.citations, &self.quick_replies])?;
            out.push_sql(")");
            Ok(())
        }
    }

    /// The events of a batch, one array per column.
    pub struct InsertEvents<'a> {
        workspace_id: Vec<&'a str>,
        seq: Vec<i64>,
        conversation_id: Vec<Option<&'a str>>,
        visitor_id: Vec<Option<&'a str>>,
        visitor_visible: Vec<bool>,
        body: Vec<&'a str>,
        created_at: Vec<i64>,
    }

    impl<'a> InsertEvents<'a> {
        pub fn new(rows: &'a [EventRow]) -> Self {
            Self {
                workspace_id: rows.iter().map(|r| r.workspace_id.as_str()).collect(),
                seq: rows.iter().map(|r| r.seq).collect(),
                conversation_id: rows.iter().map(|r| r.conversation_id.as_ref().map(|c| c.as_str())).collect(),
                visitor_id: rows.iter().map(|r| r.visitor_id.as_ref().map(|v| v.as_str())).collect(),
                visitor_visible: rows.iter().map(|r| r.visitor_visible).collect(),
                body: rows.iter().map(|r| r.body.as_str()).collect(),
                created_at: rows.iter().map(|r| r.created_at).collect(),
            }
        }
    }

    fixed!(InsertEvents, Integer);

    impl QueryFragment<Pg> for InsertEvents<'_> {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql(
                "INSERT INTO events (workspace_id, seq, conversation_id, visitor_id, visitor_visible, body, created_at) \
                 SELECT * FROM unnest(",
            );
            out.push_bind_param::<Array<Text>, _>(&self.workspace_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<BigInt>, _>(&self.seq)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Nullable<Text>>, _>(&self.conversation_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Nullable<Text>>, _>(&self.visitor_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Bool>, _>(&self.visitor_visible)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(&self.body)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<BigInt>, _>(&self.created_at)?;
            out.push_sql(")");
            Ok(())
        }
    }
}
