ALTER TABLE workspaces DROP COLUMN notified_seq;
DROP TABLE open_dashboards;
DROP TABLE push_subscriptions;
DROP TABLE notification_settings;
