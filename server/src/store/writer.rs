//! The SQLite writer connection: diesel's own `SqliteConnection`, driven inline from async
//! code.
//!
//! diesel-async's `SyncConnectionWrapper` renders every query to SQL text and copies its
//! binds before handing it to another thread, so diesel's statement cache (keyed by the
//! query's type) never sees the query itself: profiled at 1,500 chatting visitors, rendering
//! the SQL was 13 % of the writer's time and compiling statements another 13 %. The writer
//! never hands work to another thread (a transaction runs on the calling worker, see
//! `store::mod`), so this type runs each statement right away on the connection it owns,
//! and diesel caches the prepared statement as it does for sync code.

use diesel::connection::{AnsiTransactionManager, CacheSize, Connection, Instrumentation, LoadConnection};
use diesel::connection::{SimpleConnection as _, TransactionManager as _, TransactionManagerStatus};
use diesel::query_builder::{AsQuery, AstPass, Query, QueryFragment, QueryId};
use diesel::row::IntoOwnedRow;
use diesel::sqlite::Sqlite;
use diesel::{ConnectionResult, QueryResult, SqliteConnection};
use diesel_async::{AsyncConnection, AsyncConnectionCore, SimpleAsyncConnection, TransactionManager};
use futures_util::stream;

/// A row as read (diesel's `OwnedSqliteRow`, which diesel names only this way).
type OwnedRow =
    <<SqliteConnection as LoadConnection>::Row<'static, 'static> as IntoOwnedRow<'static, Sqlite>>::OwnedRow;

/// The writer's connection; see the module documentation.
pub struct InlineSqlite {
    conn: SqliteConnection,
}

impl SimpleAsyncConnection for InlineSqlite {
    async fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        self.conn.batch_execute(query)
    }
}

impl AsyncConnectionCore for InlineSqlite {
    type ExecuteFuture<'conn, 'query> = std::future::Ready<QueryResult<usize>>;
    type LoadFuture<'conn, 'query> = std::future::Ready<QueryResult<Self::Stream<'conn, 'query>>>;
    type Stream<'conn, 'query> = stream::Iter<std::vec::IntoIter<QueryResult<OwnedRow>>>;
    type Row<'conn, 'query> = OwnedRow;
    type Backend = Sqlite;

    fn load<'conn, 'query, T>(&'conn mut self, source: T) -> Self::LoadFuture<'conn, 'query>
    where
        T: AsQuery + 'query,
        T::Query: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        // Rows are copied out before the statement is reset for its next use (and the
        // stream must not borrow the connection).
        let rows = (|| {
            let mut names = Default::default();
            let cursor = self.conn.load(Untyped(source.as_query()))?;
            let mut rows = Vec::with_capacity(cursor.size_hint().0);
            for row in cursor {
                rows.push(Ok(IntoOwnedRow::into_owned(row?, &mut names)));
            }
            Ok(stream::iter(rows))
        })();
        std::future::ready(rows)
    }

    fn execute_returning_count<'conn, 'query, T>(&'conn mut self, source: T) -> Self::ExecuteFuture<'conn, 'query>
    where
        T: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        std::future::ready(self.conn.execute_returning_count(&source))
    }
}

impl AsyncConnection for InlineSqlite {
    type TransactionManager = InlineTransactions;

    async fn establish(database_url: &str) -> ConnectionResult<Self> {
        Ok(Self { conn: SqliteConnection::establish(database_url)? })
    }

    fn transaction_state(&mut self) -> &mut AnsiTransactionManager {
        self.conn.transaction_state()
    }

    fn instrumentation(&mut self) -> &mut dyn Instrumentation {
        self.conn.instrumentation()
    }

    fn set_instrumentation(&mut self, instrumentation: impl Instrumentation) {
        self.conn.set_instrumentation(instrumentation);
    }

    fn set_prepared_statement_cache_size(&mut self, size: CacheSize) {
        self.conn.set_prepared_statement_cache_size(size);
    }
}

impl diesel_async::pooled_connection::PoolableConnection for InlineSqlite {}

/// diesel's transaction manager for the owned connection, run inline.
pub struct InlineTransactions;

impl TransactionManager<InlineSqlite> for InlineTransactions {
    type TransactionStateData = AnsiTransactionManager;

    async fn begin_transaction(conn: &mut InlineSqlite) -> QueryResult<()> {
        AnsiTransactionManager::begin_transaction(&mut conn.conn)
    }

    async fn rollback_transaction(conn: &mut InlineSqlite) -> QueryResult<()> {
        AnsiTransactionManager::rollback_transaction(&mut conn.conn)
    }

    async fn commit_transaction(conn: &mut InlineSqlite) -> QueryResult<()> {
        AnsiTransactionManager::commit_transaction(&mut conn.conn)
    }

    fn transaction_manager_status_mut(conn: &mut InlineSqlite) -> &mut TransactionManagerStatus {
        AnsiTransactionManager::transaction_manager_status_mut(&mut conn.conn)
    }
}

/// A query loaded without its SQL type: diesel's sync `load` wants the backend's metadata
/// for the type (which diesel-async's bounds do not promise), and the rows are decoded by
/// diesel-async after, as with `SyncConnectionWrapper`'s collected queries.
struct Untyped<Q>(Q);

impl<Q: QueryFragment<Sqlite>> QueryFragment<Sqlite> for Untyped<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }
}

impl<Q: QueryId> QueryId for Untyped<Q> {
    type QueryId = Q::QueryId;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q> Query for Untyped<Q> {
    type SqlType = diesel::sql_types::Untyped;
}
