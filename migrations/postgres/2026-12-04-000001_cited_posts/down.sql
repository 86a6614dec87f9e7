DROP TRIGGER cited_posts_post_delete ON posts;
DROP TRIGGER cited_posts_post_update ON posts;
DROP TRIGGER cited_posts_citation_delete ON post_citations;
DROP TRIGGER cited_posts_citation_update ON post_citations;
DROP TRIGGER cited_posts_citation_insert ON post_citations;
DROP FUNCTION cited_posts_follow_post();
DROP FUNCTION cited_posts_follow_citation();
DROP TABLE cited_posts;
