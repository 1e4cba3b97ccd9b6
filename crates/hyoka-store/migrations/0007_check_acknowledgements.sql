-- A person's word on a consistency-check flag (docs/checks.md): looked at and
-- as intended (acknowledged), or corrected elsewhere (resolved), with the
-- reason. The flag is found again by its fingerprint, so the word survives
-- every re-run and re-import until one of the two values changes. Reopening
-- a flag removes its row; both steps are in the audit log.

CREATE TABLE check_acknowledgements (
    id {{id}},
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    fingerprint_key TEXT NOT NULL,      -- SHA-256 (hex) of the fingerprint: a short unique key
    fingerprint TEXT NOT NULL,          -- rule|sheet|part|field|year|left|right, as Flag::fingerprint
    rule TEXT NOT NULL,                 -- narrative_vs_table, import.value_conflict, ...
    item_key TEXT,                      -- the sheet's item, when the flag has one
    state TEXT NOT NULL,                -- acknowledged, resolved
    reason TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    actor TEXT NOT NULL,                -- the person's or the command line's name at the time
    acknowledged_at TEXT NOT NULL,      -- ISO 8601 instant, UTC
    UNIQUE (municipality_code, fiscal_year, fingerprint_key)
);
