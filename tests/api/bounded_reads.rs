//! Public reads do work bounded by their page (plus counts read from an index), not by the size
//! of the library. A timing on a test-sized library would say nothing, so this checks the plan
//! of every statement the reads run: each finds its rows through an index (by key, or a range
//! that a LIMIT or a time window bounds), never by scanning a content table, and never builds
//! the list of every public row for an `IN (...)` (the defect: each tag's FAQ count tested
//! `faq_id IN (every public FAQ entry)`, an FAQ entry's post `IN (every public post)`, so a
//! /v1/sync page of 100 tags took 26 s on 100,000 posts).

use std::sync::{Arc, Mutex};

use clinic_content::content::Viewer;
use clinic_content::http::list_query::ListQuery;
use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::operations::cli;

/// Small tables, read whole on purpose.
const SMALL_TABLES: &[&str] = &[
    "site",
    "guidance_bands",
    "guidance_course",
    "red_flag_symptoms",
    "condition_categories",
    "conditions",
    "content_version",
    "service_secrets",
];

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

/// Whether a plan step runs inside a subquery whose result is built as a list for `IN (...)`.
fn in_list<'a>(plan: &'a [PlanRow], mut row: &'a PlanRow) -> bool {
    loop {
        match plan.iter().find(|p| p.id == row.parent) {
            Some(parent) if parent.detail.starts_with("LIST SUBQUERY") => return true,
            Some(parent) => row = parent,
            None => return false,
        }
    }
}

/// What is wrong with a statement's plan, if anything.
fn unbounded_steps(plan: &[PlanRow]) -> Vec<String> {
    let mut problems = Vec::new();
    for row in plan {
        let detail = row.detail.as_str();
        if let Some(rest) = detail.strip_prefix("SCAN ") {
            let table = rest.split_whitespace().next().unwrap_or("");
            if !SMALL_TABLES.contains(&table) && table != "CONSTANT" {
                problems.push(format!("reads every row of {table}: {detail}"));
            }
        }
        let ranged = detail.contains('<') || detail.contains('>') || detail.starts_with("SCAN");
        if ranged && in_list(plan, row) {
            problems.push(format!("builds a list of a range for IN (...): {detail}"));
        }
    }
    problems
}

#[test]
fn public_reads_find_their_rows_by_index_whatever_the_library_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bounded.db");
    cli(&db, &["seed"]);
    // Generated content behind the seed, with planner statistics (generate runs ANALYZE).
    cli(&db, &["generate", "--posts", "300", "--tags", "2000"]);
    let mut conn = clinic_content::db::Conn::Sqlite(SqliteConnection::establish(db.to_str().unwrap()).unwrap());
    use clinic_content::schema::tags;
    let tag_ids: Vec<i32> = tags::table.select(tags::id).order(tags::id.desc()).limit(20).load(&mut conn).unwrap();

    let statements = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorded = statements.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text.split(" -- binds: ").next().unwrap_or(&text).to_string();
            recorded.lock().unwrap().push(sql);
        }
    });
    let viewer = Viewer::public();
    let now = viewer.now.clone();
    let none = ListQuery::none();
    let max = clinic_content::sync::query::max_seq(&mut conn).unwrap();
    // The first /v1/sync page (tags and the seed), one from the middle (posts and FAQ entries),
    // the last one (scheduled publications), each of 100.
    for since in [0, max / 2, max - 20] {
        let page = clinic_content::sync::query::page(&mut conn, since, &now, 100, &viewer).unwrap();
        assert!(!page.changes.is_empty());
    }
    // A page of tags with their counts, an FAQ entry and a post with its FAQ entries.
    assert_eq!(clinic_content::tags::query::by_ids(&mut conn, &tag_ids, &none, &viewer).unwrap().len(), 20);
    let faq = clinic_content::faqs::query::find_by_slug(&mut conn, "generated-1-0-q0", &none, &viewer).unwrap();
    let post = clinic_content::posts::query::find_by_slug(&mut conn, "generated-1-0", &none, &viewer).unwrap();
    assert_eq!(faq.is_some(), post.is_some(), "an entry is public with its post");
    clinic_content::faqs::query::for_posts(&mut conn, &[1, 2, 3], &viewer).unwrap();
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});

    let mut sqls = statements.lock().unwrap().clone();
    let run = sqls.len();
    sqls.sort();
    sqls.dedup();
    // Diesel writes `IN ()` of nothing as a constant false, which SQLite checks before any row.
    sqls.retain(|sql| !sql.contains("WHERE (1=0)"));
    let mut problems = Vec::new();
    for sql in &sqls {
        let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(&mut conn).unwrap();
        for problem in unbounded_steps(&plan) {
            problems.push(format!("{problem}\n    in: {sql}"));
        }
    }
    assert!(problems.is_empty(), "{} of {} statements:\n{}", problems.len(), sqls.len(), problems.join("\n"));
    // About a constant number of statements per resource of a page (4 pages of ~100).
    assert!(run < 4 * 100 * 30, "{run} statements");
}
