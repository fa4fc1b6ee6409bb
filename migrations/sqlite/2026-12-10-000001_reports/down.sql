ALTER TABLE workspaces DROP COLUMN time_zone;
ALTER TABLE memberships DROP COLUMN presence_since;
ALTER TABLE memberships DROP COLUMN presence_counted;
DROP INDEX conversations_started_idx;
DROP INDEX conversation_counts_rated_idx;
DROP TABLE conversation_counts;
DROP TABLE report_figures;
