DROP INDEX faqs_by_position_key;
CREATE INDEX faqs_by_position_key ON faqs ((coalesce(post_id, 0) * 100000 + position), id);
