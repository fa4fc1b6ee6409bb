-- Where a visitor's latest IP address is, by the operator's location database
-- (PORTHOLE_GEOIP_DB, `server/src/geo.rs`): the ISO 3166-1 alpha-2 country code and the
-- city's English name, or '' when unknown. Nothing more precise is kept; the row (and so
-- the location) goes with the visitor on erasure and retention.
ALTER TABLE visitors ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN city TEXT NOT NULL DEFAULT '';
