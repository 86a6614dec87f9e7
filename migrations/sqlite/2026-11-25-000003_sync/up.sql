-- Change tracking for delta sync (GET /v1/sync): every insert, update and delete of a synced
-- resource appends a row here, whatever wrote it (the API, the seed, an import), through the
-- triggers below. seq only grows (AUTOINCREMENT never reuses a value), so "everything after seq
-- N" is exact. visible_from records when the resource became (or becomes) public after the
-- change: published_at for posts and FAQ entries with a public status, '' for resources that
-- are always public, NULL when not public (a draft, or deleted). parent_id is a FAQ entry's post
-- (it is public only while its post is) or a condition's category.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    resource        TEXT NOT NULL CHECK (resource IN ('post', 'faq', 'condition', 'condition_category',
                                        'guidance_band', 'guidance_course', 'tag', 'citation', 'site')),
    resource_id     INTEGER NOT NULL,
    slug            TEXT NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    visible_from    TEXT,
    parent_id       INTEGER,
    at              TEXT NOT NULL
);
CREATE INDEX change_log_by_resource ON change_log (resource, resource_id, seq);

-- Symptom flags of GET /v1/guidance/recommendation and the red-flag condition each one means.
-- Any of them means: see a doctor before massage.
CREATE TABLE red_flag_symptoms (
    symptom         TEXT PRIMARY KEY CHECK (length(symptom) BETWEEN 1 AND 100 AND symptom NOT GLOB '*[^a-z0-9_]*'),
    condition_slug  TEXT NOT NULL,
    label           TEXT NOT NULL,
    position        INTEGER NOT NULL
);
INSERT INTO red_flag_symptoms (symptom, condition_slug, label, position) VALUES
    ('progressive_leg_weakness', 'progressive-neurological-symptoms', 'Progressive weakness in the legs', 0),
    ('leg_numbness', 'progressive-neurological-symptoms', 'Numbness in the legs', 1),
    ('after_trauma', 'back-pain-after-trauma', 'The pain started after a fall, accident or other injury', 2),
    ('unexplained_weight_loss', 'systemic-warning-signs', 'Unexplained weight loss', 3),
    ('fever', 'systemic-warning-signs', 'Fever', 4),
    ('bowel_bladder_changes', 'systemic-warning-signs', 'Changes in bowel or bladder control', 5);


CREATE TRIGGER change_log_posts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('post', NEW.id, NEW.slug, 'insert', CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_posts_update AFTER UPDATE ON posts BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('post', NEW.id, NEW.slug, 'update', CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_posts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('post', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_faqs_insert AFTER INSERT ON faqs BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('faq', NEW.id, NEW.slug, 'insert', CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NEW.post_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_faqs_update AFTER UPDATE ON faqs BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('faq', NEW.id, NEW.slug, 'update', CASE WHEN NEW.status IN ('published', 'scheduled') THEN NEW.published_at END, NEW.post_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_faqs_delete AFTER DELETE ON faqs BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('faq', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_conditions_insert AFTER INSERT ON conditions BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition', NEW.id, NEW.slug, 'insert', '', NEW.category_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_conditions_update AFTER UPDATE ON conditions BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition', NEW.id, NEW.slug, 'update', '', NEW.category_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_conditions_delete AFTER DELETE ON conditions BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_condition_categories_insert AFTER INSERT ON condition_categories BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition_category', NEW.id, NEW.slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_condition_categories_update AFTER UPDATE ON condition_categories BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition_category', NEW.id, NEW.slug, 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_condition_categories_delete AFTER DELETE ON condition_categories BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('condition_category', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_guidance_bands_insert AFTER INSERT ON guidance_bands BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_band', NEW.id, NEW.slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_guidance_bands_update AFTER UPDATE ON guidance_bands BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_band', NEW.id, NEW.slug, 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_guidance_bands_delete AFTER DELETE ON guidance_bands BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_band', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_guidance_course_insert AFTER INSERT ON guidance_course BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_course', NEW.id, 'course', 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_guidance_course_update AFTER UPDATE ON guidance_course BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_course', NEW.id, 'course', 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_guidance_course_delete AFTER DELETE ON guidance_course BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('guidance_course', OLD.id, 'course', 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_tags_insert AFTER INSERT ON tags BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('tag', NEW.id, NEW.slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_tags_update AFTER UPDATE ON tags BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('tag', NEW.id, NEW.slug, 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_tags_delete AFTER DELETE ON tags BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('tag', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_citations_insert AFTER INSERT ON citations BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('citation', NEW.id, NEW.slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_citations_update AFTER UPDATE ON citations BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('citation', NEW.id, NEW.slug, 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_citations_delete AFTER DELETE ON citations BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('citation', OLD.id, OLD.slug, 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER change_log_site_insert AFTER INSERT ON site BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('site', NEW.id, 'site', 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_site_update AFTER UPDATE ON site BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('site', NEW.id, 'site', 'update', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
CREATE TRIGGER change_log_site_delete AFTER DELETE ON site BEGIN
    INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    VALUES ('site', OLD.id, 'site', 'delete', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- What a database holds already counts as inserted now.
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'post', id, slug, 'insert', CASE WHEN status IN ('published', 'scheduled') THEN published_at END, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM posts ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'faq', id, slug, 'insert', CASE WHEN status IN ('published', 'scheduled') THEN published_at END, post_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM faqs ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'condition', id, slug, 'insert', '', category_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM conditions ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'condition_category', id, slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM condition_categories ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'guidance_band', id, slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM guidance_bands ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'guidance_course', id, 'course', 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM guidance_course ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'tag', id, slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM tags ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'citation', id, slug, 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM citations ORDER BY id;
INSERT INTO change_log (resource, resource_id, slug, op, visible_from, parent_id, at)
    SELECT 'site', id, 'site', 'insert', '', NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM site ORDER BY id;
