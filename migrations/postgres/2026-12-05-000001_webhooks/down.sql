DROP INDEX jobs_workspace_kind_idx;
CREATE INDEX jobs_workspace_idx ON jobs (workspace_id, created_at, id);
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
