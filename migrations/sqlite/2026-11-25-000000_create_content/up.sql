-- The content model of clinic-content. Times are RFC 3339 UTC text ("2026-04-25T16:00:00Z"),
-- which sorts correctly as text. Slugs are lower-case ASCII words joined by single hyphens.

CREATE TABLE site (
    id              INTEGER PRIMARY KEY CHECK (id = 1),           -- one clinic per database
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    short_name      TEXT NOT NULL CHECK (length(short_name) BETWEEN 1 AND 100),
    description     TEXT NOT NULL,
    city            TEXT NOT NULL,
    region          TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    country         TEXT NOT NULL,
    country_code    TEXT NOT NULL CHECK (length(country_code) = 2),
    timezone        TEXT NOT NULL,
    website_url     TEXT NOT NULL CHECK (website_url LIKE 'http%://%'),
    booking_url     TEXT NOT NULL CHECK (booking_url LIKE 'http%://%'),
    disclaimer      TEXT NOT NULL CHECK (length(disclaimer) > 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE tags (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE citations (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    publisher       TEXT NOT NULL CHECK (length(publisher) BETWEEN 1 AND 200),
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    year            INTEGER CHECK (year BETWEEN 1800 AND 2200),
    url             TEXT NOT NULL CHECK (url LIKE 'http%://%'),
    accessed_on     TEXT,                                          -- YYYY-MM-DD
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE posts (
    id                    INTEGER PRIMARY KEY,
    slug                  TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    title                 TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    excerpt               TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
    published_at          TEXT,
    reading_time_minutes  INTEGER NOT NULL CHECK (reading_time_minutes >= 1),
    word_count            INTEGER NOT NULL CHECK (word_count >= 0),
    meta_title            TEXT,
    meta_description      TEXT,
    canonical_url         TEXT CHECK (canonical_url IS NULL OR canonical_url LIKE 'http%://%'),
    cta_label             TEXT,
    cta_url               TEXT CHECK (cta_url IS NULL OR cta_url LIKE 'http%://%'),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CHECK ((cta_label IS NULL) = (cta_url IS NULL)),
    CHECK (status NOT IN ('scheduled', 'published') OR published_at IS NOT NULL)
);
CREATE INDEX posts_public_order ON posts (status, published_at DESC, id DESC);

-- The body of a post, in order. The first section may have no heading (the lead).
-- html and text are rendered from markdown when the section is written.
CREATE TABLE post_sections (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    anchor          TEXT NOT NULL CHECK (length(anchor) >= 1 AND anchor NOT GLOB '*[^a-z0-9-]*'),
    heading         TEXT,
    body_markdown   TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    UNIQUE (post_id, position),
    UNIQUE (post_id, anchor)
);

-- Short structured statements a post makes: what the treatment does and what it does not.
CREATE TABLE post_key_points (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('mechanism', 'limitation')),
    position        INTEGER NOT NULL CHECK (position >= 0),
    text            TEXT NOT NULL CHECK (length(text) >= 1),
    UNIQUE (post_id, kind, position)
);

CREATE TABLE post_tags (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_by_tag ON post_tags (tag_id, post_id);

-- A citation backs a specific claim made in a post.
CREATE TABLE post_citations (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    citation_id     INTEGER NOT NULL REFERENCES citations (id) ON DELETE RESTRICT,
    position        INTEGER NOT NULL CHECK (position >= 0),
    claim           TEXT NOT NULL CHECK (length(claim) >= 1),
    PRIMARY KEY (post_id, citation_id)
);
CREATE INDEX post_citations_by_citation ON post_citations (citation_id, post_id);

CREATE TABLE condition_categories (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description     TEXT NOT NULL,
    response_level  TEXT NOT NULL CHECK (response_level IN ('strong', 'moderate', 'refer')),
    position        INTEGER NOT NULL CHECK (position >= 0),   -- display order; ties break by slug
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE conditions (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    category_id     INTEGER NOT NULL REFERENCES condition_categories (id) ON DELETE RESTRICT,
    position        INTEGER NOT NULL CHECK (position >= 0),
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    summary         TEXT NOT NULL,
    caveat          TEXT,                                          -- what massage does not address
    region          TEXT NOT NULL CHECK (region IN ('lower_back', 'upper_back', 'whole_back')),
    is_red_flag     BOOLEAN NOT NULL DEFAULT 0 CHECK (is_red_flag IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX conditions_by_category ON conditions (category_id, position);

CREATE TABLE post_condition_categories (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    category_id     INTEGER NOT NULL REFERENCES condition_categories (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, category_id)
);

CREATE TABLE faqs (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    post_id         INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    position        INTEGER NOT NULL CHECK (position >= 0),
    question        TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
    answer_markdown TEXT NOT NULL CHECK (length(answer_markdown) >= 1),
    answer_html     TEXT NOT NULL,
    answer_text     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
    published_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (status NOT IN ('scheduled', 'published') OR published_at IS NOT NULL)
);
CREATE INDEX faqs_by_post ON faqs (post_id, position);

CREATE TABLE faq_tags (
    faq_id          INTEGER NOT NULL REFERENCES faqs (id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (faq_id, tag_id)
);

-- How many sessions, by how long the pain has lasted. Ranges are inclusive, in days;
-- a NULL maximum is open-ended. Bands are ordered by pain_duration_min_days. Recurring pain maps to the band with includes_recurring.
CREATE TABLE guidance_bands (
    id                      INTEGER PRIMARY KEY,
    slug                    TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name                    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    duration_label          TEXT NOT NULL,
    pain_duration_min_days  INTEGER NOT NULL CHECK (pain_duration_min_days >= 0),
    pain_duration_max_days  INTEGER CHECK (pain_duration_max_days IS NULL OR pain_duration_max_days >= pain_duration_min_days),
    includes_recurring      BOOLEAN NOT NULL DEFAULT 0 CHECK (includes_recurring IN (0, 1)),
    sessions_min            INTEGER NOT NULL CHECK (sessions_min >= 1),
    sessions_max            INTEGER NOT NULL CHECK (sessions_max >= sessions_min),
    weeks_min               INTEGER CHECK (weeks_min IS NULL OR weeks_min >= 1),
    weeks_max               INTEGER CHECK (weeks_max IS NULL OR weeks_max >= weeks_min),
    reassess_after_course   BOOLEAN NOT NULL DEFAULT 0 CHECK (reassess_after_course IN (0, 1)),
    maintenance_interval    TEXT CHECK (maintenance_interval IS NULL OR maintenance_interval IN ('weekly', 'fortnightly', 'monthly', 'quarterly')),
    notes                   TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    CHECK ((weeks_min IS NULL) = (weeks_max IS NULL))
);

-- The general advice that applies to every band: the initial course and maintenance.
CREATE TABLE guidance_course (
    id                          INTEGER PRIMARY KEY CHECK (id = 1),
    sessions_per_week_min       INTEGER NOT NULL CHECK (sessions_per_week_min >= 1),
    sessions_per_week_max       INTEGER NOT NULL CHECK (sessions_per_week_max >= sessions_per_week_min),
    course_weeks_min            INTEGER NOT NULL CHECK (course_weeks_min >= 1),
    course_weeks_max            INTEGER NOT NULL CHECK (course_weeks_max >= course_weeks_min),
    maintenance_interval        TEXT NOT NULL CHECK (maintenance_interval IN ('weekly', 'fortnightly', 'monthly', 'quarterly')),
    frequency_notes             TEXT NOT NULL,
    maintenance_notes           TEXT NOT NULL,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
