-- Public reads do work bounded by their page, not by the library.
-- A tag's FAQ entries, by index: a tag's FAQ count (on every tag read, and on each tag of a
-- /v1/sync page) reads that tag's rows instead of every row of faq_tags.
CREATE INDEX faq_tags_by_tag ON faq_tags (tag_id, faq_id);
-- The FAQ list's sort keys (src/faqs/handler.rs, written exactly as there), so a page walks the
-- index and stops after per_page + 1 public entries instead of sorting every public entry
-- (default order: 1.27 s at 100,000 posts with 100,000 entries; 0.3 ms with the index).
CREATE INDEX faqs_by_position_key ON faqs ((coalesce(post_id, 0) * 100000 + position), id);
CREATE INDEX faqs_by_question ON faqs (question, id);
CREATE INDEX faqs_by_published_key ON faqs (coalesce(published_at, '') DESC, id DESC);
CREATE INDEX faqs_by_updated ON faqs (updated_at DESC, id DESC);
