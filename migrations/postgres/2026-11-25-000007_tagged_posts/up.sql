-- tagged_posts: for each tag of each post, the post's columns the post list filters, sorts and
-- checks visibility on, kept in step with posts and post_tags by triggers (see the SQLite
-- migration for why). The triggers have the SQLite triggers' names.
-- (The SQLite migration also fills it from existing rows; a PostgreSQL database starts empty.)
CREATE TABLE tagged_posts (
    tag_id                INTEGER NOT NULL,
    id                    INTEGER NOT NULL,
    status                TEXT COLLATE "C" NOT NULL,
    published_at          TEXT COLLATE "C",
    updated_at            TEXT COLLATE "C" NOT NULL,
    title                 TEXT COLLATE "C" NOT NULL,
    reading_time_minutes  INTEGER NOT NULL,
    PRIMARY KEY (id, tag_id)
);

CREATE INDEX tagged_posts_by_published ON tagged_posts
    (tag_id, coalesce(published_at, '') DESC, id DESC, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_updated ON tagged_posts
    (tag_id, updated_at DESC, id DESC, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_title ON tagged_posts
    (tag_id, title, id, status, published_at, reading_time_minutes);
CREATE INDEX tagged_posts_by_reading_time ON tagged_posts
    (tag_id, reading_time_minutes, id, status, published_at);

-- post_tags rows: insert (or replace) the row of NEW, delete the row of OLD.
CREATE FUNCTION tagged_posts_follow_tag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM tagged_posts WHERE id = OLD.post_id AND tag_id = OLD.tag_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tagged_posts (tag_id, id, status, published_at, updated_at, title, reading_time_minutes)
            SELECT NEW.tag_id, p.id, p.status, p.published_at, p.updated_at, p.title, p.reading_time_minutes
            FROM posts p WHERE p.id = NEW.post_id
        ON CONFLICT (id, tag_id) DO UPDATE
            SET status = EXCLUDED.status, published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
                title = EXCLUDED.title, reading_time_minutes = EXCLUDED.reading_time_minutes;
    END IF;
    RETURN NULL;
END $$;

-- posts rows: copy the listed columns to every tag row of the post, or delete them.
CREATE FUNCTION tagged_posts_follow_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM tagged_posts WHERE id = OLD.id;
    ELSE
        UPDATE tagged_posts
        SET id = NEW.id, status = NEW.status, published_at = NEW.published_at, updated_at = NEW.updated_at,
            title = NEW.title, reading_time_minutes = NEW.reading_time_minutes
        WHERE id = OLD.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tagged_posts_tag_insert AFTER INSERT ON post_tags
    FOR EACH ROW EXECUTE FUNCTION tagged_posts_follow_tag();
CREATE TRIGGER tagged_posts_tag_update AFTER UPDATE OF post_id, tag_id ON post_tags
    FOR EACH ROW EXECUTE FUNCTION tagged_posts_follow_tag();
CREATE TRIGGER tagged_posts_tag_delete AFTER DELETE ON post_tags
    FOR EACH ROW EXECUTE FUNCTION tagged_posts_follow_tag();
CREATE TRIGGER tagged_posts_post_update
    AFTER UPDATE OF id, status, published_at, updated_at, title, reading_time_minutes ON posts
    FOR EACH ROW EXECUTE FUNCTION tagged_posts_follow_post();
CREATE TRIGGER tagged_posts_post_delete AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION tagged_posts_follow_post();
