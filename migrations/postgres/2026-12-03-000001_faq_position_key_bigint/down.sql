-- SQLite's faqs_by_position_key moves to the BIGINT expression here; PostgreSQL's has been on it
-- since 2026-11-25-000012_bounded_public_reads.
SELECT 1;
