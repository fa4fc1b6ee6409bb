DROP INDEX attachments_unsent_idx;
DROP INDEX attachments_workspace_idx;
