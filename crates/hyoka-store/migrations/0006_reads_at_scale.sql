-- Reads that do not grow with the city: indexes for the set-based public
-- reads (crates/hyoka-store/src/public_sets.rs) and for search.
-- (0005 is the audit log.)

-- A city's search documents, without scanning every city's.
CREATE INDEX search_documents_city ON search_documents (municipality_code, item_id);

-- The items placed under a node (a plan node's page); the primary key
-- (item_id, node_id) only serves the other direction.
CREATE INDEX item_placements_node ON item_placements (node_id, item_id);

-- The years an item has schedule rows or narratives in (which years of a
-- city are public, carrying a year forward), read from the index alone.
CREATE INDEX schedules_item_year ON schedules (item_id, fiscal_year);
CREATE INDEX narratives_item_year ON narratives (item_id, fiscal_year);

-- The search index (docs/search.md): every distinct pair of adjacent
-- characters (bigram) of each item's search document, line by line. A
-- query term of two or more characters is looked up by its bigrams, then
-- checked against the document, so two-character words (予算, 道路) are
-- found without a dictionary, the same on both backends. Derived from
-- search_documents: rebuilt by reindexing, left out of backups.
CREATE TABLE search_grams (
    municipality_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
    gram TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (municipality_code, gram, item_id)
){{without_rowid}};
CREATE INDEX search_grams_item ON search_grams (item_id);
