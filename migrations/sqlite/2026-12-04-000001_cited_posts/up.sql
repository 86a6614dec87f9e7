-- How many claims a citation backs in public posts, and which ten to show, read off one index
-- per citation instead of looking up every citing post (3,000 lookups a citation at 100,000
-- posts). cited_posts holds, for each citation of each post, the post's visibility columns;
-- triggers keep it in step with posts and post_citations, as tagged_posts is kept.
CREATE TABLE cited_posts (
    citation_id   INTEGER NOT NULL,
    id            INTEGER NOT NULL,                 -- the post
    status        TEXT NOT NULL,
    published_at  TEXT,
    PRIMARY KEY (citation_id, id)
) WITHOUT ROWID;

INSERT INTO cited_posts (citation_id, id, status, published_at)
    SELECT pc.citation_id, p.id, p.status, p.published_at
    FROM post_citations pc JOIN posts p ON p.id = pc.post_id;

CREATE INDEX cited_posts_by_visibility ON cited_posts (citation_id, status, published_at);
CREATE INDEX cited_posts_by_post ON cited_posts (id);

CREATE TRIGGER cited_posts_citation_insert AFTER INSERT ON post_citations BEGIN
    INSERT OR REPLACE INTO cited_posts (citation_id, id, status, published_at)
        SELECT NEW.citation_id, p.id, p.status, p.published_at FROM posts p WHERE p.id = NEW.post_id;
END;
CREATE TRIGGER cited_posts_citation_update AFTER UPDATE OF post_id, citation_id ON post_citations BEGIN
    DELETE FROM cited_posts WHERE id = OLD.post_id AND citation_id = OLD.citation_id;
    INSERT OR REPLACE INTO cited_posts (citation_id, id, status, published_at)
        SELECT NEW.citation_id, p.id, p.status, p.published_at FROM posts p WHERE p.id = NEW.post_id;
END;
CREATE TRIGGER cited_posts_citation_delete AFTER DELETE ON post_citations BEGIN
    DELETE FROM cited_posts WHERE id = OLD.post_id AND citation_id = OLD.citation_id;
END;
CREATE TRIGGER cited_posts_post_update AFTER UPDATE OF id, status, published_at ON posts BEGIN
    UPDATE cited_posts SET id = NEW.id, status = NEW.status, published_at = NEW.published_at WHERE id = OLD.id;
END;
CREATE TRIGGER cited_posts_post_delete AFTER DELETE ON posts BEGIN
    DELETE FROM cited_posts WHERE id = OLD.id;
END;
