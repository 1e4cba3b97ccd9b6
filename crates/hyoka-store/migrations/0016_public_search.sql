-- The public search's index (docs/search.md): per item and fiscal year, the
-- text that year shows the public once published, in search form (the
-- year's narratives, next year's direction with reason and transfer,
-- schedule labels, review comments, and the names and definitions of the
-- indicators with cells or judgements that year); fiscal year 0 holds what
-- every year shows (code, title, sections, tags). A row exists for every
-- year the item has content in, so "has a published year" and "its latest
-- published year" are read here too. A query confirms each term on the
-- rows of published years only, so a draft's words never match, and which
-- years are published is read as the query runs. Derived from the items:
-- rebuilt with their search documents, left out of backups.
CREATE TABLE search_years (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (item_id, fiscal_year)
);
CREATE INDEX search_years_city ON search_years (municipality_code, fiscal_year, item_id);
