-- Full-text search: one document per post, FAQ entry, condition and guidance band, as SQLite's
-- FTS5 search_index holds them (src/search/documents.rs writes them, on every write path).

-- Words as SQLite's `porter unicode61 remove_diacritics 2` tokenizer makes them: accents
-- folded (unaccent, a trusted extension that ships with PostgreSQL), English stemming, and no
-- stop words (FTS5 has none: "how often" must find "How often …").
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH DICTIONARY clinic_content_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION clinic_content (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION clinic_content
    ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part WITH unaccent, clinic_content_stem;
ALTER TEXT SEARCH CONFIGURATION clinic_content
    ALTER MAPPING FOR numword, numhword, hword_numpart, int, uint WITH unaccent, simple;

CREATE TABLE search_documents (
    kind        SMALLINT NOT NULL,            -- 1 post, 2 FAQ entry, 3 condition, 4 guidance band
    id          INTEGER NOT NULL,             -- the resource's id in its own table
    slug        TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL,    -- as written: highlights are cut from it
    body        TEXT COLLATE "C" NOT NULL,
    document    TSVECTOR NOT NULL,            -- the title's words weighted A, the body's B
    words       INTEGER NOT NULL,             -- how many words the title and body have
    PRIMARY KEY (kind, id)
);
CREATE INDEX search_documents_match ON search_documents USING GIN (document);

-- What bm25 needs of the whole index, as FTS5 keeps it: how many documents, how many words.
CREATE TABLE search_totals (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    documents   BIGINT NOT NULL,
    words       BIGINT NOT NULL
);
INSERT INTO search_totals (id, documents, words) VALUES (1, 0, 0);
