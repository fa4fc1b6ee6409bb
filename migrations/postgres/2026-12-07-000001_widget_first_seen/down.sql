ALTER TABLE widgets DROP COLUMN first_seen_origin;
ALTER TABLE widgets DROP COLUMN first_seen_at;
