//! The database: SQLite (default) or PostgreSQL behind one query code path.
//!
//! Query bodies are written once with diesel-async and expanded once per backend by the
//! [`read!`] and [`write!`] macros (vaultwarden's `db_run!` idea). SQLite gets one writer
//! connection and a pool of readers, so writes queue in the pool instead of failing with
//! `SQLITE_BUSY`; PostgreSQL uses one pool for both.
//!
//! SQLite readers hand each statement to tokio's blocking pool. The writer runs its
//! statements inline instead (`writer`: diesel's own connection, so its statement cache
//! works) and `write!` runs the whole transaction on a
//! thread allowed to block: one thread hand-off per transaction rather than one per
//! statement, which is what bounded the single writer's throughput.

pub mod accounts;
pub mod audit;
pub mod bot;
pub mod canned;
pub mod checkpoint;
mod columns;
pub mod conversations;
pub mod events;
mod group_commit;
pub mod jobs;
pub mod knowledge;
mod many_rows;
pub mod models;
pub mod notifications;
mod prepared;
pub mod privacy;
pub(crate) mod queries;
pub mod replies;
pub mod reports;
pub mod retention;
pub mod routing;
pub mod rules;
pub mod schema;
pub mod sends;
pub mod teams;
mod transaction;
pub mod transcripts;
pub mod visitors;
pub mod webhooks;
pub mod widgets;
mod writer;

use std::path::Path;
use std::sync::Arc;

use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt as _;

use crate::config::DatabaseConfig;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// SQLite connection usable from async code (queries run on the blocking pool).
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// The SQLite writer: statements run on the calling worker, a transaction at a time, which
/// blocks it for well under a millisecond per send. Measured: `block_in_place` around each
/// transaction (a thread hand-off) made chat collapse at 400 visitors on one pinned core
/// (p99 2.7 s at 88 % CPU, against 19 ms at 58 % when run inline). It is diesel's own
/// connection, so its statement cache works (see `writer`).
pub type SqliteWriter = writer::InlineSqlite;

/// A failure of the database itself (never a business outcome: those are return values).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// No connection could be had.
    #[error("database connection failed: {0}")]
    Connection(String),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// The transaction a batch of message sends shared failed (SQLite group commit).
    #[error("database transaction failed: {0}")]
    Batch(String),
    /// A stored JSON value could not be written or read.
    #[error("stored value encoding failed: {0}")]
    Encoding(#[from] serde_json::Error),
}

impl StoreError {
    fn connection(error: impl std::fmt::Display) -> Self {
        Self::Connection(error.to_string())
    }
}

/// The connection pools of the configured backend.
pub enum Backend {
    /// SQLite: one writer, several readers, on one file in WAL mode.
    Sqlite {
        writer: Pool<SqliteWriter>,
        reader: Pool<SqliteConn>,
        /// Message sends, batched onto `writer` (group commit).
        sends: sends::SendQueue,
        /// Checkpoints the WAL through `reader`, so the writer seldom has to.
        _checkpointer: checkpoint::Checkpointer,
    },
    /// PostgreSQL.
    Postgres {
        pool: Pool<AsyncPgConnection>,
        /// Message sends, batched per workspace (group commit).
        sends: sends::PgSends,
        /// Visitor updates (page views, presence changes), batched per workspace likewise.
        visitor_updates: group_commit::WorkspaceBatches<visitors::VisitorUpdate>,
    },
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    /// How long an agent's dashboard may be disconnected before they count as offline.
    agent_grace_ms: i64,
    /// How long a visitor may be inactive before their next activity starts a new visit.
    visit_timeout_ms: i64,
    /// Query latency histograms (`/metrics`); `None` when nothing measures.
    timing: Option<crate::metrics::QueryTiming>,
}

/// One store call's latency figure and trace span, ended when dropped.
#[doc(hidden)]
pub struct QueryGuard<'a> {
    _timer: Option<crate::metrics::QueryTimer<'a>>,
    _span: tracing::Span,
}

/// Runs `$body` with `$conn: &mut impl AsyncConnection` from the read pool of whichever
/// backend is configured. `$body` is an async block's contents returning
/// `Result<_, StoreError>`.
macro_rules! read {
    ($store:expr, |$conn:ident| $body:block) => {
        match $store.backend() {
            $crate::store::Backend::Sqlite { reader, .. } => {
                let mut pooled = reader.get().await.map_err($crate::store::StoreError::from_pool)?;
                let _timer = $store.query_timer($crate::metrics::QueryOp::Read);
                let $conn = &mut *pooled;
                $body
            }
            $crate::store::Backend::Postgres { pool, .. } => {
                let mut pooled = pool.get().await.map_err($crate::store::StoreError::from_pool)?;
                let _timer = $store.query_timer($crate::metrics::QueryOp::Read);
                let $conn = &mut *pooled;
                $body
            }
        }
    };
}

/// Runs `$body` inside one write transaction of whichever backend is configured; an `Err`
/// from `$body` rolls everything back.
///
/// `write!(store, workspace = id, |conn| …)` first takes the workspace's row lock, as every
/// transaction that changes a workspace's conversations, members or visitors must (see
/// [`queries::Writes::lock_workspace`]).
macro_rules! write {
    ($store:expr, workspace = $workspace_id:expr, |$conn:ident| $body:block) => {
        $crate::store::write!($store, |$conn| {
            $crate::store::queries::Writes::lock_workspace($conn, $workspace_id).await?;
            $body
        })
    };
    ($store:expr, |$conn:ident| $body:block) => {
        match $store.backend() {
            $crate::store::Backend::Sqlite { writer, .. } => {
                let mut pooled = writer.get().await.map_err($crate::store::StoreError::from_pool)?;
                let _timer = $store.query_timer($crate::metrics::QueryOp::Write);
                let $conn = &mut *pooled;
                $crate::store::transaction::transaction!($conn, $body)
            }
            $crate::store::Backend::Postgres { pool, .. } => {
                let mut pooled = pool.get().await.map_err($crate::store::StoreError::from_pool)?;
                let _timer = $store.query_timer($crate::metrics::QueryOp::Write);
                let $conn = &mut *pooled;
                $crate::store::transaction::transaction!($conn, $body)
            }
        }
    };
}
pub(crate) use {read, write};

impl StoreError {
    #[doc(hidden)]
    pub fn from_pool(error: impl std::fmt::Display) -> Self {
        Self::connection(error)
    }
}

impl Store {
    /// Connects to the configured database and applies pending migrations.
    pub async fn connect(config: &DatabaseConfig, pool_size: usize) -> Result<Self, StoreError> {
        let backend = match config {
            DatabaseConfig::Sqlite(path) => Self::open_sqlite(path, pool_size).await?,
            DatabaseConfig::Postgres(url) => Self::open_postgres(url, pool_size).await?,
        };
        let store = Self {
            backend: Arc::new(backend),
            agent_grace_ms: 60_000,
            visit_timeout_ms: 1000 * i64::try_from(crate::domain::visitor::DEFAULT_VISIT_TIMEOUT_SECS).unwrap_or(1800),
            timing: None,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(path: &Path, pool_size: usize) -> Result<Backend, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Connection(format!("cannot create {}: {e}", dir.display())))?;
        }
        let url = path.to_string_lossy().into_owned();
        // One setup for both connection types (they differ only in where statements run).
        macro_rules! pool {
            ($conn:ty, $size:expr, $extra:expr) => {{
                let mut manager_config = ManagerConfig::<$conn>::default();
                manager_config.custom_setup = Box::new(|url| {
                    async move {
                        let mut conn = <$conn>::establish(url).await?;
                        // WAL lets readers run beside the writer; busy_timeout covers the
                        // checkpointer and other processes, and comes first so that it also
                        // covers switching a new file to WAL while another connection opens;
                        // foreign keys are off by default.
                        conn.batch_execute(
                            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                        )
                        .await
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        conn.batch_execute($extra).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    }
                    .boxed()
                });
                let manager = AsyncDieselConnectionManager::<$conn>::new_with_config(url.clone(), manager_config);
                Pool::builder(manager).max_size($size).build().map_err(StoreError::connection)
            }};
        }
        // The writer checkpoints only when the WAL is large (see `checkpoint`).
        let writer = pool!(SqliteWriter, 1, checkpoint::WRITER_SETUP)?;
        let reader = pool!(SqliteConn, pool_size.max(1), "")?;
        let sends = sends::SendQueue::start(writer.clone());
        let _checkpointer = checkpoint::Checkpointer::start(reader.clone());
        Ok(Backend::Sqlite { writer, reader, sends, _checkpointer })
    }

    async fn open_postgres(url: &str, pool_size: usize) -> Result<Backend, StoreError> {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder(manager).max_size(pool_size.max(1)).build().map_err(StoreError::connection)?;
        // Fail at start, with the cause, rather than on the first request.
        drop(pool.get().await.map_err(StoreError::connection)?);
        let sends = sends::PgSends::new(pool.clone());
        let visitor_updates = group_commit::WorkspaceBatches::new(pool.clone());
        Ok(Backend::Postgres { pool, sends, visitor_updates })
    }

    /// Applies pending migrations (idempotent; safe with several replicas starting at once
    /// on PostgreSQL, where diesel takes the migrations table lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let applied = match self.backend() {
            Backend::Sqlite { writer, .. } => {
                let conn = writer.get().await.map_err(StoreError::connection)?;
                let mut harness = AsyncMigrationHarness::new(conn);
                harness.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len())
            }
            Backend::Postgres { pool, .. } => {
                let conn = pool.get().await.map_err(StoreError::connection)?;
                let mut harness = AsyncMigrationHarness::new(conn);
                harness.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len())
            }
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        Ok(())
    }

    /// Sets the agent presence grace period.
    pub fn with_agent_grace(mut self, grace: std::time::Duration) -> Self {
        self.agent_grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// How long an agent's dashboard may be disconnected before they count as offline.
    pub fn agent_grace_ms(&self) -> i64 {
        self.agent_grace_ms
    }

    /// Sets how long a visitor may be inactive before their next activity starts a new visit.
    pub fn with_visit_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.visit_timeout_ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// How long a visitor may be inactive before their next activity starts a new visit.
    pub fn visit_timeout_ms(&self) -> i64 {
        self.visit_timeout_ms
    }

    /// Times every `read!` and `write!` call into these histograms (`/metrics`).
    pub fn with_query_timing(mut self, timing: crate::metrics::QueryTiming) -> Self {
        self.timing = Some(timing);
        self
    }

    /// Starts timing one store call (used by `read!`/`write!`): its latency figure and its
    /// trace span, both ended when the guard drops.
    #[doc(hidden)]
    pub fn query_timer(&self, op: crate::metrics::QueryOp) -> QueryGuard<'_> {
        let write = matches!(op, crate::metrics::QueryOp::Write);
        QueryGuard {
            _timer: self.timing.as_ref().map(|timing| timing.start(op)),
            _span: crate::otel::store_span(self.backend_name(), write),
        }
    }

    /// Connections of this process's pools now, added up (SQLite: writer and readers).
    pub fn pool_status(&self) -> PoolStatus {
        // (size, available, max_size) of each pool.
        let status = |size: usize, available: usize, max: usize| PoolStatus {
            in_use: size.saturating_sub(available),
            idle: available,
            max,
        };
        match self.backend() {
            Backend::Sqlite { writer, reader, .. } => {
                let (w, r) = (writer.status(), reader.status());
                status(w.size + r.size, w.available + r.available, w.max_size + r.max_size)
            }
            Backend::Postgres { pool, .. } => {
                let p = pool.status();
                status(p.size, p.available, p.max_size)
            }
        }
    }

    /// The configured backend's pools.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// "sqlite" or "postgres", for logs.
    pub fn backend_name(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }

    /// Checks that the database answers (for readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        read!(self, |conn| {
            conn.batch_execute("SELECT 1").await?;
            Ok(())
        })
    }
}

/// How a store's connections are used now ([`Store::pool_status`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections handed out.
    pub in_use: usize,
    /// Connections open and waiting in the pool.
    pub idle: usize,
    /// Most connections the pools may open.
    pub max: usize,
}

/// The current time as Unix milliseconds, the unit every timestamp column uses.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Whether a query failed on a unique constraint.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(error, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}
