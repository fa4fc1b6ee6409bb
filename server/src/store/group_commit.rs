//! PostgreSQL group commit, per workspace: the writes of one kind (sends, visitor updates)
//! that arrive for a workspace while one of its transactions is busy are stored together
//! in its next one.
//!
//! Every such write takes its workspace's row lock first (`Writes::lock_workspace`) and
//! holds it through its commit's WAL flush, so one workspace's writes run one after another
//! whatever the pool's size: one a flush. Batched, the lock is held for one flush per batch
//! instead of per write. Other workspaces' batches run beside it on their own connections.
//!
//! **Invariant:** each write keeps its own outcome. A batch whose transaction fails is
//! stored again one write per transaction, so a write that fails for itself never sinks
//! the others.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;

use super::StoreError;
use super::transaction::transaction;
use crate::domain::id::WorkspaceId;

/// Most writes in one transaction (bounds how long one commit holds the others' answers).
pub const MAX_BATCH: usize = 64;

/// Each write's outcome, in the order given; `Err` of the whole: nothing was stored.
pub type BatchOutcome<T> = Result<Vec<Result<T, StoreError>>, StoreError>;

/// A kind of write that is stored in batches.
pub trait Batched: Sized + Send + Sync + 'static {
    type Outcome: Send + 'static;

    /// The workspace whose lock the write takes (its batch is that workspace's).
    fn workspace_id(&self) -> &WorkspaceId;

    /// Stores `writes` (all of one workspace) inside the transaction open on `conn`,
    /// answering each. `shared` is false when they are stored again one by one after a
    /// shared transaction failed.
    fn store(
        conn: &mut AsyncPgConnection,
        writes: &[Self],
        shared: bool,
    ) -> impl Future<Output = BatchOutcome<Self::Outcome>> + Send;
}

/// A write waiting for its batch, and where its outcome goes.
type Waiting<W> = (W, tokio::sync::oneshot::Sender<Result<<W as Batched>::Outcome, StoreError>>);

/// The batches of one kind of write: the first write of a workspace with nothing in flight
/// starts a task that stores it, then whatever arrived meanwhile as one batch, and so on
/// until none is waiting.
pub struct WorkspaceBatches<W: Batched> {
    pool: Pool<AsyncPgConnection>,
    /// Writes waiting per workspace; a workspace is present exactly while its task runs.
    waiting: Arc<Mutex<HashMap<WorkspaceId, Vec<Waiting<W>>>>>,
}

impl<W: Batched> Clone for WorkspaceBatches<W> {
    fn clone(&self) -> Self {
        Self { pool: self.pool.clone(), waiting: self.waiting.clone() }
    }
}

impl<W: Batched> WorkspaceBatches<W> {
    pub fn new(pool: Pool<AsyncPgConnection>) -> Self {
        Self { pool, waiting: Arc::default() }
    }

    /// Stores one write through its workspace's next batch.
    pub async fn write(&self, write: W) -> Result<W::Outcome, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let workspace_id = write.workspace_id().clone();
        let start = {
            let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
            match waiting.get_mut(&workspace_id) {
                Some(writes) => {
                    writes.push((write, reply));
                    false
                }
                None => {
                    waiting.insert(workspace_id.clone(), vec![(write, reply)]);
                    true
                }
            }
        };
        if start {
            // A task, not the caller: a cancelled request must not stop the others' batch.
            tokio::spawn(self.clone().run(workspace_id));
        }
        answer.await.map_err(|_| stopped())?
    }

    /// Takes up to [`MAX_BATCH`] of the workspace's waiting writes; none left ends its task.
    fn next_batch(&self, workspace_id: &WorkspaceId) -> Vec<Waiting<W>> {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(writes) = waiting.get_mut(workspace_id) else { return Vec::new() };
        if writes.is_empty() {
            waiting.remove(workspace_id);
            return Vec::new();
        }
        let rest = writes.split_off(writes.len().min(MAX_BATCH));
        std::mem::replace(writes, rest)
    }

    async fn run(self, workspace_id: WorkspaceId) {
        // Should the task end any other way (a panic), its waiting writers are told and the
        // workspace's next write starts a new task.
        let _guard = Forget { waiting: &self.waiting, workspace_id: &workspace_id };
        loop {
            let batch = self.next_batch(&workspace_id);
            if batch.is_empty() {
                return;
            }
            let (writes, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let outcomes = self.store(&writes).await;
            answer(replies, outcomes);
        }
    }

    async fn store(&self, writes: &[W]) -> BatchOutcome<W::Outcome> {
        let mut pooled = self.pool.get().await.map_err(StoreError::from_pool)?;
        let conn = &mut *pooled;
        let shared = async { transaction!(conn, { W::store(conn, writes, true).await }) }.await;
        if shared.is_ok() || writes.len() == 1 {
            return shared;
        }
        // One write's statement failed the batch: each again in a transaction of its own.
        let mut outcomes = Vec::with_capacity(writes.len());
        for one in writes {
            let alone = async { transaction!(conn, { W::store(conn, std::slice::from_ref(one), false).await }) }.await;
            outcomes.push(match alone {
                // `store` answers each write it is given; an empty answer would be a bug.
                Ok(mut outcome) => outcome
                    .pop()
                    .unwrap_or_else(|| Err(StoreError::Batch("a write stored alone had no outcome".to_owned()))),
                Err(error) => Err(error),
            });
        }
        Ok(outcomes)
    }
}

/// Removes a workspace's entry from [`WorkspaceBatches::waiting`] when its task ends.
struct Forget<'a, W: Batched> {
    waiting: &'a Mutex<HashMap<WorkspaceId, Vec<Waiting<W>>>>,
    workspace_id: &'a WorkspaceId,
}

impl<W: Batched> Drop for Forget<'_, W> {
    fn drop(&mut self) {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).remove(self.workspace_id);
    }
}

pub(crate) fn stopped() -> StoreError {
    StoreError::Connection("the database writer task has stopped".to_owned())
}

/// Sends every reply; a whole batch's failure goes to each of its writers.
pub(crate) fn answer<T>(replies: Vec<tokio::sync::oneshot::Sender<Result<T, StoreError>>>, outcomes: BatchOutcome<T>) {
    match outcomes {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // The caller may have gone (request cancelled); what committed stays.
                let _ = reply.send(outcome);
            }
        }
        Err(error) => {
            let message = error.to_string();
            for reply in replies {
                let _ = reply.send(Err(StoreError::Batch(message.clone())));
            }
        }
    }
}
