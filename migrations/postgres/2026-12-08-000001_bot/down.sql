ALTER TABLE workspaces DROP COLUMN bot_last_error_at;
ALTER TABLE workspaces DROP COLUMN bot_last_error;
DROP TABLE bot_usage;
ALTER TABLE messages DROP COLUMN citations;
