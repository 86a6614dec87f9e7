-- Public reads do work bounded by their page, not by the library (see the SQLite migration).
CREATE INDEX faq_tags_by_tag ON faq_tags (tag_id, faq_id);
-- The FAQ list's position key. In BIGINT here: in INTEGER it would overflow, and so fail the
-- insert of any FAQ entry, past post 21,474. The list query must write the key the same way to
-- use this index, which is the query-side work of moving to PostgreSQL.
CREATE INDEX faqs_by_position_key ON faqs ((coalesce(post_id, 0)::BIGINT * 100000 + position), id);
CREATE INDEX faqs_by_question ON faqs (question, id);
CREATE INDEX faqs_by_published_key ON faqs (coalesce(published_at, '') DESC, id DESC);
CREATE INDEX faqs_by_updated ON faqs (updated_at DESC, id DESC);
