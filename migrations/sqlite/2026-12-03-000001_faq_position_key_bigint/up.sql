-- The FAQ list's `position` key is computed as a BIGINT (on PostgreSQL an INTEGER product would
-- overflow past post id 21,474); the index must be on the same expression for the planner.
DROP INDEX faqs_by_position_key;
CREATE INDEX faqs_by_position_key ON faqs ((CAST(coalesce(post_id, 0) AS BIGINT) * 100000 + position), id);
