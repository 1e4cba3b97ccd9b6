-- The audit log: every state change a person or a program makes is one
-- command, and every command writes exactly one event here, in the same
-- transaction as the change. The field-level before/after of the change
-- stays in `history`, each row pointing at its event.

CREATE TABLE audit_events (
    id {{id}},
    municipality_code TEXT REFERENCES municipalities (code) ON DELETE CASCADE, -- NULL for system-wide commands
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,            -- NULL for the command line and imports
    actor TEXT NOT NULL,                -- who, as shown: a display name, or 「コマンドライン（root）」
    at TEXT NOT NULL,                   -- ISO 8601 instant, UTC, from the application's clock
    command TEXT NOT NULL,              -- stable code: sheet.save, year.lock, account.create, ...
    item_id BIGINT REFERENCES items (id) ON DELETE SET NULL,
    fiscal_year BIGINT,
    summary TEXT NOT NULL               -- one line in Japanese
);

CREATE INDEX audit_events_city ON audit_events (municipality_code, id);

ALTER TABLE history ADD COLUMN event_id BIGINT REFERENCES audit_events (id) ON DELETE CASCADE;

-- Locking a year makes every sheet 確定; unlocking (with a reason, by an
-- admin) gives each sheet back the status it had before the lock.
ALTER TABLE sheets ADD COLUMN status_before_lock TEXT;

-- Failed sign-ins, per login name and per client address, for throttling
-- (an exponential lock after repeated failures). Rows are written only on
-- failure and removed on success or once stale.
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,               -- login:NAME or addr:ADDRESS
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL,      -- ISO 8601 instant, UTC
    locked_until TEXT                   -- NULL while not locked
);
