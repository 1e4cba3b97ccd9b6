-- Publication: the public portal, the JSON API and the open-data export show
-- a city's fiscal year only after its admin publishes it, and only while the
-- year is locked (確定). NULL published_at: not published (or withdrawn).

ALTER TABLE fiscal_years ADD COLUMN published_at TEXT;        -- ISO 8601 instant, UTC
ALTER TABLE fiscal_years ADD COLUMN published_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
