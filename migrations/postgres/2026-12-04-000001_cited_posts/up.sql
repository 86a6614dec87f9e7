-- cited_posts: for each citation of each post, the post's visibility columns, kept in step
-- with posts and post_citations by triggers (see the SQLite migration for why). The triggers
-- have the SQLite triggers' names.
CREATE TABLE cited_posts (
    citation_id   INTEGER NOT NULL,
    id            INTEGER NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    published_at  TEXT COLLATE "C",
    PRIMARY KEY (citation_id, id)
);

INSERT INTO cited_posts (citation_id, id, status, published_at)
    SELECT pc.citation_id, p.id, p.status, p.published_at
    FROM post_citations pc JOIN posts p ON p.id = pc.post_id;

CREATE INDEX cited_posts_by_visibility ON cited_posts (citation_id, status, published_at);
CREATE INDEX cited_posts_by_post ON cited_posts (id);

-- post_citations rows: insert (or replace) the row of NEW, delete the row of OLD.
CREATE FUNCTION cited_posts_follow_citation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM cited_posts WHERE id = OLD.post_id AND citation_id = OLD.citation_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO cited_posts (citation_id, id, status, published_at)
            SELECT NEW.citation_id, p.id, p.status, p.published_at FROM posts p WHERE p.id = NEW.post_id
        ON CONFLICT (citation_id, id) DO UPDATE
            SET status = EXCLUDED.status, published_at = EXCLUDED.published_at;
    END IF;
    RETURN NULL;
END $$;

-- posts rows: copy the visibility columns to every citation row of the post, or delete them.
CREATE FUNCTION cited_posts_follow_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM cited_posts WHERE id = OLD.id;
    ELSE
        UPDATE cited_posts SET id = NEW.id, status = NEW.status, published_at = NEW.published_at
        WHERE id = OLD.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cited_posts_citation_insert AFTER INSERT ON post_citations
    FOR EACH ROW EXECUTE FUNCTION cited_posts_follow_citation();
CREATE TRIGGER cited_posts_citation_update AFTER UPDATE OF post_id, citation_id ON post_citations
    FOR EACH ROW EXECUTE FUNCTION cited_posts_follow_citation();
CREATE TRIGGER cited_posts_citation_delete AFTER DELETE ON post_citations
    FOR EACH ROW EXECUTE FUNCTION cited_posts_follow_citation();
CREATE TRIGGER cited_posts_post_update AFTER UPDATE OF id, status, published_at ON posts
    FOR EACH ROW EXECUTE FUNCTION cited_posts_follow_post();
CREATE TRIGGER cited_posts_post_delete AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION cited_posts_follow_post();
ANALYZE cited_posts;
