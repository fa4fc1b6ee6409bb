-- Rules: automation without AI (RuleService). Conditions and actions are JSON objects
-- whose shape is `domain::rule`; they are read and written whole, never queried into.
CREATE TABLE rules (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    trigger TEXT NOT NULL,
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rules_workspace ON rules (workspace_id, created_at);

-- Which rules acted in which conversation: a rule acts at most once per conversation.
CREATE TABLE rule_firings (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, rule_id)
);

-- Whether the workspace has an enabled conversation rule, read with the lock every send
-- takes on the workspace row, so a workspace without rules pays nothing for them.
ALTER TABLE workspaces ADD COLUMN has_rules BOOLEAN NOT NULL DEFAULT FALSE;

-- The guided-flow step waiting for the visitor's answer; NULL when no flow runs.
ALTER TABLE conversations ADD COLUMN flow_step TEXT;

-- A flow question's quick replies: a JSON array of labels; empty for other messages.
ALTER TABLE messages ADD COLUMN quick_replies TEXT NOT NULL DEFAULT '';
