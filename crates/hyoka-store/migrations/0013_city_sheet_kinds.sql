-- A city may define a sheet kind of its own: the kind's TOML definition
-- (docs/layouts.md), stored on its row of sheet_kinds, whose `preset`
-- column then holds the kind's own code. NULL for a built-in preset (the
-- definition is the one shipped in hyoka). The city's label overrides
-- (`labels`) apply to either.

ALTER TABLE sheet_kinds ADD COLUMN definition TEXT;
