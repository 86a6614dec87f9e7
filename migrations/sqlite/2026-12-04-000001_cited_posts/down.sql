DROP TRIGGER cited_posts_post_delete;
DROP TRIGGER cited_posts_post_update;
DROP TRIGGER cited_posts_citation_delete;
DROP TRIGGER cited_posts_citation_update;
DROP TRIGGER cited_posts_citation_insert;
DROP TABLE cited_posts;
