//! The write API: tokens and scopes, the editorial workflow, validation, concurrency control.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, POST_SLUG};

fn draft_post(slug: &str) -> Value {
    json!({
        "slug": slug,
        "title": "Stretches for desk workers",
        "excerpt": "Five stretches between appointments.",
        "tags": ["back-pain", "lower-back-pain"],
        "citations": [{"citation": "nhs-2024-back-pain", "claim": "Exercise is a first-line treatment."}],
        "condition_categories": ["strong-responders"],
        "key_points": {"mechanisms": ["Lengthens the hip flexors"], "limitations": []},
        "sections": [
            {"heading": null, "markdown": "Sitting all day **shortens** the hip flexors."},
            {"heading": "The stretches", "markdown": "- Kneeling lunge\\n- Cat-cow"}
        ]
    })
}

/// Every write route with a body that is valid for it (against the seed content).
fn write_routes() -> Vec<(Method, String, Value)> {
    vec![
        (Method::POST, "/v1/posts".into(), draft_post("a-new-post")),
        (Method::PATCH, format!("/v1/posts/{POST_SLUG}"), json!({"title": "A new title"})),
        (Method::POST, "/v1/faqs".into(), json!({"slug": "new-faq", "question": "Q?", "answer": "A."})),
        (Method::PATCH, "/v1/faqs/how-often-massage-for-back-pain".into(), json!({"question": "How often?"})),
        (Method::DELETE, "/v1/faqs/how-often-massage-for-back-pain".into(), Value::Null),
        (Method::POST, "/v1/tags".into(), json!({"slug": "posture", "name": "Posture", "description": null})),
        (Method::PATCH, "/v1/tags/sciatica".into(), json!({"name": "Sciatica (leg pain)"})),
        (Method::DELETE, "/v1/tags/nanaimo?force=true".into(), Value::Null),
        (
            Method::POST,
            "/v1/citations".into(),
            json!({"slug": "cochrane-2015", "publisher": "Cochrane", "title": "Massage for low-back pain", "year": 2015, "url": "https://www.cochranelibrary.com/", "accessed_on": null}),
        ),
        (Method::PATCH, "/v1/citations/nhs-2024-back-pain".into(), json!({"accessed_on": "2026-11-01"})),
        (
            Method::POST,
            "/v1/condition-categories".into(),
            json!({"slug": "unknown-responders", "name": "Unknown", "description": "Not studied yet.", "response_level": "moderate"}),
        ),
        (Method::PATCH, "/v1/condition-categories/strong-responders".into(), json!({"name": "Responds strongly"})),
        (
            Method::POST,
            "/v1/conditions".into(),
            json!({"slug": "neck-pain", "category": "moderate-responders", "name": "Neck pain", "summary": "Neck pain.", "caveat": "Not studied here.", "region": "upper_back"}),
        ),
        (Method::PATCH, "/v1/conditions/sciatica".into(), json!({"caveat": "Edited."})),
        (Method::DELETE, "/v1/conditions/sciatica".into(), Value::Null),
        (Method::PATCH, "/v1/guidance/chronic".into(), json!({"sessions_max": 8})),
        (Method::PATCH, "/v1/guidance/course".into(), json!({"frequency_notes": "Weekly at first."})),
        (Method::PATCH, "/v1/site".into(), json!({"short_name": "Cozy"})),
        // Last: deleting the post takes its FAQ entries with it.
        (Method::DELETE, format!("/v1/posts/{POST_SLUG}"), Value::Null),
    ]
}

async fn send(
    app: &TestApp,
    method: &Method,
    path: &str,
    body: &Value,
    token: Option<&str>,
) -> crate::helpers::TestResponse {
    let content_type = if *method == Method::PATCH { "application/merge-patch+json" } else { "application/json" };
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", content_type)];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    let body = (!body.is_null()).then(|| serde_json::to_vec(body).unwrap());
    app.send(method.clone(), path, &headers, body).await
}

#[actix_web::test]
async fn every_write_route_needs_a_write_token() {
    let app = spawn_app().await;
    let preview = app.token("preview");
    let write = app.token("write");
    for (method, path, body) in write_routes() {
        let anonymous = send(&app, &method, &path, &body, None).await;
        assert_problem(&anonymous, 401, &path);
        assert_eq!(anonymous.header("www-authenticate"), Some(r#"Bearer realm="clinic-content""#), "{method} {path}");

        let bogus = send(&app, &method, &path, &body, Some("cc_AAAAAAAAAAAA_not-a-real-token")).await;
        assert_problem(&bogus, 401, &path);
        assert!(bogus.header("www-authenticate").unwrap().contains("invalid_token"));

        let forbidden = send(&app, &method, &path, &body, Some(&preview)).await;
        assert_problem(&forbidden, 403, &path);
        assert!(forbidden.header("www-authenticate").unwrap().contains(r#"scope="write""#));

        let allowed = send(&app, &method, &path, &body, Some(&write)).await;
        assert!(
            allowed.status.is_success(),
            "{method} {path}: {} {}",
            allowed.status,
            String::from_utf8_lossy(&allowed.body)
        );
        assert_eq!(allowed.header("cache-control"), Some("private, no-store"), "{method} {path}");
    }
}

#[actix_web::test]
async fn tokens_are_stored_only_as_hashes_and_can_be_revoked() {
    use diesel::prelude::*;
    let app = crate::helpers::spawn_app().await;
    let token = app.token("write");
    let mut conn = app.connection();
    let stored: Vec<(String, Vec<u8>)> = clinic_content::schema::api_tokens::table
        .select((clinic_content::schema::api_tokens::lookup, clinic_content::schema::api_tokens::token_hash))
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), 1);
    let secret = token.rsplit('_').next().unwrap();
    let dump = format!("{stored:?}");
    assert!(!dump.contains(secret), "the secret is not stored");
    assert_eq!(stored[0].1.len(), 32, "a SHA-256");
    // The database file holds no plaintext either (on SQLite, where the database is a file).
    if !crate::helpers::on_postgres() {
        let bytes = std::fs::read(app.database_url.as_str()).unwrap();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }

    assert_eq!(app.get_as("/v1/posts", &token).await.status.as_u16(), 200);
    clinic_content::tokens::query::revoke(&mut conn, "test Write", "2026-11-25T00:00:00Z").unwrap();
    let revoked = app.get_as("/v1/posts", &token).await;
    assert_problem(&revoked, 401, "/v1/posts");
    assert_eq!(revoked.json()["detail"], "The token has been revoked.");
}

#[actix_web::test]
async fn a_draft_is_private_until_published() {
    let app = spawn_app().await;
    let write = app.token("write");
    let preview = app.token("preview");

    let created = app.write(Method::POST, "/v1/posts", &write, &draft_post("desk-stretches")).await;
    assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
    assert_eq!(created.header("location"), Some("/v1/posts/desk-stretches"));
    let post = created.json()["data"].clone();
    assert_eq!(post["status"], "draft");
    assert_eq!(post["published_at"], Value::Null);
    assert_eq!(post["tags"][1]["slug"], "lower-back-pain");
    assert_eq!(post["citations"][0]["claim"], "Exercise is a first-line treatment.");
    assert!(post["body"]["html"].as_str().unwrap().contains("<strong>shortens</strong>"));

    // Invisible to the public, in detail and in lists; visible with a preview token.
    app.get_problem("/v1/posts/desk-stretches", 404).await;
    assert_eq!(app.get_ok("/v1/posts").await["meta"]["pagination"]["total"], 1);
    let previewed = app.get_as("/v1/posts/desk-stretches", &preview).await;
    assert_eq!(previewed.status.as_u16(), 200);
    assert_eq!(previewed.header("cache-control"), Some("private, no-store"));
    assert_eq!(app.get_as("/v1/posts", &preview).await.json()["meta"]["pagination"]["total"], 2);
    assert_eq!(app.get_ok("/v1/tags/back-pain").await["data"]["post_count"], 1, "drafts are not counted publicly");

    let published = app.write(Method::PATCH, "/v1/posts/desk-stretches", &write, &json!({"status": "published"})).await;
    assert_eq!(published.status.as_u16(), 200);
    let published_at = published.json()["data"]["published_at"].as_str().unwrap().to_string();
    let public = app.get_ok("/v1/posts/desk-stretches").await["data"].clone();
    assert_eq!(public["published_at"], published_at.as_str());
    let age =
        chrono::Utc::now() - chrono::DateTime::parse_from_rfc3339(&published_at).unwrap().with_timezone(&chrono::Utc);
    assert!(age.num_seconds().abs() < 60, "published now");
    let list = app.get_ok("/v1/posts").await;
    assert_eq!(list["data"][0]["slug"], "desk-stretches", "newest first");
    assert_eq!(app.get_ok("/v1/tags/back-pain").await["data"]["post_count"], 2);
}

#[actix_web::test]
async fn a_scheduled_post_goes_public_when_its_time_comes() {
    let app = spawn_app().await;
    let write = app.token("write");
    let mut future = draft_post("future-post");
    future["status"] = json!("scheduled");
    future["published_at"] = json!("2099-01-01T00:00:00Z");
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &future).await.status.as_u16(), 201);
    app.get_problem("/v1/posts/future-post", 404).await;

    let mut past = draft_post("past-post");
    past["status"] = json!("scheduled");
    past["published_at"] = json!("2026-01-01T00:00:00Z");
    assert_eq!(app.write(Method::POST, "/v1/posts", &write, &past).await.status.as_u16(), 201);
    assert_eq!(app.get_ok("/v1/posts/past-post").await["data"]["status"], "scheduled");

    let missing_time = app
        .write(
            Method::POST,
            "/v1/posts",
            &write,
            &json!({"slug": "s", "title": "T", "status": "scheduled", "sections": [{"markdown": "x"}]}),
        )
        .await;
    assert_problem(&missing_time, 422, "/v1/posts");
    assert_eq!(missing_time.json()["errors"][0]["field"], "published_at");
}

#[actix_web::test]
async fn deleting_a_post_takes_its_faq_entries_with_it() {
    let app = crate::helpers::spawn_app().await;
    let write = app.token("write");
    let path = format!("/v1/posts/{POST_SLUG}");
    let deleted = app.send(Method::DELETE, &path, &[("Authorization", &format!("Bearer {write}"))], None).await;
    assert_eq!(deleted.status.as_u16(), 204);
    app.get_problem(&path, 404).await;
    assert_eq!(app.get_ok("/v1/faqs").await["meta"]["pagination"]["total"], 0, "no orphaned entry turns public");
    assert_eq!(app.get_ok("/v1/search?q=massage&filter[type]=faq").await["meta"]["pagination"]["total"], 0);
}

#[actix_web::test]
async fn archiving_hides_a_post_again() {
    let app = spawn_app().await;
    let write = app.token("write");
    let archived =
        app.write(Method::PATCH, &format!("/v1/posts/{POST_SLUG}"), &write, &json!({"status": "archived"})).await;
    assert_eq!(archived.status.as_u16(), 200);
    app.get_problem(&format!("/v1/posts/{POST_SLUG}"), 404).await;
    assert_eq!(app.get_ok("/v1/faqs").await["meta"]["pagination"]["total"], 0, "its FAQ entries are hidden with it");
}

#[actix_web::test]
async fn renaming_a_published_post_keeps_the_old_slug_as_a_redirect() {
    let app = spawn_app().await;
    let write = app.token("write");
    let renamed = app
        .write(Method::PATCH, &format!("/v1/posts/{POST_SLUG}"), &write, &json!({"slug": "massage-for-back-pain"}))
        .await;
    assert_eq!(renamed.status.as_u16(), 200, "{}", String::from_utf8_lossy(&renamed.body));
    assert_eq!(renamed.json()["data"]["slug"], "massage-for-back-pain");

    let old = app.get(&format!("/v1/posts/{POST_SLUG}")).await;
    assert_eq!(old.status.as_u16(), 301);
    assert_eq!(old.header("location"), Some("/v1/posts/massage-for-back-pain"));
    assert_eq!(
        app.get_ok("/v1/posts/massage-for-back-pain").await["data"]["title"],
        "Is Massage Therapy Worth It for Back Pain? An Honest Answer"
    );
    // FAQ entries follow the post.
    assert_eq!(app.get_ok("/v1/faqs?filter[post]=massage-for-back-pain").await["meta"]["pagination"]["total"], 4);

    // Renaming back makes the old slug live again; no redirect loop.
    let back = app.write(Method::PATCH, "/v1/posts/massage-for-back-pain", &write, &json!({"slug": POST_SLUG})).await;
    assert_eq!(back.status.as_u16(), 200);
    assert_eq!(app.get(&format!("/v1/posts/{POST_SLUG}")).await.status.as_u16(), 200);
    assert_eq!(app.get("/v1/posts/massage-for-back-pain").await.status.as_u16(), 301);
}

#[actix_web::test]
async fn a_posts_old_slugs_are_in_its_redirect_from_on_reads() {
    let app = spawn_app().await;
    let write = app.token("write");
    let path = format!("/v1/posts/{POST_SLUG}");
    assert_eq!(app.get_ok(&path).await["data"]["redirect_from"], json!([]));
    let renamed = app.write(Method::PATCH, &path, &write, &json!({"slug": "massage-for-back-pain"})).await;
    assert_eq!(renamed.status.as_u16(), 200, "{}", String::from_utf8_lossy(&renamed.body));
    assert_eq!(renamed.json()["data"]["redirect_from"], json!([POST_SLUG]), "the write's answer");

    let public = app.get_ok("/v1/posts/massage-for-back-pain").await;
    assert_eq!(public["data"]["redirect_from"], json!([POST_SLUG]), "a public read");
    let preview = app.get_as("/v1/posts/massage-for-back-pain", &app.token("preview")).await;
    assert_eq!(preview.json()["data"]["redirect_from"], json!([POST_SLUG]), "a read with a token");
    let trimmed = app.get_ok("/v1/posts/massage-for-back-pain?fields=slug,redirect_from").await;
    assert_eq!(trimmed["data"], json!({"slug": "massage-for-back-pain", "redirect_from": [POST_SLUG]}));
}

#[actix_web::test]
async fn a_stale_if_match_is_a_412_and_a_current_one_succeeds() {
    let app = spawn_app().await;
    let write = app.token("write");
    let path = "/v1/faqs/how-often-massage-for-back-pain";
    let etag = app.get(path).await.header("etag").unwrap().to_string();

    let first = app
        .write_with(Method::PATCH, path, &write, &json!({"question": "First editor?"}), &[("If-Match", &etag)])
        .await;
    assert_eq!(first.status.as_u16(), 200);
    let second = app
        .write_with(Method::PATCH, path, &write, &json!({"question": "Second editor?"}), &[("If-Match", &etag)])
        .await;
    assert_problem(&second, 412, path);
    assert_eq!(app.get_ok(path).await["data"]["question"], "First editor?", "the second editor did not overwrite");

    // The ETag a write answers with is the one a read would give.
    let fresh = first.header("etag").unwrap().to_string();
    assert_eq!(app.get(path).await.header("etag"), Some(fresh.as_str()));
    let third =
        app.write_with(Method::PATCH, path, &write, &json!({"question": "Third?"}), &[("If-Match", &fresh)]).await;
    assert_eq!(third.status.as_u16(), 200);
    let stale_delete = app
        .send(Method::DELETE, path, &[("Authorization", &format!("Bearer {write}")), ("If-Match", &etag)], None)
        .await;
    assert_problem(&stale_delete, 412, path);
}

#[actix_web::test]
async fn an_invalid_body_lists_every_bad_field() {
    let app = spawn_app().await;
    let write = app.token("write");
    let body = json!({
        "slug": "Not A Slug",
        "title": "",
        "status": "live",
        "published_at": "yesterday",
        "canonical_url": "javascript:alert(1)",
        "cta": {"label": "", "url": "ftp://x"},
        "tags": ["no-such-tag", "back-pain", "back-pain"],
        "citations": [{"citation": "nope", "claim": ""}],
        "condition_categories": ["nope"],
        "sections": []
    });
    let response = app.write(Method::POST, "/v1/posts", &write, &body).await;
    assert_problem(&response, 422, "/v1/posts");
    let problem = response.json();
    assert_eq!(problem["code"], "validation-failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in [
        "slug",
        "title",
        "status",
        "published_at",
        "canonical_url",
        "cta.label",
        "cta.url",
        "tags[0]",
        "tags[2]",
        "citations[0].citation",
        "citations[0].claim",
        "condition_categories[0]",
        "sections",
    ] {
        assert!(fields.contains(&expected), "missing {expected} in {fields:?}");
    }
    assert!(app.get_as("/v1/posts/Not-A-Slug", &write).await.status.is_client_error(), "nothing was written");

    let unknown =
        app.write(Method::POST, "/v1/tags", &write, &json!({"slug": "x", "name": "X", "colour": "red"})).await;
    assert_problem(&unknown, 422, "/v1/tags");
    assert!(unknown.json()["errors"][0]["message"].as_str().unwrap().contains("unknown field `colour`"));

    let wrong_type = app.write(Method::PATCH, "/v1/guidance/chronic", &write, &json!({"sessions_min": "four"})).await;
    assert_problem(&wrong_type, 422, "/v1/guidance/chronic");
    assert_eq!(wrong_type.json()["errors"][0]["field"], "sessions_min");

    let not_json = app
        .send(
            Method::POST,
            "/v1/tags",
            &[("Authorization", &format!("Bearer {write}")), ("Content-Type", "application/json")],
            Some(b"{not json".to_vec()),
        )
        .await;
    assert_problem(&not_json, 400, "/v1/tags");
    let wrong_media = app
        .send(
            Method::POST,
            "/v1/tags",
            &[("Authorization", &format!("Bearer {write}")), ("Content-Type", "text/plain")],
            Some(b"{}".to_vec()),
        )
        .await;
    assert_problem(&wrong_media, 415, "/v1/tags");
}

#[actix_web::test]
async fn duplicate_slugs_are_a_409_and_references_are_checked() {
    let app = spawn_app().await;
    let write = app.token("write");
    let duplicate = app.write(Method::POST, "/v1/tags", &write, &json!({"slug": "sciatica", "name": "Again"})).await;
    assert_problem(&duplicate, 409, "/v1/tags");
    let rename_onto = app.write(Method::PATCH, "/v1/tags/nanaimo", &write, &json!({"slug": "sciatica"})).await;
    assert_problem(&rename_onto, 409, "/v1/tags/nanaimo");
    let cited = app
        .send(
            Method::DELETE,
            "/v1/citations/nhs-2024-back-pain",
            &[("Authorization", &format!("Bearer {write}"))],
            None,
        )
        .await;
    assert_problem(&cited, 409, "/v1/citations/nhs-2024-back-pain");
    let red_flag = app.write(Method::PATCH, "/v1/conditions/sciatica", &write, &json!({"is_red_flag": true})).await;
    assert_problem(&red_flag, 422, "/v1/conditions/sciatica");
    let gap = app.write(Method::PATCH, "/v1/guidance/acute", &write, &json!({"pain_duration_max_days": 20})).await;
    assert_problem(&gap, 422, "/v1/guidance/acute");
    assert!(gap.json()["errors"][0]["message"].as_str().unwrap().contains("no band covers days 21 to 27"));
}

#[actix_web::test]
async fn an_oversized_body_is_a_413_problem() {
    let app = spawn_app().await;
    let write = app.token("write");
    let huge = json!({"slug": "big", "name": "x".repeat(300_000)});
    let response = app.write(Method::POST, "/v1/tags", &write, &huge).await;
    assert_problem(&response, 413, "/v1/tags");
}

#[actix_web::test]
async fn stored_markdown_never_serves_a_script() {
    let app = spawn_app().await;
    let write = app.token("write");
    let vectors = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](  javascript:alert(1))",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href=\"javascript:alert(1)\">a</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "[x](vbscript:msgbox)",
        "<scr<script>ipt>alert(1)</script>",
    ];
    let sections: Vec<Value> = vectors.iter().map(|v| json!({"heading": "H <b>bold</b>", "markdown": v})).collect();
    let body = json!({"slug": "xss", "title": "XSS", "status": "published", "sections": sections});
    let created = app.write(Method::POST, "/v1/posts", &write, &body).await;
    assert_eq!(created.status.as_u16(), 201);
    let faq =
        json!({"slug": "xss-faq", "question": "<script>?", "answer": vectors.join("\n\n"), "status": "published"});
    assert_eq!(app.write(Method::POST, "/v1/faqs", &write, &faq).await.status.as_u16(), 201);

    let post = app.get_ok("/v1/posts/xss").await["data"].clone();
    let faq = app.get_ok("/v1/faqs/xss-faq").await["data"].clone();
    for html in [post["body"]["html"].as_str().unwrap(), faq["answer"]["html"].as_str().unwrap()] {
        assert_only_safe_markup(html);
    }
    assert!(post["body"]["html"].as_str().unwrap().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text");
}

/// Every tag in `html` is one Markdown produces, with no event handler and no script URL.
fn assert_only_safe_markup(html: &str) {
    const TAGS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "img",
        "br",
        "hr",
        "del",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tags are closed") + start;
        let tag = &rest[start + 1..end];
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap().to_lowercase();
        assert!(TAGS.contains(&name.as_str()), "tag <{tag}> in {html}");
        let lower = tag.to_lowercase();
        for attribute in lower.split_whitespace().skip(1) {
            assert!(!attribute.starts_with("on"), "event handler in <{tag}>");
            if let Some(url) = attribute.strip_prefix("href=").or_else(|| attribute.strip_prefix("src=")) {
                let url = url.trim_matches('"');
                assert!(
                    url == "#" || url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'),
                    "unsafe URL in <{tag}>"
                );
            }
        }
        rest = &rest[end + 1..];
    }
}

#[actix_web::test]
async fn faq_writes_keep_order_and_reading_time() {
    let app = spawn_app().await;
    let write = app.token("write");
    let before = app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await["data"]["reading_time_minutes"].as_i64().unwrap();
    let long_answer = "word ".repeat(700);
    let faq = json!({"slug": "long-faq", "post": POST_SLUG, "question": "A long one?", "answer": long_answer, "status": "published"});
    let created = app.write(Method::POST, "/v1/faqs", &write, &faq).await;
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(created.json()["data"]["position"], 4, "new entries go last");
    let after = app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await["data"]["reading_time_minutes"].as_i64().unwrap();
    assert_eq!(after, before + 3, "700 more words at 230 a minute");

    let moved = app.write(Method::PATCH, "/v1/faqs/long-faq", &write, &json!({"position": 0})).await;
    assert_eq!(moved.status.as_u16(), 200);
    let list = app.get_ok(&format!("/v1/faqs?filter[post]={POST_SLUG}")).await;
    assert_eq!(list["data"][0]["slug"], "long-faq");

    let deleted =
        app.send(Method::DELETE, "/v1/faqs/long-faq", &[("Authorization", &format!("Bearer {write}"))], None).await;
    assert_eq!(deleted.status.as_u16(), 204);
    assert!(deleted.body.is_empty());
    let restored =
        app.get_ok(&format!("/v1/posts/{POST_SLUG}")).await["data"]["reading_time_minutes"].as_i64().unwrap();
    assert_eq!(restored, before);
    app.get_problem("/v1/faqs/long-faq", 404).await;
}

#[actix_web::test]
async fn guidance_bands_are_replaced_as_a_set() {
    let app = spawn_app().await;
    let write = app.token("write");
    let mut bands = crate::helpers::band_inputs(&app).await;
    // Move the acute/sub-acute boundary to six weeks.
    bands[0]["pain_duration_max_days"] = json!(41);
    bands[1]["pain_duration_min_days"] = json!(42);
    let replaced = app.write(Method::PUT, "/v1/guidance/bands", &write, &json!(bands)).await;
    assert_eq!(replaced.status.as_u16(), 200, "{}", String::from_utf8_lossy(&replaced.body));
    assert_eq!(app.get_ok("/v1/guidance/acute").await["data"]["pain_duration"]["max_days"], 41);

    bands[1]["pain_duration_min_days"] = json!(50);
    let gap = app.write(Method::PUT, "/v1/guidance/bands", &write, &json!(bands)).await;
    assert_problem(&gap, 422, "/v1/guidance/bands");
    assert_eq!(
        app.get_ok("/v1/guidance/sub-acute").await["data"]["pain_duration"]["min_days"],
        42,
        "nothing was written"
    );
}
