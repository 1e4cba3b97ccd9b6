-- The foundation: cities, organisation, plans, items, indicators with their
-- printed cells, judgements, budgets and grades.
--
-- One schema for SQLite and PostgreSQL. `{{id}}` is the only dialect token:
-- an auto-generated 64-bit primary key. Integers are BIGINT, money is
-- integer yen, fiscal years are the western year of their start, flags are
-- 0/1 and structured values are JSON text, so that sqlx's Any driver reads
-- every column the same way on both backends.

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,              -- 全国地方公共団体コード, 6 digits
    name TEXT NOT NULL
);

CREATE TABLE departments (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    name TEXT NOT NULL,
    valid_from BIGINT,
    valid_until BIGINT,
    UNIQUE (municipality_code, name)
);

CREATE TABLE sections (
    id {{id}},
    department_id BIGINT NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    valid_from BIGINT,
    valid_until BIGINT,
    UNIQUE (department_id, name)
);

CREATE TABLE plans (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level_names TEXT NOT NULL,          -- JSON array of level names, top first
    UNIQUE (municipality_code, code)
);

CREATE TABLE plan_nodes (
    id {{id}},
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES plan_nodes (id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    code TEXT NOT NULL,                 -- as printed: IV-7-48-(1), 第3-2, No.2-1
    title TEXT NOT NULL,
    position BIGINT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE items (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    item_key TEXT NOT NULL,             -- stable identity within the city
    kind TEXT NOT NULL,                 -- project, issue, objective, activity
    code TEXT NOT NULL,                 -- as printed: 企-1, No.2-1
    title TEXT NOT NULL,
    UNIQUE (municipality_code, item_key)
);

CREATE TABLE item_placements (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    node_id BIGINT NOT NULL REFERENCES plan_nodes (id) ON DELETE CASCADE,
    relisting BIGINT NOT NULL DEFAULT 0, -- 1 for a 再掲: shown, never counted
    PRIMARY KEY (item_id, node_id)
);

CREATE TABLE item_sections (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, section_id)
);

CREATE TABLE indicators (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    indicator_key TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- outcome, activity, kpi
    definition TEXT,                    -- 指標計算式
    unit TEXT,
    direction TEXT NOT NULL,            -- higher, lower, maintain, bound, milestone
    vocabulary TEXT,                    -- judgement vocabulary code
    item_id BIGINT REFERENCES items (id) ON DELETE SET NULL,
    node_id BIGINT REFERENCES plan_nodes (id) ON DELETE SET NULL,
    UNIQUE (municipality_code, indicator_key)
);

CREATE TABLE indicator_values (
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    role TEXT NOT NULL,                 -- baseline, target, actual
    printed TEXT NOT NULL,              -- the cell exactly as printed
    shape TEXT NOT NULL,                -- blank, dash, quantity, bound, ...
    value TEXT,                         -- decimal text of the main number; NULL when none
    unit TEXT,
    meaning TEXT NOT NULL,              -- JSON of the parsed cell
    PRIMARY KEY (indicator_id, fiscal_year, role)
);

CREATE TABLE judgements (
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    printed TEXT,
    computed TEXT,
    declared TEXT,
    declared_reason TEXT,
    PRIMARY KEY (indicator_id, fiscal_year)
);

CREATE TABLE budgets (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    initial_yen BIGINT,
    final_yen BIGINT,
    settlement_yen BIGINT,
    general_revenue_yen BIGINT,
    carried_over_yen BIGINT,
    execution_rate_printed TEXT,
    PRIMARY KEY (item_id, fiscal_year)
);

CREATE TABLE evaluation_scales (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    grades TEXT NOT NULL,               -- JSON array of {code, label}, best first
    UNIQUE (municipality_code, code)
);

CREATE TABLE evaluations (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    stage TEXT NOT NULL,                -- midyear, yearend, first, second
    evaluator TEXT NOT NULL,            -- section, review_board, headquarters, ...
    scale_id BIGINT REFERENCES evaluation_scales (id),
    grade TEXT,                         -- as printed
    comment TEXT,
    PRIMARY KEY (item_id, fiscal_year, stage, evaluator)
);

CREATE INDEX plan_nodes_parent ON plan_nodes (parent_id);
CREATE INDEX indicators_item ON indicators (item_id);
CREATE INDEX indicators_node ON indicators (node_id);
