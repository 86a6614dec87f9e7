//! Search finds the same things on SQLite (FTS5) and PostgreSQL (tsvector, ranked by the same
//! bm25): for every query in data/search-queries.txt, over the seed and a generated library, the
//! same hits in the same order (all pages), and the same total, from /v1/search and from the
//! lists' `q`; and on /v1/search's first page the same `title_highlighted` and `snippet`. (Every other
//! search test runs on both backends too, so the orders they assert hold on both.) Runs in the
//! SQLite pass, against a PostgreSQL database of its own; without TEST_DATABASE_URL it says so
//! and returns.

use serde_json::Value;

use crate::helpers::{spawn_postgres_app, spawn_sqlite_app, TestApp};

const QUERIES: &str = include_str!("data/search-queries.txt");

fn queries() -> Vec<&'static str> {
    QUERIES.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')).collect()
}

fn generate(app: &TestApp) {
    let mut conn = app.connection();
    clinic_content::seed::generate::generate(&mut conn, 300, 40, 7, "2026-11-01T00:00:00Z").expect("generate");
}

/// Every hit of a search or list, page by page: (type, slug) in order, and the total.
async fn every_hit(app: &TestApp, path: &str) -> (Vec<String>, i64) {
    let mut found = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let response = app.get(&format!("{path}&per_page=100&page={page}")).await;
        assert_eq!(response.status.as_u16(), 200, "{path}: {}", String::from_utf8_lossy(&response.body));
        let body: Value = response.json();
        total = body["meta"]["pagination"]["total"].as_i64().unwrap();
        let data = body["data"].as_array().unwrap();
        found.extend(data.iter().map(|hit| format!("{} {}", hit["type"].as_str().unwrap_or("item"), hit["slug"])));
        if data.is_empty() || found.len() as i64 >= total {
            break;
        }
    }
    (found, total)
}

#[actix_web::test]
async fn both_backends_find_the_same_hits_in_the_same_order() {
    if crate::helpers::on_postgres() {
        return; // it compares the two itself, in the SQLite pass
    }
    let Some(postgres) = spawn_postgres_app().await else {
        println!("search_equivalence: no TEST_DATABASE_URL, nothing to compare with");
        return;
    };
    let sqlite = spawn_sqlite_app().await;
    generate(&sqlite);
    generate(&postgres);
    let mut differences = Vec::new();
    let mut compared = 0;
    let mut hits_compared = 0;
    for q in queries() {
        let q = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        for path in
            [format!("/v1/search?q={q}"), format!("/v1/posts?q={q}&fields=slug"), format!("/v1/faqs?q={q}&fields=slug")]
        {
            let (lite, lite_total) = every_hit(&sqlite, &path).await;
            let (pg, pg_total) = every_hit(&postgres, &path).await;
            compared += 1;
            if path.starts_with("/v1/search") {
                assert!(lite_total > 0, "{path} finds something to compare");
                hits_compared += lite_total;
            }
            let mut lite_set = lite.clone();
            let mut pg_set = pg.clone();
            lite_set.sort();
            pg_set.sort();
            if lite_total != pg_total || lite_set != pg_set {
                let only =
                    |a: &[String], b: &[String]| a.iter().filter(|x| !b.contains(x)).cloned().collect::<Vec<_>>();
                differences.push(format!(
                    "{path}: {lite_total} hits on SQLite, {pg_total} on PostgreSQL; only on SQLite {:?}, only on PostgreSQL {:?}",
                    only(&lite_set, &pg_set),
                    only(&pg_set, &lite_set)
                ));
            } else if lite != pg {
                let at = lite.iter().zip(&pg).position(|(a, b)| a != b).unwrap_or(0);
                differences.push(format!(
                    "{path}: the same hits in another order, from position {at}: {:?} on SQLite, {:?} on PostgreSQL",
                    &lite[at..(at + 3).min(lite.len())],
                    &pg[at..(at + 3).min(pg.len())]
                ));
            }
        }
    }
    // The first page's highlights and snippets too (FTS5's `highlight` and `snippet` against
    // search::highlight): the same marks, the same windows, the same ellipses.
    let mut highlights_compared = 0;
    for q in queries() {
        let q = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        let path = format!("/v1/search?q={q}&per_page=20");
        let (lite, pg) = (sqlite.get_ok(&path).await, postgres.get_ok(&path).await);
        for (a, b) in lite["data"].as_array().unwrap().iter().zip(pg["data"].as_array().unwrap()) {
            highlights_compared += 1;
            for key in ["title_highlighted", "snippet"] {
                if a[key] != b[key] {
                    differences
                        .push(format!("{path} {} {key}: {} on SQLite, {} on PostgreSQL", a["slug"], a[key], b[key]));
                }
            }
        }
    }
    assert!(compared >= 90, "30 queries, three ways each");
    assert!(highlights_compared > 250, "{highlights_compared} hits' highlights compared");
    assert!(hits_compared > 500, "{hits_compared} hits from /v1/search");
    assert!(differences.is_empty(), "{} of {compared} differ:\n{}", differences.len(), differences.join("\n"));
}
