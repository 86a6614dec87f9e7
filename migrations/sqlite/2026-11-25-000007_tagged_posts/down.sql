DROP TRIGGER tagged_posts_post_delete;
DROP TRIGGER tagged_posts_post_update;
DROP TRIGGER tagged_posts_tag_delete;
DROP TRIGGER tagged_posts_tag_update;
DROP TRIGGER tagged_posts_tag_insert;
DROP TABLE tagged_posts;
