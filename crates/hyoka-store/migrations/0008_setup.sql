-- Setting up a city on the web: the organisation over time and the facts a
-- sheet prints about a section in a fiscal year.
--
-- A department or section keeps its id for life. A rename keeps the former
-- names (JSON array of {"name", "until"}: the name and the last fiscal year
-- it was used), an end sets valid_until, a merge sets valid_until and points
-- merged_into at the unit that took the work over, so that old sheets and
-- the history still read as they were printed.

ALTER TABLE departments ADD COLUMN merged_into BIGINT REFERENCES departments (id) ON DELETE SET NULL;
ALTER TABLE departments ADD COLUMN former_names TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sections ADD COLUMN merged_into BIGINT REFERENCES sections (id) ON DELETE SET NULL;
ALTER TABLE sections ADD COLUMN former_names TEXT NOT NULL DEFAULT '[]';

-- Per section and fiscal year, as the sheets print them: 正職員数 and
-- その他職員数 as typed (decimal text: 0.5 人工 occurs), 内線, and the
-- head's title and name (課長 三鷹 太郎).
CREATE TABLE section_years (
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    regular_staff TEXT,
    other_staff TEXT,
    extension TEXT,
    head_title TEXT,
    head_name TEXT,
    PRIMARY KEY (section_id, fiscal_year)
);
