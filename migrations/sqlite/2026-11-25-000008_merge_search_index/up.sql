-- Search reads every segment of the full-text index; a database loaded in bulk has dozens.
-- Merge them into one (writes add small segments again, which FTS5 merges as they grow).
INSERT INTO search_index (search_index) VALUES ('optimize');
