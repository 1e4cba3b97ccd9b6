-- What imported sheets hold beyond the foundation: tags and re-listings,
-- narratives, schedules, next year's direction, second printings of an
-- indicator, and findings for people to review.

ALTER TABLE items ADD COLUMN fiscal_year BIGINT;
ALTER TABLE items ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';      -- JSON array, as printed
ALTER TABLE items ADD COLUMN relisting_of TEXT;                    -- item_key of the item a 再掲 repeats
ALTER TABLE plan_nodes ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

CREATE TABLE narratives (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    fiscal_year BIGINT,
    slot TEXT NOT NULL,                 -- overview, plan, do, check, action, summary, ...
    label TEXT NOT NULL,                -- the heading as printed
    body TEXT NOT NULL,                 -- JSON: paragraphs and lists of plain text
    plain TEXT NOT NULL,                -- the same as plain text, for search
    PRIMARY KEY (item_id, position)
);

CREATE TABLE schedules (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    kind TEXT NOT NULL,                 -- planned, actual
    label TEXT NOT NULL,
    months TEXT NOT NULL,               -- JSON array of 12 printed cells, April first
    hours_regular TEXT,                 -- 従事見込時間数 as printed
    hours_other TEXT,
    PRIMARY KEY (item_id, position)
);

CREATE TABLE next_directions (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    printed TEXT NOT NULL,
    direction TEXT,                     -- expand, keep, shrink, merge, pause, end
    reason TEXT,
    transfer TEXT,                      -- 事務移管, as printed
    PRIMARY KEY (item_id, fiscal_year)
);

-- Every printing of a cell, when an indicator is printed in more than one
-- table. indicator_values holds the first printing; this holds them all.
CREATE TABLE indicator_printings (
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    role TEXT NOT NULL,                 -- baseline, target, actual, judgement
    source TEXT NOT NULL,               -- the table it is printed in
    printed TEXT NOT NULL,
    PRIMARY KEY (indicator_id, fiscal_year, role, source)
);

CREATE TABLE findings (
    id {{id}},
    municipality_code TEXT REFERENCES municipalities (code) ON DELETE CASCADE,
    kind TEXT NOT NULL,                 -- unplaced, value_conflict, judgement_mismatch, ...
    file TEXT NOT NULL,
    line BIGINT,
    text TEXT NOT NULL,
    message TEXT NOT NULL
);

CREATE INDEX findings_file ON findings (file);
CREATE INDEX narratives_item ON narratives (item_id);

-- 東村山市 prints its A/B scale without a legend; keep that fact.
ALTER TABLE evaluation_scales ADD COLUMN legend_printed BIGINT NOT NULL DEFAULT 1;
