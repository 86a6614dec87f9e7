-- PostgreSQL gets its search index in this step (search_documents); SQLite has had its FTS5
-- index (search_index) since 2026-11-25-000002_querying.
SELECT 1;
