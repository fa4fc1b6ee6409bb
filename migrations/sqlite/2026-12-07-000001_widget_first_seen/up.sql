-- When and where a widget was first loaded by a visitor on a site other than this server
-- (the onboarding checklist's "see your first visitor").
ALTER TABLE widgets ADD COLUMN first_seen_at BIGINT;
ALTER TABLE widgets ADD COLUMN first_seen_origin TEXT NOT NULL DEFAULT '';
