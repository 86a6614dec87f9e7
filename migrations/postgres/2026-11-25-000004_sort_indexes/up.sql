-- Indexes for the sort keys of posts, in the exact form the list queries order by, so a page
-- (and a keyset page at any depth) is read off an index instead of sorting every row.
CREATE INDEX posts_by_published_key ON posts (coalesce(published_at, '') DESC, id DESC);
CREATE INDEX posts_by_reading_time ON posts (reading_time_minutes, id);
