DROP INDEX posts_by_reading_time;
DROP INDEX posts_by_published_key;
