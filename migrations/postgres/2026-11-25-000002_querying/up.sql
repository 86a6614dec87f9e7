-- The SQLite migration also creates the FTS5 table search_index; PostgreSQL has no search yet
-- (a later issue), and nothing else in the schema refers to it.

-- Keyset paging in the default order walks this index.
CREATE INDEX posts_by_published ON posts (published_at DESC, id DESC);
CREATE INDEX posts_by_updated ON posts (updated_at DESC, id DESC);
CREATE INDEX posts_by_title ON posts (title, id);
CREATE INDEX faqs_by_position ON faqs (post_id, position, id);

-- When content last changed (Last-Modified), beside the version caches compare.
ALTER TABLE content_version ADD COLUMN changed_at TEXT COLLATE "C" NOT NULL DEFAULT '1970-01-01T00:00:00Z';

-- Secrets the service generates for itself (e.g. the key that signs paging cursors).
CREATE TABLE service_secrets (
    name            TEXT COLLATE "C" PRIMARY KEY,
    value           BYTEA NOT NULL
);
