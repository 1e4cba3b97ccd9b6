-- A city uses several kinds of sheet (a project sheet, a measure sheet, a
-- reform-item survey, a department's objectives), each the sheet of some
-- kinds of item. The kinds of a city are its defaults (by city code) plus
-- the ones it chose; a chosen row keeps the city's labels, and one with
-- enabled = 0 switches a default off. Earlier the city had one layout.

CREATE TABLE sheet_kinds (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    preset TEXT NOT NULL,               -- mitaka, mitaka-measure, mishima, kodaira, higashimurayama, ...
    position BIGINT NOT NULL,           -- precedence when two kinds are for the same kind of item
    enabled BIGINT NOT NULL DEFAULT 1,
    labels TEXT NOT NULL DEFAULT '{}',  -- JSON: section or slot code -> the city's label
    PRIMARY KEY (municipality_code, preset)
);

INSERT INTO sheet_kinds (municipality_code, preset, position, enabled, labels)
SELECT municipality_code, preset, 0, 1, labels FROM sheet_layouts;

DROP TABLE sheet_layouts;

-- Values printed in a published document are public with it: the fiscal
-- year of the document that printed the cell (a white paper of FY2020
-- prints the H22 baseline and the H26 actual). NULL when not known (a
-- canonical file that does not say).
ALTER TABLE indicator_printings ADD COLUMN printed_in BIGINT;
