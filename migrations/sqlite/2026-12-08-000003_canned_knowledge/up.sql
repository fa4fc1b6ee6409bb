-- Canned responses the AI bot may answer from, besides the published articles.
ALTER TABLE canned_responses ADD COLUMN knowledge BOOLEAN NOT NULL DEFAULT FALSE;
