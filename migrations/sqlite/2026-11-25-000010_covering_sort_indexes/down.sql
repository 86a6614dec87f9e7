DROP INDEX posts_by_published_key;
DROP INDEX posts_by_updated;
DROP INDEX posts_by_title;
DROP INDEX posts_by_reading_time;
CREATE INDEX posts_by_published_key ON posts (coalesce(published_at, '') DESC, id DESC);
CREATE INDEX posts_by_updated ON posts (updated_at DESC, id DESC);
CREATE INDEX posts_by_title ON posts (title, id);
CREATE INDEX posts_by_reading_time ON posts (reading_time_minutes, id);
