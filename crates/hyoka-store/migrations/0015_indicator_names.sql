-- The cross-city comparison finds indicators by name in every city at once:
-- the distinct names are read from this index alone, and the matching ones
-- looked up by equality (optionally of one kind).

CREATE INDEX indicators_name ON indicators (name, kind);
