-- A multi-year 工程表 (roadmap) as a grid: 小平市's 進捗状況調査票 prints, per
-- step of the plan (実施内容), what is planned (計画) and what was done (実績)
-- in each fiscal year of the plan (平成29年度 … 平成32年度). A sheet year has
-- its own rows; opening the next year copies the steps and planned cells.
-- Every cell is text as printed or typed (an arrow, a school's name).

CREATE TABLE roadmap_steps (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,        -- the sheet's year
    position BIGINT NOT NULL,           -- the row, top first
    step TEXT NOT NULL,                 -- 実施内容 as printed
    PRIMARY KEY (item_id, fiscal_year, position)
);

CREATE TABLE roadmap_cells (
    item_id BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    position BIGINT NOT NULL,
    column_year BIGINT NOT NULL,        -- the year column of the plan
    planned TEXT NOT NULL,              -- 計画 as printed ('' when blank)
    actual TEXT NOT NULL,               -- 実績 as printed ('' when blank)
    PRIMARY KEY (item_id, fiscal_year, position, column_year),
    FOREIGN KEY (item_id, fiscal_year, position)
        REFERENCES roadmap_steps (item_id, fiscal_year, position) ON DELETE CASCADE
);
