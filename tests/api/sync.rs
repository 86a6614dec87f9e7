//! GET /v1/sync: everything public at first, then exactly the changes since a token.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

fn post(slug: &str, status: &str) -> Value {
    json!({"slug": slug, "title": slug, "status": status, "tags": ["back-pain"], "sections": [{"markdown": "Text."}]})
}

/// Every change of a sync, walked to the end; and the last token.
async fn sync_all(app: &TestApp, since: Option<&str>, limit: usize) -> (Vec<Value>, String) {
    let mut changes = Vec::new();
    let mut token = since.map(str::to_string);
    loop {
        let path = match &token {
            Some(token) => format!("/v1/sync?since={token}&limit={limit}"),
            None => format!("/v1/sync?limit={limit}"),
        };
        let page = app.get_ok(&path).await["data"].clone();
        changes.extend(page["changes"].as_array().unwrap().iter().cloned());
        token = Some(page["next"].as_str().unwrap().to_string());
        if page["has_more"] == false {
            return (changes, token.unwrap());
        }
    }
}

/// (type, slug, action, reason) of each change, sorted.
fn summary(changes: &[Value]) -> Vec<(String, String, String, String)> {
    let mut out: Vec<_> = changes
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_string(),
                c["slug"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
                c["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn upsert(kind: &str, slug: &str) -> (String, String, String, String) {
    (kind.into(), slug.into(), "upsert".into(), String::new())
}

fn tombstone(kind: &str, slug: &str, reason: &str) -> (String, String, String, String) {
    (kind.into(), slug.into(), "delete".into(), reason.into())
}

#[actix_web::test]
async fn the_first_sync_is_every_public_resource_in_pages() {
    let app = spawn_app().await;
    let token = app.token("write");
    app.write(Method::POST, "/v1/posts", &token, &post("a-draft", "draft")).await;
    let (all, _) = sync_all(&app, None, 500).await;
    let counts = |kind: &str| all.iter().filter(|c| c["type"] == kind).count();
    assert_eq!(
        [
            counts("post"),
            counts("faq"),
            counts("condition"),
            counts("condition_category"),
            counts("guidance_band"),
            counts("guidance_course"),
            counts("tag"),
            counts("citation"),
            counts("site")
        ],
        [1, 4, 11, 3, 3, 1, 7, 3, 1]
    );
    assert!(all.iter().all(|c| c["action"] == "upsert" && c["data"].is_object()));
    assert!(!all.iter().any(|c| c["slug"] == "a-draft"));
    let post = all.iter().find(|c| c["type"] == "post").unwrap();
    assert_eq!(post["data"]["title"], "Is Massage Therapy Worth It for Back Pain? An Honest Answer");

    // In pages of 5: the same resources.
    let (paged, last) = sync_all(&app, None, 5).await;
    let mut once: Vec<_> = summary(&paged);
    once.dedup();
    assert_eq!(once, summary(&all));
    // And then nothing.
    let rest = app.get_ok(&format!("/v1/sync?since={last}")).await;
    assert_eq!(rest["data"]["changes"], json!([]));
    assert_eq!(rest["data"]["has_more"], false);
}

#[actix_web::test]
async fn every_page_of_a_first_sync_is_about_its_limit() {
    let app = spawn_app().await;
    crate::operations::cli(std::path::Path::new(&app.database_url), &["generate", "--posts", "60", "--tags", "5"]);
    let limit = 10;
    let mut path = format!("/v1/sync?limit={limit}");
    let mut pages = Vec::new();
    loop {
        let page = app.get_ok(&path).await["data"].clone();
        pages.push(page["changes"].as_array().unwrap().len());
        if page["has_more"] == false {
            break;
        }
        path = format!("/v1/sync?limit={limit}&since={}", page["next"].as_str().unwrap());
    }
    // `limit` resources, and the FAQ entries of the last post (the seed post has 4). The last
    // page used to add every public post and FAQ entry again, as if their publication times had
    // all come while the sync ran.
    assert!(pages.iter().all(|&n| n <= limit + 4), "changes per page: {pages:?}");
}

#[actix_web::test]
async fn create_update_unpublish_rename_and_delete_come_back_exactly_then_nothing() {
    let app = spawn_app().await;
    let token = app.token("write");
    for slug in ["to-unpublish", "to-delete", "to-rename"] {
        let created = app.write(Method::POST, "/v1/posts", &token, &post(slug, "published")).await;
        assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
    }
    app.write(Method::POST, "/v1/posts", &token, &post("old-draft", "draft")).await;
    let (_, first) = sync_all(&app, None, 100).await;

    // Between two syncs:
    let created = app.write(Method::POST, "/v1/posts", &token, &post("created", "published")).await;
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(app.write(Method::POST, "/v1/posts", &token, &post("new-draft", "draft")).await.status.as_u16(), 201);
    let patched = app.write(Method::PATCH, "/v1/tags/nanaimo", &token, &json!({"name": "Nanaimo, BC"})).await;
    assert_eq!(patched.status.as_u16(), 200);
    let unpublished = app.write(Method::PATCH, "/v1/posts/to-unpublish", &token, &json!({"status": "draft"})).await;
    assert_eq!(unpublished.status.as_u16(), 200);
    assert_eq!(app.write(Method::DELETE, "/v1/posts/to-delete", &token, &Value::Null).await.status.as_u16(), 204);
    let renamed = app.write(Method::PATCH, "/v1/posts/to-rename", &token, &json!({"slug": "renamed"})).await;
    assert_eq!(renamed.status.as_u16(), 200, "{}", String::from_utf8_lossy(&renamed.body));
    // A draft changed is still nobody's business.
    app.write(Method::PATCH, "/v1/posts/old-draft", &token, &json!({"title": "Still a draft"})).await;

    let (changes, second) = sync_all(&app, Some(&first), 100).await;
    assert_eq!(
        summary(&changes),
        [
            upsert("post", "created"),
            upsert("post", "renamed"),
            tombstone("post", "to-delete", "deleted"),
            tombstone("post", "to-rename", "renamed"),
            tombstone("post", "to-unpublish", "unpublished"),
            upsert("tag", "nanaimo"),
        ]
    );
    let tag = changes.iter().find(|c| c["type"] == "tag").unwrap();
    assert_eq!(tag["data"]["name"], "Nanaimo, BC");
    assert!(changes.iter().filter(|c| c["action"] == "delete").all(|c| c["data"].is_null()));

    let nothing = app.get_ok(&format!("/v1/sync?since={second}")).await;
    assert_eq!(nothing["data"]["changes"], json!([]), "{nothing}");

    // Publishing the unpublished post again brings it back.
    app.write(Method::PATCH, "/v1/posts/to-unpublish", &token, &json!({"status": "published"})).await;
    let (back, _) = sync_all(&app, Some(&second), 100).await;
    assert_eq!(summary(&back), [upsert("post", "to-unpublish")]);
}

#[actix_web::test]
async fn unpublishing_a_post_takes_its_faq_entries_with_it() {
    let app = spawn_app().await;
    let token = app.token("write");
    let (_, first) = sync_all(&app, None, 100).await;
    let slug = crate::helpers::POST_SLUG;
    app.write(Method::PATCH, &format!("/v1/posts/{slug}"), &token, &json!({"status": "archived"})).await;
    let (changes, _) = sync_all(&app, Some(&first), 100).await;
    let summary = summary(&changes);
    assert!(summary.contains(&tombstone("post", slug, "unpublished")), "{summary:?}");
    assert_eq!(summary.iter().filter(|c| c.0 == "faq" && c.3 == "unpublished").count(), 4, "{summary:?}");
}

#[actix_web::test]
async fn seed_writes_are_tracked_too_and_bad_tokens_are_a_400() {
    let app = spawn_app().await;
    let (_, first) = sync_all(&app, None, 100).await;
    // A write outside the API (as the seed or an import does).
    use diesel::RunQueryDsl;
    diesel::sql_query("UPDATE citations SET title = 'Back pain (updated)' WHERE slug = 'nhs-2024-back-pain'")
        .execute(&mut app.connection())
        .unwrap();
    diesel::sql_query("UPDATE content_version SET version = version + 1").execute(&mut app.connection()).unwrap();
    // The app notices other processes' writes within its refresh interval.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(600)).await;
    let (changes, _) = sync_all(&app, Some(&first), 100).await;
    assert_eq!(summary(&changes), [upsert("citation", "nhs-2024-back-pain")]);

    let forged = first.replace('.', "x.");
    for bad in [
        format!("since={forged}"),
        "since=".to_string(),
        "since=abc".to_string(),
        "limit=0".to_string(),
        "limit=501".to_string(),
        "x=1".to_string(),
    ] {
        app.get_problem(&format!("/v1/sync?{bad}"), 400).await;
    }
}
