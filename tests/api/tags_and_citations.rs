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
