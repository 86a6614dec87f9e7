-- The recommendation's backing reads the sections about sessions; without this index it read
-- every public post's sections to find them (1.3 s at 100,000 posts). The query's condition
-- must be written exactly so for the index to be used.
CREATE INDEX post_sections_about_sessions ON post_sections (post_id) WHERE lower(heading) LIKE '%session%';
