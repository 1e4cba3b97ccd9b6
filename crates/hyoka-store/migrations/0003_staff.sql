-- The staff application: accounts and sessions, the evaluation cycle of
-- sheets (status, version for conflict detection, deadlines), fiscal years
-- that can be locked, sheet layouts as data, the change history, and a
-- search table.

CREATE TABLE accounts (
    id {{id}},
    municipality_code TEXT REFERENCES municipalities (code) ON DELETE CASCADE, -- NULL for a system administrator
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,        -- Argon2id, PHC string
    role TEXT NOT NULL,                 -- system_admin, admin, editor, head, reviewer, viewer
    section_id BIGINT REFERENCES sections (id) ON DELETE SET NULL, -- for editor and head
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,        -- SHA-256 of the cookie value; the value itself is never stored
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE, -- NULL before login
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE fiscal_years (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open', -- open, locked
    deadline TEXT,                      -- ISO date sheets are due
    PRIMARY KEY (municipality_code, fiscal_year)
);

CREATE TABLE sheets (
    id {{id}},
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'not_started', -- not_started, drafting, submitted, returned, approved, reviewed, final
    version BIGINT NOT NULL DEFAULT 0,  -- incremented by every save: a stale save is refused
    updated_at TEXT,
    updated_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    UNIQUE (item_id, fiscal_year)
);

CREATE TABLE sheet_layouts (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    preset TEXT NOT NULL,               -- mitaka, mishima, kodaira, higashimurayama
    labels TEXT NOT NULL DEFAULT '{}',  -- JSON: section or slot code -> the city's label
    PRIMARY KEY (municipality_code)
);

CREATE TABLE history (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    item_id BIGINT REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year BIGINT,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    at TEXT NOT NULL,
    field TEXT NOT NULL,                -- a readable name: 実績 H30 電子申請の年間利用件数, 状態, ...
    before TEXT,
    after TEXT
);

CREATE TABLE search_documents (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,                 -- width-folded, lower-cased text of the whole sheet
    PRIMARY KEY (item_id)
);

CREATE INDEX history_item ON history (item_id, id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
