-- Reports (ReportService). Figures are kept in the transaction of each change they
-- count (`store::reports`), summed per scope over two spans: 15-minute UTC slots (900 s;
-- every time zone's midnight falls on one) and UTC days (86,400 s), so any range of
-- local days reads whole UTC days plus at most two days of slots at its ends.
-- `dim`: '' the whole workspace, 'w:<widget>', 't:<team>' or 'a:<user>'. The `*_hist`
-- columns are histograms of seconds (`domain::report::Histogram`'s text form).
CREATE TABLE report_figures (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    span INTEGER NOT NULL,
    dim TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    started BIGINT NOT NULL DEFAULT 0,
    still_open BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    missed BIGINT NOT NULL DEFAULT 0,
    first_responses BIGINT NOT NULL DEFAULT 0,
    first_response_secs BIGINT NOT NULL DEFAULT 0,
    first_response_business_secs BIGINT NOT NULL DEFAULT 0,
    resolution_secs BIGINT NOT NULL DEFAULT 0,
    resolution_business_secs BIGINT NOT NULL DEFAULT 0,
    stars_1 BIGINT NOT NULL DEFAULT 0,
    stars_2 BIGINT NOT NULL DEFAULT 0,
    stars_3 BIGINT NOT NULL DEFAULT 0,
    stars_4 BIGINT NOT NULL DEFAULT 0,
    stars_5 BIGINT NOT NULL DEFAULT 0,
    bot_answered BIGINT NOT NULL DEFAULT 0,
    bot_resolved BIGINT NOT NULL DEFAULT 0,
    handed_off BIGINT NOT NULL DEFAULT 0,
    online_secs BIGINT NOT NULL DEFAULT 0,
    busy_secs BIGINT NOT NULL DEFAULT 0,
    away_secs BIGINT NOT NULL DEFAULT 0,
    first_response_hist TEXT NOT NULL DEFAULT '',
    first_response_business_hist TEXT NOT NULL DEFAULT '',
    resolution_hist TEXT NOT NULL DEFAULT '',
    resolution_business_hist TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, span, dim, start_at)
);

-- What each conversation adds to report_figures now (`domain::report::Counted` as
-- JSON), and when it was rated (from it, for the reports' latest comments).
-- Conversations from before reports have no row and are counted at start-up. A
-- conversation deleted (retention, erasure) takes its row along; its figures stay.
CREATE TABLE conversation_counts (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    counted TEXT NOT NULL,
    rated_at BIGINT
);
CREATE INDEX conversation_counts_rated_idx ON conversation_counts (workspace_id, rated_at) WHERE rated_at IS NOT NULL;
CREATE INDEX conversations_started_idx ON conversations (workspace_id, created_at, id);

-- The presence a member's time is being counted under ('online', 'busy', 'away' or
-- 'offline') and since when.
ALTER TABLE memberships ADD COLUMN presence_counted TEXT NOT NULL DEFAULT 'offline';
ALTER TABLE memberships ADD COLUMN presence_since BIGINT;

-- The time zone reports count days in.
ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
