-- An indicator may name a plan node besides the one it measures: 三島市's
-- 行政評価表 prints beside each 成果指標 the 行政改革大綱 item it belongs to
-- (【行政改革大綱における取組事項名】). NULL when it names none; removing the
-- node leaves the indicator without it.

ALTER TABLE indicators ADD COLUMN related_node_id BIGINT REFERENCES plan_nodes (id) ON DELETE SET NULL;

CREATE INDEX indicators_related_node ON indicators (related_node_id);
