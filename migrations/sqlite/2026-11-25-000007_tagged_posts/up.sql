-- Lists of posts filtered by a tag (`GET /v1/posts?filter[tag]=…`), read off an index in the
-- order asked instead of looking up and sorting every post with the tag.
--
-- tagged_posts holds, for each tag of each post, the post's columns that the post list
-- filters, sorts and checks visibility on, under the same names as in posts (so the list's SQL
-- runs unchanged on it). Triggers keep it in step with posts and post_tags, whatever writes
-- them. Each sort of the list has an index led by the tag that also carries the columns the
-- visibility and the filters read, so a page, a keyset page and the total are answered from
-- the index alone.
CREATE TABLE tagged_posts (
    tag_id                INTEGER NOT NULL,
    id                    INTEGER NOT NULL,                 -- the post
    status                TEXT NOT NULL,
    published_at          TEXT,
    updated_at            TEXT NOT NULL,
    title                 TEXT NOT NULL,
    reading_time_minutes  INTEGER NOT NULL,
    PRIMARY KEY (id, tag_id)
) WITHOUT ROWID;

INSERT INTO tagged_posts (tag_id, id, status, published_at, updated_at, title, reading_time_minutes)
    SELECT pt.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
    FROM post_tags pt JOIN posts p ON p.id = pt.post_id;

CREATE INDEX tagged_posts_by_published ON tagged_posts
    (tag_id, coalesce(published_at, '') DESC, id DESC, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_updated ON tagged_posts
    (tag_id, updated_at DESC, id DESC, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_title ON tagged_posts
    (tag_id, title, id, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_reading_time ON tagged_posts
    (tag_id, reading_time_minutes, id, status, published_at);

CREATE TRIGGER tagged_posts_tag_insert AFTER INSERT ON post_tags BEGIN
    INSERT OR REPLACE INTO tagged_posts (tag_id, id, status, published_at, updated_at, title, reading_time_minutes)
        SELECT NEW.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
        FROM posts p WHERE p.id = NEW.post_id;
END;
CREATE TRIGGER tagged_posts_tag_update AFTER UPDATE OF post_id, tag_id ON post_tags BEGIN
    DELETE FROM tagged_posts WHERE id = OLD.post_id AND tag_id = OLD.tag_id;
    INSERT OR REPLACE INTO tagged_posts (tag_id, id, status, published_at, updated_at, title, reading_time_minutes)
        SELECT NEW.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
        FROM posts p WHERE p.id = NEW.post_id;
END;
CREATE TRIGGER tagged_posts_tag_delete AFTER DELETE ON post_tags BEGIN
    DELETE FROM tagged_posts WHERE id = OLD.post_id AND tag_id = OLD.tag_id;
END;
CREATE TRIGGER tagged_posts_post_update
AFTER UPDATE OF id, status, published_at, updated_at, title, reading_time_minutes ON posts BEGIN
    UPDATE tagged_posts
    SET id = NEW.id, status = NEW.status, published_at = NEW.published_at, updated_at = NEW.updated_at,
        title = NEW.title, reading_time_minutes = NEW.reading_time_minutes
    WHERE id = OLD.id;
END;
CREATE TRIGGER tagged_posts_post_delete AFTER DELETE ON posts BEGIN
    DELETE FROM tagged_posts WHERE id = OLD.id;
END;
