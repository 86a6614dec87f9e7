//! Moving a clinic from SQLite to PostgreSQL with `export` and `import`: the library comes out of
//! PostgreSQL byte for byte as it went in, the API serves the same content from both, and what a
//! client kept from before the move (a sync token, a cursor) is refused with a clear "start
//! over", never answered with another database's data. Runs in the SQLite pass, against a
//! PostgreSQL database of its own (without TEST_DATABASE_URL it says so and returns).

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_sqlite_app, ChildServer, TestApp, POST_SLUG};
use crate::operations::cli;

#[actix_web::test]
async fn a_library_exported_from_sqlite_and_imported_into_postgresql_is_served_the_same() {
    if crate::helpers::on_postgres() {
        return; // it uses both backends itself, in the SQLite pass
    }
    let Some(target) = crate::pg::PgDatabase::create("moving") else { return };
    let sqlite = spawn_sqlite_app().await;
    let write = sqlite.token("write");
    // Content written through the API (tags, citations, sections, an FAQ entry) and in bulk.
    let post = json!({
        "slug": "desk-stretches", "title": "Stretches for desk workers", "status": "published",
        "excerpt": "Five stretches between appointments.", "tags": ["back-pain"],
        "citations": [{"citation": "nhs-2024-back-pain", "claim": "Exercise is a first-line treatment."}],
        "sections": [{"heading": "The stretches", "markdown": "- Kneeling lunge\n- Cat–cow, “slowly”"}]
    });
    assert_eq!(sqlite.write(Method::POST, "/v1/posts", &write, &post).await.status.as_u16(), 201);
    let faq = json!({"slug": "desk-faq", "post": "desk-stretches", "question": "How often?", "answer": "Daily.", "status": "published"});
    assert_eq!(sqlite.write(Method::POST, "/v1/faqs", &write, &faq).await.status.as_u16(), 201);
    let mut conn = sqlite.connection();
    clinic_content::seed::generate::generate(&mut conn, 40, 10, 3, "2026-11-01T00:00:00Z").expect("generate");
    // What a client kept from before the move.
    let sync = sqlite.get_ok("/v1/sync?limit=5").await;
    let since = sync["data"]["next"].as_str().unwrap().to_string();
    let page = sqlite.get_ok("/v1/posts?per_page=5").await;
    let cursor = page["meta"]["pagination"]["next_cursor"].as_str().unwrap().to_string();

    let library = cli(&sqlite.database_url, &["export"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("library.json");
    std::fs::write(&file, &library).unwrap();
    let imported = cli(&target.url, &["import", file.to_str().unwrap()]);
    assert!(imported.contains("imported"), "{imported}");
    assert_eq!(cli(&target.url, &["export"]), library, "the library comes out of PostgreSQL as it went in");

    let mut server = ChildServer::start(&target.url, &[("RATE_LIMIT_READS", "0")]);
    let postgres = TestApp::at(&server.address(60).await, &target.url);
    for path in [
        "/v1/posts?per_page=100&include=faqs",
        &format!("/v1/posts/{POST_SLUG}?include=faqs,conditions"),
        "/v1/posts/desk-stretches",
        "/v1/faqs?per_page=100",
        "/v1/conditions?per_page=100",
        "/v1/condition-categories",
        "/v1/guidance",
        "/v1/tags?per_page=100",
        "/v1/citations?per_page=100",
        "/v1/site",
        "/v1/search?q=stretches",
    ] {
        let (before, after): (Value, Value) = (sqlite.get_ok(path).await, postgres.get_ok(path).await);
        // The library has no `updated_at`: an import stamps what it writes with its own time. And
        // search `rank` values are each backend's own (PostgreSQL's weights are 4-byte floats).
        let (before, after) = (without(&before["data"]), without(&after["data"]));
        if let Some(difference) = first_difference(&before, &after, String::new()) {
            panic!("{path}: {difference}");
        }
    }

    // Tokens from before the move are the old database's: refused, saying to start over.
    let stale_sync = postgres.get(&format!("/v1/sync?since={since}")).await;
    crate::helpers::assert_problem(&stale_sync, 400, "/v1/sync");
    let message = stale_sync.json()["errors"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("start over"), "{message}");
    let stale_cursor = postgres.get(&format!("/v1/posts?per_page=5&cursor={cursor}")).await;
    crate::helpers::assert_problem(&stale_cursor, 400, "/v1/posts");
    // A sync from the start works there.
    assert!(postgres.get_ok("/v1/sync?limit=5").await["data"]["changes"].as_array().is_some_and(|c| !c.is_empty()));
    server.kill();
}

/// The value without its `updated_at` and `rank` members, at any depth.
fn without(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "updated_at" && *k != "rank")
                .map(|(k, v)| (k.clone(), without(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without).collect()),
        other => other.clone(),
    }
}

/// Where two JSON values first differ (a JSON pointer, and both sides), if they do.
fn first_difference(left: &Value, right: &Value, at: String) -> Option<String> {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            let keys: std::collections::BTreeSet<&String> = l.keys().chain(r.keys()).collect();
            keys.into_iter().find_map(|key| {
                first_difference(
                    l.get(key).unwrap_or(&Value::Null),
                    r.get(key).unwrap_or(&Value::Null),
                    format!("{at}/{key}"),
                )
            })
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => {
            l.iter().zip(r).enumerate().find_map(|(i, (a, b))| first_difference(a, b, format!("{at}/{i}")))
        }
        _ if left == right => None,
        _ => Some(format!("at {at}: {} on SQLite, {} on PostgreSQL", clip(left), clip(right))),
    }
}

fn clip(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 200 {
        format!("{}…", &text[..text.char_indices().nth(200).map_or(text.len(), |(i, _)| i)])
    } else {
        text
    }
}
