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
