-- The sort indexes of posts also carry what the public check reads (status, published_at), so
-- a page is found from the index alone, without reading each candidate row. It matters where
-- many rows in a row are not public: drafts have no publication date and sort last by
-- published_at, so the last public page used to read every draft row to reject it (7.6 ms at
-- 100,000 posts with 10,000 drafts; 0.4 ms from the index).
DROP INDEX posts_by_published_key;
DROP INDEX posts_by_updated;
DROP INDEX posts_by_title;
DROP INDEX posts_by_reading_time;
CREATE INDEX posts_by_published_key ON posts (coalesce(published_at, '') DESC, id DESC, status, published_at);
CREATE INDEX posts_by_updated ON posts (updated_at DESC, id DESC, status, published_at);
CREATE INDEX posts_by_title ON posts (title, id, status, published_at);
CREATE INDEX posts_by_reading_time ON posts (reading_time_minutes, id, status, published_at);
