-- Full-text search over every public resource, in one FTS5 table so one query ranks them all.
-- rowid = kind * 2^40 + the resource's id, so a resource's row is found without a scan.
-- title is weighted above body when ranking (bm25 weights are given at query time).
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,          -- post, faq, condition, guidance
    slug UNINDEXED,
    title,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Keyset paging in the default order walks this index.
CREATE INDEX posts_by_published ON posts (published_at DESC, id DESC);
CREATE INDEX posts_by_updated ON posts (updated_at DESC, id DESC);
CREATE INDEX posts_by_title ON posts (title, id);
CREATE INDEX faqs_by_position ON faqs (post_id, position, id);

-- When content last changed (Last-Modified), beside the version caches compare.
ALTER TABLE content_version ADD COLUMN changed_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';

-- Secrets the service generates for itself (e.g. the key that signs paging cursors).
CREATE TABLE service_secrets (
    name            TEXT PRIMARY KEY,
    value           BLOB NOT NULL
);
