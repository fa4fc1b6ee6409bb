-- Visitors, conversations, messages, attachments and the per-workspace event log.

-- Next event sequence number of the workspace; incremented under the row lock inside the
-- writing transaction, so sequence order is commit order.
ALTER TABLE workspaces ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
-- When the member's dashboard feed was last connected (agent presence).
ALTER TABLE memberships ADD COLUMN last_active_at BIGINT;

CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    widget_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    external_id TEXT,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    attributes TEXT NOT NULL DEFAULT '{}',
    current_url TEXT NOT NULL DEFAULT '',
    current_title TEXT NOT NULL DEFAULT '',
    referrer TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    browser TEXT NOT NULL DEFAULT '',
    os TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT '',
    ip_address TEXT NOT NULL DEFAULT '',
    page_views BIGINT NOT NULL DEFAULT 0,
    online BOOLEAN NOT NULL DEFAULT FALSE,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX visitors_external_idx ON visitors (workspace_id, external_id);
CREATE INDEX visitors_presence_idx ON visitors (online, last_seen_at);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    widget_id TEXT NOT NULL,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    assignee_user_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    source_url TEXT NOT NULL DEFAULT '',
    source_title TEXT NOT NULL DEFAULT '',
    last_message_preview TEXT NOT NULL DEFAULT '',
    last_seq BIGINT NOT NULL DEFAULT 0,
    visitor_last_seq BIGINT NOT NULL DEFAULT 0,
    agent_read_seq BIGINT NOT NULL DEFAULT 0,
    visitor_read_seq BIGINT NOT NULL DEFAULT 0,
    agent_unread BIGINT NOT NULL DEFAULT 0,
    rating INTEGER NOT NULL DEFAULT 0,
    rating_comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_message_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX conversations_inbox_idx ON conversations (workspace_id, last_message_at, id);
CREATE INDEX conversations_visitor_idx ON conversations (visitor_id, last_message_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_id TEXT NOT NULL DEFAULT '',
    sender_name TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    internal BOOLEAN NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    client_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_seq_idx ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_client_key_idx ON messages (conversation_id, client_key);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    uploader_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    message_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_conversation_idx ON attachments (conversation_id);

CREATE TABLE events (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    conversation_id TEXT,
    visitor_id TEXT,
    visitor_visible BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX events_visitor_idx ON events (visitor_id, seq);
