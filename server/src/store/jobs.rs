//! Background jobs: writing them, claiming due ones under a lease, recording how an attempt
//! ended, listing them for owners, and pruning finished ones (see `jobs` for the model).

use crate::domain::id::{JobId, WorkerId, WorkspaceId};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::models::JobRow;
use super::queries::Writes as _;
use super::schema::jobs;
use super::transaction::transaction;
use super::{Backend, Store, StoreError, read, write};
use crate::domain::job::JobState;
use crate::jobs::{Lane, NewJob};

/// The jobs a lane's worker runs (by the `kind` column, which `Job::kind` writes).
fn in_lane(lane: Lane) -> diesel::dsl::EqAny<jobs::kind, &'static [&'static str]> {
    jobs::kind.eq_any(lane.kinds())
}

impl Store {
    /// Writes a job on its own (work with a cause in the store is written in the cause's
    /// transaction through `Writes::enqueue_job` instead).
    pub async fn enqueue_job(&self, new: &NewJob, now: i64) -> Result<JobId, StoreError> {
        write!(self, |conn| { conn.enqueue_job(new, now).await })
    }

    /// Claims up to `limit` due jobs for `worker` until `now + lease_ms`, oldest due first:
    /// queued ones whose time has come, and running ones whose worker's lease ended (it
    /// died). Each claim counts an attempt. On PostgreSQL rows other workers are claiming
    /// are skipped (`FOR UPDATE SKIP LOCKED`), so replicas never wait for each other or
    /// take the same job; on SQLite the single writer serialises claims.
    pub async fn claim_jobs(
        &self,
        worker: &WorkerId,
        lane: Lane,
        now: i64,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<JobRow>, StoreError> {
        let due = jobs::state
            .eq(JobState::Queued)
            .and(jobs::run_at.le(now))
            .or(jobs::state.eq(JobState::Running).and(jobs::locked_until.lt(now)))
            .and(in_lane(lane));
        match self.backend() {
            Backend::Sqlite { writer, .. } => {
                let mut pooled = writer.get().await.map_err(StoreError::from_pool)?;
                let conn = &mut *pooled;
                transaction!(conn, {
                    let ids: Vec<JobId> = jobs::table
                        .filter(due)
                        .order((jobs::run_at, jobs::id))
                        .limit(limit)
                        .select(jobs::id)
                        .load(conn)
                        .await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    conn.mark_claimed(&ids, worker, now, lease_ms).await
                })
            }
            Backend::Postgres { pool, .. } => {
                let mut pooled = pool.get().await.map_err(StoreError::from_pool)?;
                let conn = &mut *pooled;
                transaction!(conn, {
                    let ids: Vec<JobId> = jobs::table
                        .filter(due)
                        .order((jobs::run_at, jobs::id))
                        .limit(limit)
                        .select(jobs::id)
                        .for_update()
                        .skip_locked()
                        .load(conn)
                        .await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    conn.mark_claimed(&ids, worker, now, lease_ms).await
                })
            }
        }
    }

    /// Records that `worker`'s attempt `attempt` of job `id` succeeded, and clears its
    /// payload (it may hold a secret link). `false` when the job is no longer that
    /// worker's (its lease ended and another claimed it): nothing is changed then.
    pub async fn finish_job(&self, id: &JobId, worker: &WorkerId, attempt: i32, now: i64) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let updated = diesel::update(
                // Only while `worker` holds this attempt.
                jobs::table
                    .find(id)
                    .filter(jobs::locked_by.eq(worker))
                    .filter(jobs::attempts.eq(attempt))
                    .filter(jobs::state.eq(JobState::Running)),
            )
            .set((
                jobs::state.eq(JobState::Done),
                jobs::payload.eq("{}"),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<i64>),
                jobs::last_error.eq(""),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
            Ok(updated == 1)
        })
    }

    /// Deletes job `id` that `worker`'s attempt `attempt` found nothing to do for; `false`
    /// when the job is no longer that worker's.
    pub async fn forget_job(&self, id: &JobId, worker: &WorkerId, attempt: i32) -> Result<bool, StoreError> {
        write!(self, |conn| {
            let deleted = diesel::delete(
                jobs::table
                    .find(id)
                    .filter(jobs::locked_by.eq(worker))
                    .filter(jobs::attempts.eq(attempt))
                    .filter(jobs::state.eq(JobState::Running)),
            )
            .execute(conn)
            .await?;
            Ok(deleted == 1)
        })
    }

    /// Records that `worker`'s attempt `attempt` of job `id` failed with `error`: it is
    /// queued again for `retry_at`, or, when that is `None` (no attempts left, or retrying
    /// cannot help), marked failed. `false` when the job is no longer that worker's.
    pub async fn fail_job(
        &self,
        id: &JobId,
        worker: &WorkerId,
        attempt: i32,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (state, run_at) = match retry_at {
            Some(at) => (JobState::Queued, at),
            None => (JobState::Failed, now),
        };
        // Enough to tell what went wrong; a server's whole reply is not needed.
        let error: String = error.chars().take(500).collect();
        write!(self, |conn| {
            let updated = diesel::update(
                // Only while `worker` holds this attempt.
                jobs::table
                    .find(id)
                    .filter(jobs::locked_by.eq(worker))
                    .filter(jobs::attempts.eq(attempt))
                    .filter(jobs::state.eq(JobState::Running)),
            )
            .set((
                jobs::state.eq(state),
                jobs::run_at.eq(run_at),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<i64>),
                jobs::last_error.eq(&error),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
            Ok(updated == 1)
        })
    }

    /// When the next job of `lane` becomes claimable: the earliest queued job's time, or
    /// the earliest end of a running job's lease; `None` when there is no job to run.
    pub async fn next_job_due(&self, lane: Lane) -> Result<Option<i64>, StoreError> {
        use diesel::dsl::min;
        read!(self, |conn| {
            let queued: Option<i64> = jobs::table
                .filter(jobs::state.eq(JobState::Queued))
                .filter(in_lane(lane))
                .select(min(jobs::run_at))
                .get_result(conn)
                .await?;
            let leased: Option<i64> = jobs::table
                .filter(jobs::state.eq(JobState::Running))
                .filter(in_lane(lane))
                .select(min(jobs::locked_until))
                .get_result(conn)
                .await?;
            Ok(match (queued, leased) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            })
        })
    }

    /// Jobs due at `now` and waiting for a worker, counted by `kind`, over every workspace
    /// (`/metrics`; the due-jobs partial index covers the filter).
    pub async fn due_jobs_by_kind(&self, now: i64) -> Result<Vec<(String, i64)>, StoreError> {
        read!(self, |conn| {
            Ok(jobs::table
                .filter(jobs::state.eq(JobState::Queued))
                .filter(jobs::run_at.le(now))
                .group_by(jobs::kind)
                .select((jobs::kind, diesel::dsl::count_star()))
                .load::<(String, i64)>(conn)
                .await?)
        })
    }

    /// Up to `limit` of the workspace's jobs of `kind` (`Job::kind`), newest first, before
    /// the keyset `before` (`(created_at, id)` of the last job of the previous page).
    pub async fn jobs_of(
        &self,
        workspace_id: &WorkspaceId,
        kind: &str,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<JobRow>, StoreError> {
        read!(self, |conn| {
            let mut query = jobs::table
                .filter(jobs::workspace_id.eq(workspace_id))
                .filter(jobs::kind.eq(kind))
                .order((jobs::created_at.desc(), jobs::id.desc()))
                .limit(limit)
                .select(JobRow::as_select())
                .into_boxed();
            if let Some((at, id)) = before.clone() {
                query = query.filter(jobs::created_at.lt(at).or(jobs::created_at.eq(at).and(jobs::id.lt(id))));
            }
            Ok(query.load(conn).await?)
        })
    }

    /// Queues the workspace's failed job `id` again, due `now`, with its attempts counted
    /// from zero; `None` (nothing changed) when the workspace has no failed job `id`.
    pub async fn retry_job(
        &self,
        workspace_id: &WorkspaceId,
        id: &JobId,
        now: i64,
    ) -> Result<Option<JobRow>, StoreError> {
        write!(self, |conn| {
            let retried = diesel::update(
                jobs::table
                    .filter(jobs::workspace_id.eq(workspace_id))
                    .filter(jobs::id.eq(id))
                    .filter(jobs::state.eq(JobState::Failed)),
            )
            .set((
                jobs::state.eq(JobState::Queued),
                jobs::attempts.eq(0),
                jobs::run_at.eq(now),
                jobs::updated_at.eq(now),
            ))
            .returning(JobRow::as_returning())
            .get_result(conn)
            .await
            .optional()?;
            Ok(retried)
        })
    }

    /// A job by id (tests and owners' views).
    pub async fn job(&self, id: &JobId) -> Result<Option<JobRow>, StoreError> {
        read!(self, |conn| { Ok(jobs::table.find(id).select(JobRow::as_select()).get_result(conn).await.optional()?) })
    }

    /// Deletes jobs that finished (done or failed) before `cutoff`; returns how many.
    pub async fn prune_jobs(&self, cutoff: i64) -> Result<usize, StoreError> {
        write!(self, |conn| {
            Ok(diesel::delete(
                jobs::table
                    .filter(jobs::state.eq_any([JobState::Done, JobState::Failed]))
                    .filter(jobs::updated_at.lt(cutoff)),
            )
            .execute(conn)
            .await?)
        })
    }
}
