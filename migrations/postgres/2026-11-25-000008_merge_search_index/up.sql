-- The SQLite migration merges the FTS5 index's segments; PostgreSQL has no search index yet.
SELECT 1;
