-- A page of posts carries each post's tags in their order. The primary key (post_id, tag_id)
-- finds a post's tag rows but then reads each row for its position and sorts them; this index
-- answers "the tags of these posts, in order" from the index alone (at 100,000 posts that
-- lookup was a third of a deep cursor page's time).
CREATE INDEX post_tags_by_post_position ON post_tags (post_id, position, tag_id);
