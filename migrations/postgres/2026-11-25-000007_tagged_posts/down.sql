DROP TRIGGER tagged_posts_post_delete ON posts;
DROP TRIGGER tagged_posts_post_update ON posts;
DROP TRIGGER tagged_posts_tag_delete ON post_tags;
DROP TRIGGER tagged_posts_tag_update ON post_tags;
DROP TRIGGER tagged_posts_tag_insert ON post_tags;
DROP FUNCTION tagged_posts_follow_post();
DROP FUNCTION tagged_posts_follow_tag();
DROP TABLE tagged_posts;
