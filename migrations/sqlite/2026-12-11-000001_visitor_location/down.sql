ALTER TABLE visitors DROP COLUMN city;
ALTER TABLE visitors DROP COLUMN country_code;
