DROP TABLE events;
DROP TABLE attachments;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE visitors;
ALTER TABLE memberships DROP COLUMN last_active_at;
ALTER TABLE workspaces DROP COLUMN event_seq;
