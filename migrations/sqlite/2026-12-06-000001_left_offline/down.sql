ALTER TABLE conversations DROP COLUMN left_offline;
