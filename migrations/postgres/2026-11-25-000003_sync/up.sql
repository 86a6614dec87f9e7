-- Change tracking for delta sync (GET /v1/sync); see the SQLite migration for what each column
-- means. The triggers have the SQLite triggers' names; each calls one of the functions below.
-- (The SQLite migration also logs the rows that existed before it; a PostgreSQL database is
-- always migrated from empty, so there are none.)
CREATE TABLE change_log (
    seq             INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource        TEXT COLLATE "C" NOT NULL CHECK (resource IN ('post', 'faq', 'condition', 'condition_category',
                                        'guidance_band', 'guidance_course', 'tag', 'citation', 'site')),
    resource_id     INTEGER NOT NULL,
    slug            TEXT COLLATE "C" NOT NULL,
    op              TEXT COLLATE "C" NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    visible_from    TEXT COLLATE "C",
    parent_id       INTEGER,
    at              TEXT COLLATE "C" NOT NULL
);
CREATE INDEX change_log_by_resource ON change_log (resource, resource_id, seq);

CREATE TABLE red_flag_symptoms (
    symptom         TEXT COLLATE "C" PRIMARY KEY CHECK (length(symptom) BETWEEN 1 AND 100 AND symptom !~ '[^a-z0-9_]'),
    condition_slug  TEXT COLLATE "C" NOT NULL,
    label           TEXT COLLATE "C" NOT NULL,
    position        INTEGER NOT NULL
);
INSERT INTO red_flag_symptoms (symptom, condition_slug, label, position) VALUES
    ('progressive_leg_weakness', 'progressive-neurological-symptoms', 'Progressive weakness in the legs', 0),
    ('leg_numbness', 'progressive-neurological-symptoms', 'Numbness in the legs', 1),
    ('after_trauma', 'back-pain-after-trauma', 'The pain started after a fall, accident or other injury', 2),
    ('unexplained_weight_loss', 'systemic-warning-signs', 'Unexplained weight loss', 3),
    ('fever', 'systemic-warning-signs', 'Fever', 4),
    ('bowel_bladder_changes', 'systemic-warning-signs', 'Changes in bowel or bladder control', 5);

-- SQLite's strftime('%Y-%m-%dT%H:%M:%SZ', 'now'): the statement's time, in UTC.
CREATE FUNCTION utc_now_text() RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- Appends one change_log row: (resource, resource_id, slug, op, visible_from, parent_id).
CREATE FUNCTION change_log_append(TEXT, INTEGER, TEXT, TEXT, TEXT, INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ($1, $2, $3, $4, $5, $6, utc_now_text())
$$;

-- Posts: public from published_at while published or scheduled.
CREATE FUNCTION change_log_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_log_append('post', OLD.id, OLD.slug, 'delete', NULL, NULL);
    ELSE
        PERFORM change_log_append('post', NEW.id, NEW.slug, lower(TG_OP),
            CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NULL);
    END IF;
    RETURN NULL;
END $$;

-- FAQ entries: as posts, with their post as the parent.
CREATE FUNCTION change_log_faq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_log_append('faq', OLD.id, OLD.slug, 'delete', NULL, NULL);
    ELSE
        PERFORM change_log_append('faq', NEW.id, NEW.slug, lower(TG_OP),
            CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NEW.post_id);
    END IF;
    RETURN NULL;
END $$;

-- Conditions: always public, with their category as the parent.
CREATE FUNCTION change_log_condition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_log_append('condition', OLD.id, OLD.slug, 'delete', NULL, NULL);
    ELSE
        PERFORM change_log_append('condition', NEW.id, NEW.slug, lower(TG_OP), '', NEW.category_id);
    END IF;
    RETURN NULL;
END $$;

-- Always-public resources with a slug column; the trigger's argument names the resource.
CREATE FUNCTION change_log_public() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_log_append(TG_ARGV[0], OLD.id, OLD.slug, 'delete', NULL, NULL);
    ELSE
        PERFORM change_log_append(TG_ARGV[0], NEW.id, NEW.slug, lower(TG_OP), '', NULL);
    END IF;
    RETURN NULL;
END $$;

-- Always-public single rows (the course, the site): the arguments are the resource and its slug.
CREATE FUNCTION change_log_single() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_log_append(TG_ARGV[0], OLD.id, TG_ARGV[1], 'delete', NULL, NULL);
    ELSE
        PERFORM change_log_append(TG_ARGV[0], NEW.id, TG_ARGV[1], lower(TG_OP), '', NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER change_log_posts_insert AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION change_log_post();
CREATE TRIGGER change_log_posts_update AFTER UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION change_log_post();
CREATE TRIGGER change_log_posts_delete AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION change_log_post();

CREATE TRIGGER change_log_faqs_insert AFTER INSERT ON faqs
    FOR EACH ROW EXECUTE FUNCTION change_log_faq();
CREATE TRIGGER change_log_faqs_update AFTER UPDATE ON faqs
    FOR EACH ROW EXECUTE FUNCTION change_log_faq();
CREATE TRIGGER change_log_faqs_delete AFTER DELETE ON faqs
    FOR EACH ROW EXECUTE FUNCTION change_log_faq();

CREATE TRIGGER change_log_conditions_insert AFTER INSERT ON conditions
    FOR EACH ROW EXECUTE FUNCTION change_log_condition();
CREATE TRIGGER change_log_conditions_update AFTER UPDATE ON conditions
    FOR EACH ROW EXECUTE FUNCTION change_log_condition();
CREATE TRIGGER change_log_conditions_delete AFTER DELETE ON conditions
    FOR EACH ROW EXECUTE FUNCTION change_log_condition();

CREATE TRIGGER change_log_condition_categories_insert AFTER INSERT ON condition_categories
    FOR EACH ROW EXECUTE FUNCTION change_log_public('condition_category');
CREATE TRIGGER change_log_condition_categories_update AFTER UPDATE ON condition_categories
    FOR EACH ROW EXECUTE FUNCTION change_log_public('condition_category');
CREATE TRIGGER change_log_condition_categories_delete AFTER DELETE ON condition_categories
    FOR EACH ROW EXECUTE FUNCTION change_log_public('condition_category');

CREATE TRIGGER change_log_guidance_bands_insert AFTER INSERT ON guidance_bands
    FOR EACH ROW EXECUTE FUNCTION change_log_public('guidance_band');
CREATE TRIGGER change_log_guidance_bands_update AFTER UPDATE ON guidance_bands
    FOR EACH ROW EXECUTE FUNCTION change_log_public('guidance_band');
CREATE TRIGGER change_log_guidance_bands_delete AFTER DELETE ON guidance_bands
    FOR EACH ROW EXECUTE FUNCTION change_log_public('guidance_band');

CREATE TRIGGER change_log_guidance_course_insert AFTER INSERT ON guidance_course
    FOR EACH ROW EXECUTE FUNCTION change_log_single('guidance_course', 'course');
CREATE TRIGGER change_log_guidance_course_update AFTER UPDATE ON guidance_course
    FOR EACH ROW EXECUTE FUNCTION change_log_single('guidance_course', 'course');
CREATE TRIGGER change_log_guidance_course_delete AFTER DELETE ON guidance_course
    FOR EACH ROW EXECUTE FUNCTION change_log_single('guidance_course', 'course');

CREATE TRIGGER change_log_tags_insert AFTER INSERT ON tags
    FOR EACH ROW EXECUTE FUNCTION change_log_public('tag');
CREATE TRIGGER change_log_tags_update AFTER UPDATE ON tags
    FOR EACH ROW EXECUTE FUNCTION change_log_public('tag');
CREATE TRIGGER change_log_tags_delete AFTER DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION change_log_public('tag');

CREATE TRIGGER change_log_citations_insert AFTER INSERT ON citations
    FOR EACH ROW EXECUTE FUNCTION change_log_public('citation');
CREATE TRIGGER change_log_citations_update AFTER UPDATE ON citations
    FOR EACH ROW EXECUTE FUNCTION change_log_public('citation');
CREATE TRIGGER change_log_citations_delete AFTER DELETE ON citations
    FOR EACH ROW EXECUTE FUNCTION change_log_public('citation');

CREATE TRIGGER change_log_site_insert AFTER INSERT ON site
    FOR EACH ROW EXECUTE FUNCTION change_log_single('site', 'site');
CREATE TRIGGER change_log_site_update AFTER UPDATE ON site
    FOR EACH ROW EXECUTE FUNCTION change_log_single('site', 'site');
CREATE TRIGGER change_log_site_delete AFTER DELETE ON site
    FOR EACH ROW EXECUTE FUNCTION change_log_single('site', 'site');
