-- Durable background work (e-mail now; webhooks, pushes and bot replies later): written in
-- the transaction of what causes it, claimed by workers (the single writer serialises claims), leased
-- so that a worker killed mid-job leaves it to another once `locked_until` passes.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- What it is about, for owners (the payload may hold secrets and is cleared when done).
    summary TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_workspace_idx ON jobs (workspace_id, created_at, id);
