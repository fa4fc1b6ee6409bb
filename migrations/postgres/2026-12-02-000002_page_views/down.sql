ALTER TABLE visitors DROP COLUMN visit_started_at;
DROP INDEX page_views_visitor_idx;
DROP TABLE page_views;
