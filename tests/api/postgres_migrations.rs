//! The PostgreSQL migration runner and what the migrations' triggers do, on a real server.

use std::sync::{Arc, Barrier};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};

use clinic_content::db;

use crate::pg::PgDatabase;
use crate::schema_parity::migrated_sqlite;

#[test]
fn runners_started_at_once_on_an_empty_database_both_succeed() {
    let Some(database) = PgDatabase::create("runners") else { return };
    let start = Arc::new(Barrier::new(2));
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let (url, start) = (database.url.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                let mut conn = db::postgres::connect(&url).expect("connect");
                start.wait();
                db::postgres::migrate(&mut conn)
            })
        })
        .collect();
    let mut applied: Vec<usize> =
        runners.into_iter().map(|r| r.join().unwrap().expect("both runners succeed")).collect();
    applied.sort();
    let steps =
        diesel::migration::MigrationSource::<diesel::pg::Pg>::migrations(&db::postgres::MIGRATIONS).unwrap().len();
    assert_eq!(applied, vec![0, steps], "one runner applied every step, the other found none pending");
    let mut conn = database.connect();
    assert!(!db::postgres::has_pending_migrations(&mut conn).unwrap());
    assert_eq!(db::postgres::migrate(&mut conn), Ok(0), "a later start applies nothing");
}

/// Writes every kind of trigger reacts to, in SQL both backends take as written.
const WRITES: &str = "
    INSERT INTO tags (slug, name, created_at, updated_at) VALUES ('posture', 'Posture', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO posts (slug, title, excerpt, status, published_at, reading_time_minutes, word_count, created_at, updated_at)
        VALUES ('desk', 'Desk stretches', 'x', 'published', '2026-02-01T00:00:00Z', 3, 500, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO posts (slug, title, excerpt, reading_time_minutes, word_count, created_at, updated_at)
        VALUES ('later', 'Later', 'y', 2, 300, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO post_tags (post_id, tag_id, position) SELECT p.id, t.id, 0 FROM posts p, tags t ORDER BY p.id;
    INSERT INTO faqs (slug, post_id, position, question, answer_markdown, answer_html, answer_text, status, published_at, created_at, updated_at)
        VALUES ('how-often', (SELECT id FROM posts WHERE slug = 'desk'), 0, 'How often?', 'Daily.', '<p>Daily.</p>', 'Daily.',
                'published', '2026-02-02T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO condition_categories (slug, name, description, response_level, position, created_at, updated_at)
        VALUES ('muscular', 'Muscular', 'd', 'strong', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO conditions (slug, category_id, position, name, summary, region, created_at, updated_at)
        VALUES ('strain', (SELECT id FROM condition_categories), 0, 'Strain', 's', 'lower_back', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO site (id, name, short_name, description, city, region, region_code, country, country_code, timezone,
                      website_url, booking_url, disclaimer, created_at, updated_at)
        VALUES (1, 'Clinic', 'C', 'd', 'Nanaimo', 'British Columbia', 'BC', 'Canada', 'CA', 'America/Vancouver',
                'https://example.org', 'HTTPS://example.org/book', 'Not medical advice.', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    UPDATE posts SET title = 'Desk stretches, revised', updated_at = '2026-03-01T00:00:00Z' WHERE slug = 'desk';
    UPDATE posts SET status = 'scheduled', published_at = '2027-01-01T00:00:00Z' WHERE slug = 'later';
    UPDATE post_tags SET position = 1 WHERE post_id = (SELECT id FROM posts WHERE slug = 'later');
    UPDATE tags SET name = 'Good posture' WHERE slug = 'posture';
    DELETE FROM post_tags WHERE post_id = (SELECT id FROM posts WHERE slug = 'later');
    DELETE FROM conditions;
";

/// Cascades to post_tags (and so tagged_posts) and sets its FAQ entry's post_id to NULL.
const DELETE_TAGGED_POST: &str = "DELETE FROM posts WHERE slug = 'desk'";

#[derive(QueryableByName, Debug, PartialEq)]
struct Change {
    #[diesel(sql_type = Integer)]
    seq: i32,
    #[diesel(sql_type = Text)]
    resource: String,
    #[diesel(sql_type = Integer)]
    resource_id: i32,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    op: String,
    #[diesel(sql_type = Nullable<Text>)]
    visible_from: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    parent_id: Option<i32>,
    #[diesel(sql_type = Text)]
    at: String,
}

#[derive(QueryableByName, Debug, PartialEq)]
struct TaggedPost {
    #[diesel(sql_type = Integer)]
    tag_id: i32,
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    published_at: Option<String>,
    #[diesel(sql_type = Text)]
    title: String,
}

const CHANGES: &str =
    "SELECT seq, resource, resource_id, slug, op, visible_from, parent_id, at FROM change_log ORDER BY seq";
const TAGGED: &str = "SELECT tag_id, id, status, published_at, title FROM tagged_posts ORDER BY id, tag_id";

/// The change log without its times, which differ by when each backend ran.
fn without_times(mut changes: Vec<Change>) -> Vec<Change> {
    for change in &mut changes {
        assert!(
            change.at.len() == 20 && change.at.ends_with('Z') && change.at.as_bytes()[10] == b'T',
            "RFC 3339 UTC to the second: {}",
            change.at
        );
        change.at.clear();
    }
    changes
}

#[test]
fn triggers_keep_the_change_log_and_tagged_posts_as_on_sqlite() {
    let Some(database) = PgDatabase::create("triggers") else { return };
    let mut pg = database.connect();
    db::postgres::migrate(&mut pg).expect("PostgreSQL migrations");
    let (_dir, mut lite) = migrated_sqlite();
    lite.batch_execute("PRAGMA foreign_keys = ON").unwrap(); // as every pooled connection has it

    lite.batch_execute(WRITES).unwrap();
    pg.batch_execute(WRITES).unwrap();
    let tagged: Vec<TaggedPost> = diesel::sql_query(TAGGED).load(&mut pg).unwrap();
    assert_eq!(tagged.len(), 1, "{tagged:?}");
    assert_eq!((tagged[0].title.as_str(), tagged[0].status.as_str()), ("Desk stretches, revised", "published"));
    assert_eq!(tagged, diesel::sql_query(TAGGED).load::<TaggedPost>(&mut lite).unwrap());
    let changes = without_times(diesel::sql_query(CHANGES).load(&mut pg).unwrap());
    let ops: Vec<(&str, &str)> = changes.iter().map(|c| (c.resource.as_str(), c.op.as_str())).collect();
    assert!(ops.contains(&("site", "insert")) && ops.contains(&("condition", "delete")), "{ops:?}");
    let scheduled = changes.iter().find(|c| c.slug == "later" && c.op == "update").unwrap();
    assert_eq!(scheduled.visible_from.as_deref(), Some("2027-01-01T00:00:00Z"));
    assert_eq!(
        changes,
        without_times(diesel::sql_query(CHANGES).load(&mut lite).unwrap()),
        "the same change log on both"
    );

    lite.batch_execute(DELETE_TAGGED_POST).unwrap();
    pg.batch_execute(DELETE_TAGGED_POST).unwrap();
    assert!(diesel::sql_query(TAGGED).load::<TaggedPost>(&mut pg).unwrap().is_empty());
    // The same rows, but within one statement SQLite logs what a foreign key's action changed (the
    // FAQ entry's post_id set to NULL) before the row's own trigger, PostgreSQL after it. No API
    // write depends on that: deleting a post deletes its FAQ entries first (src/posts/write.rs).
    let tail = |conn_changes: Vec<Change>| {
        let mut rows: Vec<_> = without_times(conn_changes)
            .into_iter()
            .skip(changes.len())
            .map(|c| (c.resource, c.resource_id, c.op, c.visible_from, c.parent_id))
            .collect();
        rows.sort();
        rows
    };
    let pg_tail = tail(diesel::sql_query(CHANGES).load(&mut pg).unwrap());
    assert_eq!(pg_tail.len(), 2, "{pg_tail:?}");
    assert_eq!(pg_tail, tail(diesel::sql_query(CHANGES).load(&mut lite).unwrap()));
}
