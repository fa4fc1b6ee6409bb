-- Canned responses: saved replies agents insert with `/shortcut`, one set per workspace.

CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- A shortcut names one response per workspace; also serves the list (ordered by shortcut).
CREATE UNIQUE INDEX canned_responses_shortcut_idx ON canned_responses (workspace_id, shortcut);
