-- Webhooks (WebhookService): endpoints a workspace's events are POSTed to, signed with the
-- endpoint's secret. Deliveries are made from the event log: `event_cursor` is the last
-- event sequence number turned into deliveries (advanced in the transaction that writes
-- them, so each event is delivered once per endpoint whatever the replicas do).
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON array of event type names ("conversation.created", …).
    event_types TEXT NOT NULL,
    -- The HMAC key of the signature header; shown on creation and rotation only.
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- Why it was disabled automatically ("" when enabled or disabled by a person).
    disabled_reason TEXT NOT NULL,
    event_cursor BIGINT NOT NULL,
    -- Deliveries in a row that failed after their last attempt (reset by a success).
    failed_in_a_row INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id, created_at);

-- One event (or test, or redelivery) sent to one endpoint; attempts run as a job.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    -- The request body exactly as sent (and sent again on redelivery).
    payload TEXT NOT NULL,
    -- pending | succeeded | failed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT,
    -- The last attempt: HTTP status (0: no response), time to the response, what went
    -- wrong, and the start of the response body.
    response_status INTEGER NOT NULL,
    latency_ms BIGINT NOT NULL,
    error TEXT NOT NULL,
    response_excerpt TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at, id);
CREATE INDEX webhook_deliveries_age_idx ON webhook_deliveries (updated_at);

-- Owners list jobs by kind (e-mails; webhook deliveries have their own log).
DROP INDEX jobs_workspace_idx;
CREATE INDEX jobs_workspace_kind_idx ON jobs (workspace_id, kind, created_at, id);
