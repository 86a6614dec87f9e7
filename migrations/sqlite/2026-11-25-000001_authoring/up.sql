-- Bearer tokens: only a SHA-256 of each token is stored. `lookup` is the token's public
-- prefix, used to find the row before the hash is compared in constant time.
CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope           TEXT NOT NULL CHECK (scope IN ('preview', 'write', 'admin')),
    lookup          TEXT NOT NULL UNIQUE CHECK (length(lookup) = 12),
    token_hash      BLOB NOT NULL CHECK (length(token_hash) = 32),
    created_at      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);

-- Old slugs of posts, so a renamed post's old URL answers 301 to the new one.
CREATE TABLE post_redirects (
    old_slug        TEXT PRIMARY KEY CHECK (length(old_slug) BETWEEN 1 AND 100),
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL
);
CREATE INDEX post_redirects_by_post ON post_redirects (post_id);

-- Bumped in every write transaction: caches compare it to know whether content changed.
CREATE TABLE content_version (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    version         INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);
