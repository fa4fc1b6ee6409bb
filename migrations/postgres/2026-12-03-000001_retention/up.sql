-- What the retention sweeps and the attachment quota read (server/src/retention.rs):
-- a workspace's stored bytes, and uploads never sent with a message, oldest first.
CREATE INDEX attachments_workspace_idx ON attachments (workspace_id);
CREATE INDEX attachments_unsent_idx ON attachments (created_at) WHERE message_id IS NULL;
