-- Routing: agent status and capacity, workspace routing mode, the queue of conversations
-- waiting for an agent, and who (agents, bot, workflow) answers a conversation.

ALTER TABLE workspaces ADD COLUMN routing_mode TEXT NOT NULL DEFAULT 'least_loaded';
ALTER TABLE workspaces ADD COLUMN unassign_on_offline BOOLEAN NOT NULL DEFAULT FALSE;

-- The availability the member chose: online, away, busy or offline.
ALTER TABLE memberships ADD COLUMN status TEXT NOT NULL DEFAULT 'online';
ALTER TABLE memberships ADD COLUMN max_chats INTEGER NOT NULL DEFAULT 5;
-- Round-robin turn: when the member was last given a conversation.
ALTER TABLE memberships ADD COLUMN last_assigned_at BIGINT;
-- The presence last announced, so a disconnect is announced (and acted on) once.
ALTER TABLE memberships ADD COLUMN present BOOLEAN NOT NULL DEFAULT FALSE;

-- agents, bot or workflow.
ALTER TABLE conversations ADD COLUMN responder TEXT NOT NULL DEFAULT 'agents';
-- When the conversation started waiting for an agent; NULL when not queued.
ALTER TABLE conversations ADD COLUMN queued_at BIGINT;
CREATE INDEX conversations_queue_idx ON conversations (workspace_id, queued_at);
CREATE INDEX conversations_assignee_idx ON conversations (workspace_id, assignee_user_id, status);
