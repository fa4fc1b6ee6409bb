-- The pages each visitor viewed (the newest 100 per visitor are kept; older ones are
-- deleted in the transaction that adds a view) and when their current visit began.

CREATE TABLE page_views (
    -- Increasing, so views of the same millisecond keep the order they were recorded in.
    id BIGSERIAL PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    referrer TEXT NOT NULL DEFAULT '',
    viewed_at BIGINT NOT NULL
);
CREATE INDEX page_views_visitor_idx ON page_views (visitor_id, viewed_at);

-- Start of the current visit: the first activity after more than the visit timeout
-- (30 minutes by default) without any. Existing visitors' visits start at their last
-- activity: their earlier history is unknown.
ALTER TABLE visitors ADD COLUMN visit_started_at BIGINT NOT NULL DEFAULT 0;
UPDATE visitors SET visit_started_at = last_seen_at;
