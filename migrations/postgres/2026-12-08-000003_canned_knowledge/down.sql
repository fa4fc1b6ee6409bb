ALTER TABLE canned_responses DROP COLUMN knowledge;
