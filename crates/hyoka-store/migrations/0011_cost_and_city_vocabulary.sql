-- The cost side of a year's budget line, as the common 事務事業評価シート
-- prints it: 財源内訳 beside 一般財源, and トータルコスト = 事業費 + 人件費
-- with 人件費 = staff hours × an hourly unit cost. 人件費 and トータルコスト
-- are kept as printed; the checks compare them with what they follow from.
ALTER TABLE budgets ADD COLUMN national_yen BIGINT;            -- 国庫支出金
ALTER TABLE budgets ADD COLUMN prefectural_yen BIGINT;         -- 都道府県支出金
ALTER TABLE budgets ADD COLUMN bonds_yen BIGINT;               -- 地方債
ALTER TABLE budgets ADD COLUMN other_funding_yen BIGINT;       -- その他（特定財源）
ALTER TABLE budgets ADD COLUMN staff_hours_centi BIGINT;       -- 従事時間 × 100
ALTER TABLE budgets ADD COLUMN hourly_cost_yen BIGINT;         -- 人件費単価（円/時間）
ALTER TABLE budgets ADD COLUMN personnel_cost_yen BIGINT;      -- 人件費（印字）
ALTER TABLE budgets ADD COLUMN total_cost_yen BIGINT;          -- トータルコスト（印字）

-- A city's evaluation criteria (目的妥当性, 有効性, 効率性, 公平性 …): the
-- categories each allows, in the city's words. A sheet's rating of a
-- criterion is a narrative (slot `criterion`, label = the criterion's name,
-- first paragraph = the category as printed).
CREATE TABLE evaluation_criteria (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',  -- JSON array of the categories as the city prints them
    PRIMARY KEY (municipality_code, name)
);

-- A city's words for next year's direction (「２　改革改善（縮小・統合含む）」),
-- each tied to one of hyoka's directions or to none.
CREATE TABLE direction_words (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    word TEXT NOT NULL,
    position BIGINT NOT NULL,
    direction TEXT,                          -- expand, keep, shrink, merge, pause, end; NULL: none
    PRIMARY KEY (municipality_code, word)
);
