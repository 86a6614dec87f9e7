use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, TestResponse, POST_SLUG};

#[actix_web::test]
async fn tags_list_with_counts_and_links() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/tags").await;
    let tags = list["data"].as_array().unwrap();
    assert_eq!(tags.len(), 7);
    let names: Vec<&str> = tags.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "tags come by name");
    for tag in tags {
        assert_eq!(tag["post_count"], 1, "{}", tag["slug"]);
    }
    let deep = app.get_ok("/v1/tags/deep-tissue-massage").await["data"].clone();
    assert_eq!(deep["faq_count"], 1);
    let massage = app.get_ok("/v1/tags/massage-therapy").await["data"].clone();
    assert_eq!(massage["faq_count"], 4);
    // The links lead somewhere that answers.
    let posts = app.get_ok(deep["links"]["posts"].as_str().unwrap()).await;
    assert_eq!(posts["data"][0]["slug"], POST_SLUG);
    let faqs = app.get_ok(deep["links"]["faqs"].as_str().unwrap()).await;
    assert_eq!(faqs["meta"]["pagination"]["total"], 1);
    app.get_problem("/v1/tags/nope", 404).await;
}

#[actix_web::test]
async fn citations_list_their_sources_and_claims() {
    let app = spawn_app().await;
    let list = app.get_ok("/v1/citations").await;
    let citations = list["data"].as_array().unwrap();
    assert_eq!(citations.len(), 3);
    let mut publishers: Vec<&str> = citations.iter().map(|c| c["publisher"].as_str().unwrap()).collect();
    publishers.sort();
    assert_eq!(publishers, ["Government of Canada", "NHS", "Physiopedia"]);
    for citation in citations {
        assert!(citation["url"].as_str().unwrap().starts_with("https://"));
        let claims = citation["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0]["post"]["slug"], POST_SLUG);
    }
    let nhs = app.get_ok("/v1/citations/nhs-2024-back-pain").await["data"].clone();
    assert_eq!(nhs["url"], "https://www.nhs.uk/conditions/back-pain/");
    app.get_problem("/v1/citations/nope", 404).await;
}

#[actix_web::test]
async fn a_citation_shows_its_newest_claims_and_counts_them_all() {
    let app = spawn_app().await;
    let token = app.token("write");
    // Twelve more published posts cite the NHS (and one draft, which counts for no one).
    for n in 1..=13 {
        let status = if n == 13 { "draft" } else { "published" };
        let body = json!({
            "slug": format!("citing-{n:02}"),
            "title": format!("Citing {n}"),
            "excerpt": "A post that cites the NHS.",
            "status": status,
            "published_at": if n == 13 { Value::Null } else { json!(format!("2026-06-{n:02}T09:00:00Z")) },
            "citations": [{"citation": "nhs-2024-back-pain", "claim": format!("Claim {n}.")}],
            "sections": [{"heading": null, "markdown": "Text."}]
        });
        let response = app.write(Method::POST, "/v1/posts", &token, &body).await;
        assert_eq!(response.status.as_u16(), 201, "{}", String::from_utf8_lossy(&response.body));
    }
    let nhs = app.get_ok("/v1/citations/nhs-2024-back-pain").await["data"].clone();
    assert_eq!(nhs["claim_count"], 13, "the seed post's claim and twelve published ones");
    let claims: Vec<&str> = nhs["claims"].as_array().unwrap().iter().map(|c| c["claim"].as_str().unwrap()).collect();
    let newest: Vec<String> = (3..=12).rev().map(|n| format!("Claim {n}.")).collect();
    assert_eq!(claims, newest, "the newest ten, newest first");
    assert_eq!(nhs["links"]["self"], "/v1/citations/nhs-2024-back-pain");
    // The link lists every published post that cites it.
    let citing = app.get_ok(&format!("{}&per_page=50", nhs["links"]["posts"].as_str().unwrap())).await;
    assert_eq!(citing["meta"]["pagination"]["total"], 13);
    let listed = app.get_ok("/v1/citations?fields=slug,claim_count").await;
    let counts: Vec<(String, i64)> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["slug"].as_str().unwrap().to_string(), c["claim_count"].as_i64().unwrap()))
        .collect();
    assert!(counts.contains(&("nhs-2024-back-pain".to_string(), 13)), "{counts:?}");
    assert!(counts.iter().all(|(slug, count)| slug == "nhs-2024-back-pain" || *count == 1), "{counts:?}");
    // With a token, the draft's claim counts too.
    let preview = app.get_as("/v1/citations/nhs-2024-back-pain", &token).await;
    assert_eq!(preview.json()["data"]["claim_count"], 14);
    // Back to draft, deleted, the citation dropped: the count and the claims follow.
    let draft = app.write(Method::PATCH, "/v1/posts/citing-12", &token, &json!({"status": "draft"})).await;
    assert_eq!(draft.status.as_u16(), 200, "{}", String::from_utf8_lossy(&draft.body));
    assert_eq!(delete(&app, &token, "/v1/posts/citing-11").await.status.as_u16(), 204);
    let dropped = app.write(Method::PATCH, "/v1/posts/citing-10", &token, &json!({"citations": []})).await;
    assert_eq!(dropped.status.as_u16(), 200, "{}", String::from_utf8_lossy(&dropped.body));
    let nhs = app.get_ok("/v1/citations/nhs-2024-back-pain").await["data"].clone();
    assert_eq!(nhs["claim_count"], 10);
    let claims: Vec<&str> = nhs["claims"].as_array().unwrap().iter().map(|c| c["claim"].as_str().unwrap()).collect();
    let newest: Vec<String> = (1..=9).rev().map(|n| format!("Claim {n}.")).collect();
    assert_eq!(&claims[..9], newest.as_slice());
    assert_eq!(claims.len(), 10, "and the seed post's");
}

async fn delete(app: &TestApp, token: &str, path: &str) -> TestResponse {
    app.send(Method::DELETE, path, &[("Authorization", &format!("Bearer {token}"))], None).await
}

/// The problem of a refused delete; its detail must name every one of `names`.
fn refused(response: &TestResponse, path: &str, names: &[&str]) -> String {
    assert_problem(response, 409, path);
    let detail = response.json()["detail"].as_str().unwrap().to_string();
    for name in names {
        assert!(detail.contains(name), "{path}: the detail names {name}: {detail}");
    }
    detail
}

fn slugs(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|item| item["slug"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn deleting_what_content_refers_to_is_a_409_naming_it_unless_forced() {
    let app = spawn_app().await;
    let token = app.token("write");
    let post_path = format!("/v1/posts/{POST_SLUG}");

    // A tag on the post and its 4 FAQ entries.
    let detail = refused(
        &delete(&app, &token, "/v1/tags/massage-therapy").await,
        "/v1/tags/massage-therapy",
        &["1 post", POST_SLUG, "4 FAQ entries", "how-often-massage-for-back-pain", "force=true"],
    );
    assert!(detail.starts_with("The tag 'massage-therapy' "), "{detail}");
    assert!(slugs(&app.get_ok(&post_path).await["data"]["tags"]).contains(&"massage-therapy".to_string()));
    app.get_ok("/v1/tags/massage-therapy").await;
    let forced = delete(&app, &token, "/v1/tags/massage-therapy?force=true").await;
    assert_eq!(forced.status.as_u16(), 204, "{}", String::from_utf8_lossy(&forced.body));
    app.get_problem("/v1/tags/massage-therapy", 404).await;
    assert!(!slugs(&app.get_ok(&post_path).await["data"]["tags"]).contains(&"massage-therapy".to_string()));
    let faq = app.get_ok("/v1/faqs/how-often-massage-for-back-pain").await;
    assert!(!slugs(&faq["data"]["tags"]).contains(&"massage-therapy".to_string()), "{faq}");

    // A citation backing a claim in the post.
    refused(
        &delete(&app, &token, "/v1/citations/nhs-2024-back-pain").await,
        "/v1/citations/nhs-2024-back-pain",
        &["1 post", POST_SLUG],
    );
    let forced = delete(&app, &token, "/v1/citations/nhs-2024-back-pain?force=true").await;
    assert_eq!(forced.status.as_u16(), 204, "{}", String::from_utf8_lossy(&forced.body));
    let citations = &app.get_ok(&post_path).await["data"]["citations"];
    assert_eq!(citations.as_array().unwrap().len(), 2, "{citations}");
    assert!(!citations.to_string().contains("nhs-2024-back-pain"));

    // A category with conditions: force cannot make conditions go without a category.
    let path = "/v1/condition-categories/strong-responders";
    refused(&delete(&app, &token, path).await, path, &["conditions", "1 post", POST_SLUG]);
    let forced = delete(&app, &token, &format!("{path}?force=true")).await;
    let detail = refused(&forced, path, &["conditions", "move them to another category or delete them"]);
    assert!(!detail.contains("force=true"), "{detail}");
    app.get_ok(path).await;

    // A category only posts refer to is detached from them.
    let created = app
        .write(
            Method::POST,
            "/v1/condition-categories",
            &token,
            &json!({"slug": "unstudied", "name": "Unstudied", "description": "Not studied yet.", "response_level": "moderate"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", String::from_utf8_lossy(&created.body));
    let patched = app
        .write(Method::PATCH, &post_path, &token, &json!({"condition_categories": ["strong-responders", "unstudied"]}))
        .await;
    assert_eq!(patched.status.as_u16(), 200, "{}", String::from_utf8_lossy(&patched.body));
    let path = "/v1/condition-categories/unstudied";
    refused(&delete(&app, &token, path).await, path, &["1 post", POST_SLUG]);
    assert_eq!(delete(&app, &token, &format!("{path}?force=true")).await.status.as_u16(), 204);
    assert_eq!(slugs(&app.get_ok(&post_path).await["data"]["condition_categories"]), ["strong-responders"]);

    // What nothing refers to goes without force; `force` is true or false, nothing else.
    let created = app
        .write(Method::POST, "/v1/tags", &token, &json!({"slug": "posture", "name": "Posture", "description": null}))
        .await;
    assert_eq!(created.status.as_u16(), 201);
    for bad in ["/v1/tags/posture?force=yes", "/v1/tags/posture?forced=true", "/v1/tags/posture?force=true&force=true"]
    {
        assert_problem(&delete(&app, &token, bad).await, 400, bad);
    }
    assert_eq!(delete(&app, &token, "/v1/tags/posture?force=false").await.status.as_u16(), 204);
}

#[actix_web::test]
async fn a_refused_delete_names_the_first_referrers_and_counts_the_rest() {
    let app = spawn_app().await;
    let token = app.token("write");
    let created = app
        .write(Method::POST, "/v1/tags", &token, &json!({"slug": "posture", "name": "Posture", "description": null}))
        .await;
    assert_eq!(created.status.as_u16(), 201);
    for n in 1..=7 {
        let body = json!({"slug": format!("posture-{n}"), "title": "Posture", "tags": ["posture"],
            "sections": [{"heading": null, "markdown": "Sit up."}]});
        let response = app.write(Method::POST, "/v1/posts", &token, &body).await;
        assert_eq!(response.status.as_u16(), 201, "{}", String::from_utf8_lossy(&response.body));
    }
    // Drafts count too: deleting would change them as well.
    let detail = refused(
        &delete(&app, &token, "/v1/tags/posture").await,
        "/v1/tags/posture",
        &["7 posts", "posture-1, posture-2, posture-3, posture-4, posture-5 and 2 more"],
    );
    assert!(!detail.contains("posture-6"), "{detail}");
}

/// A tag counts the FAQ entries the reader may see: published or due, and only while their
/// post (if any) is public; with a token, every entry.
#[actix_web::test]
async fn a_tags_faq_count_counts_what_the_reader_may_see() {
    use actix_web::http::Method;
    use serde_json::json;
    let app = spawn_app().await;
    let write = app.token("write");
    let created = |slug: &str, status: &str| json!({"slug": slug, "title": slug, "status": status, "tags": ["posture"], "sections": [{"markdown": "Text."}]});
    let faq = |slug: &str, post: Option<&str>, status: &str, published_at: Option<&str>| {
        json!({"slug": slug, "post": post, "question": "Why?", "answer": "Because.", "tags": ["posture"],
               "status": status, "published_at": published_at})
    };
    assert_eq!(
        app.write(Method::POST, "/v1/tags", &write, &json!({"slug": "posture", "name": "Posture"})).await.status,
        201
    );
    for (slug, status) in [("public-post", "published"), ("draft-post", "draft")] {
        assert_eq!(app.write(Method::POST, "/v1/posts", &write, &created(slug, status)).await.status, 201);
    }
    for entry in [
        faq("standalone", None, "published", None),
        faq("on-a-public-post", Some("public-post"), "published", None),
        faq("on-a-draft-post", Some("draft-post"), "published", None),
        faq("a-draft", None, "draft", None),
        faq("not-yet", None, "scheduled", Some("2999-01-01T00:00:00Z")),
        faq("due", None, "scheduled", Some("2020-01-01T00:00:00Z")),
    ] {
        let response = app.write(Method::POST, "/v1/faqs", &write, &entry).await;
        assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
    }
    let public = app.get_ok("/v1/tags/posture").await["data"].clone();
    assert_eq!((public["post_count"].as_i64(), public["faq_count"].as_i64()), (Some(1), Some(3)));
    let listed = app.get_ok("/v1/tags?per_page=100").await["data"].clone();
    let posture = listed.as_array().unwrap().iter().find(|t| t["slug"] == "posture").unwrap();
    assert_eq!(posture["faq_count"], 3, "the list counts the same");
    let faqs = app.get_ok("/v1/faqs?filter%5Btag%5D=posture").await;
    assert_eq!(faqs["meta"]["pagination"]["total"], 3, "as many as the tag's FAQ list holds");
    let previewed = app.get_as("/v1/tags/posture", &write).await.json()["data"].clone();
    assert_eq!((previewed["post_count"].as_i64(), previewed["faq_count"].as_i64()), (Some(2), Some(6)));
}
