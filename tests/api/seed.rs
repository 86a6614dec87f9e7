//! Seeding is idempotent, all or nothing, and validated.

use diesel::prelude::*;
use diesel::sql_types::Text;

use clinic_content::seed::{self, SyncReport};

use crate::helpers::spawn_app;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    value: String,
}

/// Every row of every table, as text: a fingerprint of the whole database.
fn dump(conn: &mut clinic_content::db::Conn) -> String {
    let postgres = conn.is_postgres();
    let tables_sql = if postgres {
        "SELECT CAST(table_name AS TEXT) AS value FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
    } else {
        "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    };
    let tables: Vec<String> =
        diesel::sql_query(tables_sql).load::<Row>(conn).unwrap().into_iter().map(|r| r.value).collect();
    let mut out = String::new();
    for table in tables {
        let rows_sql = if postgres {
            format!(
                "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE \"C\"), '') AS value
                   FROM (SELECT CAST(t AS TEXT) AS line FROM {table} t) lines"
            )
        } else {
            let columns: Vec<String> =
                diesel::sql_query(format!("SELECT name AS value FROM pragma_table_info('{table}')"))
                    .load::<Row>(conn)
                    .unwrap()
                    .into_iter()
                    .map(|r| format!("quote({})", r.value))
                    .collect();
            format!(
                "SELECT coalesce(group_concat(line, char(10)), '') AS value FROM (SELECT {} AS line FROM {table} ORDER BY line)",
                columns.join(" || ',' || ")
            )
        };
        let rows = diesel::sql_query(rows_sql).load::<Row>(conn).unwrap();
        out.push_str(&format!("== {table}\n{}\n", rows[0].value));
    }
    out
}

#[actix_web::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await; // the first seed ran at start
    let mut conn = app.connection();
    let before = dump(&mut conn);
    assert!(before.contains("Easy Cozy Wellness"));
    let report = seed::sync(&mut conn, &seed::default_library(), "2030-01-01T00:00:00Z").unwrap();
    assert_eq!(report, SyncReport { inserted: 0, updated: 0, unchanged: 34 });
    assert_eq!(dump(&mut conn), before, "not a byte changed, updated_at included");
}

#[actix_web::test]
async fn a_changed_entry_is_updated_alone() {
    let app = spawn_app().await;
    let mut conn = app.connection();
    let mut library = seed::default_library();
    library.faqs[3].question = "How often should I book a massage for back pain?".into();
    library.condition_categories[1].conditions[2].caveat = Some("Edited caveat.".into());
    let report = seed::sync(&mut conn, &library, "2030-01-01T00:00:00Z").unwrap();
    assert_eq!(report, SyncReport { inserted: 0, updated: 2, unchanged: 32 });

    let faq = app.get_ok("/v1/faqs/how-often-massage-for-back-pain").await["data"].clone();
    assert_eq!(faq["question"], "How often should I book a massage for back pain?");
    assert_eq!(faq["updated_at"], "2030-01-01T00:00:00Z");
    let other = app.get_ok("/v1/faqs/is-massage-therapy-worth-it-for-back-pain").await["data"].clone();
    assert_ne!(other["updated_at"], "2030-01-01T00:00:00Z");
    let sciatica = app.get_ok("/v1/conditions/sciatica").await["data"].clone();
    assert_eq!(sciatica["caveat"], "Edited caveat.");
}

#[actix_web::test]
async fn a_post_section_edit_updates_the_post_and_its_rendering() {
    let app = spawn_app().await;
    let mut conn = app.connection();
    let mut library = seed::default_library();
    library.posts[0].sections[1].markdown.push_str("\n\nAn added <script>alert(1)</script> paragraph.");
    let report = seed::sync(&mut conn, &library, "2030-01-01T00:00:00Z").unwrap();
    assert_eq!(report.updated, 1);
    let post = app.get_ok("/v1/posts/is-massage-therapy-worth-it-for-back-pain").await["data"].clone();
    assert_eq!(post["updated_at"], "2030-01-01T00:00:00Z");
    let html = post["sections"][1]["html"].as_str().unwrap();
    assert!(html.contains("An added &lt;script&gt;alert(1)&lt;/script&gt; paragraph."), "{html}");
    assert!(!post["body"]["html"].as_str().unwrap().contains("<script"));
}

#[actix_web::test]
async fn a_bad_reference_writes_nothing() {
    let app = spawn_app().await;
    let mut conn = app.connection();
    let before = dump(&mut conn);
    let mut library = seed::default_library();
    library.tags[0].name = "Renamed".into(); // would be an update...
    library.faqs[0].tags.push("no-such-tag".into()); // ...but this fails later in the same sync
    let error = seed::sync(&mut conn, &library, "2030-01-01T00:00:00Z").unwrap_err();
    assert!(error.contains("unknown tag 'no-such-tag'"), "{error}");
    assert_eq!(dump(&mut conn), before, "all or nothing");
}

#[test]
fn validation_reports_every_problem() {
    let mut library = seed::default_library();
    library.guidance.bands[1].pain_duration_min_days = 30; // a gap after acute (0-27)
    library.guidance.bands[2].sessions_min = 9; // above its max of 6
    library.tags[1].slug = "Bad Slug".into();
    library.posts[0].published_at = Some("25 April 2026".into());
    library.faqs[0].post = Some("missing-post".into());
    let json = serde_json::to_string(&library).unwrap();
    let error = seed::parse(&json).unwrap_err();
    for expected in [
        "guidance.bands: no band covers days 28 to 29: band 'sub-acute' starts at day 30",
        "guidance.bands[2].sessions_max: must be from 9 to 100, got 6",
        "tags[1].slug: must be a slug",
        "posts[0].published_at: must be an RFC 3339 UTC time like 2026-04-25T16:00:00Z, got '25 April 2026'",
        "faqs[0].post: no post has the slug 'missing-post'",
    ] {
        assert!(error.contains(expected), "missing '{expected}' in:\n{error}");
    }
}

#[test]
fn unknown_fields_in_a_library_are_rejected() {
    let json = seed::DEFAULT_SEED.replacen("\"format_version\": 1,", "\"format_version\": 1, \"colour\": \"red\",", 1);
    let error = seed::parse(&json).unwrap_err();
    assert!(error.contains("unknown field `colour`"), "{error}");
}

#[test]
fn the_seed_command_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let run = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_clinic-content"))
            .args(["seed", "--file", concat!(env!("CARGO_MANIFEST_DIR"), "/content/seed.json")])
            .env("DATABASE_URL", &db)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/content/seed.json");
    let first = run();
    assert!(first.starts_with(&format!("seeded from {file}: 34 inserted, 0 updated, 0 unchanged (write lock held ")));
    let second = run();
    assert!(second.starts_with(&format!("seeded from {file}: 0 inserted, 0 updated, 34 unchanged (write lock held ")));
}
