DROP TABLE service_secrets;
ALTER TABLE content_version DROP COLUMN changed_at;
DROP INDEX faqs_by_position;
DROP INDEX posts_by_title;
DROP INDEX posts_by_updated;
DROP INDEX posts_by_published;
DROP TABLE search_index;
