-- Notification settings (NotificationService): which events reach a member by which channel
-- (e-mail, push, sound, desktop). `user_id` '*' is the workspace's default for members who
-- have not chosen; `settings` is a JSON object {event: {channel: bool}}.
CREATE TABLE notification_settings (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    settings TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

-- Browsers that receive Web Push for a member (PushManager subscriptions).
CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    -- Which browser, for the member's list ("Chrome on macOS").
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_member_idx ON push_subscriptions (workspace_id, user_id);

-- Dashboards open now (an agent's workspace feed): members with one get no push, they see
-- it on screen. Rows of a process that died are ignored once `seen_at` is old.
CREATE TABLE open_dashboards (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);
CREATE INDEX open_dashboards_member_idx ON open_dashboards (workspace_id, user_id);

-- The last event the notifier turned into e-mails and pushes (see `notifications`);
-- starts at the present, so nothing before this version is announced.
ALTER TABLE workspaces ADD COLUMN notified_seq BIGINT NOT NULL DEFAULT 0;
UPDATE workspaces SET notified_seq = event_seq;
