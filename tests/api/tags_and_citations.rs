use crate::helpers::{spawn_app, POST_SLUG};

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
