ALTER TABLE messages DROP COLUMN quick_replies;
ALTER TABLE conversations DROP COLUMN flow_step;
ALTER TABLE workspaces DROP COLUMN has_rules;
DROP TABLE rule_firings;
DROP TABLE rules;
