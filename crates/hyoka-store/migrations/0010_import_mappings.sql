-- A city's mapping of its own evaluation workbook (docs/mapping.md), saved
-- from the import page so that next year's workbook comes in the same way.
-- One per city: saving another replaces it (the audit log keeps both).

CREATE TABLE import_mappings (
    municipality_code TEXT NOT NULL PRIMARY KEY REFERENCES municipalities (code) ON DELETE CASCADE,
    file_name TEXT NOT NULL,            -- the name it was uploaded as
    mapping TEXT NOT NULL,              -- the TOML as uploaded
    saved_at TEXT NOT NULL              -- ISO 8601 instant, UTC
);
