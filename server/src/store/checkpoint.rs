//! SQLite WAL checkpoints, mostly off the writer's path.
//!
//! By default, the connection whose commit takes the WAL past 1000 pages copies them back
//! into the database file and fsyncs it inside that commit. With one writer, every send
//! queued behind that commit waits meanwhile. Here a task runs a PASSIVE checkpoint every
//! [`EVERY`] on a reader connection, on the blocking pool: it copies the pages no reader
//! still needs without taking the write lock, while the writer goes on appending.
//!
//! The WAL starts over from its beginning only when a write transaction begins while every
//! page in it has been copied back, which a steady write load may never allow; so the
//! writer still checkpoints itself, but only past [`WRITER_CHECKPOINT_PAGES`] (its
//! `wal_autocheckpoint`), and then finds most pages already copied. (A RESTART checkpoint
//! from here instead deadlocks with the writer's open read: SQLite answers "database is
//! locked" to one of them.)

use std::time::Duration;

use diesel::QueryableByName;
use diesel::sql_types::Integer;
use diesel_async::RunQueryDsl as _;
use diesel_async::pooled_connection::deadpool::Pool;
use tokio::task::AbortHandle;

use super::{SqliteConn, StoreError};

/// How often the WAL is checkpointed.
pub const EVERY: Duration = Duration::from_millis(250);
/// WAL size (in pages, 4 KiB each) at which the writer checkpoints and restarts it.
pub const WRITER_CHECKPOINT_PAGES: i32 = 4000;
/// The writer's setting of it (a unit test checks the two agree).
pub const WRITER_SETUP: &str = "PRAGMA wal_autocheckpoint = 4000;";

/// The checkpoint task of one SQLite store; stops when dropped (with the store).
pub struct Checkpointer {
    task: AbortHandle,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What `PRAGMA wal_checkpoint` answers (only `busy` is read; the row has three columns).
#[derive(QueryableByName)]
struct Outcome {
    /// 1 if the checkpoint could not run (another one was running).
    #[diesel(sql_type = Integer)]
    busy: i32,
}

impl Checkpointer {
    /// Starts checkpointing through `reader` (on the current runtime).
    pub fn start(reader: Pool<SqliteConn>) -> Self {
        let task = tokio::spawn(async move {
            // Not at once: the store is still being migrated.
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match checkpoint(&reader).await {
                    Ok(outcome) if outcome.busy != 0 => tracing::debug!("SQLite checkpoint skipped: another one runs"),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "SQLite checkpoint failed"),
                }
            }
        });
        Self { task: task.abort_handle() }
    }
}

async fn checkpoint(reader: &Pool<SqliteConn>) -> Result<Outcome, StoreError> {
    let mut conn = reader.get().await.map_err(StoreError::from_pool)?;
    Ok(diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(&mut *conn).await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::config::DatabaseConfig;
    use crate::store::models::WorkspaceRow;
    use crate::store::schema::workspaces;
    use crate::store::{Store, write};

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Integer)]
        wal_autocheckpoint: i32,
    }

    async fn insert(store: &Store, id: String) -> Result<(), StoreError> {
        write!(store, |conn| {
            diesel::insert_into(workspaces::table)
                .values(&WorkspaceRow::new(id.as_str().into(), "x".repeat(2000), 0))
                .execute(conn)
                .await?;
            Ok::<_, StoreError>(())
        })
    }

    async fn writer_setting(store: &Store) -> Result<i32, StoreError> {
        write!(store, |conn| {
            let setting: Setting = diesel::sql_query("PRAGMA wal_autocheckpoint").get_result(conn).await?;
            Ok::<_, StoreError>(setting.wal_autocheckpoint)
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_copied_back_by_the_checkpointer() {
        let dir = std::env::temp_dir().join(crate::ids::unique("porthole-checkpoint-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db");
        let store = Store::connect(&DatabaseConfig::Sqlite(path.clone()), 2).await.unwrap();
        assert_eq!(writer_setting(&store).await.unwrap(), WRITER_CHECKPOINT_PAGES);

        // Let the checkpointer catch up with the migrations, then write ~2 MB (~1000
        // pages), one transaction each: below the writer's own checkpoint.
        tokio::time::sleep(EVERY * 3).await;
        let before = std::fs::metadata(&path).unwrap().len();
        for i in 0..1000 {
            insert(&store, format!("wsp_{i}")).await.unwrap();
        }
        let deadline = std::time::Instant::now() + EVERY * 10;
        loop {
            let now = std::fs::metadata(&path).unwrap().len();
            if now > before + 1_000_000 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the database file stayed at {now} bytes (was {before})");
            tokio::time::sleep(EVERY / 5).await;
        }
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
